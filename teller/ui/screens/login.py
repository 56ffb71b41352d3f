"""Log-in: staff number and PIN. Shown at once; the database opens behind it.

A wrong PIN says how many tries are left before the lock-out and puts the cursor back on the
staff number. F9 lets a supervisor unlock a locked staff number here (the supervisor's own
staff number and PIN; never the locked person's). The demo staff numbers are shown only on a
demo hall.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from teller.errors import StaffLocked, TellerError
from teller.strings import t
from teller.ui.forms import ENTER, EnterMovesOn
from teller.ui.widgets.notice import Notice
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter
from teller.ui.threads import deliver


class LoginScreen(EnterMovesOn, Screen):
    HAS_NOTICE = True  # notifications go to its Notice line (TellerApp.notify)
    BINDINGS = [
        ENTER,  # a PIN typed straight after the staff number lands in the PIN field
        Binding("f9", "supervisor_unlock", "key.unlock_clerk"),
        Binding("escape", "own_login", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        with Center(), Vertical(id="login-box"):  # centred under the full-width top bar
            yield Static(f"[b]{t('login.title')}[/b]", id="login-title")
            yield Static(t("login.staff"), classes="label own")
            yield TextBox(id="staff", max_length=16, classes="own")
            yield Static(t("login.pin"), classes="label own")
            yield TextBox(id="pin", password=True, max_length=12, classes="own")
            # the supervisor's unlock fields are added on the first F9 (fewer widgets in the first frame)
            yield Static(t("login.loading"), id="status")
            yield Static("", id="login-error", classes="error")
            yield Static(t("login.demo"), classes="label", id="login-demo")
        yield Notice()
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.busy = False
        self.unlocking = False  # the clerk's own fields show first (the style sheet hides the others)
        self.query_one("#staff", Input).focus()
        if self.app.desk is not None:
            self.desk_ready()

    def desk_ready(self) -> None:
        self.query_one("#status", Static).update(t("login.ready"))
        self.set_class(bool(getattr(self.app, "demo_hall", False)), "-demo-hall")

    def show_error(self, message: str) -> None:
        self.busy = False
        self.query_one("#login-error", Static).update(message)

    def _mode(self, *, unlock: bool) -> None:
        """The clerk's own log-in, or a supervisor unlocking a staff number (one set of fields at a time)."""
        self.unlocking = unlock
        self.set_class(unlock, "-unlocking")  # the style sheet shows one set of fields
        title = t("login.unlock_title") if unlock else t("login.title")
        self.query_one("#login-title", Static).update(f"[b]{title}[/b]")
        self.query_one("#login-error", Static).update("")
        self.query_one("#unlock-staff" if unlock else "#staff", Input).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "supervisor_unlock":
            return False if getattr(self, "unlocking", False) else True  # not shown while unlocking
        return True

    # ---- the clerk's own log-in -------------------------------------------------------------
    @on(Input.Submitted, "#pin")
    def _pin_done(self) -> None:
        staff = self.query_one("#staff", Input)
        pin = self.query_one("#pin", Input)
        if not staff.value.strip():
            staff.focus()
            return
        if self.busy:
            return
        self.busy = True
        self.query_one("#login-error", Static).update("")
        self._login(staff.value, pin.value)
        pin.value = ""

    @work(thread=True, exclusive=True, group="login")
    def _login(self, staff: str, pin: str) -> None:
        desk = self.app.wait_for_desk()
        if desk is None:
            self.app.call_from_thread(setattr, self, "busy", False)
            return
        try:
            clerk = desk.login(staff, pin)
        except TellerError as exc:
            hint = isinstance(exc, StaffLocked)
            deliver(self, self._refused, exc.message, hint)
            return
        self.app.call_from_thread(self.app.logged_in, clerk)

    def _refused(self, message: str, locked: bool) -> None:
        """A refused log-in: the reason (and tries left), the cursor back on the staff number."""
        self.show_error(message + ("\n" + t("login.unlock_hint") if locked else ""))
        self.query_one("#pin", Input).value = ""
        staff = self.query_one("#staff", Input)
        staff.focus()
        staff.select_all()

    # ---- a supervisor unlocks a locked staff number -------------------------------------------
    async def action_supervisor_unlock(self) -> None:
        typed = self.query_one("#staff", Input).value.strip()
        if not self.query("#unlock-staff"):
            await self.query_one("#login-box").mount_all(self._unlock_fields(), before="#status")
        self._mode(unlock=True)
        box = self.query_one("#unlock-staff", Input)
        if typed and not box.value:
            box.value = typed
            self.query_one("#unlock-sup", Input).focus()

    @staticmethod
    def _unlock_fields() -> list:
        return [
            Static(t("login.unlock_staff"), classes="label unlock"),
            TextBox(id="unlock-staff", max_length=16, classes="unlock"),
            Static(t("login.unlock_supervisor"), classes="label unlock"),
            TextBox(id="unlock-sup", max_length=16, classes="unlock"),
            Static(t("login.unlock_pin"), classes="label unlock"),
            TextBox(id="unlock-pin", password=True, max_length=12, classes="unlock"),
        ]

    def action_own_login(self) -> None:
        if self.unlocking:
            for name in ("#unlock-staff", "#unlock-sup", "#unlock-pin"):
                self.query_one(name, Input).value = ""
            self._mode(unlock=False)

    @on(Input.Submitted, "#unlock-pin")
    def _unlock_pin_done(self) -> None:
        whom = self.query_one("#unlock-staff", Input).value
        supervisor = self.query_one("#unlock-sup", Input).value
        pin = self.query_one("#unlock-pin", Input)
        if not whom.strip() or not supervisor.strip():
            self.query_one("#unlock-staff" if not whom.strip() else "#unlock-sup", Input).focus()
            return
        if self.busy:
            return
        self.busy = True
        self.query_one("#login-error", Static).update("")
        self._unlock(whom, supervisor, pin.value)
        pin.value = ""

    @work(thread=True, exclusive=True, group="login")
    def _unlock(self, whom: str, supervisor: str, pin: str) -> None:
        desk = self.app.wait_for_desk()
        if desk is None:
            self.app.call_from_thread(setattr, self, "busy", False)
            return
        try:
            staff_no = desk.unlock_clerk(whom, supervisor, pin)
        except TellerError as exc:
            deliver(self, self._unlock_refused, exc.message)
            return
        deliver(self, self._unlocked, staff_no)

    def _unlock_refused(self, message: str) -> None:
        self.show_error(message)
        self.query_one("#unlock-sup", Input).focus()

    def _unlocked(self, staff_no: str) -> None:
        self.busy = False
        for name in ("#unlock-staff", "#unlock-sup", "#unlock-pin"):
            self.query_one(name, Input).value = ""
        self._mode(unlock=False)
        self.query_one("#staff", Input).value = staff_no
        self.query_one("#pin", Input).focus()
        self.query_one("#status", Static).update(t("login.unlocked", staff_no=staff_no))
