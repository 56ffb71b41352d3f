"""The lock screen: pushed over whatever the clerk was doing, which stays underneath.

Only the same clerk's PIN unlocks it (wrong PINs count towards the lock-out). F9 lets a
supervisor log the clerk out instead; the unfinished visit is then dropped.
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
from teller.ui.threads import deliver
from teller.ui.forms import ENTER, EnterMovesOn
from teller.ui.widgets.notice import Notice
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter


class LockScreen(EnterMovesOn, Screen):
    HAS_NOTICE = True  # notifications go to its Notice line (TellerApp.notify)
    BINDINGS = [
        ENTER,
        Binding("f9", "supervisor", "key.supervisor_logout"),
        Binding("escape", "own_pin", show=False),
    ]

    def __init__(self, name: str, staff_no: str, *, idle: bool = False, shown_at: float | None = None) -> None:
        super().__init__()
        self.shown_at = shown_at  # on the app's idle clock
        self.clerk_name = name
        self.staff_no = staff_no
        self.idle = idle  # locked by the idle timer (not F12): the clerk may be typing as it appears
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        with Center(), Vertical(id="lock-box"):  # centred under the full-width top bar
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
        yield Notice()
        yield KeyFooter(show_command_palette=False)

    #: keys that arrive this soon after the lock appears were typed before it (a clerk at work
    #: as the idle lock came up): they are dropped, never taken as a PIN attempt
    TYPE_AHEAD_S = 1.0

    def on_mount(self) -> None:
        if self.shown_at is None:
            self.shown_at = self.app.idle_clock()
        # after the first refresh: the box's fields are mounted by then (on a loaded PC the
        # screen's Mount could come before its nested children were there)
        self.call_after_refresh(self.action_own_pin)

    def _say(self, message: str) -> None:
        for line in self.query("#lock-error"):
            line.update(message)

    def _typed_before_the_lock(self) -> bool:
        return self.idle and self.app.idle_clock() - self.shown_at < self.TYPE_AHEAD_S

    @on(Input.Changed, "#lock-pin")
    def _typed_ahead(self, event: Input.Changed) -> None:
        """Keys of the work interrupted by the idle lock land here: drop them, ask again."""
        if event.value and self._typed_before_the_lock():
            event.input.value = ""
            self._say(t("lock.type_again"))

    def show_error(self, message: str) -> None:
        self.busy = False
        self._say(message)

    # ---- the clerk's own PIN -------------------------------------------------------------
    def _mode(self, supervisor: bool) -> None:
        """One set of fields at a time, so the box fits an 80x24 terminal."""
        for widget in self.query(".supervisor"):
            widget.display = supervisor
        for widget in self.query(".own"):
            widget.display = not supervisor
        self._say("")

    def action_own_pin(self) -> None:
        self._mode(False)
        for field in self.query("#lock-pin"):
            field.focus()

    @on(Input.Submitted, "#lock-pin")
    def _pin_typed(self, event: Input.Submitted) -> None:
        event.stop()
        pin, event.input.value = event.value, ""
        if pin and self._typed_before_the_lock():
            self._say(t("lock.type_again"))
            return
        if pin and not self.busy:
            self.busy = True
            self._unlock(pin)

    @work(thread=True, exclusive=True, group="unlock")
    def _unlock(self, pin: str) -> None:
        try:
            self.app.desk.unlock(pin)
        except StaffLocked as exc:
            deliver(self, self.show_error, exc.message)
            return
        except TellerError as exc:
            left = getattr(exc, "left", None)
            deliver(self, self.show_error, t("lock.wrong_left", n=left) if left is not None else t("lock.wrong"))
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
            deliver(self, self.show_error, exc.message)
            return
        self.app.call_from_thread(self.app.logged_out_by_supervisor, granted.staff_no)
