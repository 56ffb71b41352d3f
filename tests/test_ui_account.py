"""The account procedures on screen through Pilot: a family number and a plan change end to end
(database and spooled slip afterwards), and a gate's own line shown when it stops the run."""

from __future__ import annotations

from pathlib import Path

from tests.test_ui import answer, commit, login, make_app, rows, start, text_of, until  # the shared Pilot helpers

WANG, WANG_PW = "13800138000", "135790"
ZHANG, ZHANG_PW = "13700001111", "102938"
LI = "13912345678"


def step_id(app) -> str:
    return app.screen.run.step.id


async def test_family_number_on_screen(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "亲情号")
        await answer(pilot, app, WANG)
        assert "王*明" in text_of(app, "CustomerPanel")
        await answer(pilot, app, ZHANG)
        assert "1元" in text_of(app, "#line") and "300分钟" in text_of(app, "#line")
        await answer(pilot, app)  # terms
        assert step_id(app) == "document"
        await pilot.press("1")  # both service passwords
        await pilot.pause()
        await answer(pilot, app, WANG_PW)
        await answer(pilot, app, WANG_PW)  # the main card's password is not the secondary's
        assert "密码不正确" in text_of(app, "#error") and step_id(app) == "secondary_password"
        await answer(pilot, app, ZHANG_PW)
        assert ZHANG in text_of(app, "#line")  # notify the secondary
        await answer(pilot, app)
        assert "24小时内生效" in text_of(app, "#line")
        await commit(pilot, app)
        receipt_no = app.screen.run.committed.receipt_no
        await answer(pilot, app)  # farewell
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
    assert rows(home, "select main_number, secondary_number, monthly_fee_fen from family_link") == [(WANG, ZHANG, 100)]
    slip = next((home / "receipts" / "spool").rglob(f"{receipt_no}-slip.txt")).read_text(encoding="utf-8")
    assert "副卡" in slip and ZHANG in slip and "2026-11-24 10:00" in slip


async def test_plan_change_on_screen_shows_the_pending_plan(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "产品变更")
        await answer(pilot, app, ZHANG)
        await pilot.press("1")  # reason
        await pilot.pause()
        assert "神州行大众卡时尚套餐" in text_of(app, "#line")  # the usage read out
        await answer(pilot, app)
        await pilot.press("1")  # plans are listed cheapest first: 家园卡
        await pilot.pause()
        assert "家园卡" in text_of(app, "#line")
        await answer(pilot, app)  # tariff
        await pilot.press("1")  # by password
        await pilot.pause()
        await answer(pilot, app, ZHANG_PW)
        await commit(pilot, app)
        panel = text_of(app, "CustomerPanel")
        assert "待生效" in panel and "家园卡" in panel
    assert rows(home, "select plan_code, pending_plan_code from customer where number=?", ZHANG) == [("szx_fashion", "jiayuan")]


async def test_a_gate_stops_on_screen_with_its_own_line(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "过户")
        await answer(pilot, app, LI)
        await pilot.press("1")  # both present
        await pilot.pause()
        assert app.screen.run.state == "stopped"
        assert "过户前需要先缴清欠费" in text_of(app, "#line")
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
    assert rows(home, "select count(*) from \"transaction\"") == [(0,)]
