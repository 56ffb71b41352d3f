"""Voiding a same-day transaction (冲正): receipt number, reason, and a supervisor's PIN here."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from teller.domain.books import VOID_REASONS
from teller.domain.money import money
from teller.errors import TellerError
from teller.strings import t
from teller.ui.forms import ENTER, EnterMovesOn
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter


class VoidScreen(EnterMovesOn, Screen):
    BINDINGS = [ENTER, Binding("escape", "leave", t("key.back")), Binding("f5", "print_slip", t("key.print_slip"))]

    def __init__(self) -> None:
        super().__init__()
        self.void_id: int | None = None  # the void done here, while its slip is not printed

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        yield Static(f"[b]{t('void.title')}[/b]", classes="books-title")
        yield Static(t("void.receipt"), classes="label")
        yield TextBox(id="void-receipt", max_length=24)
        yield Static(t("void.reason"), classes="label")
        yield OptionList(*[Option(f"{i}. {t('void.reason.' + r)}", id=r) for i, r in enumerate(VOID_REASONS, 1)], id="void-reason")
        yield Static(t("settle.supervisor"), classes="label")
        yield TextBox(id="void-staff", max_length=16)
        yield Static(t("settle.pin"), classes="label")
        yield TextBox(id="void-pin", password=True, max_length=12)
        yield Static("", id="void-result")
        yield Static("", id="void-error", classes="error")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#void-reason", OptionList).highlighted = 0
        self.query_one("#void-receipt", Input).focus()

    @on(Input.Submitted, "#void-receipt")
    def _receipt_done(self) -> None:
        self.query_one("#void-error", Static).update("")
        self.query_one("#void-result", Static).update("")
        self._check(self.query_one("#void-receipt", Input).value)

    @work(thread=True, exclusive=True, group="void")
    def _check(self, receipt_no: str) -> None:
        """What the void will do, or why it cannot, before anyone types a supervisor's PIN."""
        try:
            preview = self.app.desk.check_void(receipt_no)
        except TellerError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        text = t("void.preview", receipt_no=preview.receipt_no, operation=self.app.desk.procedure_title(preview.procedure_id),
                 refund=money(preview.refund_fen))
        self.app.call_from_thread(self._previewed, text)

    def _refused(self, message: str) -> None:
        self.query_one("#void-error", Static).update(message)
        self.query_one("#void-receipt", Input).focus()

    def _previewed(self, text: str) -> None:
        self.query_one("#void-result", Static).update(text)
        self.query_one("#void-reason", OptionList).focus()

    @on(OptionList.OptionSelected, "#void-reason")
    def _reason_done(self) -> None:
        self.query_one("#void-staff", Input).focus()

    @on(Input.Submitted, "#void-staff")
    def _staff_done(self) -> None:
        self.query_one("#void-pin", Input).focus()

    @on(Input.Submitted, "#void-pin")
    def _pin_done(self) -> None:
        reasons = self.query_one("#void-reason", OptionList)
        reason = reasons.get_option_at_index(reasons.highlighted or 0).id
        pin = self.query_one("#void-pin", Input)
        self.query_one("#void-error", Static).update("")
        self._void(self.query_one("#void-receipt", Input).value, reason, self.query_one("#void-staff", Input).value, pin.value)
        pin.value = ""

    @work(thread=True, exclusive=True, group="void")
    def _void(self, receipt_no: str, reason: str, staff: str, pin: str) -> None:
        try:
            void = self.app.desk.void(receipt_no, reason=reason, supervisor=staff, pin=pin)
        except TellerError as exc:
            self.app.call_from_thread(self.query_one("#void-error", Static).update, exc.message)
            return
        text = t("void.done", receipt_no=void.receipt_no, refund=money(void.amount_fen))
        self.app.call_from_thread(self._slip_state, void.id, text, self.app.desk.slip_problems(void_id=void.id))

    def _slip_state(self, void_id: int, text: str, problems: list[str]) -> None:
        """What the journal says of the void slip: printed, or why not (F5 prints it again)."""
        self.void_id = void_id if problems else None
        self._void_text = text
        slip = t("void.slip_failed", error=problems[0]) if problems else t("void.slip_printed")
        self.query_one("#void-result", Static).update(f"{text}\n{slip}")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "print_slip":
            return True if self.void_id is not None else None
        return True

    def action_print_slip(self) -> None:
        if self.void_id is not None:
            self._print_slip(self.void_id, self._void_text)

    @work(thread=True, exclusive=True, group="void")
    def _print_slip(self, void_id: int, text: str) -> None:
        desk = self.app.desk
        desk.print_void(void_id)
        self.app.call_from_thread(self._slip_state, void_id, text, desk.slip_problems(void_id=void_id))

    def action_leave(self) -> None:
        self.app.pop_screen()
