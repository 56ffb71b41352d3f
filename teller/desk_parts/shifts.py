"""Shifts and the settlement at the desk: the float, cash movements, the blind count, the
supervisor's sign-off, the counter's and the hall's day close.

A part of teller.desk.Desk (a mixin: its methods use the desk's settings, engine, clock and clerk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from teller.errors import AuthError, TellerError
from teller.strings import t

if TYPE_CHECKING:
    from teller.printing.jobs import JobOutcome


class ShiftDesk:
    """Shifts and the settlement at the desk."""

    def why_no_business(self) -> str:
        """Why this clerk cannot take a transaction here now ('' when they can): the picker's guard,
        asked before a visit starts, so a clerk is never refused only at the commit."""
        from sqlmodel import Session

        from teller.store.shifts import CLOSED, day_is_closed, open_shift_at, shifts_of_day

        if self.kind.shift_per_clerk:
            return ""  # practice opens each trainee's own shift
        day = self.now().date()
        with Session(self.engine) as session:
            if day_is_closed(session, counter=self.counter, mode=self.mode, day=day):
                return t("settle.day_closed", counter=self.counter, day=day.isoformat())
            shift = open_shift_at(session, counter=self.counter, mode=self.mode)
            if shift is None:
                closed = [s for s in shifts_of_day(session, day=day, counter=self.counter) if s.mode == self.mode and s.status == CLOSED]
                return t("settle.shift_closed") if closed else t("settle.no_shift")
            if shift.clerk != self.clerk:
                return t("settle.other_clerk", clerk=shift.clerk)
            if shift.status != "open":
                return t("settle.counting")
        return ""

    def current_shift(self):
        """The counter's shift that is not closed yet, or None."""
        from sqlmodel import Session

        from teller.store.shifts import open_shift_at

        with Session(self.engine, expire_on_commit=False) as session:
            return open_shift_at(session, counter=self.counter, mode=self.mode, clerk=self._practice_clerk)

    @property
    def _practice_clerk(self) -> str | None:
        """On a (shared) practice PC each trainee has a practice shift of their own."""
        return self.kind.shift_clerk(self.clerk)

    def needs_shift(self) -> bool:
        """After log-in: a live counter with no shift open must count its float first."""
        return self.kind.needs_float and self.clerk_view is not None and self.current_shift() is None

    def _my_shift(self, session):
        from teller.store.shifts import open_shift_at

        shift = open_shift_at(session, counter=self.counter, mode=self.mode, clerk=self._practice_clerk)
        if shift is None:
            raise TellerError(t("settle.no_shift"))
        if shift.clerk != self.clerk:
            raise TellerError(t("settle.other_clerk", clerk=shift.clerk))
        return shift

    def open_shift(self, counts):
        """Open a shift at this counter with the float counted by denomination."""
        from teller.store import shifts
        from teller.store.db import session_scope

        if self.clerk_view is None:
            raise AuthError(t("login.bad"))
        with session_scope(self.engine) as session:
            shift = shifts.open_shift(session, counter=self.counter, clerk=self.clerk, mode=self.mode, counts=counts, now=self.now())
        self.audit("shift_open", detail=f"shift {shift.id} float {shift.float_fen}")
        return shift

    def cash_move(self, kind: str, amount_fen: int, reason: str):
        """Cash put into (cash_in) or taken out of (cash_out) the drawer, with a reason."""
        from teller.domain.books import CASH_IN, CASH_OUT
        from teller.store import shifts
        from teller.store.db import session_scope

        if kind not in (CASH_IN, CASH_OUT):
            raise TellerError(f"unknown cash movement {kind}")
        with session_scope(self.engine) as session:
            shift = self._my_shift(session)
            move = shifts.add_movement(session, shift=shift, kind=kind, amount_fen=amount_fen, reason=reason, actor=self.clerk, now=self.now())
        self.audit(kind, detail=f"shift {move.shift_id} {amount_fen} {move.reason}")
        return move

    def count_drawer(self, counts):
        """The blind count at the close: stored first, then compared with the books."""
        from teller.store import shifts
        from teller.store.db import session_scope

        with session_scope(self.engine) as session:
            closing = shifts.blind_count(
                session, shift=self._my_shift(session), counts=counts, threshold_fen=self.settings.settle_variance_fen, now=self.now()
            )
        s = closing.settlement
        self.audit("shift_count", detail=f"shift {closing.shift.id} expected {s.expected_fen} counted {s.counted_fen} variance {s.variance_fen}")
        if closing.closed:
            self.print_settlement(closing.shift.id)
        return closing

    def sign_off_shift(self, staff_no: str, pin: str, note: str):
        """A supervisor signs off a variance beyond the threshold; the shift closes."""
        from teller.errors import InputRefused
        from teller.store import shifts
        from teller.store.db import session_scope

        if not note.strip():
            raise InputRefused(t("settle.note_needed"))
        granted = self.authorize(staff_no, pin, action="settle_variance", detail=note.strip()[:60])
        with session_scope(self.engine) as session:
            closing = shifts.sign_off(
                session, shift=self._my_shift(session), supervisor=granted.staff_no, note=note,
                threshold_fen=self.settings.settle_variance_fen, now=self.now(),
            )
        self.audit("shift_close", actor=granted.staff_no, detail=f"shift {closing.shift.id} variance {closing.settlement.variance_fen} signed off: {note.strip()}")
        self.print_settlement(closing.shift.id)
        return closing

    def settle_day(self, day=None, *, by: str = ""):
        """Close this counter's business day (every shift closed first): no more transactions on it."""
        from teller.store import day_close
        from teller.store.db import session_scope

        day = day or self.now().date()
        with session_scope(self.engine) as session:
            rec = day_close.close_day(session, counter=self.counter, mode=self.mode, day=day, by=by or self.clerk or "admin", now=self.now())
        self.audit("day_close", actor=rec.closed_by, detail=f"{rec.counter} {rec.business_day} shifts {rec.shifts} cash {rec.cash_fen}")
        return rec

    def hall_day(self, day=None):
        """Every counter's settlement of the business day (teller.store.day_close.CounterDay)."""
        from sqlmodel import Session

        from teller.store import day_close

        with Session(self.engine) as session:
            return day_close.hall_day(session, day=day or self.now().date(), mode=self.mode)

    def settle_hall(self, day=None):
        """The hall's day close by the supervisor on duty (值班长) logged in here: refused while a
        counter's shift is open; closes every counter's day. Returns (HallCloseRecord, counters)."""
        from teller.store import day_close
        from teller.store.db import session_scope

        if self.clerk_view is None or self.clerk_view.role != "supervisor":
            raise AuthError(t("auth.not_supervisor"))
        day = day or self.now().date()
        with session_scope(self.engine) as session:
            rec, counters = day_close.close_hall_day(session, day=day, mode=self.mode, by=self.clerk, now=self.now())
        self.audit("hall_close", detail=f"{rec.business_day} counters {rec.counters} shifts {rec.shifts} cash {rec.cash_fen} variance {rec.variance_fen}")
        return rec, counters

    def print_settlement(self, shift_id: int) -> list["JobOutcome"]:
        """The shift's settlement slip through the print journal (printed again if it failed)."""
        return self._print_slips("settlement", shift_id=shift_id)
