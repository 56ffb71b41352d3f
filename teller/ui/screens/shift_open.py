"""Opening a shift after log-in: the float counted by denomination."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from teller.domain.money import money
from teller.errors import TellerError
from teller.strings import t
from teller.ui.threads import show_text
from teller.ui.forms import ENTER, EnterMovesOn
from teller.ui.widgets.denomination_count import DenominationCount
from teller.ui.widgets.notice import Notice
from teller.ui.widgets.key_footer import KeyFooter


class ShiftOpenScreen(EnterMovesOn, Screen):
    HAS_NOTICE = True  # notifications go to its Notice line (TellerApp.notify)
    BINDINGS = [ENTER, Binding("f10", "logout", "key.logout")]

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        yield Static(f"[b]{t('settle.open_title')}[/b]", classes="books-title")
        yield Static(t("settle.open_hint"), classes="label")
        yield DenominationCount()
        yield Static("", id="shift-error", classes="error")
        yield Notice()
        yield KeyFooter(show_command_palette=False)

    @on(DenominationCount.Counted)
    def _counted(self, event: DenominationCount.Counted) -> None:
        self.query_one("#shift-error", Static).update("")
        self._open(event.counts)

    @work(thread=True, exclusive=True, group="shift")
    def _open(self, counts: dict[int, int]) -> None:
        try:
            shift = self.app.desk.open_shift(counts)
        except TellerError as exc:
            show_text(self, "#shift-error", exc.message)
            return
        self.app.call_from_thread(self.app.shift_opened, t("settle.opened", total=money(shift.float_fen)))

    def action_logout(self) -> None:
        self.app.logout()
