"""Voids at the desk: today's transactions, what a void will do (asked before any PIN), the
void itself with a supervisor's PIN and its slip.

A part of teller.desk.Desk (a mixin: its methods use the desk's settings, engine, clock and clerk).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from teller.strings import t

if TYPE_CHECKING:
    from teller.printing.jobs import JobOutcome


@dataclass(frozen=True)
class TxLine:
    """One transaction as the void screen lists it."""

    receipt_no: str
    time: str  # hall time, HH:MM
    procedure_id: str
    title: str
    number: str
    amount_fen: int
    status: str  # completed | voided
    clerk: str


class VoidDesk:
    """Voids at the desk."""

    def check_void(self, receipt_no: str):
        """What voiding `receipt_no` will do (teller.counter.void.VoidPreview), or the refusal with
        its reason (VoidRefused / NotFound): asked before any supervisor's PIN."""
        from sqlmodel import Session

        from teller.counter.void import check_void

        from teller.store.busy import retry_locked

        def attempt():
            with Session(self.engine, expire_on_commit=False) as session:
                return check_void(session, receipt_no=receipt_no, today=self.now().date(),
                                  counter=self.counter if self.clerk_view else None)

        return retry_locked(attempt)  # its trial reversal writes (rolled back): wait out another writer

    def todays_transactions(self, query: str = "", *, limit: int = 200) -> list[TxLine]:
        """Today's transactions at this counter, newest first (the void screen's list); `query`
        keeps those whose receipt number or customer number contains it."""
        from sqlmodel import Session, select

        from teller.store.models import TransactionRecord

        T = TransactionRecord
        needle = query.strip()
        stmt = select(T).where(T.counter == self.counter, T.business_day == self.now().date(), T.mode == self.mode)
        if needle:
            stmt = stmt.where(T.receipt_no.contains(needle) | T.customer_number.contains(needle))
        with Session(self.engine) as session:
            rows = session.exec(stmt.order_by(T.id.desc()).limit(limit)).all()
        zone = self.clock.zone
        return [
            TxLine(r.receipt_no, r.created_at.astimezone(zone).strftime("%H:%M"), r.procedure_id,
                   self.procedure_title(r.procedure_id), r.customer_number or "", r.amount_due_fen, r.status, r.clerk)
            for r in rows
        ]

    def void(self, receipt_no: str, *, reason: str, supervisor: str, pin: str, by: str | None = None):
        """Void a same-day transaction with a supervisor's PIN (maker-checker); prints a void slip.

        A void that cannot proceed is refused before the PIN is checked (check_void)."""
        from teller.counter.void import void_transaction
        from teller.errors import InputRefused
        from teller.domain.books import VOID_REASONS
        from teller.store.db import session_scope

        if reason not in VOID_REASONS:
            raise InputRefused(t("void.bad_reason", reasons=", ".join(VOID_REASONS)))
        self.check_void(receipt_no)
        maker = by or self.clerk
        granted = self.authorize(supervisor, pin, action="void", detail=receipt_no.strip())
        from teller.printing.jobs import add_subject_jobs
        from teller.store.busy import retry_locked

        def attempt():
            with session_scope(self.engine) as session:
                void = void_transaction(
                    session, receipt_no=receipt_no, reason=reason, maker=maker or "", supervisor=granted.staff_no,
                    today=self.now().date(), now=self.now(), counter=self.counter if self.clerk_view else None,
                )
                # the slip's journal entries in the void's own transaction: a kill right after the
                # commit leaves a pending slip (receipts pending, F5), never a void without paper
                add_subject_jobs(session, "void", self.settings, now=self.now(), void_id=void.id)
                return void

        void = retry_locked(attempt)
        self.print_void(void.id)
        return void

    def print_void(self, void_id: int) -> list["JobOutcome"]:
        """The void slip (every copy) through the print journal (printed again if it failed)."""
        return self._print_slips("void", void_id=void_id)
