"""The clerk's screens, polished (issue 13, items 1-9), driven by Pilot at 80×24: the picker's
guard, a deliberate quit, the void list, the log-in, help and the palette, the footer's fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from teller.clock import FixedClock
from teller.config import load_settings
from teller.strings import t
from teller.ui.app import TellerApp
from tests.support.screens import screen_text
from tests.test_ui import answer, commit, login, start, text_of, until
from tests.test_ui_books import pay_on_screen

SIZE = (80, 24)


def make_app(home: Path, **overrides) -> TellerApp:
    return TellerApp(load_settings(home=home, **overrides), clock=FixedClock())


def audit(home: Path) -> list[tuple[str, str, str]]:
    from tests.support.sql import db_connect

    with db_connect(home) as con:  # the home's database, a file or PostgreSQL
        return con.execute("select action, actor, detail from audit order by id").fetchall()


def name(app) -> str:
    return type(app.screen).__name__


def note(app) -> str:
    return text_of(app, "#home-note")


# ---- 1. the shift state guards the picker -----------------------------------------------------------
async def test_after_the_shift_is_closed_the_picker_refuses_with_the_reason(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)  # opens the shift with ￥250.00
        await pilot.press("f3")
        await until(pilot, lambda: name(app) == "SettleScreen")
        from tests.test_ui_books import count

        await count(app, pilot, {10000: 2, 1000: 5})  # the blind count matches: the shift closes
        await until(pilot, lambda: app.screen.closed)
        await pilot.press("escape")
        await until(pilot, lambda: name(app) == "HomeScreen" and t("settle.shift_closed") in note(app))
        await pilot.press("enter")  # 缴费 is highlighted
        await pilot.pause(0.2)
        assert name(app) == "HomeScreen" and t("settle.shift_closed") in note(app)
        assert "请先开班" not in note(app)


async def test_after_the_day_is_closed_the_picker_says_so(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        app.desk.count_drawer({10000: 2, 1000: 5})
        app.desk.settle_day()
        app.screen.on_screen_resume()
        day = app.desk.now().date().isoformat()
        await until(pilot, lambda: t("settle.day_closed", counter="01", day=day) in note(app))
        await start_refused(app, pilot)


async def start_refused(app, pilot) -> None:
    app.screen.query_one("#filter").value = "缴费"
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause(0.2)
    assert name(app) == "HomeScreen"


async def test_an_open_shift_shows_no_refusal(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await pilot.pause(0.2)
        assert note(app).strip() == "" or "请先开班" not in note(app)
        await start(app, pilot, "缴费")
        assert name(app) == "RunScreen"


# ---- 2. quitting is deliberate ----------------------------------------------------------------------------
async def test_quit_asks_first_and_the_log_out_is_audited(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await start(app, pilot, "缴费")
        await pilot.press(*"138", "ctrl+q")
        await until(pilot, lambda: name(app) == "ConfirmModal")
        asked = screen_text(app)
        assert t("quit.confirm") in asked.replace("\n", "").replace(" ", "") or "退出" in asked
        assert t("quit.visit_lost")[:8] in asked  # the unfinished visit is named
        await pilot.press("n")
        await until(pilot, lambda: name(app) == "RunScreen")
        assert app.screen.query_one("#answer").value == "138"  # nothing lost by asking
        await pilot.press("ctrl+q")
        await until(pilot, lambda: name(app) == "ConfirmModal")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running or app._exit_renderables is not None and app.desk.clerk_view is None)
    assert audit(home)[-1][:2] == ("logout", "1001") and audit(home)[-1][2] == "quit"


async def test_quit_is_refused_on_the_lock_screen(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await pilot.press("f12")
        await until(pilot, lambda: name(app) == "LockScreen" and bool(app.screen.query("#lock-pin")))
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)
        assert name(app) == "LockScreen" and app.is_running  # no question, no way round the lock
        assert t("quit.locked") in screen_text(app).replace("\n", "")
        await pilot.press("ctrl+p")  # nor through the palette
        await pilot.pause(0.3)
        assert name(app) == "LockScreen"
    assert "logout" not in [a for a, _, _ in audit(home)]


# ---- 3. the void screen -----------------------------------------------------------------------------------
async def test_void_list_filters_and_a_wrong_receipt_is_refused_before_the_pin(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        first = await pay_on_screen(app, pilot, "50", "50")
        second = await pay_on_screen(app, pilot, "30", "50")
        await pilot.press("f7")
        await until(pilot, lambda: name(app) == "VoidScreen" and app.screen.query_one("#void-list").option_count == 2)
        listed = app.screen.query_one("#void-list")
        assert [listed.get_option_at_index(i).id for i in range(2)] == [second, first]  # newest first
        # filter by the tail of the receipt number
        app.screen.query_one("#void-filter").value = first[-4:]
        await until(pilot, lambda: listed.option_count == 1 and listed.get_option_at_index(0).id == first)
        # a receipt number that is not today's at this counter: refused, no PIN asked
        app.screen.query_one("#void-filter").value = "01-20261122-0001"
        await until(pilot, lambda: listed.option_count == 0)
        await pilot.press("enter")
        await until(pilot, lambda: text_of(app, "#void-error").strip() != "")
        assert not app.screen.query_one("#void-check").display  # no reason, no PIN asked
        assert app.focused is app.screen.query_one("#void-filter")
        # by customer number: both; choose the second (Down), check the preview, reason 3 by its digit
        app.screen.query_one("#void-filter").value = "13800138000"
        await until(pilot, lambda: listed.option_count == 2)
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.screen.query_one("#void-check").display)
        preview = text_of(app, "#void-preview")
        assert first in preview and "￥50.00" in preview and "余额" in preview
        await pilot.press("3")
        await pilot.press(*"9001", "enter", *"9999", "enter")
        await until(pilot, lambda: "已冲正" in text_of(app, "#void-result"))
        # Esc from the list leaves the screen
        await pilot.press("escape")
        await until(pilot, lambda: name(app) == "HomeScreen")
    from tests.support.sql import db_connect

    with db_connect(home) as con:
        assert con.execute("select receipt_no, reason from void").fetchall() == [(first, "duplicate")]
    assert not [a for a in audit(home) if a[0] == "authorize" and "01-20261122" in a[2]]


async def test_esc_from_the_check_goes_back_to_the_list(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await pay_on_screen(app, pilot, "50", "50")
        await pilot.press("f7")
        await until(pilot, lambda: name(app) == "VoidScreen" and app.screen.query_one("#void-list").option_count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one("#void-check").display)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen.query_one("#void-pick").display)
        assert name(app) == "VoidScreen" and app.focused is app.screen.query_one("#void-filter")


# ---- 4. log-in ---------------------------------------------------------------------------------------------
async def test_wrong_pin_says_tries_left_and_returns_to_the_staff_number(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        app.wait_for_desk()
        await until(pilot, lambda: app.screen.query_one("#login-demo").display)  # the demo hall
        await pilot.press(*"1001", "enter", *"0000", "enter")
        await until(pilot, lambda: t("login.bad_left", n=4) in text_of(app, "#login-error"))
        assert app.focused is app.screen.query_one("#staff") and app.screen.query_one("#pin").value == ""
        await pilot.press("enter", *"1111", "enter")  # the staff number kept: Enter, then the PIN
        await until(pilot, lambda: t("login.bad_left", n=3) in text_of(app, "#login-error"))


async def test_no_demo_hint_on_a_real_hall(home: Path) -> None:
    app = make_app(home, seed_demo=False)
    async with app.run_test(size=SIZE) as pilot:
        app.wait_for_desk()
        await pilot.pause(0.3)
        assert not app.screen.query_one("#login-demo").display
        assert "1001/1234" not in screen_text(app)


async def test_a_supervisor_unlocks_a_locked_clerk_on_screen(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        desk = app.wait_for_desk()
        for _ in range(5):
            try:
                desk.login("1002", "0000")
            except Exception:
                pass
        await pilot.press(*"1002", "enter", *"2345", "enter")
        await until(pilot, lambda: "锁定" in text_of(app, "#login-error"))
        assert t("login.unlock_hint") in text_of(app, "#login-error")
        await pilot.press("f9")
        await until(pilot, lambda: app.screen.query_one("#unlock-sup").display)
        assert app.screen.query_one("#unlock-staff").value == "1002"  # taken from the staff box
        await pilot.press(*"1002", "enter", *"2345", "enter")  # not the locked person's own
        await until(pilot, lambda: text_of(app, "#login-error").strip() != "")
        app.screen.query_one("#unlock-sup").value = "9001"
        app.screen.query_one("#unlock-sup").focus()
        await pilot.press("enter", *"9999", "enter")
        await until(pilot, lambda: "1002" in text_of(app, "#status") and app.screen.query_one("#pin").display)
        await pilot.press(*"2345", "enter")
        await until(pilot, lambda: name(app) in ("ShiftOpenScreen", "HomeScreen"))
    unlocks = [a for a in audit(home) if a[0] == "clerk_unlock"]
    assert unlocks == [("clerk_unlock", "9001", "1002")]


async def test_keys_typed_as_the_idle_lock_appears_are_not_a_pin_attempt(home: Path) -> None:
    from tests.test_ui_lock import make_app as lock_app

    app, hand = lock_app(home, idle_lock_s=60)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await start(app, pilot, "缴费")
        hand.now += 61
        await until(pilot, lambda: name(app) == "LockScreen" and bool(app.screen.query("#lock-pin")))
        await pilot.press(*"13800", "enter")  # the clerk was typing a number as it locked
        await pilot.pause(0.2)
        assert app.screen.query_one("#lock-pin").value == "" and t("lock.type_again") in text_of(app, "#lock-error")
        hand.now += 3
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: name(app) == "RunScreen")
    assert not [a for a in audit(home) if a[0] == "unlock_failed"]


# ---- 7. help and the palette --------------------------------------------------------------------------------
@pytest.mark.parametrize("locale,expects", [("zh", "11 位手机号码"), ("en", "11-digit mobile number")])
async def test_f1_explains_the_screen_and_the_step(home: Path, locale: str, expects: str) -> None:
    app = make_app(home, locale=locale)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await pilot.press("f1")
        await until(pilot, lambda: name(app) == "HelpScreen")
        shown = screen_text(app)
        assert "F7" in shown and t("key.void") in shown and "Ctrl+Q" in shown
        await pilot.press("escape")
        await until(pilot, lambda: name(app) == "HomeScreen")
        await start(app, pilot, "缴费")
        await pilot.press("f1")
        await until(pilot, lambda: name(app) == "HelpScreen")
        assert expects in screen_text(app).replace("\n", " ")
        await pilot.press("f1")  # F1 again closes it too
        await until(pilot, lambda: name(app) == "RunScreen")
        assert app.focused is app.screen.query_one("#answer")


async def test_the_palette_offers_the_apps_commands_in_the_ui_language(home: Path) -> None:
    from teller.ui.commands import commands_for

    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        titles = [c.title for c in commands_for(app, app.screen)]
        for wanted in ("办理：缴费", "补打", "冲正", "退出登录", "锁定", "帮助", "钱箱存取", "交班"):
            assert wanted in titles, wanted
        assert not {"Theme", "Screenshot", "Keys", "Quit"} & set(titles)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: name(app) == "Palette")
        assert t("palette.placeholder") in screen_text(app)
        app.screen.query_one("Input").value = "办理：入网"
        await pilot.pause(1.0)
        await pilot.press("enter")
        await until(pilot, lambda: name(app) == "RunScreen")
        assert app.screen.run.procedure.id == "open_account"
        await pilot.press("f8")
        await until(pilot, lambda: name(app) == "ConfirmModal")
        await pilot.press("y")
        await until(pilot, lambda: name(app) == "HomeScreen")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: name(app) == "Palette")
        await pilot.press("escape")  # Esc closes what it opened
        await until(pilot, lambda: name(app) == "HomeScreen")


# ---- 6. 80×24 -------------------------------------------------------------------------------------------------
def footer_keys(app) -> list[tuple[str, str]]:
    """The footer's keys as drawn, each checked to end inside the 80 columns."""
    footer = app.screen.query_one("KeyFooter")
    assert footer.region.width == SIZE[0]
    drawn = footer.render().plain.split("\n")  # what it draws now (and the spans a click would hit)
    assert footer.region.height == len(drawn)  # every line it draws is on the screen
    out = []
    for y, first, end, entry in footer.spans:
        assert end <= SIZE[0], (entry, first, end)
        assert f" {entry.display} {entry.description}".rstrip() in drawn[y]
        out.append((entry.display, entry.description))
    return out


@pytest.mark.parametrize("locale", ["zh", "en"])
async def test_every_footer_key_fits_80_columns_with_its_label(home: Path, locale: str) -> None:
    app = make_app(home, locale=locale)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot, "9001", "9999")  # a supervisor: the picker's longest footer (F9 too)
        await pilot.pause(0.2)
        keys = dict(footer_keys(app))
        assert {"f2", "f3", "f6", "f7", "f9", "f10", "f12", "^q"} <= set(keys) and all(keys.values())
        await start(app, pilot, "缴费")
        await answer(pilot, app, "13800138000")
        await answer(pilot, app, "王小明")
        await answer(pilot, app)
        await answer(pilot, app, "100")
        await answer(pilot, app, "100")
        await commit(pilot, app)
        keys = dict(footer_keys(app))
        assert {"esc", "f8", "f6", "f12"} <= set(keys)
        for opened in ("f7",):
            await pilot.press("f8")
            await until(pilot, lambda: name(app) == "HomeScreen")
            await pilot.press(opened)
            await until(pilot, lambda: name(app) == "VoidScreen")
            footer_keys(app)


@pytest.mark.parametrize("locale", ["zh", "en"])
async def test_a_footer_too_long_for_one_line_takes_two_and_cuts_no_key(home: Path, locale: str) -> None:
    """A supervisor's free-practice picker has nine keys (87 columns in English)."""
    from tests.test_ui_practice import log_in, practice_app

    app = practice_app(home, locale=locale)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "9001", "9999", "DrillsScreen")
        await pilot.press("f2")  # free practice: the picker over the drills
        await until(pilot, lambda: name(app) == "HomeScreen" and "f11" in dict(footer_keys(app)))
        await pilot.pause(0.1)
        keys = dict(footer_keys(app))
        assert {"f2", "f3", "f6", "f7", "f9", "f10", "^q", "f12", "f11"} <= set(keys) and all(keys.values())
        footer = app.screen.query_one("KeyFooter")
        assert footer.region.height == 2 and footer.region.bottom == SIZE[1]  # two lines, on the screen
        assert app.screen.query_one("#procedures").region.bottom <= footer.region.y  # the list is not covered
        _y, first, _end, entry = next(span for span in footer.spans if span[0] == 1)  # the key on the second line
        assert entry.key == "f11"  # back to the drills: the last key, wrapped whole
        await pilot.click("KeyFooter", offset=(first + 1, 1))
        await until(pilot, lambda: name(app) == "DrillsScreen")


async def test_a_click_on_a_footer_key_presses_it(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        app.wait_for_desk()
        await pilot.pause()
        footer = app.screen.query_one("KeyFooter")
        assert [e.display for e in footer.entries] == ["f9"] and "f9 " + t("key.unlock_clerk") in footer.render().plain
        _y, first, _end, _entry = footer.spans[0]
        await pilot.click("KeyFooter", offset=(first + 1, 0))
        await until(pilot, lambda: app.screen.unlocking and app.screen.query_one("#unlock-staff").has_focus)
        await until(pilot, lambda: footer.entries == [])  # F9 is not offered while unlocking
        await pilot.click("KeyFooter", offset=(first + 1, 0))  # nothing there now
        await pilot.press("escape")
        await until(pilot, lambda: not app.screen.unlocking and [e.display for e in footer.entries] == ["f9"])


async def test_notices_take_their_own_line_and_cover_nothing(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await until(pilot, lambda: t("settle.opened", total="￥250.00") in screen_text(app))
        notice = app.screen.query_one("Notice")
        listed = app.screen.query_one("#procedures")
        assert notice.region.y >= listed.region.bottom  # below the list, not over it
        assert not app.screen.query("Toast")


async def test_practice_timer_shows_its_standard_at_80_columns(home: Path) -> None:
    app = TellerApp(load_settings(home=home).for_practice(), clock=FixedClock())
    async with app.run_test(size=SIZE) as pilot:
        app.wait_for_desk()
        await pilot.pause()
        await pilot.press(*"1001", "enter")
        await pilot.pause()
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "DrillsScreen")  # practice lands on the drills
        await pilot.press("f2")  # free practice: the procedure picker
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen" and bool(app.screen.query("#filter")))
        await start(app, pilot, "缴费")
        await pilot.pause(1.2)
        top = screen_text(app).splitlines()[0]
        assert "1:50" in top and "0:0" in top, top  # elapsed and the standard, both whole


# ---- 9. the smaller ones --------------------------------------------------------------------------------------
async def test_a_refused_password_is_cleared_from_its_box(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await start(app, pilot, "产品变更")
        await answer(pilot, app, "13800138000")
        while app.screen.run.step.input is None or app.screen.run.step.input.kind != "password":
            step = app.screen.run.step
            if step.input is not None and step.input.field == "document":
                await pilot.press("1")  # the service password
                await pilot.pause()
                continue
            await answer(pilot, app)
        await answer(pilot, app, "000000")
        assert text_of(app, "#error").strip() and app.screen.run.step.input.kind == "password"
        assert app.screen.query_one("#answer").value == ""


async def test_the_second_number_of_a_visit_is_not_greeted_again(home: Path) -> None:
    from teller.domain.rules import greeting

    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await start(app, pilot, "缴费")
        first = text_of(app, "#line")
        hello = greeting(app.desk.now())
        assert hello in first and "请坐" in first
        await answer(pilot, app, "13800138000")
        await answer(pilot, app, "王小明")
        await answer(pilot, app)
        await answer(pilot, app, "50")
        await answer(pilot, app, "50")
        await commit(pilot, app)
        await answer(pilot, app)
        await pilot.press("2")  # another number
        await pilot.pause()
        again = text_of(app, "#line")
        assert app.screen.run.step.id == "number"
        assert hello not in again and "请坐" not in again and "号码" in again


def test_a_stage_direction_and_a_stop_notice_are_styled_apart_from_what_is_said() -> None:
    from teller.ui.widgets.spoken_line import DIRECTION, NOTICE, BrokenLines, split_direction

    assert split_direction("（双手接款，验钞）这款手机1299元。") == ("（双手接款，验钞）", "这款手机1299元。")
    assert split_direction("您好（请坐）。") == ("", "您好（请坐）。")  # only a direction that opens the line
    lines = BrokenLines([("业务已终止：", NOTICE), ("（记录）", DIRECTION), ("好的。", None)])
    assert [style for _, style in lines.parts] == [NOTICE, DIRECTION, None]
    assert lines.plain(20) == ["业务已终止：", "（记录）", "好的。"]


async def test_the_close_account_decision_is_a_prompt_for_the_clerk_not_a_line(home: Path) -> None:
    from teller.domain.catalog import demo_id

    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await start(app, pilot, "销户")
        run = app.screen.run
        for value in ("13700001111", None, demo_id("44030619751120361"), "张伟"):
            await answer(pilot, app, value)
        while run.step.id != "retention":
            await answer(pilot, app)
        assert not app.screen.query_one("#line").display  # nothing to say to the customer
        assert "客户的决定是" in text_of(app, "#note")


def test_the_plan_list_follows_the_usage_answer(desk) -> None:
    from tests.conftest import start as start_run
    from tests.conftest import walk
    from teller.domain.catalog import demo_id

    for usage, first in (("youth", "动感地带18元套餐"), ("heavy", "全球通88元套餐"), ("local", "家园卡"), ("long_distance", "神州行大众卡时尚套餐")):
        run = walk(start_run(desk, "open_account"), "yes", demo_id("11010519900307541"), "钱多多", usage)
        labels = [o.label for o in run.options()]
        assert labels[0].startswith(first) and t("option.recommended") in labels[0], (usage, labels)
        assert "￥" in labels[0] and "元/月" not in labels[0]  # money as ￥18.00
        assert len(labels) == 4 and sum(t("option.recommended") in x for x in labels) >= 1


async def test_a_new_number_is_found_by_its_last_digits(home: Path) -> None:
    from teller.domain.catalog import demo_id

    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await login(app, pilot)
        await start(app, pilot, "入网")
        await answer(pilot, app)
        await answer(pilot, app, demo_id("11010519900307541"))
        await answer(pilot, app, "钱多多")
        await answer(pilot, app)  # usage
        await answer(pilot, app)  # plan: the first
        await answer(pilot, app)  # its tariff
        assert app.screen.run.step.input.field == "new_number"
        assert app.focused is app.screen.query_one("#answer")
        await pilot.press(*"9527")  # digits narrow the list, they do not pick the 9th choice
        await pilot.pause(0.2)
        listed = app.screen.query_one("#choices")
        assert [listed.get_option_at_index(i).id for i in range(listed.option_count)] == ["13477779527"]
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen.run.answers["new_number"] == "13477779527"
