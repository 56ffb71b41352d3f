"""Every screen in both UI languages: no Chinese in the English console, no English in the Chinese
one (issue 13, item 8). Data keeps its own language (a hall's name, a customer's name, the plan
catalogue): the test names those and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from teller.clock import FixedClock
from teller.config import load_settings
from teller.domain import catalog
from teller.strings import set_locale
from teller.ui.app import TellerApp
from tests.support.screens import screen_text
from tests.support.homes import REPO
from tests.test_ui import answer, commit, start, until

HAN = re.compile(r"[\u3400-\u9fff]+")
WORD = re.compile(r"[A-Za-z]{2,}")

#: data in Chinese shown as it is in either language (names, the plan and brand catalogue)
CHINESE_DATA = (
    {name for _, name, _, _ in catalog.CLERKS}
    | {row[1] for row in catalog.PLANS} | {row[2] for row in catalog.PLANS}
    | {row[1][0] + "*" + row[1][2:] if len(row[1]) > 2 else row[1][0] + "*" for row in catalog.CUSTOMERS}
    | {name for _, name, _ in catalog.VALUE_ADDED}  # the services a subscriber holds (the panel lists them)
    | {"王大明", "王小明"}  # what the tour types as a holder's name
)
#: Latin words a Chinese screen may show: key names, procedure ids (the picker shows them dim,
#: for typing), codes people write in Latin letters at a Chinese counter, what the tour types
LATIN_OK = {
    "esc", "Esc", "Ctrl", "Enter", "zzzz", "PIN", "SIM", "ID", "YYYY", "MM", "DD", "HH", "teller", "admin", "receipts", "pending",
    "payment", "open", "account", "replace", "sim", "change", "plan", "close", "password", "transfer", "ownership",
    "suspend", "resume", "family", "number", "bill", "print", "cancel", "service", "redeem", "points", "cross",
    "region", "complaint", "network", "handset", "sale", "QR", "VIP", "GB",
    "CXHF",  # the SMS code a customer texts to 10086 for the balance, said as it is written
} | {part for path in (REPO / "scripts_yaml").glob("*.yaml") for part in path.stem.split("_")}  # procedure ids


def han_outside_data(text: str) -> list[str]:
    found = []
    for run in HAN.findall(text):
        if not any(run in data or data in run for data in CHINESE_DATA):
            found.append(run)
    return found


def latin_outside_allowed(text: str) -> list[str]:
    return sorted({w for w in WORD.findall(text) if w not in LATIN_OK})


async def tour(home: Path, locale: str) -> dict[str, str]:
    """Log in, open every screen and modal of a clerk's shift (and a supervisor's reports); the text of each."""
    shots: dict[str, str] = {}
    hall = "East Demo Hall" if locale == "en" else "城东示范营业厅"
    app = TellerApp(load_settings(home=home, locale=locale, hall_name=hall), clock=FixedClock())

    def shot(label: str) -> None:
        shots[label] = screen_text(app)

    async def wait_for(screen: str) -> None:
        await until(pilot, lambda: type(app.screen).__name__ == screen)
        await pilot.pause(0.2)

    async with app.run_test(size=(80, 24)) as pilot:
        app.wait_for_desk()
        await pilot.pause(0.3)
        shot("login")
        await pilot.press(*"1001", "enter", *"0000", "enter")
        await until(pilot, lambda: app.screen.query_one("#login-error").content != "")
        shot("login refused")
        await pilot.press("f9")
        await pilot.pause(0.2)
        shot("login unlock")
        await pilot.press("escape")
        app.screen.query_one("#staff").value = "1001"
        app.screen.query_one("#pin").focus()
        await pilot.press(*"1234", "enter")
        await wait_for("ShiftOpenScreen")
        shot("shift open")
        from tests.test_ui import open_shift

        await open_shift(app, pilot)
        await wait_for("HomeScreen")
        shot("picker")
        await pilot.press("f1")
        await wait_for("HelpScreen")
        shot("help picker")
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await wait_for("Palette")
        await pilot.pause(0.5)
        shot("palette")
        app.screen.query_one("Input").value = "zzzz"
        await pilot.pause(1.0)
        shot("palette no match")
        await pilot.press("escape")
        await wait_for("HomeScreen")
        await pilot.press("f2")
        await wait_for("CashMoveModal")
        shot("cash move")
        await pilot.press("escape")
        # a payment: the number, the panel, a refused value, the fees, the commit and the papers
        await start(app, pilot, "缴费")
        shot("run number")
        await answer(pilot, app, "13800138000")
        await answer(pilot, app, "王大明")
        shot("run refused")
        await answer(pilot, app, "王小明")
        await answer(pilot, app)
        await answer(pilot, app, "120")
        shot("run cash")
        await answer(pilot, app, "150")
        await commit(pilot, app)
        shot("run committed")
        await pilot.press("f1")
        await wait_for("HelpScreen")
        shot("help run")
        await pilot.press("escape")
        await answer(pilot, app)
        shot("run choice")
        await pilot.press("f6")  # the invoice printed: a supervisor is asked
        await wait_for("SupervisorModal")
        shot("supervisor")
        await pilot.press("escape")
        await pilot.press("ctrl+q")
        await wait_for("ConfirmModal")
        shot("quit")
        await pilot.press("n")
        await pilot.press("f12")
        await wait_for("LockScreen")
        shot("lock")
        await pilot.press(*"1234", "enter")
        await wait_for("RunScreen")
        await pilot.press("f8")
        await wait_for("HomeScreen")
        shot("picker after a visit")
        # a stopped visit: an out-of-province number
        await start(app, pilot, "缴费")
        await answer(pilot, app, "18800003333")
        shot("run stopped")
        await pilot.press("enter")
        await wait_for("HomeScreen")
        await pilot.press("f7")
        await wait_for("VoidScreen")
        await until(pilot, lambda: app.screen.query_one("#void-list").option_count == 1)
        shot("void list")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one("#void-check").display)
        shot("void check")
        await pilot.press("escape", "escape")
        await wait_for("HomeScreen")
        await pilot.press("f3")
        await wait_for("SettleScreen")
        shot("settle")
        from tests.test_ui_books import count

        await count(app, pilot, {10000: 3})
        await until(pilot, lambda: app.screen.query_one("#signoff").display or app.screen.closed)
        shot("settle counted")
        await pilot.press("f10")
        await wait_for("LoginScreen")
        await pilot.press(*"9001", "enter", *"9999", "enter")
        await until(pilot, lambda: type(app.screen).__name__ in ("HomeScreen", "ShiftOpenScreen"))
        if type(app.screen).__name__ == "ShiftOpenScreen":
            await open_shift(app, pilot)
            await wait_for("HomeScreen")
        await pilot.press("f9")
        await wait_for("ReportsScreen")
        app.screen.show_report("daily")
        await pilot.pause(0.8)
        shot("reports")
    set_locale("zh")
    return shots


async def test_the_english_console_shows_no_chinese(home: Path) -> None:
    shots = await tour(home, "en")
    assert len(shots) >= 25
    found = {label: han_outside_data(text) for label, text in shots.items()}
    assert {label: runs for label, runs in found.items() if runs} == {}


async def test_the_chinese_console_shows_no_english(home: Path) -> None:
    shots = await tour(home, "zh")
    found = {label: latin_outside_allowed(text) for label, text in shots.items()}
    assert {label: words for label, words in found.items() if words} == {}


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_footer_labels_follow_the_locale_set_after_import(home: Path, locale: str) -> None:
    """The screens' bindings are made at import; their labels are looked up when shown."""
    from teller.strings import t
    from teller.ui.keys import localize
    from teller.ui.screens.home import HomeScreen

    set_locale(locale)
    try:
        screen = localize(HomeScreen())
        labels = {b.action: b.description for _, b in screen._bindings}
        assert labels["void"] == t("key.void") and labels["app.request_quit"] == t("key.quit")
    finally:
        set_locale("zh")
