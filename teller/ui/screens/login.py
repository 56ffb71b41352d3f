"""Log-in: staff number and PIN. Shown at once; the database opens behind it."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from teller.errors import TellerError
from teller.strings import t


class LoginScreen(Screen):
    # Enter is taken before the focused field sees it, so the focus moves at once and a PIN
    # typed straight after the staff number lands in the PIN field (Textual routes each key
    # by the focus at the moment it arrives; each field reads its own queued keys later).
    BINDINGS = [Binding("enter", "enter", show=False, priority=True)]

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        with Vertical(id="login-box"):
            yield Static(f"[b]{t('login.title')}[/b]")
            yield Static(t("login.staff"), classes="label")
            yield Input(id="staff", max_length=16)
            yield Static(t("login.pin"), classes="label")
            yield Input(id="pin", password=True, max_length=12)
            yield Static(t("login.loading"), id="status")
            yield Static("", id="login-error", classes="error")
            yield Static(t("login.demo"), classes="label")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#staff", Input).focus()
        if self.app.desk is not None:
            self.desk_ready()

    def desk_ready(self) -> None:
        self.query_one("#status", Static).update(t("login.ready"))

    def show_error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)

    def action_enter(self) -> None:
        staff, pin = self.query_one("#staff", Input), self.query_one("#pin", Input)
        if self.focused is staff:
            self.set_focus(pin)  # at once: Widget.focus() would wait behind keys already queued
        else:
            pin.call_later(self._pin_done)  # after the PIN field has taken every key typed before Enter

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
