"""Tests as data: every case of every shipped procedure (scripts_yaml/cases/*.yaml) runs here,
on its own copy of the demo data, as `teller-admin procedures test` runs it; every shipped
procedure has cases, and they reach every gate. Then the runner itself: a case that does not
hold says why, a bad case file is named with file:line, and the simulate/test commands."""

from __future__ import annotations

from tests.support.homes import copy_sources  # noqa: E402

from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller.errors import ProcedureError
from teller.procedures.cases import CaseFile, cases_path, parse_cases, read_cases
from teller.procedures.loader import load_file
from teller.simulation import run_case, sibling_procedures

REPO = Path(__file__).resolve().parents[1]
FOLDER = REPO / "scripts_yaml"
LAYOUTS = REPO / "receipts"
PROCEDURES = sorted(FOLDER.glob("*.yaml"))
CASE_FILES = sorted((FOLDER / "cases").glob("*.yaml"))
ALL = [(path, i, case) for path in CASE_FILES for i, case in enumerate(read_cases(path).cases)]
runner = CliRunner()

#: where each stop case stopped (filled by the parametrised test, completed by the coverage test)
STOPPED_AT: dict[tuple[str, int], str] = {}


def run(path: Path, index: int, template: Path):
    file = read_cases(path)
    loaded = load_file(FOLDER / f"{file.procedure}.yaml")
    return run_case(loaded, file, file.cases[index], layouts_dir=LAYOUTS, template=template, others=sibling_procedures(FOLDER))


@pytest.mark.parametrize("path,index,case", ALL, ids=[f"{p.stem}-{i}" for p, i, _ in ALL])
def test_shipped_case(path, index, case, seeded_db):
    result = run(path, index, seeded_db)
    assert result.ok, f"{path.name}: {case.name}:\n  " + "\n  ".join(result.failures)
    if case.expect.stop:
        STOPPED_AT[(path.stem, index)] = result.walk.stop_step


def test_every_shipped_procedure_has_cases_naming_it():
    assert [p.stem for p in PROCEDURES] == [p.stem for p in CASE_FILES]
    for path in CASE_FILES:
        assert read_cases(path).procedure == path.stem
    assert len(ALL) >= 60


def test_the_cases_reach_every_gate_and_every_stop(seeded_db):
    """Each gate (and each choice that stops) of each shipped procedure is where some case stops."""
    for path, index, case in ALL:
        if case.expect.stop and (path.stem, index) not in STOPPED_AT:
            STOPPED_AT[(path.stem, index)] = run(path, index, seeded_db).walk.stop_step
    missing = []
    for proc_path in PROCEDURES:
        proc = load_file(proc_path).procedure
        stops = {s.id for s in proc.steps if s.kind == "gate"}
        stops |= {s.id for s in proc.steps if s.input and any(c.stop for c in s.input.choices or [])}
        reached = {step for (stem, _), step in STOPPED_AT.items() if stem == proc.id}
        missing += [f"{proc.id}: {gate}" for gate in sorted(stops - reached)]
    assert missing == []


def test_the_cases_commit_on_every_procedure_with_an_effect():
    for path in CASE_FILES:
        file = read_cases(path)
        finishing = [c for c in file.cases if not c.expect.stop and not c.expect.refused]
        assert finishing, f"{path.name} has no case on the main path"


# ---- a case that does not hold says why -----------------------------------------------------------------


def case_file(text: str) -> CaseFile:
    return parse_cases(text, "cases/payment.yaml")


def outcome(text: str, template: Path):
    file = case_file(text)
    loaded = load_file(FOLDER / "payment.yaml")
    return run_case(loaded, file, file.cases[0], layouts_dir=LAYOUTS, template=template)


PAY = """\
procedure: payment
cases:
  - name: pays
    number: "13800138000"
    answers: {holder_name: 王小明, amount: "10", tendered: "20", another: "no"}
    expect: EXPECT
"""


@pytest.mark.parametrize("expect,words", [
    ('{total: "12.00"}', ["total: expected ￥12.00, got ￥10.00"]),
    ('{change: "0.00"}', ["change: expected ￥0.00, got ￥10.00"]),
    ('{stop: out_of_province}', ["expected the stop 'out_of_province', got the visit finished (01-20261123-0001)"]),
    ('{refused: amount}', ["expected a refusal at step 'amount', got the visit finished"]),
    ('{changes: ["customer 13800138000: balance_fen 3520 → 4000"]}', ["change not made", "closest: 'customer 13800138000: balance_fen 3520 → 4520'"]),
    ('{unchanged: true}', ["expected no change to the demo data, got: customer 13800138000: balance_fen 3520 → 4520"]),
    ('{papers: {invoice: [￥99.00]}}', ["paper 'invoice' does not print '￥99.00'"]),
    ('{papers: {slip: [缴费]}}', ["paper 'slip' not printed (printed: invoice)"]),
    ('{said: [再见]}', ["never said: '再见'"]),
])
def test_an_expectation_that_does_not_hold_says_why(seeded_db, expect, words):
    result = outcome(PAY.replace("EXPECT", expect), seeded_db)
    assert not result.ok
    text = "\n".join(result.failures)
    for word in words:
        assert word in text


def test_an_answer_for_no_field_says_what_was_meant(seeded_db):
    result = outcome(PAY.replace("another: \"no\"}", "another: \"no\", amont: \"5\"}").replace("EXPECT", "{total: \"10.00\"}"), seeded_db)
    assert "answer for `amont`, which no input step has (did you mean `amount`?)" in result.failures


def test_an_answer_missing_names_the_field_and_step(seeded_db):
    result = outcome(PAY.replace(', tendered: "20"', "").replace("EXPECT", "{total: \"10.00\"}"), seeded_db)
    assert "expected the visit to finish, got no answer for `tendered` at step 'cash'" in result.failures


def test_an_answer_never_asked_on_the_path(seeded_db):
    text = PAY.replace('another: "no"}', 'another: "no", id_number: "110105198001011238"}').replace("EXPECT", "{total: \"10.00\"}")
    file = case_file(text)
    loaded = load_file(FOLDER / "replace_sim.yaml")
    result = run_case(loaded, file, file.cases[0], layouts_dir=LAYOUTS, template=seeded_db)
    assert any("answers never asked on this path: another, holder_name" in f or "which no input step has" in f for f in result.failures)


def test_a_given_visit_that_does_not_commit_fails_the_case(seeded_db):
    text = PAY.replace("  - name: pays\n", "  - name: pays\n    given: [{number: \"18800003333\"}]\n").replace("EXPECT", "{total: \"10.00\"}")
    result = outcome(text, seeded_db)
    assert result.failures == ["given[1] (payment) did not commit: the stop 'out_of_province' at step 'out_of_province'"]


# ---- a bad case file is named like a procedure file -----------------------------------------------------


@pytest.mark.parametrize("text,where,words", [
    (PAY.replace("EXPECT", "{totl: \"10.00\"}"), "cases[0].expect.totl", "unknown key (did you mean `total`?)"),
    (PAY.replace("EXPECT", "{stop: x, total: \"1.00\"}"), "cases[0].expect", "a stopped or refused case commits nothing"),
    (PAY.replace('another: "no"', "another: no").replace("EXPECT", "{}"), "cases[0].answers.another", "`no` is read as false: quote it (\"no\")"),
    (PAY.replace("EXPECT", "{total: 10.001}"), "cases[0].expect.total", "write amounts as quoted yuan strings"),
    (PAY.replace("    number:", "    at: tomorrow\n    number:").replace("EXPECT", "{}"), "cases[0].at", "`at` is YYYY-MM-DD HH:MM"),
    ("procedure: payment\ncases: []\n", "cases", "at least 1 item"),
])
def test_a_bad_case_file_is_named_with_its_line(text, where, words):
    with pytest.raises(ProcedureError) as exc:
        case_file(text)
    problem = next((p for p in exc.value.problems if p.field == where), None)
    assert problem is not None, exc.value.problems
    assert words in problem.message and problem.line


# ---- the commands ----------------------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return copy_sources(tmp_path / "home")


def cli(home: Path, *args: str, **kw):
    from teller.cli.main import app

    return runner.invoke(app, ["--home", str(home), *args], **kw)


def test_procedures_test_runs_one_file_and_says_each_case(home):
    result = cli(home, "procedures", "test", str(home / "scripts_yaml" / "payment.yaml"))
    assert result.exit_code == 0, result.output
    assert "✓ payment: gate out_of_province" in result.stdout and "7 passed, 0 failed" in result.stdout


def test_procedures_test_names_a_failing_case_with_its_line(home):
    path = home / "scripts_yaml" / "cases" / "replace_sim.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('total: "15.00"', 'total: "16.00"'), encoding="utf-8")
    result = cli(home, "procedures", "test", str(path), "-k", "replaces")
    assert result.exit_code == 1
    assert f"✗ replace_sim: 王小明 replaces his SIM, 15 yuan card fee  ({path}:4)" in result.stdout
    assert "total: expected ￥16.00, got ￥15.00" in result.stdout and "0 passed, 1 failed" in result.stdout


def test_procedures_test_lists_procedures_without_cases(home):
    (home / "scripts_yaml" / "cases" / "complaint.yaml").unlink()
    result = cli(home, "procedures", "test", "-k", "gate no_id")
    assert result.exit_code == 0, result.output
    assert "没有案例 / no cases: complaint" in result.stdout


def test_simulate_prints_the_script_gates_fees_changes_and_papers(home):
    result = cli(home, "procedures", "simulate", "payment", "--number", "13912345678", "--at", "2026-11-23 10:00", "--scripted",
                 "-a", "holder_name=李静", "-a", "amount=50", "-a", "tendered=100", "-a", "another=no")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[number] 「早上好！您请坐。请报一下您要缴费的号码。」" in out and "    → 13912345678" in out
    assert "· gate passed: out_of_province (customer.local = false)" in out
    assert "· skipped: account_in_credit (customer.arrears_fen = 0)" in out
    assert "目前已超支30.5元" in out  # the placeholders filled
    assert "customer 13912345678: balance_fen -3050 → 1950" in out and "customer 13912345678: status suspended_arrears → active" in out
    assert "paper: invoice" in out and "￥50.00" in out and "找零" in out
    assert out.rstrip().endswith("= finished")


def test_simulate_stops_at_a_gate_and_names_it(home):
    result = cli(home, "procedures", "simulate", str(home / "scripts_yaml" / "payment.yaml"), "-n", "18800003333", "--scripted")
    assert result.exit_code == 0, result.output
    assert "· gate taken: out_of_province (customer.local = false)" in result.stdout
    assert "= stopped at out_of_province: out_of_province" in result.stdout


def test_simulate_scripted_without_an_answer_exits_1_naming_it(home):
    result = cli(home, "procedures", "simulate", "payment", "-n", "13800138000", "--scripted")
    assert result.exit_code == 1
    assert "= no answer for `holder_name` at step holder_name" in result.stdout


def test_simulate_asks_for_missing_answers_step_by_step(home):
    typed = "13800138000\n张三\n王小明\n10\n10\n1\n"  # a wrong name first: refused, asked again
    result = cli(home, "procedures", "simulate", "payment", "--interactive", "--at", "2026-11-23 10:00", input=typed)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "✗ holder_name:" in out and "1. 没有了  [no]" in out
    assert "committed: 01-20261123-0001" in out and out.rstrip().endswith("= finished")


def test_simulate_never_touches_the_hall_database(home):
    result = cli(home, "procedures", "simulate", "payment", "-n", "13800138000", "--scripted",
                 "-a", "holder_name=王小明", "-a", "amount=10", "-a", "tendered=10", "-a", "another=no")
    assert result.exit_code == 0, result.output
    assert not (home / "db").exists() and not (home / "receipts" / "spool").exists()


@pytest.mark.parametrize("args,words", [
    (["-a", "amount"], "write field=value"),
    (["--at", "tomorrow"], "YYYY-MM-DD HH:MM"),
    (["--waive", "9001"], "STAFF:PIN"),
])
def test_simulate_bad_options_are_one_line(home, args, words):
    result = cli(home, "procedures", "simulate", "payment", "--scripted", *args)
    assert result.exit_code == 2 and words in result.stderr and "Traceback" not in result.output


def test_cases_path_is_beside_the_procedure():
    assert cases_path(FOLDER / "payment.yaml") == FOLDER / "cases" / "payment.yaml"


def test_a_case_file_with_a_duplicate_key_is_refused_like_a_procedure():
    """Case files share the procedures' reading (yaml_problems.parse_mapping): a key written
    twice would silently lose the first value."""
    with pytest.raises(ProcedureError) as caught:
        parse_cases("procedure: payment\nprocedure: payment\ncases: []\n", "cases/payment.yaml")
    problem = caught.value.problems[0]
    assert problem.line == 2 and "duplicate key" in problem.message


def test_a_missing_case_file_names_the_file(tmp_path):
    with pytest.raises(ProcedureError) as caught:
        read_cases(tmp_path / "nope.yaml")
    assert caught.value.problems[0].path.endswith("nope.yaml") and "not found" in caught.value.problems[0].message
