"""Answers from worker threads, delivered to the screen that asked -- if it is still there.

A screen starts a thread (a database read, a void, a settlement) and the clerk may close the
screen (Esc, a log-out, the idle lock) before the answer comes back. Textual would run the
callback anyway and its `query_one` would fail on a screen whose widgets are gone, stopping
the console. `deliver` drops such an answer instead: the screen that wanted it no longer
exists, and nothing it would have shown matters.
"""

from __future__ import annotations

from typing import Any, Callable

from textual.css.query import NoMatches
from textual.screen import Screen


def deliver(screen: Screen, callback: Callable[..., Any], *args: Any) -> None:
    """From a worker thread: run `callback(*args)` on the UI thread while `screen` is open."""
    screen.app.call_from_thread(_if_open, screen, callback, args)


def show_text(screen: Screen, selector: str, text: str) -> None:
    """From a worker thread: put `text` in the screen's widget `selector` (a note, an error line).

    The widget is looked up on the UI thread, when the answer arrives, and only while the
    screen is open (a lookup from the worker raced the screen's closing)."""
    deliver(screen, lambda: screen.query_one(selector).update(text))


def _open(screen: Screen) -> bool:
    """The screen is on the stack and the app is not shutting down (its widgets are removed then,
    while the stack still lists the screen: CI saw a late answer fail there)."""
    app = screen.app
    return app.is_running and not screen._closing and screen.is_attached and screen in app.screen_stack


def _if_open(screen: Screen, callback: Callable[..., Any], args: tuple) -> None:
    if not _open(screen):
        return
    try:
        callback(*args)
    except NoMatches:
        if _open(screen):  # the screen is there and lacks the widget: a real mistake
            raise
