"""The lock screen: pushed over whatever the clerk was doing, which stays underneath.

Only the same clerk's PIN unlocks it (wrong PINs count towards the lock-out). F9 lets a
supervisor log the clerk out instead; the unfinished visit is then dropped.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from teller.errors import StaffLocked, TellerError
from teller.strings import t
from teller.ui.forms import ENTER, EnterMovesOn
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter


class LockScreen(EnterMovesOn, Screen):
    BINDINGS = [
        ENTER,
        Binding("f9", "supervisor", t("key.supervisor_logout")),
        Binding("escape", "own_pin", show=False),
    ]

    def __init__(self, name: str, staff_no: str) -> None:
        super().__init__()
        self.clerk_name = name
        self.staff_no = staff_no
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        with Vertical(id="lock-box"):
            yield Static(f"[b]🔒 {t('lock.title')}[/b]")
            yield Static(t("lock.who", name=self.clerk_name, staff_no=self.staff_no), id="lock-who")
            yield Static(t("lock.pin"), classes="label own", id="lock-pin-label")
            yield TextBox(id="lock-pin", password=True, max_length=12, classes="own")
            yield Static(t("lock.supervisor"), classes="label supervisor")
            yield TextBox(id="sup-staff", max_length=16, classes="supervisor")
            yield Static(t("lock.supervisor_pin"), classes="label supervisor")
            yield TextBox(id="sup-pin", password=True, max_length=12, classes="supervisor")
            yield Static("", id="lock-error", classes="error")
            yield Static(t("lock.supervisor_hint"), classes="label", id="lock-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.action_own_pin()

    def show_error(self, message: str) -> None:
        self.busy = False
        self.query_one("#lock-error", Static).update(message)

    # ---- the clerk's own PIN -------------------------------------------------------------
    def _mode(self, supervisor: bool) -> None:
        """One set of fields at a time, so the box fits an 80x24 terminal."""
        for widget in self.query(".supervisor"):
            widget.display = supervisor
        for widget in self.query(".own"):
            widget.display = not supervisor
        self.query_one("#lock-error", Static).update("")

    def action_own_pin(self) -> None:
        self._mode(False)
        self.query_one("#lock-pin", Input).focus()

    @on(Input.Submitted, "#lock-pin")
    def _pin_typed(self, event: Input.Submitted) -> None:
        event.stop()
        pin, event.input.value = event.value, ""
        if pin and not self.busy:
            self.busy = True
            self._unlock(pin)

    @work(thread=True, exclusive=True, group="unlock")
    def _unlock(self, pin: str) -> None:
        try:
            self.app.desk.unlock(pin)
        except StaffLocked as exc:
            self.app.call_from_thread(self.show_error, exc.message)
            return
        except TellerError:
            self.app.call_from_thread(self.show_error, t("lock.wrong"))
            return
        self.app.call_from_thread(self.app.unlocked)

    # ---- a supervisor logs the clerk out ---------------------------------------------------
    def action_supervisor(self) -> None:
        self._mode(True)
        self.query_one("#sup-staff", Input).focus()

    @on(Input.Submitted, "#sup-staff")
    def _sup_staff_typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#sup-pin", Input).focus()

    @on(Input.Submitted, "#sup-pin")
    def _sup_pin_typed(self, event: Input.Submitted) -> None:
        event.stop()
        staff = self.query_one("#sup-staff", Input).value
        pin, event.input.value = event.value, ""
        if staff.strip() and not self.busy:
            self.busy = True
            self._supervisor_logout(staff, pin)

    @work(thread=True, exclusive=True, group="unlock")
    def _supervisor_logout(self, staff: str, pin: str) -> None:
        try:
            granted = self.app.desk.supervisor_logout(staff, pin)
        except TellerError as exc:
            self.app.call_from_thread(self.show_error, exc.message)
            return
        self.app.call_from_thread(self.app.logged_out_by_supervisor, granted.staff_no)
