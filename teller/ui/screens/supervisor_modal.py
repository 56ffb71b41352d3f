"""A supervisor's staff number and PIN, asked at the clerk's PC (maker-checker)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from teller.strings import t
from teller.ui.forms import ENTER, EnterMovesOn
from teller.ui.widgets.text_box import TextBox


class SupervisorModal(EnterMovesOn, ModalScreen[tuple[str, str] | None]):
    """Returns (staff_no, pin), or None when cancelled. The Desk checks them, not this screen."""

    BINDINGS = [ENTER, Binding("escape", "cancel", "key.cancel")]

    def __init__(self, title: str, why: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box"):
            yield Static(f"[b]{self.title_text}[/b]")
            if self.why:
                yield Static(self.why, classes="label")
            yield TextBox(placeholder=t("reprint.staff"), id="supervisor-staff")
            yield TextBox(placeholder=t("reprint.pin"), password=True, id="supervisor-pin")
            yield Static(t("reprint.hint"), classes="label")

    def on_mount(self) -> None:
        self.query_one("#supervisor-staff", Input).focus()

    @on(Input.Submitted, "#supervisor-staff")
    def _staff_entered(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.query_one("#supervisor-pin", Input).focus()

    @on(Input.Submitted, "#supervisor-pin")
    def _pin_entered(self, event: Input.Submitted) -> None:
        event.stop()
        staff = self.query_one("#supervisor-staff", Input).value.strip()
        if staff and event.value:
            self.dismiss((staff, event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
