"""The screen's notice line: what the console tells the clerk in passing (a shift opened, a
visit done, a paper that failed later), in a line of the screen's own layout above the keys.

Textual's toasts float over the screen and covered the procedure list and the customer panel.
A screen with a `Notice` gets the app's notifications here instead (TellerApp.notify); the
line takes room only while it shows something, and clears itself after the timeout.
"""

from __future__ import annotations

from textual.timer import Timer
from textual.widgets import Static


class Notice(Static):
    DEFAULT_CSS = """
    Notice { height: auto; max-height: 3; padding: 0 1; display: none; }
    Notice.-warning { color: $warning; text-style: bold; }
    Notice.-error { color: $error; text-style: bold; }
    """

    _timer: Timer | None = None

    def show(self, message: str, *, severity: str = "information", timeout: float | None = None) -> None:
        self.set_classes({"-warning": severity == "warning", "-error": severity == "error"})
        self.update(message)
        self.display = bool(message)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(timeout, self.clear) if timeout else None

    def clear(self) -> None:
        self.update("")
        self.display = False

    @property
    def text(self) -> str:
        return str(self.content) if self.display else ""
