"""The idle lock on screen (Pilot): the clerk's own PIN unlocks and the visit is still there."""

from __future__ import annotations

from pathlib import Path

from teller.clock import FixedClock
from teller.config import load_settings
from teller.strings import t
from teller.ui.app import TellerApp
from tests.test_ui import answer, login, start, text_of, until
from tests.support.sql import db_connect


class HandClock:
    """A monotonic clock the test moves by hand: no real waiting for the idle time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_app(home: Path, idle_lock_s: int = 60) -> tuple[TellerApp, HandClock]:
    app = TellerApp(load_settings(home=home, idle_lock_s=idle_lock_s), clock=FixedClock())
    hand = HandClock()
    app.idle_clock = hand
    return app, hand


def screen_name(app) -> str:
    return type(app.screen).__name__


def audit_actions(home: Path) -> list[str]:
    with db_connect(home) as con:
        return [r[0] for r in con.execute("select action from audit order by id")]


async def to_amount_step(app, pilot) -> None:
    """Log in, start a payment, answer number, holder and account line; type an amount (no Enter)."""
    await login(app, pilot)
    await start(app, pilot, "缴费")
    await answer(pilot, app, "13800138000")
    await answer(pilot, app, "王小明")
    await answer(pilot, app)
    assert app.screen.run.step.id == "amount"
    await pilot.press("1", "2")
    assert app.screen.query_one("#answer").value == "12"


async def test_idle_console_locks_and_the_same_clerk_unlocks_with_the_visit_intact(home: Path) -> None:
    app, hand = make_app(home, idle_lock_s=60)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_amount_step(app, pilot)
        run_screen = app.screen
        hand.now += 59  # not yet
        app.check_idle_lock()
        await pilot.pause()
        assert screen_name(app) == "RunScreen"
        hand.now += 2  # the timer notices by itself
        await until(pilot, lambda: screen_name(app) == "LockScreen" and bool(app.screen.query("#lock-who")))
        hand.now += 5  # the clerk comes back to the counter (keys the instant it locked are dropped)
        lock_text = text_of(app, "#lock-who")
        assert "周丽" in lock_text and "1001" in lock_text
        assert not app.screen.query("CustomerPanel")  # nothing of the customer shows while locked
        # another clerk's PIN does not unlock it
        await pilot.press(*"2345", "enter")
        await until(pilot, lambda: t("lock.wrong") in text_of(app, "#lock-error"))
        assert screen_name(app) == "LockScreen"
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: screen_name(app) == "RunScreen")
        assert app.screen is run_screen
        assert app.screen.run.step.id == "amount"
        assert app.screen.query_one("#answer").value == "12"
        assert app.screen.run.answers["number"] == "13800138000"
        await pilot.press("0")
        await answer(pilot, app)  # 120 yuan: the visit carries on
        assert app.screen.run.answers["amount"] == 12000
    assert audit_actions(home)[-3:] == ["lock", "unlock_failed", "unlock"]


async def test_typing_keeps_the_console_awake(home: Path) -> None:
    app, hand = make_app(home, idle_lock_s=60)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_amount_step(app, pilot)
        for _ in range(3):
            hand.now += 40
            await pilot.press("0")  # a key: activity
            app.check_idle_lock()
            await pilot.pause()
        assert screen_name(app) == "RunScreen"
        assert app.screen.query_one("#answer").value == "12000"


async def test_five_wrong_pins_on_the_lock_screen_lock_the_number_and_a_supervisor_logs_out(home: Path) -> None:
    app, hand = make_app(home, idle_lock_s=60)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_amount_step(app, pilot)
        await pilot.press("f12")  # the clerk locks it on leaving the counter
        await until(pilot, lambda: screen_name(app) == "LockScreen")
        for _ in range(5):
            await pilot.press(*"0000", "enter")
            await until(pilot, lambda: not app.screen.busy)
        assert "锁定" in text_of(app, "#lock-error")
        await pilot.press(*"1234", "enter")  # the right PIN no longer helps
        await until(pilot, lambda: not app.screen.busy)
        assert screen_name(app) == "LockScreen" and "锁定" in text_of(app, "#lock-error")
        # the clerk cannot be their own supervisor; then the supervisor signs the clerk out
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press(*"1001", "enter", *"1234", "enter")
        await until(pilot, lambda: not app.screen.busy)
        assert t("auth.same_person") in text_of(app, "#lock-error")
        app.screen.query_one("#sup-staff").value = "9001"
        app.screen.query_one("#sup-staff").focus()
        await pilot.press("enter", *"9999", "enter")
        await until(pilot, lambda: screen_name(app) == "LoginScreen")
        assert app.desk.clerk_view is None
        assert len(app.screen_stack) == 2  # the run screen is gone with its visit
    actions = audit_actions(home)
    assert "lockout" in actions and actions[-2:] == ["authorize", "logout"]
    with db_connect(home) as con:
        assert con.execute("select count(*) from \"transaction\"").fetchone()[0] == 0


async def test_no_lock_when_idle_lock_is_zero(home: Path) -> None:
    app, hand = make_app(home, idle_lock_s=0)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        hand.now += 100_000
        app.check_idle_lock()
        await pilot.pause()
        assert screen_name(app) == "HomeScreen"
