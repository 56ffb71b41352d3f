"""Practice scenarios, drills, scoring and results without a screen: the shipped scenarios load and
play through the engine as they say; bad files are problems with file:line:field; the journal
counts each kind of mistake at its step; the score explains itself; results are stored; the stage
is reset for every drill; two trainees share one practice PC."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from teller.errors import InputRefused, ProcedureError, TellerError
from teller.practice import scoring
from teller.practice.scenario import load_folder, parse, resolve
from tests.conftest import DAY, REPO, open_desk

SCENARIOS = REPO / "scripts_yaml" / "scenarios"


@pytest.fixture
def procedures():
    from teller.procedures.loader import load_folder as load_procedures

    good, problems = load_procedures(REPO / "scripts_yaml")
    assert problems == []
    return {p.id: p for p in good}


@pytest.fixture
def pdesk(settings, clock):
    """A practice desk with trainee 1001 logged in."""
    d = open_desk(settings.for_practice(), clock)
    yield d
    d.close()


def scenario(procedures, ident: str):
    good, problems = load_folder(SCENARIOS, procedures)
    assert problems == []
    return next(s for s in good if s.id == ident)


# ---- the shipped scenarios ------------------------------------------------------------------------
def test_the_shipped_scenarios_load_and_cover_every_procedure(procedures):
    good, problems = load_folder(SCENARIOS, procedures)
    assert problems == []
    assert len(good) >= 24
    assert {s.scenario.procedure for s in good} == set(procedures)  # all 16
    kinds = {s.scenario.expect.kind for s in good}
    assert kinds == {"committed", "stopped", "declined"}
    traps = {trap for s in good for trap in s.scenario.traps}
    assert {"arrears", "out_of_province", "no_id", "bad_id", "quota", "both_parties", "retention", "lost"} <= traps


def test_every_shipped_scenario_plays_through_the_engine_as_it_expects(procedures):
    from teller.practice.headless import run_all  # on the real clock: {today+N} answers hold on any day

    good, _ = load_folder(SCENARIOS, procedures)
    verdicts = run_all(good, REPO / "scripts_yaml")
    assert [(v.scenario, [str(p) for p in v.problems]) for v in verdicts if not v.ok] == []
    assert all(v.score == 100 for v in verdicts)
    endings = {v.scenario: v.ending for v in verdicts}
    assert endings["payment_arrears"] == "committed" and endings["open_account_bad_id"] == "cancelled"
    assert endings["transfer_one_id_missing"] == "stopped"


# ---- bad input: load errors with file:line:field ------------------------------------------------------
GOOD = """\
id: t1
title: 测试
procedure: payment
brief: 来缴费
customer:
  subscriber: "13800138000"
script:
  - step: number
    answer: "13800138000"
  - step: holder_name
    answer: 王小明
  - step: amount
    answer: "50"
  - step: cash
    answer: "50"
  - step: another
    answer: "no"
expect:
  committed:
    total: "50.00"
    papers: [invoice]
"""


def problems_of(text: str, procedures) -> list[str]:
    with pytest.raises(ProcedureError) as err:
        parse(text, "t1.yaml", procedures)
    return [str(p) for p in err.value.problems]


def test_a_good_file_loads(procedures):
    loaded = parse(GOOD, "t1.yaml", procedures)
    assert loaded.scenario.expect.kind == "committed" and loaded.line_of("amount") == 12 and loaded.line_of() == 19


@pytest.mark.parametrize(
    "change, expected",
    [
        (("procedure: payment", "procedure: paymnet"), "t1.yaml:3: procedure: no procedure 'paymnet'"),
        (("  - step: amount", "  - step: amonut"), "t1.yaml:12: script[2].step: procedure payment has no step 'amonut'"),
        (('    answer: "50"\n  - step: cash', '    answr: "50"\n  - step: cash'), "t1.yaml:13: script[2].answr: unknown key"),
        (('  subscriber: "13800138000"', '  subscriber: "13811110000"'), "t1.yaml:6: customer.subscriber: no subscriber 13811110000 in the practice data"),
        (("    papers: [invoice]", "    papers: [slip]"), "t1.yaml:21: expect.committed.papers: procedure payment prints ['invoice'], not ['slip']"),
        (('    answer: "13800138000"', '    answer: "138-abc"'), "t1.yaml:9: script[0].answer: not a valid phone"),
        (('    answer: "no"', "    answer: no"), "t1.yaml:17: script[4].answer: YAML reads yes/no/true/false as a boolean here"),
        (('    answer: "no"', '    answer: "nope"'), "t1.yaml:17: script[4].answer: not one of this step's choices (no, yes)"),
        (('    answer: "50"\n  - step: cash', '    answer: "-5"\n  - step: cash'), "t1.yaml:13: script[2].answer: not a valid money"),
        (("  committed:\n    total: \"50.00\"\n    papers: [invoice]\n", "  stopped:\n    gate: no_such_gate\n"),
         "t1.yaml:20: expect.stopped.gate: procedure payment has no gate 'no_such_gate' (gates: out_of_province)"),
        (("  - step: number\n", "  - step: account_in_credit\n    answer: \"x\"\n  - step: number\n"),
         "t1.yaml:9: script[0].answer: step 'account_in_credit' is a say step: nothing is keyed in there"),
        (("customer:\n  subscriber: \"13800138000\"", "customer:\n  person: {name: 王, id_number: \"1\"}"),
         "t1.yaml:5: customer: procedure payment serves an existing subscriber"),
        (("    answer: 王小明", "    answer: 王小明\n    refused: true"), "expect: step 'holder_name' is scripted `refused`, so the visit cannot end committed"),
        (('    answer: "50"\n  - step: another', '    answer: "{tomorrow}"\n  - step: another'), "unknown token {tomorrow}"),
    ],
)
def test_bad_scenarios_are_refused_with_file_line_and_field(procedures, change, expected):
    old, new = change
    assert old in GOOD
    found = problems_of(GOOD.replace(old, new, 1), procedures)
    assert any(expected in p for p in found), found


def test_a_declined_outcome_needs_the_refused_step_and_a_refusal_needs_a_declined_outcome(procedures):
    text = GOOD.replace("  committed:\n    total: \"50.00\"\n    papers: [invoice]\n", "  declined:\n    step: holder_name\n")
    found = problems_of(text, procedures)
    assert any("t1.yaml:20: expect.declined.step: declined at 'holder_name': script that step" in p for p in found), found


def test_hostile_and_broken_yaml_is_one_problem_with_its_line(procedures):
    assert problems_of("id: [unclosed\n", procedures)[0].startswith("t1.yaml:")
    assert "anchor" in problems_of("a: &x 1\nb: *x\n", procedures)[0] or "alias" in problems_of("a: &x 1\nb: *x\n", procedures)[0]
    assert "duplicate key" in problems_of(GOOD + "id: t2\n", procedures)[0]


def test_a_folder_with_one_bad_file_keeps_the_good_ones(tmp_path, procedures):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD.replace("id: t1", "id: t2").replace("procedure: payment", "procedure: nope"), encoding="utf-8")
    (tmp_path / "c.yaml").write_text(GOOD, encoding="utf-8")  # the same id again
    good, problems = load_folder(tmp_path, procedures)
    assert [s.id for s in good] == ["t1"]
    assert any(p.path.endswith("b.yaml") and p.field == "procedure" for p in problems)
    assert any(p.path.endswith("c.yaml") and "also used by a.yaml" in p.message for p in problems)


def test_tokens_resolve_against_the_day_of_the_drill():
    assert resolve("{today+3}", DAY) == "2026-11-26" and resolve("{today+1 10:00}", DAY) == "2026-11-24 10:00"
    assert resolve("{month-1}", DAY) == "2026-10" and resolve("{month-2}", DAY) == "2026-09"
    with pytest.raises(ValueError):
        resolve("{month-11}", DAY)


# ---- headless validation says where a script leaves the procedure ---------------------------------------
def test_headless_validation_names_the_step_where_the_script_leaves_the_procedure(procedures):
    from teller.practice.headless import run_all

    wrong_name = parse(GOOD.replace("answer: 王小明", "answer: 王晓明"), "t1.yaml", procedures)
    wrong_total = parse(GOOD.replace("id: t1", "id: t2").replace('total: "50.00"', 'total: "60.00"'), "t2.yaml", procedures)
    missing = parse(GOOD.replace("id: t1", "id: t3").replace('  - step: another\n    answer: "no"\n', ""), "t3.yaml", procedures)
    verdicts = {v.scenario: [str(p) for p in v.problems] for v in run_all([wrong_name, wrong_total, missing], REPO / "scripts_yaml")}
    assert verdicts["t1"] == ["t1.yaml:10: script[1]: 系统拒绝了剧本的回答“王晓明”：机主姓名与登记信息不符"]
    assert verdicts["t2"] == ["t2.yaml:19: expect: 合计 应为 ￥60.00，实际 ￥50.00"]
    assert verdicts["t3"] == ["t3.yaml:17: step another: 流程走到这一步（choice），剧本没有顾客的回答"]


# ---- scoring a trainer can explain (pure) --------------------------------------------------------------
PAY = scoring.Expected("committed", total_fen=5000, change_fen=5000, papers=("invoice",), changes={"status": "active", "balance": 1950})
PAID = scoring.Actual("committed", total_fen=5000, change_fen=5000, papers=("invoice",), facts={"status": "active", "balance": 1950})


def test_a_right_drill_within_the_standard_without_mistakes_scores_100():
    b = scoring.score(PAY, PAID, [], elapsed_s=95, limit_s=110)
    assert (b.score, b.outcome_points, b.time_points, b.mistake_points) == (100, 40, 30, 30)
    assert b.outcome_ok and b.within and b.passed(80)


def test_time_over_the_standard_costs_a_point_per_two_seconds():
    assert scoring.score(PAY, PAID, [], elapsed_s=115, limit_s=110).time_points == 27  # 5 s over: ceil(2.5)
    assert scoring.score(PAY, PAID, [], elapsed_s=500, limit_s=110).time_points == 0


def test_each_mistake_costs_its_penalty_and_the_breakdown_names_step_and_kind():
    mistakes = [scoring.Mistake("refused", "amount", "金额不足"), scoring.Mistake("wrong_answer", "cash"), scoring.Mistake("back", "cash")]
    b = scoring.score(PAY, PAID, mistakes, elapsed_s=60, limit_s=110)
    assert b.mistake_points == 30 - 5 - 5 - 3 and b.score == 87
    assert b.mistakes_by_kind() == {"refused": 1, "wrong_answer": 1, "back": 1}
    text = "\n".join(scoring.lines(b, step_title={"amount": "缴费金额", "cash": "收款"}.get))
    assert "−5 输入被拒 · 缴费金额：金额不足" in text and "−3 返回上一步 · 收款" in text and "得分 87 / 100" in text


def test_a_cancelled_or_wrongly_ended_drill_never_scores_100():
    quick_cancel = scoring.score(PAY, scoring.Actual("cancelled", step="amount"), [scoring.Mistake("cancelled", "amount")], elapsed_s=3, limit_s=110)
    assert quick_cancel.score == 20 and quick_cancel.time_points == 0 and not quick_cancel.outcome_ok
    assert "应为：提交办理；实际：在“amount”取消" in "\n".join(scoring.lines(quick_cancel))
    gate = scoring.Expected("stopped", step="out_of_province")
    wrong_gate = scoring.score(gate, scoring.Actual("stopped", step="suspended"), [], elapsed_s=10, limit_s=110)
    committed_instead = scoring.score(gate, PAID, [scoring.Mistake("gate_missed", "out_of_province")], elapsed_s=10, limit_s=110)
    assert wrong_gate.score == 30 and committed_instead.score == 20
    assert max(s.score for s in (quick_cancel, wrong_gate, committed_instead)) < 100


def test_a_right_ending_with_a_wrong_detail_loses_ten_per_detail():
    wrong = scoring.Actual("committed", total_fen=5000, change_fen=4000, papers=("invoice",), facts={"status": "active", "balance": 1950})
    b = scoring.score(PAY, wrong, [], elapsed_s=60, limit_s=110)
    assert b.ending_ok and not b.outcome_ok and b.outcome_points == 30 and b.score == 90 and not b.passed(80)
    assert [c.name for c in b.checks if not c.ok] == ["change"]


def test_declined_matches_a_cancellation_only_after_the_scripted_refusal_at_that_step():
    exp = scoring.Expected("declined", step="id_number")
    assert scoring.score(exp, scoring.Actual("cancelled", step="id_number", refused_here=True), [], elapsed_s=9, limit_s=376).score == 100
    assert scoring.score(exp, scoring.Actual("cancelled", step="id_number", refused_here=False), [], elapsed_s=9, limit_s=376).score == 30
    assert scoring.score(exp, scoring.Actual("cancelled", step="name", refused_here=True), [], elapsed_s=9, limit_s=376).score == 30


def test_a_breakdown_round_trips_through_json():
    import json

    b = scoring.score(PAY, PAID, [scoring.Mistake("back", "cash", "", 12.5)], elapsed_s=60, limit_s=110)
    assert scoring.Breakdown.from_dict(json.loads(json.dumps(b.to_dict()))) == b


# ---- the drill's journal: each mistake at its step -----------------------------------------------------
def test_the_journal_counts_refusals_wrong_answers_backs_and_a_cancellation(pdesk, procedures):
    from teller.practice.records import score_drill, start_drill

    loaded = scenario(procedures, "payment_arrears")
    ticks = iter(range(0, 1000, 5))
    run = start_drill(pdesk, loaded, clock=lambda: float(next(ticks)))
    run.submit("13912345678")
    with pytest.raises(InputRefused):
        run.submit("李四")  # the holder is 李静: refused
    run.submit("李静")
    run.submit(None)  # the arrears line
    with pytest.raises(InputRefused):
        run.submit("20")  # the customer's own first offer: refused as scripted, not a mistake
    run.submit("60")  # the customer said 50
    assert run.back()  # Esc
    run.submit("50")
    run.cancel()
    result = score_drill(pdesk, run)
    kinds = [(m.kind, m.step) for m in result.breakdown.mistakes]
    assert kinds == [("refused", "holder_name"), ("wrong_answer", "amount"), ("back", "cash"), ("cancelled", "cash")]
    assert "输入“60.00”" in result.breakdown.mistakes[1].detail or "输入“60”" in result.breakdown.mistakes[1].detail
    assert result.actual.kind == "cancelled" and result.breakdown.score == max(0, 30 - 5 - 5 - 3 - 10) and not result.passed
    assert all(m.at_s > 0 for m in result.breakdown.mistakes)


def test_a_gate_missed_and_a_document_not_checked_are_counted(pdesk, procedures):
    from teller.practice.records import score_drill, start_drill

    run = start_drill(pdesk, scenario(procedures, "transfer_one_id_missing"))
    run.submit("13800138000")
    run.submit("yes")  # the new owner said his ID is in the car: the gate should have stopped it
    run.cancel()
    b = score_drill(pdesk, run).breakdown
    assert [(m.kind, m.step) for m in b.mistakes] == [("wrong_answer", "both_present"), ("cancelled", "old_owner_id"), ("gate_missed", "parties_missing")]

    run = start_drill(pdesk, scenario(procedures, "change_plan_routine"))
    for value in ("15000002222", "more_data", None, "szx_fashion", None, "id_card"):
        run.submit(value)  # the customer said "password" and knows it; the clerk asked for the ID instead
    run.submit("610702198808080041")
    run.submit(None)  # commit
    b = score_drill(pdesk, run).breakdown
    assert [(m.kind, m.step) for m in b.mistakes] == [("wrong_answer", "document"), ("document_not_checked", "password")]
    assert b.ending_ok and b.score == 100 - 5 - 10


def test_a_perfect_drill_of_each_ending_scores_100(pdesk, procedures):
    from teller.practice.drill import play
    from teller.practice.records import score_drill, start_drill

    for ident in ("payment_routine", "payment_out_of_province", "open_account_bad_id"):
        run = start_drill(pdesk, scenario(procedures, ident))
        play(run)
        result = score_drill(pdesk, run)
        assert result.breakdown.score == 100 and result.passed, (ident, result)


# ---- the stage ------------------------------------------------------------------------------------
def test_every_drill_starts_from_the_scenarios_state(pdesk, procedures):
    from teller.practice.drill import play
    from teller.practice.records import start_drill

    loaded = scenario(procedures, "payment_arrears")
    for _ in range(2):  # the second drill sees the arrears again, not the first drill's payment
        run = start_drill(pdesk, loaded)
        assert pdesk.find_customer("13912345678").status == "suspended_arrears"
        play(run)
        assert pdesk.find_customer("13912345678").balance_fen == 1950
    loaded = scenario(procedures, "open_account_routine")
    for _ in range(7):  # the ID would hold 7 numbers by now, and the pool would run dry, without the stage
        run = start_drill(pdesk, loaded)
        play(run)
        assert run.committed is not None
    assert pdesk.numbers_held("320582199003154521") == 1


def test_a_person_holds_exactly_the_numbers_the_scenario_gives(pdesk, procedures):
    from teller.practice.records import start_drill

    start_drill(pdesk, scenario(procedures, "open_account_quota"))
    assert pdesk.numbers_held("510702197809091123") == 5


def test_the_stage_is_never_set_in_a_live_database(desk, procedures):
    from teller.practice.stage import stage

    with pytest.raises(TellerError):
        stage(desk.engine, scenario(procedures, "payment_arrears").scenario, now=DAY)
    with pytest.raises(TellerError):
        from teller.practice.records import start_drill

        start_drill(desk, scenario(procedures, "payment_arrears"))


# ---- results stored ---------------------------------------------------------------------------------
def test_a_finished_drill_is_stored_with_its_breakdown_and_mistakes(pdesk, procedures, home):
    from teller.practice.drill import play
    from teller.practice.records import finish_drill, results, start_drill

    loaded = scenario(procedures, "payment_routine")
    run = start_drill(pdesk, loaded)
    with pytest.raises(InputRefused):
        run.submit("12345")
    play(run)
    first = finish_drill(pdesk, run)
    run = start_drill(pdesk, loaded)
    play(run)
    second = finish_drill(pdesk, run)
    assert (first.attempt_no, second.attempt_no) == (1, 2)
    rows = results(pdesk.engine, trainee="1001")
    assert [(r["scenario"], r["attempt"], r["score"], r["passed"], r["mistakes"]) for r in rows] == [
        ("payment_routine", 1, 95, True, 1), ("payment_routine", 2, 100, True, 0)]
    with sqlite3.connect(home / "db" / "practice.db") as con:
        attempt = con.execute("select trainee, procedure_id, limit_s, ending, outcome_ok, started_at, ended_at, breakdown_json from practice_attempt order by id").fetchall()
        mistakes = con.execute("select attempt_id, kind, step, detail from practice_mistake").fetchall()
    assert attempt[0][:5] == ("1001", "payment", 110, "committed", 1) and attempt[0][5] and attempt[0][6]
    assert '"score": 95' in attempt[0][7]
    assert mistakes == [(first.attempt_id, "refused", "number", "手机号码须为以 1 开头的 11 位数字（输入的是“12345”）")]
    from tests.support.sql import db_connect

    with db_connect(home) as con:  # the live database (a file, or PostgreSQL) holds no attempt
        assert con.execute("select count(*) from practice_attempt").fetchone() == (0,)


def test_secrets_never_reach_a_mistake(pdesk, procedures):
    from teller.practice.records import score_drill, start_drill

    run = start_drill(pdesk, scenario(procedures, "change_plan_routine"))
    for value in ("15000002222", "more_data", None, "szx_fashion", None, "password"):
        run.submit(value)
    with pytest.raises(InputRefused):
        run.submit("111222")
    run.cancel()
    b = score_drill(pdesk, run).breakdown
    assert all("111222" not in m.detail for m in b.mistakes)


# ---- a shared practice PC ------------------------------------------------------------------------------
def test_trainees_on_one_practice_pc_each_commit_in_a_shift_of_their_own(settings, clock, procedures):
    from teller.desk import Desk
    from teller.practice.drill import play
    from teller.practice.records import finish_drill, start_drill

    desk = Desk(settings.for_practice(), clock=clock).open()
    try:
        for staff, pin in (("1001", "1234"), ("1002", "2345"), ("1001", "1234")):
            desk.login(staff, pin)
            run = start_drill(desk, scenario(procedures, "payment_routine"))
            play(run)
            assert run.committed is not None
            assert finish_drill(desk, run).passed
            assert desk.current_shift().clerk == staff
            desk.logout()
        with sqlite3.connect(Path(desk.settings.database_url.removeprefix("sqlite:///"))) as con:
            shifts = con.execute("select clerk, mode, status from shift order by id").fetchall()
    finally:
        desk.close()
    assert shifts == [("1001", "practice", "open"), ("1002", "practice", "open")]


# ---- exams -------------------------------------------------------------------------------------------
def test_an_exam_closes_with_the_mean_score_against_the_pass_mark(pdesk, procedures):
    from teller.practice.drill import play
    from teller.practice.records import all_sets, assign, close_set_if_done, finish_drill, open_sets, start_drill

    set_id = assign(pdesk, trainee="1001", kind="exam", scenarios=["payment_routine", "payment_out_of_province"], title="缴费考试", by="8001")
    assert open_sets(pdesk.engine, "1001")[0]["pass_mark"] == 80
    run = start_drill(pdesk, scenario(procedures, "payment_routine"), exam=True, set_id=set_id)
    play(run)
    finish_drill(pdesk, run)
    assert close_set_if_done(pdesk, set_id) is None  # one of two done
    run = start_drill(pdesk, scenario(procedures, "payment_out_of_province"), exam=True, set_id=set_id)
    run.submit("18800003333")
    assert run.state == "stopped"  # at the gate: the visit ends there
    finish_drill(pdesk, run)
    closed = close_set_if_done(pdesk, set_id)
    assert closed == {"id": set_id, "kind": "exam", "score": 100, "passed": True, "pass_mark": 80}
    assert all_sets(pdesk.engine, "1001")[0]["status"] == "done" and open_sets(pdesk.engine, "1001") == []


def test_assigning_needs_a_trainee_and_scenarios(pdesk):
    from teller.practice.records import assign

    with pytest.raises(TellerError):
        assign(pdesk, trainee="7777", kind="drill", scenarios=["payment_routine"])
    with pytest.raises(TellerError):
        assign(pdesk, trainee="1001", kind="drill", scenarios=[])


# ---- the trainee's report ------------------------------------------------------------------------------
def test_the_report_gives_best_and_last_times_mistakes_and_progress_within_80_columns(pdesk, procedures):
    from rich.console import Console

    from teller.practice import report
    from teller.practice.drill import play
    from teller.practice.records import finish_drill, results, start_drill

    for ident, slip in (("payment_routine", True), ("payment_routine", False), ("replace_sim_routine", False)):
        run = start_drill(pdesk, scenario(procedures, ident))
        if slip:
            with pytest.raises(InputRefused):
                run.submit("1")
        play(run)
        finish_drill(pdesk, run)
    rows = results(pdesk.engine, trainee="1001")
    procs = {pid: (pdesk.procedure_title(pid), p.procedure.time_limit_s) for pid, p in pdesk.procedures.items()}
    built = report.build("1001", "周丽", rows, procedures=procs)
    assert built.attempts == 3 and built.pass_rate == 100 and built.mistakes == {"refused": 1}
    assert [(p.procedure, p.attempts, p.best_score, p.last_score) for p in built.procedures] == [("payment", 2, 100, 100), ("replace_sim", 1, 100, 100)]
    console = Console(width=80, record=True)
    for part in report.renderables(built, width=80):
        console.print(part)
    text = console.export_text()
    from rich.cells import cell_len

    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "缴费" in text and "输入被拒" in text and "█" in text


def test_free_text_is_right_in_the_clerks_words_and_a_name_must_be_exact(pdesk, procedures):
    from teller.practice.drill import play
    from teller.practice.records import score_drill, start_drill

    run = start_drill(pdesk, scenario(procedures, "complaint_ticket"))
    run.submit("13800138000")
    run.submit("王小明")
    run.submit(None)
    run.submit("客户反映本月话费比平时高四十元左右")  # the complaint in the clerk's words: fine
    play(run)
    assert score_drill(pdesk, run).breakdown.mistakes == ()
    assert "free" in problems_of(GOOD.replace("    answer: 王小明", "    answer: 王小明\n    free: true").replace(
        '    answer: "13800138000"', '    answer: "13800138000"\n    free: true'), procedures)[0]
