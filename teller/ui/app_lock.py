"""The console's lock and quit: the idle lock and F12, unlocking, a supervisor's log-out of a
locked console, and ^q (asked first, refused on the lock screen, the log-out audited).

A mixin of TellerApp (teller/ui/app.py), which owns `desk`, `settings`, `papers`,
`idle_clock` and `_last_activity`.
"""

from __future__ import annotations

from textual import work

from teller.strings import t
from teller.ui.screens.login import LoginScreen


class LockAndQuit:
    def note_activity(self) -> None:
        self._last_activity = self.idle_clock()

    @property
    def locked(self) -> bool:
        from teller.ui.screens.lock import LockScreen

        return any(isinstance(s, LockScreen) for s in self.screen_stack)

    def _lockable(self) -> bool:
        desk = self.desk
        if not self.screen_stack:  # shutting down: the idle timer can tick once more after the last screen
            return False
        return not (desk is None or desk.clerk_view is None or self.locked or isinstance(self.screen, LoginScreen))

    def check_idle_lock(self) -> None:
        """Called by a timer: lock when the clerk has been away `idle_lock_s` seconds."""
        limit = self.settings.idle_lock_s
        if not limit or not self._lockable() or getattr(self.screen, "busy", False):
            return  # not logged in, already locked, or a commit is under way
        if self.idle_clock() - self._last_activity >= limit:
            self.lock_console(idle_s=limit)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "drills":  # shown on the free-practice picker, over the drills
            from teller.ui.screens.home import HomeScreen

            return True if self.settings.mode.is_practice and isinstance(self.screen, HomeScreen) and len(self.screen_stack) > 2 else False
        if action == "lock":  # not shown where there is nothing to lock (log-in, the lock itself)
            return True if self._lockable() else False
        return True

    def action_drills(self) -> None:
        if self.check_action("drills", ()):
            self.pop_screen()

    def action_lock(self) -> None:
        if self._lockable():
            self.lock_console()

    def lock_console(self, *, idle_s: int = 0) -> None:
        """Cover the screen (what is underneath stays as it is) and ask the clerk's PIN."""
        from teller.ui.screens.lock import LockScreen

        clerk = self.desk.clerk_view
        self.push_screen(LockScreen(clerk.name, clerk.staff_no, idle=bool(idle_s), shown_at=self.idle_clock()))
        self._audit_lock(idle_s)

    @work(thread=True, group="audit")
    def _audit_lock(self, idle_s: int) -> None:
        self.desk.lock(idle_s=idle_s)

    def unlocked(self) -> None:
        from teller.ui.screens.lock import LockScreen

        if isinstance(self.screen, LockScreen):
            self.pop_screen()
        self.note_activity()

    def logged_out_by_supervisor(self, supervisor: str) -> None:
        """The supervisor logged the clerk out of a locked console: back to the log-in."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen())
        self.notify(t("lock.logged_out", staff_no=supervisor), timeout=6)

    # ---- quitting: asked, never from the lock screen, audited ----------------------------------
    def action_request_quit(self) -> None:
        """^q: a question first; refused while the console is locked (the lock is not a way out)."""
        from teller.ui.screens.confirm_modal import ConfirmModal

        if self.locked:
            self.notify(t("quit.locked"), severity="warning")
            return
        if any(isinstance(s, ConfirmModal) and getattr(s, "quitting", False) for s in self.screen_stack):
            return  # the question is already on screen
        parts = [t("quit.confirm")]
        if any(getattr(getattr(s, "run", None), "committed", 1) is None and getattr(s.run, "state", "") == "active"
               for s in self.screen_stack):
            parts.append(t("quit.visit_lost"))
        if self.papers.busy:
            parts.append(t("quit.printing"))
        modal = ConfirmModal("\n".join(parts))
        modal.quitting = True

        def answered(yes: bool | None) -> None:
            if yes:
                self._quit_logged_out()

        self.push_screen(modal, answered)

    @work(thread=True, exclusive=True, group="quit")
    def _quit_logged_out(self) -> None:
        """The clerk's log-out goes to the audit trail before the program ends."""
        desk = self.desk
        if desk is not None and desk.clerk_view is not None:
            desk.logout(how="quit")
        self.call_from_thread(self.exit)

    def action_help_quit(self) -> None:
        """Ctrl+C: say how to quit, in the UI language (Textual's own hint is English)."""
        self.notify(t("quit.hint"), timeout=4)
