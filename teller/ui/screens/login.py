"""Log-in: staff number and PIN. Shown at once; the database opens behind it."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from teller.errors import TellerError
from teller.strings import t
from teller.ui.forms import ENTER, EnterMovesOn
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter


class LoginScreen(EnterMovesOn, Screen):
    BINDINGS = [ENTER]  # a PIN typed straight after the staff number lands in the PIN field

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        with Vertical(id="login-box"):
            yield Static(f"[b]{t('login.title')}[/b]")
            yield Static(t("login.staff"), classes="label")
            yield TextBox(id="staff", max_length=16)
            yield Static(t("login.pin"), classes="label")
            yield TextBox(id="pin", password=True, max_length=12)
            yield Static(t("login.loading"), id="status")
            yield Static("", id="login-error", classes="error")
            yield Static(t("login.demo"), classes="label")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#staff", Input).focus()
        if self.app.desk is not None:
            self.desk_ready()

    def desk_ready(self) -> None:
        self.query_one("#status", Static).update(t("login.ready"))

    def show_error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)

    @on(Input.Submitted, "#pin")
    def _pin_done(self) -> None:
        staff = self.query_one("#staff", Input).value
        pin = self.query_one("#pin", Input)
        if not staff.strip():
            self.query_one("#staff", Input).focus()
            return
        self.show_error("")
        self._login(staff, pin.value)
        pin.value = ""

    @work(thread=True, exclusive=True, group="login")
    def _login(self, staff: str, pin: str) -> None:
        desk = self.app.wait_for_desk()
        if desk is None:
            return
        try:
            clerk = desk.login(staff, pin)
        except TellerError as exc:
            self.app.call_from_thread(self.show_error, exc.message)
            return
        self.app.call_from_thread(self.app.logged_in, clerk)
