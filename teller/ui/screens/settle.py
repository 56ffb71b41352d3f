"""Closing a shift: the blind count first, then the figures; a variance beyond the limit
needs a supervisor's staff number, PIN and a note at this PC."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from teller.domain.money import money
from teller.domain.money import variance as variance_text
from teller.errors import TellerError
from teller.strings import t
from teller.ui.forms import ENTER, EnterMovesOn
from teller.ui.widgets.denomination_count import DenominationCount
from teller.ui.widgets.notice import Notice
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter
from teller.ui.threads import deliver


def figures(key: str, expected: int, counted: int, variance: int) -> str:
    said = variance_text(variance) if variance else t("money.variance_even", amount=money(0))
    return t(key, expected=money(expected), counted=money(counted), variance=said)


class SettleScreen(EnterMovesOn, Screen):
    HAS_NOTICE = True  # notifications go to its Notice line (TellerApp.notify)
    BINDINGS = [
        ENTER, Binding("escape", "leave", "key.back"), Binding("f10", "logout", "key.logout"),
        Binding("f5", "print_slip", "key.print_slip"),
    ]

    def __init__(self, shift=None) -> None:
        super().__init__()
        self.shift = shift  # the counter's unclosed shift when the screen opened
        self.closed = False
        self.unprinted_shift: int | None = None  # the closed shift whose slip did not print

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        yield Static(f"[b]{t('settle.title')}[/b]", classes="books-title")
        yield Static(t("settle.blind_hint"), id="settle-hint", classes="label")
        yield DenominationCount()
        yield Static("", id="settle-result")
        with Vertical(id="signoff"):
            yield Static(t("settle.supervisor"), classes="label")
            yield TextBox(id="sup-staff", max_length=16)
            yield Static(t("settle.pin"), classes="label")
            yield TextBox(id="sup-pin", password=True, max_length=12)
            yield Static(t("settle.note"), classes="label")
            yield TextBox(id="sup-note", max_length=120)
        yield Static("", id="settle-error", classes="error")
        yield Notice()
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#signoff").display = False
        shift = self.shift
        if shift is not None and shift.status == "counted":  # counted before: straight to sign-off
            self._ask_signoff(figures("settle.needs_signoff", shift.expected_fen, shift.counted_fen, shift.variance_fen))

    def _error(self, message: str) -> None:
        self.query_one("#settle-error", Static).update(message)

    def _ask_signoff(self, text: str) -> None:
        self.query_one(DenominationCount).display = False
        self.query_one("#settle-hint").display = False
        self.query_one("#settle-result", Static).update(text)
        self.query_one("#signoff").display = True
        self.query_one("#sup-staff", Input).focus()

    def _done(self, text: str, shift_id: int | None = None, problems: list[str] | None = None) -> None:
        """Closed. What the journal says of the settlement slip: printed, or why not (F5)."""
        problems = problems or []
        self.unprinted_shift = shift_id if problems else None
        slip = t("settle.slip_failed", error=problems[0]) if problems else t("settle.slip_printed")
        text = f"{text}\n{slip}"
        self._closed_text = text.split("\n")[0]
        self.refresh_bindings()
        self.closed = True
        self.query_one(DenominationCount).display = False
        self.query_one("#settle-hint").display = False
        self.query_one("#signoff").display = False
        self.query_one("#settle-result", Static).update(text + "\n" + t("settle.logout_hint"))
        self._error("")

    @on(DenominationCount.Counted)
    def _counted(self, event: DenominationCount.Counted) -> None:
        self._error("")
        self._count(event.counts)

    @work(thread=True, exclusive=True, group="settle")
    def _count(self, counts) -> None:
        try:
            closing = self.app.desk.count_drawer(counts)
        except TellerError as exc:
            deliver(self, self._error, exc.message)
            return
        s = closing.settlement
        if closing.closed:
            problems = self.app.desk.slip_problems(shift_id=closing.shift.id)
            deliver(self, self._done, figures("settle.closed", s.expected_fen, s.counted_fen, s.variance_fen), closing.shift.id, problems)
        else:
            deliver(self, self._ask_signoff, figures("settle.needs_signoff", s.expected_fen, s.counted_fen, s.variance_fen))

    @on(Input.Submitted, "#sup-staff")
    def _staff_done(self) -> None:
        self.query_one("#sup-pin", Input).focus()

    @on(Input.Submitted, "#sup-pin")
    def _pin_done(self) -> None:
        self.query_one("#sup-note", Input).focus()

    @on(Input.Submitted, "#sup-note")
    def _note_done(self) -> None:
        staff = self.query_one("#sup-staff", Input).value
        pin = self.query_one("#sup-pin", Input)
        note = self.query_one("#sup-note", Input).value
        self._error("")
        self._sign_off(staff, pin.value, note)
        pin.value = ""

    @work(thread=True, exclusive=True, group="settle")
    def _sign_off(self, staff: str, pin: str, note: str) -> None:
        try:
            closing = self.app.desk.sign_off_shift(staff, pin, note)
        except TellerError as exc:
            deliver(self, self._error, exc.message)
            return
        s = closing.settlement
        problems = self.app.desk.slip_problems(shift_id=closing.shift.id)
        deliver(self, self._done, figures("settle.closed", s.expected_fen, s.counted_fen, s.variance_fen), closing.shift.id, problems)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "print_slip":
            return True if self.unprinted_shift is not None else False
        return True

    def action_print_slip(self) -> None:
        if self.unprinted_shift is not None:
            self._print_slip(self.unprinted_shift, self._closed_text)

    @work(thread=True, exclusive=True, group="settle")
    def _print_slip(self, shift_id: int, text: str) -> None:
        desk = self.app.desk
        desk.print_settlement(shift_id)
        deliver(self, self._done, text, shift_id, desk.slip_problems(shift_id=shift_id))

    def action_leave(self) -> None:
        self.app.pop_screen()

    def action_logout(self) -> None:
        self.app.logout()
