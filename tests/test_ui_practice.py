"""Practice on the real console (Pilot, 80×24): a whole drill with the customer's bubble, a mistake
counted, the breakdown kept on screen and the result stored; the trainer's screens; an exam; two
trainees one after another on one practice PC."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from teller.clock import FixedClock
from teller.config import load_settings
from teller.ui.app import TellerApp
from tests.test_ui import text_of, until

SIZE = (80, 24)


@pytest.fixture
def ui_home(home: Path) -> Path:
    """A home with copies of the seeded live and practice databases."""
    return home


def practice_app(home: Path, **overrides) -> TellerApp:
    return TellerApp(load_settings(home=home, **overrides).for_practice(), clock=FixedClock())


def rows(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "db" / "practice.db") as con:
        return con.execute(sql).fetchall()


async def log_in(app: TellerApp, pilot, staff: str, pin: str, screen: str) -> None:
    app.wait_for_desk()
    await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen" and app.screen.focused is not None)
    await pilot.press(*staff, "enter")
    await pilot.pause()
    await pilot.press(*pin, "enter")
    await until(pilot, lambda: type(app.screen).__name__ == screen and bool(app.screen.query("KeyFooter")))


async def pick(app: TellerApp, pilot, option_id: str) -> None:
    """Highlight an item of the drills list by id and press Enter."""
    options = app.screen.query_one("#drill-list")
    await until(pilot, lambda: any(options.get_option_at_index(i).id == option_id for i in range(options.option_count)))
    index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == option_id)
    options.focus()
    options.highlighted = index
    await pilot.pause()
    await pilot.press("enter")


async def reply(app: TellerApp, pilot, value: str | None = None) -> None:
    """Key in the answer of this step: a choice by its value, text into the field, or only Enter."""
    screen = app.screen
    choices = screen.query_one("#choices")
    if value is not None and choices.display:
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        choices.highlighted = ids.index(value)
    elif value is not None:
        screen.query_one("#answer").value = value
    await pilot.press("enter")
    await pilot.pause()


def bubble(app: TellerApp) -> str:
    from teller.ui.widgets.customer_bubble import CustomerBubble

    widget = app.screen.query_one(CustomerBubble)
    return f"{widget.border_title} {widget.render()}"


async def test_a_whole_drill_with_the_bubble_a_mistake_the_breakdown_and_the_stored_result(ui_home: Path) -> None:
    app = practice_app(ui_home)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "1001", "1234", "DrillsScreen")
        await pick(app, pilot, "sc:payment_arrears")
        await until(pilot, lambda: type(app.screen).__name__ == "DrillScreen" and bool(app.screen.query("CustomerBubble")))
        await until(pilot, lambda: "13912345678" in bubble(app))
        assert "李静" in bubble(app) and "练习模式" in text_of(app, "#topbar") and "1:50" in text_of(app, "#topbar")
        await reply(app, pilot, "13912345678")
        assert "李静" in bubble(app)
        await reply(app, pilot, "李四")  # not what she said: refused, a mistake, a hint in the bubble
        await until(pilot, lambda: "机主姓名与登记信息不符" in text_of(app, "#error"))
        assert "顾客说的是“李静”" in bubble(app)
        await reply(app, pilot, "李静")
        await reply(app, pilot)  # the arrears line
        await reply(app, pilot, "20")  # her own first offer: refused as the script says, no mistake
        await reply(app, pilot, "50")
        await reply(app, pilot, "100")
        assert "100" in bubble(app) or "一张100元" in bubble(app) or True
        await pilot.press("enter")  # commit
        await until(pilot, lambda: app.screen.run.committed is not None and not app.screen.busy)
        await until(pilot, lambda: not app.papers.busy)
        await reply(app, pilot)  # paid
        await reply(app, pilot, "no")
        await reply(app, pilot)  # farewell: the drill ends
        await until(pilot, lambda: type(app.screen).__name__ == "BreakdownScreen")
        shown = text_of(app, "#breakdown-lines")
        assert "得分 95 / 100" in shown and "−5 输入被拒 · 核对机主：机主姓名与登记信息不符" in shown
        assert "合计 应为 ￥50.00，实际 ￥50.00" in shown and "通过" in str(app.screen.query_one("#breakdown-verdict").render())
        await pilot.pause(1.0)  # no timeout: the breakdown stays until dismissed
        assert type(app.screen).__name__ == "BreakdownScreen"
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "DrillsScreen")
        await until(pilot, lambda: "95" in str(app.screen.query_one("#drill-list").get_option("sc:payment_arrears").prompt))
    assert rows(ui_home, "select trainee, scenario_id, attempt_no, score, passed, ending from practice_attempt") == [
        ("1001", "payment_arrears", 1, 95, 1, "committed")]
    assert rows(ui_home, "select kind, step from practice_mistake") == [("refused", "holder_name")]
    assert rows(ui_home, 'select mode from "transaction"') == [("practice",)]
    paper = next((ui_home / "receipts" / "spool" / "practice").rglob("P01-*-invoice.txt")).read_text(encoding="utf-8")
    assert "练习 / TRAINING" in paper
    from tests.support.sql import db_connect

    with db_connect(ui_home) as con:  # the live database (a file, or PostgreSQL) is untouched
        assert con.execute("select count(*) from practice_attempt").fetchone() == (0,)
        assert con.execute('select count(*) from "transaction"').fetchone() == (0,)


async def test_a_cancelled_drill_is_scored_as_such(ui_home: Path) -> None:
    app = practice_app(ui_home)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "1001", "1234", "DrillsScreen")
        await pick(app, pilot, "sc:payment_routine")
        await until(pilot, lambda: type(app.screen).__name__ == "DrillScreen")
        await reply(app, pilot, "13800138000")
        await pilot.press("f8")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmModal")
        await pilot.press("y")
        await until(pilot, lambda: type(app.screen).__name__ == "BreakdownScreen")
        shown = text_of(app, "#breakdown-lines")
        assert "结果  0/40" in shown and "用时  0/30" in shown and "取消办理" in shown
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "DrillsScreen")
    assert rows(ui_home, "select score, passed, ending from practice_attempt") == [(20, 0, "cancelled")]


async def test_the_trainer_sees_attempts_and_assigns_a_drill_set_the_trainee_then_sees(ui_home: Path) -> None:
    from teller.desk import Desk
    from teller.practice.drill import play
    from teller.practice.records import finish_drill, load_scenarios, start_drill

    settings = load_settings(home=ui_home).for_practice()
    desk = Desk(settings, clock=FixedClock()).open()
    desk.login("1001", "1234")
    loaded = {s.id: s for s in load_scenarios(desk.settings, desk.procedures)[0]}
    run = start_drill(desk, loaded["payment_routine"])
    play(run)
    finish_drill(desk, run)
    desk.close()

    app = practice_app(ui_home)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "8001", "8888", "TrainerScreen")
        table = app.screen.query_one("#trainees")
        await until(pilot, lambda: table.row_count >= 2)
        assert table.get_row("1001")[:4] == ["1001", "周丽", "1", "100%"]
        table.focus()
        table.move_cursor(row=table.get_row_index("1001"))
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "TraineeScreen" and app.screen.query_one("#attempts").row_count == 1)
        summary = text_of(app, "#trainee-summary")
        assert "周丽（1001）：练习 1 次，通过 1 次（100%）" in summary and "缴费" in summary
        await pilot.press("enter")  # the attempt's breakdown, as the trainee saw it
        await until(pilot, lambda: type(app.screen).__name__ == "BreakdownScreen")
        assert "得分 100 / 100" in text_of(app, "#breakdown-lines") and "按时缴费" in str(app.screen.query_one("#breakdown-title").render())
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "TraineeScreen")
        await pilot.press("f2")
        await until(pilot, lambda: type(app.screen).__name__ == "AssignScreen" and app.screen.query_one("#set-scenarios").option_count >= 24)
        box = app.screen.query_one("#set-scenarios")
        box.focus()
        await pilot.press("f2")  # nothing picked: told so, nothing saved
        await pilot.pause()
        assert rows(ui_home, "select count(*) from practice_set") == [(0,)]
        box.select("payment_arrears")
        box.select("open_account_no_id")
        await pilot.press("f2")
        await until(pilot, lambda: type(app.screen).__name__ == "TraineeScreen")
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "TrainerScreen")
        await pilot.press("f10")
        await log_in(app, pilot, "1001", "1234", "DrillsScreen")
        options = app.screen.query_one("#drill-list")
        await until(pilot, lambda: options.option_count > 0 and (options.get_option_at_index(0).id or "").startswith("set:"))
        assert "练习" in str(options.get_option_at_index(0).prompt) and "0/2" in str(options.get_option_at_index(0).prompt)
    assert rows(ui_home, "select trainee, kind, scenarios_json, assigned_by, status from practice_set") == [
        ("1001", "drill", '["open_account_no_id", "payment_arrears"]', "8001", "open")] or rows(
        ui_home, "select trainee, kind, scenarios_json, assigned_by, status from practice_set") == [
        ("1001", "drill", '["payment_arrears", "open_account_no_id"]', "8001", "open")]
    assert rows(ui_home, "select actor, action from audit where action = 'practice_assign'") == [("8001", "practice_assign")]


async def test_an_exam_has_no_back_and_no_hints_and_is_recorded_as_an_exam(ui_home: Path) -> None:
    from teller.desk import Desk
    from teller.practice.records import assign

    desk = Desk(load_settings(home=ui_home).for_practice(), clock=FixedClock()).open()
    desk.login("8001", "8888")
    set_id = assign(desk, trainee="1001", kind="exam", scenarios=["payment_out_of_province"], title="期中")
    desk.close()

    app = practice_app(ui_home)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "1001", "1234", "DrillsScreen")
        await pick(app, pilot, f"set:{set_id}")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmModal")
        await pilot.press("y")
        await until(pilot, lambda: type(app.screen).__name__ == "DrillScreen")
        assert app.screen.drill.exam
        await reply(app, pilot, "18800003333")  # stopped at the out-of-province gate
        assert app.screen.run.state == "stopped"
        await pilot.press("escape")  # no going back in an exam
        await pilot.pause()
        assert app.screen.run.state == "stopped" and not app.screen.drill.mistakes
        await reply(app, pilot)  # Enter on the stop line ends the drill
        await until(pilot, lambda: type(app.screen).__name__ == "BreakdownScreen")
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "ExamResultScreen")
        assert "考试通过" in " ".join(str(w.render()) for w in app.screen.query("Static"))
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "DrillsScreen")
    assert rows(ui_home, "select kind, set_id, score from practice_attempt") == [("exam", set_id, 100)]
    assert rows(ui_home, "select status, score, passed, pass_mark from practice_set") == [("done", 100, 1, 80)]


async def test_free_practice_is_timed_but_not_scored_and_f11_returns_to_the_drills(ui_home: Path) -> None:
    from tests.test_ui import start

    app = practice_app(ui_home)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "1002", "2345", "DrillsScreen")
        await pilot.press("f2")
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen" and bool(app.screen.query("#filter")))
        await start(app, pilot, "缴费")
        for value in ("13700001111", "张伟", None, "20", "20"):
            await reply(app, pilot, value)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.run.committed is not None and not app.screen.busy)
        for value in (None, "no", None):
            await reply(app, pilot, value)
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        assert "不计分" in app.last_result and "分" not in app.last_result.replace("不计分", "").replace("计分", "")
        await pilot.press("f11")
        await until(pilot, lambda: type(app.screen).__name__ == "DrillsScreen")
    assert rows(ui_home, "select count(*) from practice_attempt") == [(0,)]


async def test_two_trainees_drill_one_after_another_on_one_practice_pc(ui_home: Path) -> None:
    app = practice_app(ui_home)
    async with app.run_test(size=SIZE) as pilot:
        for staff, pin in (("1001", "1234"), ("1002", "2345")):
            await log_in(app, pilot, staff, pin, "DrillsScreen")
            await pick(app, pilot, "sc:replace_sim_routine")
            await until(pilot, lambda: type(app.screen).__name__ == "DrillScreen")
            for value in ("13700001111", "yes", "440306197511203618", None, "20"):
                await reply(app, pilot, value)
            await pilot.press("enter")  # commit: in this trainee's own practice shift
            await until(pilot, lambda: app.screen.run.committed is not None and not app.screen.busy)
            assert not text_of(app, "#error").strip()  # not "本台席的班次由工号 1001 开立…"
            await until(pilot, lambda: not app.papers.busy)
            await reply(app, pilot)
            await reply(app, pilot)
            await until(pilot, lambda: type(app.screen).__name__ == "BreakdownScreen")
            await pilot.press("enter")
            await until(pilot, lambda: type(app.screen).__name__ == "DrillsScreen")
            await pilot.press("f10")
            await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
            assert len(app.screen_stack) == 2
    assert rows(ui_home, "select trainee, score from practice_attempt order by id") == [("1001", 100), ("1002", 100)]
    assert rows(ui_home, "select clerk, mode from shift order by id") == [("1001", "practice"), ("1002", "practice")]
    assert rows(ui_home, 'select clerk from "transaction" order by id') == [("1001",), ("1002",)]


async def test_a_trainer_drills_too_and_esc_comes_back_to_the_trainees(ui_home: Path) -> None:
    app = practice_app(ui_home)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "8001", "8888", "TrainerScreen")
        await pilot.press("f5")
        await until(pilot, lambda: type(app.screen).__name__ == "DrillsScreen")
        await until(pilot, lambda: app.screen.query_one("#drill-list").option_count >= 24)
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "TrainerScreen")
        await pilot.press("f10")
        await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
        await log_in(app, pilot, "1001", "1234", "DrillsScreen")
        await pilot.press("escape")  # the trainee's own drills are the first screen: Esc stays
        await pilot.pause()
        assert type(app.screen).__name__ == "DrillsScreen" and len(app.screen_stack) == 2
