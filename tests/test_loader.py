"""Procedure files: every shipped file loads; every kind of mistake is named with file, line and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from teller.errors import ProcedureError
from teller.procedures.loader import load_file, load_folder, parse
from teller.operations import fields_of

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "scripts_yaml").glob("*.yaml"))
IDS = [p.stem for p in SHIPPED]


def line_of(text: str, needle: str) -> int:
    """1-based line number of the first line containing `needle`."""
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in text")


def problems_of(text: str, path: Path) -> list:
    with pytest.raises(ProcedureError) as exc:
        parse(text, path)
    problems = exc.value.problems
    assert problems, "a ProcedureError must carry at least one problem"
    for p in problems:
        assert p.path == str(path)
    return problems


def write_bad(tmp_path: Path, src: Path, text: str) -> Path:
    out = tmp_path / src.name
    out.write_text(text, encoding="utf-8")
    return out


def one(problems, field: str):
    hits = [p for p in problems if p.field == field]
    assert hits, f"no problem for {field!r} in {problems}"
    return hits[0]


# ---- the shipped files -------------------------------------------------------------------------------


def test_there_are_shipped_procedures():
    assert {"payment", "open_account", "replace_sim"} <= set(IDS)


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_every_shipped_file_loads(path):
    loaded = load_file(path)
    proc = loaded.procedure
    assert proc.id == path.stem
    assert loaded.path == path
    assert len(loaded.digest) == 64
    assert proc.steps and proc.time_limit_s > 0
    if proc.effect:
        fields = {s.input.field for s in proc.steps if s.input}
        for name in proc.effect_names:
            assert fields_of(name) <= fields
        assert [s.kind for s in proc.steps].count("commit") == 1


def test_shipped_fee_amounts_are_fen():
    fees = {f.code: f.amount for f in load_file(REPO / "scripts_yaml" / "open_account.yaml").procedure.fees}
    assert fees == {"card_fee": 1500, "prepay": None}


def test_digest_changes_with_the_text():
    path = REPO / "scripts_yaml" / "payment.yaml"
    text = path.read_text(encoding="utf-8")
    assert parse(text, path).digest != parse(text + "\n# comment\n", path).digest


# ---- malformed copies of each shipped file ------------------------------------------------------------


def _required_field(path: Path) -> tuple[int, str, str]:
    """A step and a field it cannot do without: a gate's `stop`, else a say step's `say`."""
    proc = load_file(path).procedure
    for want, attr in (("gate", "stop"), ("say", "say")):
        for i, step in enumerate(proc.steps):
            if step.kind == want:
                return i, step.id, attr
    raise AssertionError(f"{path.name} has neither a gate nor a say step to spoil")


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_step_missing_a_required_field(tmp_path, path):
    i, step_id, attr = _required_field(path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    step_line = line_of(text, f"- id: {step_id}")
    field_line = next(n for n in range(step_line, len(lines)) if lines[n].strip().startswith(f"{attr}:"))
    del lines[field_line]
    bad = write_bad(tmp_path, path, "\n".join(lines) + "\n")
    with pytest.raises(ProcedureError) as exc:
        load_file(bad)
    p = one(exc.value.problems, f"steps[{i}]")
    assert p.path == str(bad)
    assert p.line == step_line
    assert attr in p.message
    assert f"{bad}:{step_line}: steps[{i}]" in str(exc.value)


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_unknown_key_in_a_step(tmp_path, path):
    text = path.read_text(encoding="utf-8")
    proc = load_file(path).procedure
    target = proc.steps[2].id
    anchor = f"  - id: {target}\n"
    assert anchor in text
    bad_text = text.replace(anchor, anchor + "    colour: red\n", 1)
    bad = write_bad(tmp_path, path, bad_text)
    with pytest.raises(ProcedureError) as exc:
        load_file(bad)
    p = one(exc.value.problems, "steps[2].colour")
    assert p.line == line_of(bad_text, "colour: red")
    assert p.message == "unknown key"


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_unknown_key_at_the_top(tmp_path, path):
    text = path.read_text(encoding="utf-8")
    bad_text = text.replace("\nsteps:\n", "\nauthor: someone\nsteps:\n", 1)
    problems = problems_of(bad_text, path)
    p = one(problems, "author")
    assert p.line == line_of(bad_text, "author: someone")


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_unknown_placeholder_in_a_say(path):
    text = path.read_text(encoding="utf-8")
    proc = load_file(path).procedure
    # the last step's spoken line, whatever it says
    last = len(proc.steps) - 1
    zh = proc.steps[last].say.zh
    start = line_of(text, f"- id: {proc.steps[last].id}")
    lines = text.splitlines()
    n = next(k for k in range(start - 1, len(lines)) if zh[:10] in lines[k])
    lines[n] = lines[n].replace(zh[:10], "{no_such_field}" + zh[:10], 1)
    bad_text = "\n".join(lines) + "\n"
    problems = problems_of(bad_text, path)
    p = one(problems, f"steps[{last}].say.zh")
    assert p.line == line_of(bad_text, "{no_such_field}")
    assert "{no_such_field}" in p.message


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
@pytest.mark.parametrize("amount, word", [('"15.001"', "15.001"), ("15.5", "quoted")])
def test_bad_fee_amount(tmp_path, path, amount, word):
    """The first fee's amount made bad; a file without fees gets one bad fee added."""
    text = path.read_text(encoding="utf-8")
    proc = load_file(path).procedure
    lines = text.splitlines()
    if proc.fees:
        i, fee = 0, proc.fees[0]
        fee_line = line_of(text, f"code: {fee.code}")
        old = re.search(r'amount: "[0-9.]+"|input: true|price_of: [a-z_]+', lines[fee_line - 1]).group(0)
        lines[fee_line - 1] = lines[fee_line - 1].replace(old, f"amount: {amount}")
    else:
        i, at = 0, lines.index("steps:")
        lines[at:at] = ["fees:", f"  - {{code: extra_fee, label: {{zh: 手续费}}, amount: {amount}}}"]
        fee_line = at + 2
    bad = write_bad(tmp_path, path, "\n".join(lines) + "\n")
    with pytest.raises(ProcedureError) as exc:
        load_file(bad)
    p = one(exc.value.problems, f"fees[{i}].amount")
    assert p.path == str(bad)
    assert p.line == fee_line
    assert word in p.message


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_duplicate_step_id(path):
    text = path.read_text(encoding="utf-8")
    proc = load_file(path).procedure
    first, second = proc.steps[0].id, proc.steps[2].id
    bad_text = text.replace(f"  - id: {second}\n", f"  - id: {first}\n", 1)
    problems = problems_of(bad_text, path)
    p = one(problems, "steps[2].id")
    assert "duplicate" in p.message and first in p.message
    assert p.line == _nth_line(bad_text, f"  - id: {first}", 2)


def _nth_line(text: str, needle: str, nth: int) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def test_goto_to_a_missing_step():
    path = REPO / "scripts_yaml" / "payment.yaml"
    text = path.read_text(encoding="utf-8")
    bad_text = text.replace("    goto: amount\n", "    goto: nowhere\n")
    problems = problems_of(bad_text, path)
    proc = load_file(path).procedure
    i = next(k for k, s in enumerate(proc.steps) if s.goto == "amount")
    p = one(problems, f"steps[{i}].goto")
    assert "nowhere" in p.message
    assert p.line == line_of(bad_text, "goto: nowhere")


def test_choice_goto_to_a_missing_step():
    path = REPO / "scripts_yaml" / "payment.yaml"
    text = path.read_text(encoding="utf-8")
    bad_text = text.replace("goto: number}", "goto: numbr}")
    problems = problems_of(bad_text, path)
    p = next(p for p in problems if p.field.endswith(".goto") and "choices" in p.field)
    assert "numbr" in p.message
    assert p.line == line_of(bad_text, "goto: numbr")


def test_unknown_check_and_condition_field():
    path = REPO / "scripts_yaml" / "payment.yaml"
    text = path.read_text(encoding="utf-8")
    bad_text = text.replace("check: holder_name_matches", "check: name_looks_fine").replace(
        "{field: customer.local, equals: false}", "{field: customer.colour, equals: false}")
    problems = problems_of(bad_text, path)
    checks = [p for p in problems if p.field.endswith(".check")]
    conds = [p for p in problems if p.field.endswith(".when.field")]
    assert checks and checks[0].line == line_of(bad_text, "name_looks_fine")
    assert conds and conds[0].line == line_of(bad_text, "customer.colour")


def test_missing_effect_field_is_reported():
    path = REPO / "scripts_yaml" / "payment.yaml"
    text = path.read_text(encoding="utf-8")
    bad_text = text.replace("field: amount, kind: money", "field: sum, kind: money")
    problems = problems_of(bad_text, path)
    assert any(p.field == "effect" and "amount" in p.message for p in problems)


def test_every_problem_is_reported_not_just_the_first():
    path = REPO / "scripts_yaml" / "replace_sim.yaml"
    text = path.read_text(encoding="utf-8")
    bad_text = text.replace("time_limit_s: 300", "time_limit_s: 300\nauthor: x").replace(
        "  - id: warning\n", "  - id: warning\n    colour: red\n")
    fields = {p.field for p in problems_of(bad_text, path)}
    assert "author" in fields and any(f.endswith(".colour") for f in fields)


# ---- YAML itself --------------------------------------------------------------------------------


def test_yaml_syntax_error_names_a_line(tmp_path):
    path = REPO / "scripts_yaml" / "payment.yaml"
    text = path.read_text(encoding="utf-8")
    bad_text = text.replace("version: 1\n", "version: 1\nbroken: a: b\n", 1)
    bad = write_bad(tmp_path, path, bad_text)
    with pytest.raises(ProcedureError) as exc:
        load_file(bad)
    (p,) = exc.value.problems
    assert p.path == str(bad)
    assert p.line == line_of(bad_text, "broken: a: b")
    assert "YAML" in p.message
    assert re.search(rf"{re.escape(str(bad))}:{p.line}:", str(exc.value))


def test_python_tags_are_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = REPO / "scripts_yaml" / "payment.yaml"
    text = path.read_text(encoding="utf-8")
    bad_text = text.replace(
        "version: 1\n",
        f"version: !!python/object/apply:os.system ['touch {marker}']\n", 1)
    problems = problems_of(bad_text, path)
    assert problems[0].line == line_of(bad_text, "python/object")
    assert "constructor" in problems[0].message
    assert not marker.exists()
    plain = text.replace("version: 1\n", "version: !!python/object:collections.OrderedDict {}\n", 1)
    problems_of(plain, path)


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just a string\n"])
def test_not_a_mapping(text):
    problems = problems_of(text, Path("x.yaml"))
    assert "mapping" in problems[0].message


def test_duplicate_yaml_key_is_a_problem():
    path = REPO / "scripts_yaml" / "payment.yaml"
    text = path.read_text(encoding="utf-8")
    bad_text = text.replace(
        '    say: {zh: "请报一下机主姓名，以便核对。"',
        '    say: {zh: "请报姓名。"}\n    say: {zh: "请报一下机主姓名，以便核对。"', 1)
    problems_of(bad_text, path)


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ProcedureError) as exc:
        load_file(missing)
    (p,) = exc.value.problems
    assert p.path == str(missing)
    assert "not found" in p.message


def test_not_utf8(tmp_path):
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("id: x\ntitle: {zh: 缴费}\n".encode("gbk"))
    with pytest.raises(ProcedureError) as exc:
        load_file(bad)
    assert "UTF-8" in exc.value.problems[0].message


# ---- a folder -------------------------------------------------------------------------------------


def test_load_folder_keeps_good_files_and_reports_bad_ones(tmp_path):
    folder = tmp_path / "scripts_yaml"
    shutil.copytree(REPO / "scripts_yaml", folder)
    pay = (folder / "payment.yaml").read_text(encoding="utf-8")
    (folder / "broken.yaml").write_text(pay.replace("id: payment", "id: broken").replace(
        "    stop: out_of_province\n", ""), encoding="utf-8")
    (folder / "again.yml").write_text(pay, encoding="utf-8")  # same id as payment.yaml
    (folder / "notes.txt").write_text("not a procedure", encoding="utf-8")
    good, problems = load_folder(folder)
    assert sorted(p.id for p in good) == sorted(IDS)
    by_file = {Path(p.path).name for p in problems}
    assert by_file == {"broken.yaml", "again.yml"}
    dup = next(p for p in problems if Path(p.path).name == "again.yml")
    assert "payment" in dup.message
    broken = next(p for p in problems if Path(p.path).name == "broken.yaml")
    assert broken.line and "stop" in broken.message


def test_load_folder_empty(tmp_path):
    assert load_folder(tmp_path) == ([], [])
