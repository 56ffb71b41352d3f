"""Hostile or huge YAML files are refused fast, each with its file (and line), and never keep
the good procedures (or the log-in) from loading; libyaml and the pure-Python parser agree."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest
import yaml

from teller import safe_yaml
from teller.errors import ProcedureError
from teller.printing.layouts import LayoutError, load_layout
from teller.procedures import loader
from teller.procedures.loader import load_file, load_folder
from teller.procedures.schema import Procedure

REPO = Path(__file__).resolve().parents[1]
PROCEDURES = sorted((REPO / "scripts_yaml").glob("*.yaml"))
LAYOUTS = sorted((REPO / "receipts").glob("*.yaml"))
PAYMENT = (REPO / "scripts_yaml" / "payment.yaml").read_text(encoding="utf-8")
FAST_S = 1.0  # generous: each of these is refused in a few milliseconds


def refused(tmp_path: Path, text: str | bytes, name: str = "hostile.yaml"):
    """Load `text` as a procedure file: (the single problem, seconds taken); it must be refused."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    started = time.perf_counter()
    with pytest.raises(ProcedureError) as exc:
        load_file(path)
    took = time.perf_counter() - started
    problems = exc.value.problems
    assert problems
    for p in problems:
        assert p.path == str(path) and str(p).startswith(str(path))
    return problems[0], took


def line_of(text: str, needle: str) -> int:
    """1-based line of `needle`, lines counted by "\\n" as an editor and `grep -n` count them."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


# ---- one test per hostile class -------------------------------------------------------------------
@pytest.mark.parametrize("bomb", ["loop: &r [*r]\n", "loop: &r {self: *r}\n", "a: &r [1, [2, [3, *r]]]\n"])
def test_recursive_alias_is_refused_with_its_line(tmp_path, bomb):
    text = PAYMENT.replace("version: 1\n", "version: 1\n" + bomb, 1)
    problem, took = refused(tmp_path, text)
    assert problem.line == line_of(text, "&r")
    assert "anchors" in problem.message and "&r" in problem.message
    assert took < FAST_S


def billion_laughs(levels: int = 10) -> str:
    out = ['lol0: &l0 "lol"']
    out += [f"lol{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(out) + "\n"


def test_billion_laughs_is_refused_fast(tmp_path):
    text = "id: laughs\n" + billion_laughs(10) + PAYMENT.split("\n", 1)[1]  # 9^9 strings if expanded
    problem, took = refused(tmp_path, text)
    assert problem.line == 2  # the first anchor, before any expansion
    assert "anchors" in problem.message
    assert took < FAST_S


def test_an_alias_alone_is_refused_too(tmp_path):
    # an anchor can sit in another document's eyes; an alias never resolves without one
    text = PAYMENT.replace("version: 1\n", "version: 1\nagain: *nothing\n", 1)
    problem, _ = refused(tmp_path, text)
    assert problem.line == line_of(text, "*nothing")
    assert "YAML" in problem.message


def test_100k_keys_are_refused_fast(tmp_path):
    text = PAYMENT + "".join(f"k{i}: {i}\n" for i in range(100_000))
    problem, took = refused(tmp_path, text)
    assert "too large" in problem.message and f"{safe_yaml.LIMITS.max_bytes:,}" in problem.message
    assert took < FAST_S


def test_too_many_values_within_the_size_limit_are_refused_at_a_line(tmp_path):
    text = "id: many\nlist:\n" + "".join("- 1\n" for _ in range(20_000))  # 80 KB, under the size limit
    assert len(text.encode()) < safe_yaml.LIMITS.max_bytes
    problem, took = refused(tmp_path, text)
    assert "too many values" in problem.message
    # lines 1-2 hold five values (the file's mapping, id, many, list, the list); item k is value 5 + k, on line 2 + k
    assert problem.line == 2 + (safe_yaml.LIMITS.max_nodes + 1 - 5)
    assert took < FAST_S


def test_many_unknown_keys_report_a_bounded_list_and_stay_fast(tmp_path):
    text = PAYMENT + "".join(f"k{i}: {i}\n" for i in range(4_000))
    path = tmp_path / "keys.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ProcedureError) as exc:
        load_file(path)
    assert time.perf_counter() - started < FAST_S
    problems = exc.value.problems
    assert len(problems) == loader.MAX_PROBLEMS + 1
    assert problems[0].field == "k0" and problems[0].line == line_of(text, "k0: 0")
    assert "3950 more problems" in problems[-1].message


def test_line_lookup_is_linear_in_the_number_of_keys():
    """Each mapping is indexed once: 50k lookups in a 50k-key mapping (was one scan per lookup)."""
    n = 50_000
    root = yaml.compose("".join(f"k{i}: {i}\n" for i in range(n)), Loader=yaml.CSafeLoader)
    lines = loader._Lines(root)
    started = time.perf_counter()
    found = [lines((f"k{i}",)) for i in range(n)]
    assert found == list(range(1, n + 1))
    assert time.perf_counter() - started < FAST_S  # the old scan took minutes here


@pytest.mark.parametrize("kind", ["flow", "block"])
@pytest.mark.parametrize("depth", [17, 5_000])
def test_deep_nesting_is_refused_with_its_line(tmp_path, kind, depth):
    if kind == "flow":
        deep = "deep: " + "[" * depth + "]" * depth + "\n"
    else:
        depth = min(depth, 200)  # 5,000 indented levels would be refused for size alone
        deep = "".join("  " * k + f"k{k}:\n" for k in range(depth)) + "  " * depth + "end: 1\n"
    text = PAYMENT + deep
    problem, took = refused(tmp_path, text)
    assert problem.line is not None and problem.line >= line_of(text, "deep:" if kind == "flow" else "k0:")
    assert "nest" in problem.message
    assert took < FAST_S


def test_oversize_file_is_refused_before_it_is_read(tmp_path):
    text = PAYMENT + "# " + "x" * (safe_yaml.LIMITS.max_bytes + 10) + "\n"
    problem, took = refused(tmp_path, text)
    assert problem.line is None and "too large" in problem.message
    assert took < FAST_S


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pipe_named_like_a_procedure_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")  # opening it for reading would wait for a writer forever
    started = time.perf_counter()
    with pytest.raises(ProcedureError) as exc:
        load_file(tmp_path / "pipe.yaml")
    assert time.perf_counter() - started < FAST_S
    assert "not a regular file" in str(exc.value) and str(tmp_path / "pipe.yaml") in str(exc.value)


def test_too_many_steps_are_refused_at_the_steps_line(tmp_path):
    head, steps = PAYMENT.split("\nsteps:\n", 1)
    extra = "".join(f"  - id: extra{i}\n    kind: say\n    say: {{zh: 好}}\n" for i in range(loader.MAX_STEPS))
    text = head + "\nsteps:\n" + extra + steps
    problem, took = refused(tmp_path, text)
    assert problem.field == "steps" and problem.line == line_of(text, "steps:")
    assert f"limit is {loader.MAX_STEPS}" in problem.message
    assert took < FAST_S


@pytest.mark.parametrize("value, words", [("2026-02-30", "day is out of range"), ("9" * 5000, "cannot be read")])
def test_a_value_yaml_cannot_build_is_refused_at_its_line(tmp_path, value, words):
    text = PAYMENT.replace("version: 1\n", f"version: 1\nwhen_made: {value}\n", 1)
    problem, _ = refused(tmp_path, text)
    assert problem.line == line_of(text, "when_made")
    assert words in problem.message


def test_a_line_separator_does_not_shift_the_reported_line(tmp_path):
    # YAML breaks lines at U+2028 too; the writer's editor and `grep -n` do not
    text = PAYMENT.replace("version: 1\n", "version: 1\nnote: 'a\u2028b\x85c'\n", 1).replace("order:", "order: [", 1)
    problem, _ = refused(tmp_path, text)
    assert problem.line in (line_of(text, "order:"), line_of(text, "order:") + 1)  # YAML's own count is 2 more


# ---- a bad file never keeps the good ones from loading ----------------------------------------------
HOSTILE = {
    "recursive.yaml": "loop: &r [*r]\n",
    "laughs.yaml": billion_laughs(12),
    "keys.yaml": "".join(f"k{i}: {i}\n" for i in range(100_000)),
    "deep.yaml": "a: " + "[" * 50_000 + "]" * 50_000 + "\n",
    "big.yaml": "# " + "x" * 2_000_000 + "\n",
    "steps.yaml": "id: many\nsteps:\n" + "".join(f"  - id: s{i}\n    kind: say\n" for i in range(500)),
    "binary.yaml": bytes(range(256)) * 10,
}


def test_hostile_files_are_skipped_and_every_good_procedure_loads(tmp_path):
    folder = tmp_path / "scripts_yaml"
    shutil.copytree(REPO / "scripts_yaml", folder)
    for name, text in HOSTILE.items():
        (folder / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    started = time.perf_counter()
    good, problems = load_folder(folder)
    assert time.perf_counter() - started < 3.0  # the console loads this before the log-in takes a PIN
    assert sorted(p.id for p in good) == sorted(p.stem for p in PROCEDURES)
    assert {Path(p.path).name for p in problems} == set(HOSTILE)
    assert not any("unexpected" in p.message for p in problems)


def test_the_folder_itself_is_bounded(tmp_path, monkeypatch):
    folder = tmp_path / "scripts_yaml"
    shutil.copytree(REPO / "scripts_yaml", folder)
    monkeypatch.setattr(loader, "MAX_FILES", 10)
    good, problems = load_folder(folder)
    assert len(good) == 10
    skipped = [p for p in problems if "more than 10 procedure files" in p.message]
    assert len(skipped) == len(PROCEDURES) - 10 and all(p.path.endswith(".yaml") for p in skipped)
    monkeypatch.setattr(loader, "MAX_FILES", 200)
    monkeypatch.setattr(loader, "MAX_FOLDER_BYTES", 20_000)
    good, problems = load_folder(folder)
    assert 0 < len(good) < len(PROCEDURES)
    assert all("exceed 20,000 bytes" in p.message for p in problems)


# ---- receipt layouts get the same protection ------------------------------------------------------
@pytest.mark.parametrize("name, extra, words", [
    ("alias", "x: &a [*a]\n", "anchors"),
    ("laughs", billion_laughs(12), "anchors"),
    ("deep", "x: " + "[" * 40 + "]" * 40 + "\n", "nested too deep"),
    ("big", "# " + "x" * 200_000 + "\n", "too large"),
])
def test_hostile_layouts_are_refused_with_the_file(tmp_path, name, extra, words):
    text = (REPO / "receipts" / "invoice.yaml").read_text(encoding="utf-8")
    (tmp_path / "invoice.yaml").write_text(extra + text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(LayoutError) as exc:
        load_layout.__wrapped__(str(tmp_path), "invoice")
    assert time.perf_counter() - started < FAST_S
    message = str(exc.value)
    assert message.startswith(str(tmp_path / "invoice.yaml"))
    assert words in message
    if name != "big":
        assert message.startswith(f"{tmp_path / 'invoice.yaml'}:1:")


def test_a_layout_block_error_names_its_line(tmp_path):
    text = (REPO / "receipts" / "invoice.yaml").read_text(encoding="utf-8")
    bad = text.replace("blocks:\n", "blocks:\n  - {text: x, if: [not, a, name]}\n", 1)
    (tmp_path / "invoice.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(LayoutError) as exc:
        load_layout.__wrapped__(str(tmp_path), "invoice")
    assert str(exc.value).startswith(f"{tmp_path / 'invoice.yaml'}:{line_of(bad, 'not, a, name')}: blocks[0]: if:")


# ---- libyaml and the pure-Python parser give the same answer -----------------------------------------
def test_the_parser_choice_is_explicit():
    assert safe_yaml.PARSER in safe_yaml.PARSERS
    assert safe_yaml.PARSER == ("libyaml" if yaml.__with_libyaml__ else "python")


@pytest.mark.parametrize("path", PROCEDURES + LAYOUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_both_parsers_read_every_shipped_file_alike(path):
    text = path.read_text(encoding="utf-8")
    by_parser = {name: safe_yaml.parse(text, parser=name) for name in safe_yaml.PARSERS}
    assert set(by_parser) == {"libyaml", "python"}  # both really ran
    (c_root, c_data), (py_root, py_data) = by_parser["libyaml"], by_parser["python"]
    assert c_data == py_data
    assert yaml.load(text, Loader=yaml.SafeLoader) == yaml.load(text, Loader=yaml.CSafeLoader) == c_data
    if path.parent.name == "scripts_yaml":
        assert Procedure.model_validate(c_data) == Procedure.model_validate(py_data)
        assert list(loader._duplicate_keys(c_root)) == list(loader._duplicate_keys(py_root)) == []


@pytest.mark.parametrize("text", ["a: [1\n", "a: b: c\n", "a:\n\tb: 1\n", "a: &x 1\n", "a: 2026-02-30\n", "a: \x00\n"])
def test_both_parsers_refuse_alike_at_the_same_line(text):
    lines = set()
    for name in safe_yaml.PARSERS:
        with pytest.raises(safe_yaml.YamlRefused) as exc:
            safe_yaml.parse(text, parser=name)
        lines.add(exc.value.line)
    assert len(lines) == 1


# ---- the fuzz campaign, small size --------------------------------------------------------------------
def test_loader_fuzz_campaign_small():
    sys.path.insert(0, str(REPO))
    from tests.campaigns.loader_fuzz import campaign

    started = time.perf_counter()
    tally = campaign(runs=300, seed=1)
    assert time.perf_counter() - started < 20
    assert tally.runs == 300
    assert tally.failures == 0, "\n".join(tally.notes)
    assert tally.lost == 0
    assert tally.refused > 0 and tally.loaded > 0  # the mutations both break files and leave some loadable


# ---- the console: hostile files in scripts_yaml/ never hold the log-in ------------------------------
async def test_log_in_is_not_held_by_hostile_procedure_files(home):
    from teller.strings import t
    from tests.test_ui import login, make_app, text_of

    for name, text in HOSTILE.items():
        (home / "scripts_yaml" / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    app = make_app(home)
    async with app.run_test() as pilot:
        started = time.perf_counter()
        desk = app.wait_for_desk(timeout=30)
        assert desk is not None and time.perf_counter() - started < 10  # nine minutes before (billion laughs)
        await login(app, pilot)
        assert sorted(desk.procedures) == sorted(p.stem for p in PROCEDURES), desk.problems
        assert {Path(p.path).name for p in desk.problems} == set(HOSTILE)
        assert t("home.broken", n=len(HOSTILE)) in text_of(app, "#home-note")
