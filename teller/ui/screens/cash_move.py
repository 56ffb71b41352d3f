"""Cash put into or taken out of the drawer during a shift, with a reason (备用金存取)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from teller.domain.money import money, parse_yuan
from teller.errors import TellerError
from teller.strings import t
from teller.ui.forms import ENTER, EnterMovesOn
from teller.ui.widgets.text_box import TextBox


class CashMoveModal(EnterMovesOn, ModalScreen[str | None]):
    """Choose in or out, type the amount and the reason; the Desk records it in the open shift.

    Returns the confirmation text, or None when cancelled."""

    BINDINGS = [ENTER, Binding("escape", "cancel", "key.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box"):
            yield Static(f"[b]{t('cash.title')}[/b]")
            yield OptionList(Option(t("cash.in"), id="cash_in"), Option(t("cash.out"), id="cash_out"), id="cash-kind")
            yield TextBox(placeholder=t("cash.amount"), id="cash-amount")
            yield TextBox(placeholder=t("cash.reason"), id="cash-reason")
            yield Static("", id="cash-error", classes="error")
            yield Static(t("cash.hint"), classes="label")

    def on_mount(self) -> None:
        kinds = self.query_one("#cash-kind", OptionList)
        kinds.highlighted = 0
        kinds.focus()

    @on(OptionList.OptionSelected, "#cash-kind")
    def _kind(self) -> None:
        self.query_one("#cash-amount", Input).focus()

    @on(Input.Submitted, "#cash-amount")
    def _amount(self) -> None:
        self.query_one("#cash-reason", Input).focus()

    @on(Input.Submitted, "#cash-reason")
    def _reason(self) -> None:
        kinds = self.query_one("#cash-kind", OptionList)
        kind = kinds.get_option_at_index(kinds.highlighted or 0).id
        error = self.query_one("#cash-error", Static)
        try:
            fen = parse_yuan(self.query_one("#cash-amount", Input).value, what=t("cash.amount"))
            self.app.desk.cash_move(kind, fen, self.query_one("#cash-reason", Input).value)  # the books check reason and amount
        except TellerError as exc:
            error.update(exc.message)
            return
        self.dismiss(t("cash.done", kind=t(f"cash.{kind.removeprefix('cash_')}"), amount=money(fen)))

    def action_cancel(self) -> None:
        self.dismiss(None)
