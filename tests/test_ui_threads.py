"""A worker's answer reaches its screen only while the screen is open (teller/ui/threads.py).

Found in the PostgreSQL pass: the picker's shift check answered after the picker had been
closed, its `query_one('#home-note')` failed and the console stopped with an error reference.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from teller.ui.threads import deliver


class Asking(Screen):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def compose(self):
        yield Static("", id="note")

    def show(self, text: str) -> None:
        self.query_one("#note", Static).update(text)
        self.seen.append(text)

    def broken(self, text: str) -> None:
        self.query_one("#missing", Static).update(text)


def _answer_later(screen: Screen, callback, text: str, go: threading.Event, done: threading.Event, errors=None):
    def run() -> None:
        go.wait(5)
        try:
            deliver(screen, callback, text)
        except Exception as exc:  # what a thread worker would fail with
            if errors is None:
                raise
            errors.append(exc)
        finally:
            done.set()

    # as Textual's thread workers do: the thread runs in the app's context
    threading.Thread(target=contextvars.copy_context().run, args=(run,), daemon=True).start()


@pytest.mark.asyncio
async def test_an_answer_reaches_an_open_screen_and_is_dropped_once_it_is_closed():
    app = App()
    async with app.run_test() as pilot:
        screen = Asking()
        await app.push_screen(screen)
        go, done = threading.Event(), threading.Event()
        _answer_later(screen, screen.show, "open", go, done)
        go.set()
        assert await asyncio.to_thread(done.wait, 5)  # the loop must run: call_from_thread waits on it
        await pilot.pause()
        assert screen.seen == ["open"]
        assert str(screen.query_one("#note", Static).render()) == "open"

        go, done, errors = threading.Event(), threading.Event(), []
        _answer_later(screen, screen.show, "closed", go, done, errors)
        await app.pop_screen()
        await pilot.pause()
        go.set()
        assert await asyncio.to_thread(done.wait, 5)  # the loop must run: call_from_thread waits on it
        await pilot.pause()
        await pilot.pause()
        assert errors == []  # the worker did not fail (a thread worker's failure stops the console)
        assert screen.seen == ["open"]  # the closed screen was not asked to show it
        assert app.is_running and app._exception is None


@pytest.mark.asyncio
async def test_a_missing_widget_on_an_open_screen_is_still_an_error():
    app = App()
    async with app.run_test() as pilot:
        screen = Asking()
        await app.push_screen(screen)
        go, done, errors = threading.Event(), threading.Event(), []
        _answer_later(screen, screen.broken, "x", go, done, errors)
        go.set()
        assert await asyncio.to_thread(done.wait, 5)
        await pilot.pause()
    assert len(errors) == 1 and "missing" in str(errors[0])


@pytest.mark.asyncio
async def test_a_note_from_a_worker_is_looked_up_on_the_ui_thread_while_its_screen_is_open():
    from teller.ui.threads import show_text

    app = App()
    async with app.run_test() as pilot:
        screen = Asking()
        await app.push_screen(screen)
        await asyncio.to_thread(show_text, screen, "#note", "拒绝：原因")
        await pilot.pause()
        assert str(screen.query_one("#note", Static).render()) == "拒绝：原因"
        await app.pop_screen()
        await pilot.pause()
        await asyncio.to_thread(show_text, screen, "#note", "too late")  # screen closed: dropped, no error
        await pilot.pause()
        assert app.is_running and app._exception is None


@pytest.mark.asyncio
async def test_an_answer_arriving_during_shut_down_is_dropped():
    """The app shutting down removes the screens' widgets while the stack still lists them."""
    from teller.ui.threads import _if_open

    app = App()
    async with app.run_test() as pilot:
        screen = Asking()
        await app.push_screen(screen)
        await pilot.pause()
        app._running = False  # what App._shutdown does first; the screen is still on the stack
        try:
            assert screen in app.screen_stack and screen.is_attached
            _if_open(screen, screen.broken, ("late",))  # would raise NoMatches if it ran
            _if_open(screen, screen.show, ("late",))
        finally:
            app._running = True
        assert screen.seen == []


@pytest.mark.asyncio
async def test_a_widget_lookup_failing_during_shut_down_is_no_crash(tmp_path):
    """The console's error hook ignores a lookup that failed because the app was closing (a
    real failure while running still stops the console with a reference: tests/test_crash.py)."""
    from textual.css.query import NoMatches
    from textual.worker import WorkerFailed

    from teller.config import load_settings
    from teller.ui.app import TellerApp

    (tmp_path / "teller.toml").write_text("", encoding="utf-8")
    app = TellerApp(load_settings(tmp_path / "teller.toml", home=tmp_path))
    app._running = False  # as App._shutdown leaves it
    app._handle_exception(WorkerFailed(NoMatches("No nodes match '#procedures' on HomeScreen()")))
    assert app._exception is None and app.return_code in (None, 0) and not app.crash_ref
    app._handle_exception(RuntimeError("a real fault"))
    assert app._exception is not None and app.crash_ref  # anything else is still reported
