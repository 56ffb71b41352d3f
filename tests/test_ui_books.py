"""The books on screen (Pilot): the float after log-in, the blind count and the variance
sign-off, a void with a supervisor's PIN, and the supervisor's reports."""

from __future__ import annotations

from pathlib import Path

from teller.domain.books import DENOMINATIONS
from tests.test_ui import answer, commit, login, make_app, rows, start, text_of, until


async def count(app, pilot, counts: dict[int, int], total: str = "") -> None:
    """Fill the pieces per denomination, check the running total, Enter on the last box."""
    for denom in DENOMINATIONS:
        app.screen.query_one(f"#d{denom}").value = str(counts.get(denom, 0))
    app.screen.query_one(f"#d{DENOMINATIONS[-1]}").focus()
    await pilot.pause()
    if total:
        assert total in text_of(app, "#count-total")
    await pilot.press("enter")


async def pay_on_screen(app, pilot, amount: str, cash: str) -> str:
    await start(app, pilot, "缴费")
    await pilot.press(*"13800138000", "enter")
    await pilot.pause()
    await answer(pilot, app, "王小明")
    await answer(pilot, app)
    await answer(pilot, app, amount)
    await answer(pilot, app, cash)
    await commit(pilot, app)
    receipt_no = app.screen.run.committed.receipt_no
    await pilot.press("f8")  # back to the picker after the commit
    await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
    return receipt_no


async def test_float_after_login_then_blind_count_and_supervisor_signoff(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        app.wait_for_desk()
        await pilot.pause()
        await pilot.press(*"1001", "enter")
        await pilot.pause()
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "ShiftOpenScreen")
        await count(app, pilot, {10000: 2, 1000: 5}, "￥250.00")  # the float
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        await pay_on_screen(app, pilot, "120", "150")  # drawer: 250 + 150 − 30 = 370
        await pilot.press("f3")
        await until(pilot, lambda: type(app.screen).__name__ == "SettleScreen")
        assert "370" not in text_of(app, "#settle-result")  # blind: nothing expected is shown before the count
        await count(app, pilot, {10000: 3, 5000: 1, 1000: 1})  # 360: ten yuan short
        await until(pilot, lambda: app.screen.query_one("#signoff").display)
        result = text_of(app, "#settle-result")
        assert "￥370.00" in result and "￥360.00" in result and "短款 ￥10.00" in result and "￥-" not in result
        assert rows(home, "select status, counted_fen, expected_fen from shift") == [("counted", 36000, 37000)]
        # the clerk cannot sign off their own shortage
        app.screen.query_one("#sup-staff").value = "1001"
        app.screen.query_one("#sup-pin").value = "1234"
        app.screen.query_one("#sup-note").value = "少了十元"
        app.screen.query_one("#sup-note").focus()
        await pilot.press("enter")
        await until(pilot, lambda: "另一位" in text_of(app, "#settle-error"))
        app.screen.query_one("#sup-staff").value = "9001"
        app.screen.query_one("#sup-pin").value = "9999"
        app.screen.query_one("#sup-note").focus()
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.closed)
        assert "已交班" in text_of(app, "#settle-result")
    assert rows(home, "select status, supervisor, note, variance_fen from shift") == [("closed", "9001", "少了十元", -1000)]
    assert list((home / "receipts" / "spool").rglob("shift1-01-settlement.txt"))


async def test_void_on_screen_with_a_supervisors_pin(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        receipt_no = await pay_on_screen(app, pilot, "100", "100")
        await pilot.press("f7")
        await until(pilot, lambda: type(app.screen).__name__ == "VoidScreen")
        # today's transactions at this counter are listed; the newest is highlighted
        await until(pilot, lambda: app.screen.query_one("#void-list").option_count == 1)
        await pilot.press("enter")
        # what the void will do is shown before the supervisor is asked
        await until(pilot, lambda: app.screen.query_one("#void-check").display)
        preview = text_of(app, "#void-preview")
        assert receipt_no in preview and "￥100.00" in preview and "缴费" in preview and "13800138000" in preview
        await pilot.press("2")  # the digit picks the reason (customer_request) and moves on
        assert app.focused is app.screen.query_one("#void-staff")
        await pilot.press(*"9001", "enter")
        await pilot.press(*"9999", "enter")
        await until(pilot, lambda: "已冲正" in text_of(app, "#void-result"))
        assert "￥100.00" in text_of(app, "#void-result")
        # the same receipt again: refused with the reason at the list, no PIN asked
        await until(pilot, lambda: "已冲正" in str(app.screen.query_one("#void-list").get_option_at_index(0).prompt))
        await pilot.press("enter")
        await until(pilot, lambda: "已冲正" in text_of(app, "#void-error"))
        assert app.focused is app.screen.query_one("#void-filter") and not app.screen.query_one("#void-check").display
    assert rows(home, "select status from \"transaction\"") == [("voided",)]
    assert rows(home, "select clerk, supervisor, reason from void") == [("1001", "9001", "customer_request")]
    assert rows(home, "select balance_fen from customer where number='13800138000'") == [(3520,)]


async def test_reports_screen_is_for_supervisors_and_shows_a_table_and_bars(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 36)) as pilot:
        await login(app, pilot)
        await pay_on_screen(app, pilot, "100", "100")
        await pilot.press("f9")  # a clerk: no reports
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("f10")
        await until(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
        await login(app, pilot, "9001", "9999")  # the counter's shift is the clerk's: no float asked
        await pilot.press("f9")
        await until(pilot, lambda: type(app.screen).__name__ == "ReportsScreen")
        await pilot.press("enter")  # the first report: daily business
        table = app.screen.query_one("#report-table")
        await until(pilot, lambda: table.row_count == 3)
        assert [str(c) for c in table.get_row_at(0)][:3] == ["营业厅", "城东示范营业厅", "1"]
        assert "█" in text_of(app, "#report-chart")


async def test_cash_in_and_out_on_screen_need_a_reason_and_reach_the_settlement(home):
    """F2 on the picker: cash into / out of the drawer with a reason, recorded in the open shift."""
    from sqlmodel import Session

    from teller.store import shifts
    from tests.test_ui import login, make_app, text_of, until

    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(app, pilot)
        for kind_keys, amount, reason in ((("enter",), "50", "找零备用"), (("down", "enter"), "20", "")):
            await pilot.press("f2")
            await until(pilot, lambda: type(app.screen).__name__ == "CashMoveModal")
            await pilot.press(*kind_keys)
            await pilot.pause()
            app.screen.query_one("#cash-amount").value = amount
            app.screen.query_one("#cash-reason").value = reason
            app.screen.set_focus(app.screen.query_one("#cash-reason"))
            await pilot.press("enter")
            await pilot.pause()
            if not reason:  # refused on screen with the reason, nothing recorded
                assert "原因" in text_of(app, "#cash-error")
                app.screen.query_one("#cash-reason").value = "交回金库"
                await pilot.press("enter")
            await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        with Session(app.desk.engine) as s:
            shift = shifts.open_shift_at(s, counter=app.desk.counter, mode=app.desk.mode)
            moves = [(m.kind, m.amount_fen, m.reason) for m in shifts.movements(s, shift_id=shift.id)]
    assert moves == [("cash_in", 5000, "找零备用"), ("cash_out", 2000, "交回金库")]
