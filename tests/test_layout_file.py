"""Receipt layouts checked like procedures (teller.layout_file): strict, every problem at once with
file:line: field, `teller-admin receipts validate`, and the printer refusing a bad file the same way."""

from __future__ import annotations

from tests.support.homes import copy_sources  # noqa: E402

from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller.layout_file import LayoutProblems, layout_placeholders, parse_layout, read_layout
from teller.printing.layouts import LayoutError, load_layout

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "receipts").glob("*.yaml"))
runner = CliRunner()

BAD = """\
id: bad
title: {zh: 坏, colour: red}
copise: [""]
blocks:
  - {txet: "x"}
  - {text: "{amout}", bold: yes please}
  - wobble
  - {pair: [a]}
  - {center: {zh: 好, en: One, two}}
  - {qr: "{receipt_no}", size: 40}
  - {ruler: 200}
  - {text: "x", if: nothing}
  - {text: "¥5"}
"""


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_layout_is_sound(path):
    spec = read_layout(path)
    assert spec.id == path.stem and spec.blocks[-1] == "cut"


def test_every_problem_of_a_file_at_once_with_line_and_field():
    with pytest.raises(LayoutProblems) as exc:
        parse_layout(BAD, "bad.yaml")
    got = [(p.line, p.field, p.message) for p in exc.value.problems]
    expected = [
        (2, "title.colour", "unknown key"),
        (3, "copise", "unknown key (did you mean `copies`?)"),
        (5, "blocks[0]", "unknown block key 'txet' (did you mean `text`?)"),
        (6, "blocks[1]", "bold: true or false"),
        (6, "blocks[1]", "unknown placeholder {amout}"),
        (7, "blocks[2]", "unknown block 'wobble'"),
        (8, "blocks[3]", "pair needs [label, value]"),
        (9, "blocks[4]", "center: unknown key(s) 'two' in a text"),
        (10, "blocks[5]", "size is for qr blocks: a module size of 1-16 dots"),
        (11, "blocks[6]", "ruler needs a number of columns (1-96)"),
        (12, "blocks[7]", "if: unknown placeholder 'nothing'"),
        (13, "blocks[8]", "characters a Chinese printer cannot print: ¥"),
    ]
    for line, field, words in expected:
        assert any(g[0] == line and g[1] == field and words in g[2] for g in got), (line, field, words, got)
    assert len(got) == len(expected)


@pytest.mark.parametrize("text,where,words", [
    ("title: {zh: 票}\nblocks: [rule]\n", "id", "required field is missing"),
    ("id: x\ntitle: {zh: 票}\nblocks: []\n", "blocks", "at least 1 item"),
    ("id: x\ntitle: {zh: 票}\nblocks: rule\n", "blocks", "a list of blocks"),
    ("- a\n- b\n", "", "a layout is a mapping"),
    ("id: x\ntitle: {zh: 票}\nblocks:\n\t- rule\n", "", "tabs are not allowed in YAML"),
])
def test_a_broken_file_names_what_and_where(text, where, words):
    with pytest.raises(LayoutProblems) as exc:
        parse_layout(text, "x.yaml")
    assert any(p.field == where and words in p.message and p.line for p in exc.value.problems), exc.value.problems


def test_the_printer_refuses_a_bad_layout_with_every_problem(tmp_path):
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    with pytest.raises(LayoutError) as exc:
        load_layout.__wrapped__(str(tmp_path), "bad")
    assert exc.value.message.count("\n") == 11 and f"{tmp_path / 'bad.yaml'}:3: copise" in exc.value.message


def test_placeholders_used_and_whether_guarded():
    used = layout_placeholders(REPO / "receipts" / "slip.yaml")
    assert used["receipt_no"] is False and used["customer_name"] is True and used["tendered"] is True
    assert used["change"] is True  # shown under `if: tendered`


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return copy_sources(tmp_path / "home")


def test_receipts_validate(home):
    from teller.cli.main import app

    ok = runner.invoke(app, ["--home", str(home), "receipts", "validate"])
    assert ok.exit_code == 0 and ok.stdout.strip() == "OK 9 files"
    (home / "receipts" / "bad.yaml").write_text(BAD, encoding="utf-8")
    bad = runner.invoke(app, ["--home", str(home), "receipts", "validate"])
    assert bad.exit_code == 1
    assert f"{home / 'receipts' / 'bad.yaml'}:5: blocks[0]: unknown block key 'txet'" in bad.stderr
    assert "12 problem(s) in 1 of 10 file(s)" in bad.stderr
    one = runner.invoke(app, ["--home", str(home), "receipts", "validate", str(home / "receipts" / "slip.yaml")])
    assert one.exit_code == 0 and "OK 1 files" in one.stdout


def test_a_procedure_printing_a_broken_layout_is_refused_at_load(home):
    from teller.cli.main import app

    path = home / "receipts" / "bill.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - rule\n", "  - rul\n", 1), encoding="utf-8")
    result = runner.invoke(app, ["--home", str(home), "procedures", "validate"])
    assert result.exit_code == 1
    line = next(n for n, text in enumerate((home / "scripts_yaml" / "bill_print.yaml").read_text(encoding="utf-8").splitlines(), 1) if text.startswith("print:"))
    assert f"bill_print.yaml:{line}: print[0]: layout 'bill': " in result.stderr and "unknown block 'rul' (did you mean `rule`?)" in result.stderr
