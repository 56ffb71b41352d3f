"""Log-in, the supervisor's PIN (maker-checker), the idle lock and log-out at the desk.

A part of teller.desk.Desk (a mixin: its methods use the desk's settings, engine, clock and clerk).
"""

from __future__ import annotations

from dataclasses import dataclass

from teller.errors import AuthError, StaffLocked
from teller.strings import t


@dataclass(frozen=True)
class ClerkView:
    staff_no: str
    name: str
    role: str


class StaffDesk:
    """Log-in, the supervisor's PIN (maker-checker), the idle lock and log-out at the desk."""

    def login(self, staff_no: str, pin: str) -> ClerkView:
        """Log a clerk in. Wrong PINs are counted: the fifth in a row locks the staff number."""
        check = self._check_pin(staff_no, pin, purpose="login", on_success="login")
        rec = check.clerk
        self.clerk_view = ClerkView(rec.staff_no, rec.name, rec.role)
        return self.clerk_view

    def _check_pin(self, staff_no: str, pin: str, *, purpose: str, on_success: str = "", detail: str = ""):
        """One write transaction: the PIN check, its count, its audit entries; AuthError when refused."""
        from teller.counter import staff
        from teller.store import audit
        from teller.store.db import session_scope

        from teller.store.busy import retry_locked

        def once():
            with session_scope(self.engine) as session:
                check = staff.verify_pin(session=session, staff_no=staff_no, pin=pin, purpose=purpose, counter=self.counter, now=self.now())
                if check.ok and on_success:
                    audit.append(session=session, at=self.now(), actor=check.clerk.staff_no, counter=self.counter, action=on_success, detail=detail)
            return check

        check = retry_locked(once, on_busy=self.on_busy)  # the PIN count is never lost to a lock
        if not check.ok:
            error = (StaffLocked if check.reason == "login.locked" else AuthError)(check.message)
            error.left = check.left  # wrong PINs still allowed (the lock screen says so)
            raise error
        return check

    def authorize(self, staff_no: str, pin: str, *, action: str, detail: str = "") -> ClerkView:
        """A supervisor's PIN entered at this PC (maker-checker): a supervisor, not the clerk.

        Used for everything that needs a second person: voids, fee waivers, compensation
        credits, invoice reprints. The grant is written to the audit trail.
        """
        from teller.domain.rules import ascii_digits

        staff_no = ascii_digits(staff_no).strip()  # １００２ is 1002, as at log-in
        if self.clerk_view is not None and staff_no == self.clerk_view.staff_no:
            raise AuthError(t("auth.same_person"))
        try:
            check = self._check_pin(staff_no, pin, purpose="authorize")
        except StaffLocked:
            raise
        except AuthError:
            raise AuthError(t("auth.bad")) from None
        rec = check.clerk
        if rec.role != "supervisor":
            raise AuthError(t("auth.not_supervisor"))
        granted = ClerkView(rec.staff_no, rec.name, rec.role)
        self.audit("authorize", actor=granted.staff_no, detail=f"{action} for {self.clerk or '-'} {detail}".strip())
        return granted

    def logout(self, *, by: str = "", how: str = "") -> None:
        """The clerk leaves (audited): `by` a supervisor's staff number, `how` e.g. "quit" (^q)."""
        if self.clerk_view:
            self.audit("logout", detail=f"by supervisor {by}" if by else how)
        self.clerk_view = None

    def unlock_clerk(self, staff_no: str, supervisor: str, pin: str) -> str:
        """A supervisor clears a locked staff number's lock-out at this PC (maker-checker, audited)."""
        from teller.counter import staff
        from teller.domain.rules import ascii_digits
        from teller.store.db import session_scope

        staff_no = ascii_digits(staff_no).strip()
        if not staff_no:
            raise AuthError(t("login.unlock_whom"))
        granted = self.authorize(supervisor, pin, action="unlock", detail=staff_no)
        with session_scope(self.engine) as session:
            rec = staff.unlock(session=session, staff_no=staff_no, supervisor=granted.staff_no, counter=self.counter, now=self.now())
            return rec.staff_no

    def lock(self, *, idle_s: int = 0) -> None:
        """The console locked itself (or the clerk locked it); the clerk stays logged in."""
        if self.clerk_view:
            self.audit("lock", detail=f"idle {idle_s} s" if idle_s else "")

    def unlock(self, pin: str) -> ClerkView:
        """Only the clerk who is logged in unlocks the console, with their own PIN (counted)."""
        if self.clerk_view is None:
            raise AuthError(t("login.bad"))
        self._check_pin(self.clerk_view.staff_no, pin, purpose="unlock", on_success="unlock")
        return self.clerk_view

    def supervisor_logout(self, staff_no: str, pin: str) -> ClerkView:
        """A supervisor logs out the clerk of a locked console (the unfinished visit is dropped)."""
        granted = self.authorize(staff_no, pin, action="logout_locked")
        self.logout(by=granted.staff_no)
        return granted

    def is_demo_hall(self) -> bool:
        """The demo hall's staff are there (a hall seeded with the demo data): the log-in shows them."""
        from sqlmodel import Session

        from teller.domain.catalog import CLERKS
        from teller.store.models import ClerkRecord

        if not self.settings.seed_demo or self.engine is None:
            return False
        with Session(self.engine) as session:
            return all(session.get(ClerkRecord, row[0]) is not None for row in CLERKS)
