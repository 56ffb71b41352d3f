"""The desk's papers: a transaction's after its commit, reprints (补打, an invoice's with a
supervisor), void and settlement slips through the print journal, the printer test page.

A part of teller.desk.Desk (a mixin: its methods use the desk's settings, engine, clock and clerk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from teller.errors import AuthError, NotFound
from teller.strings import t

if TYPE_CHECKING:
    from teller.printing.jobs import JobOutcome


class PaperDesk:
    """The desk's papers: printing, reprinting and the slips' journal."""

    def print_transaction(self, tx_id: int, *, only_unprinted: bool = True) -> list["JobOutcome"]:
        """Print the transaction's papers after its commit; failures are recorded, never raised.

        A paper that may be out already (bytes sent before) prints as a 补打; an invoice in
        that state is not printed here at all: a second invoice needs a supervisor (`reprint`).
        """
        from sqlmodel import Session, select

        from teller.counter.commit import take_fresh
        from teller.printing.fresh import print_fresh
        from teller.printing.jobs import SUPERVISED_REPRINTS, JobOutcome, paper_title, possibly_printed, print_job
        from teller.store.models import ReceiptJobRecord, TransactionRecord

        fresh = take_fresh(self.engine, tx_id) if only_unprinted else None
        if fresh is not None:  # the commit just made: its papers from memory, its jobs in one transaction
            return print_fresh(self.engine, self.settings, fresh, procedure_title=self.procedure_title(fresh.tx.procedure_id), now=self.now())
        self.flush_papers()  # the journal as this process last printed it
        with Session(self.engine) as session:
            tx = session.get(TransactionRecord, tx_id)
            if tx is None:
                raise NotFound(f"transaction {tx_id}")
            jobs = session.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.tx_id == tx_id).order_by(ReceiptJobRecord.id)).all()
            todo = [j for j in jobs if not only_unprinted or j.status != "printed"]
            title = self.procedure_title(tx.procedure_id)
        outcomes = []
        for j in todo:
            if j.layout in SUPERVISED_REPRINTS and possibly_printed(j):
                name = paper_title(self.settings, j.layout, j.copy_no)
                outcomes.append(JobOutcome(j.id, j.layout, False, t("print.needs_supervisor_retry"), None, j.copy_no, name))
            else:
                outcomes.append(print_job(self.engine, self.settings, j.id, procedure_title=title, now=self.now()))
        return outcomes

    def reprint(
        self, receipt_no: str, *, actor: str = "", supervisor: str = "", pin: str = "",
        layout: str | None = None, copy_no: int | None = None, only_unprinted: bool = False,
    ) -> list["JobOutcome"]:
        """Print papers again: a transaction's (by receipt number), a void slip (the void's number,
        or the receipt number with layout `void`) or a settlement slip (`shift-<id>`).

        `layout` / `copy_no` pick one paper or one copy (a failed hall copy alone);
        `only_unprinted` leaves out what printed (F5 after a failure). Every paper that may be
        out already (printed, or its bytes sent in an attempt marked failed) comes out marked
        补打 with the count; an invoice (收费凭证) in that state needs a supervisor's staff
        number and PIN, checked here (Desk.authorize) for every caller. A paper that never
        reached a printer is simply printed.
        """
        from teller.printing.jobs import possibly_printed, print_job

        tx_id, title, jobs = self._reprint_jobs(receipt_no, layout, copy_no, only_unprinted)
        if self._needs_supervisor(jobs):
            if not supervisor.strip():
                raise AuthError(t("print.reprint_needs_supervisor"))
            self.authorize(supervisor, pin, action="reprint_invoice", detail=receipt_no)
        outcomes = [
            print_job(self.engine, self.settings, j.id, procedure_title=title, now=self.now(), reprint=possibly_printed(j))
            for j in jobs
        ]
        self.audit("reprint", actor=actor or self.clerk or "admin", detail=receipt_no.strip(), tx_id=tx_id)
        self._note_slips(jobs)
        return outcomes

    def reprint_needs_supervisor(self, receipt_no: str, *, layout: str | None = None, copy_no: int | None = None, only_unprinted: bool = False) -> bool:
        """Whether `reprint` of these papers will ask for a supervisor (an invoice that may be out)."""
        return self._needs_supervisor(self._reprint_jobs(receipt_no, layout, copy_no, only_unprinted)[2])

    @staticmethod
    def _needs_supervisor(jobs) -> bool:
        from teller.printing.jobs import SUPERVISED_REPRINTS, possibly_printed

        return any(j.layout in SUPERVISED_REPRINTS and possibly_printed(j) for j in jobs)

    def _reprint_jobs(self, receipt_no: str, layout: str | None, copy_no: int | None, only_unprinted: bool = False):
        """(tx_id or None, procedure title, the jobs picked) for a receipt, void or shift reference."""
        import re

        from sqlmodel import Session, select

        from teller.store.models import ReceiptJobRecord, TransactionRecord
        from teller.store.shifts import VoidRecord

        self.flush_papers()  # the journal as this process last printed it

        ref = receipt_no.strip()
        by_id = ReceiptJobRecord.id
        with Session(self.engine) as session:
            tx = session.exec(select(TransactionRecord).where(TransactionRecord.receipt_no == ref)).first()
            void = None
            if tx is None and hasattr(VoidRecord, "void_no"):
                void = session.exec(select(VoidRecord).where(VoidRecord.void_no == ref)).first()
            elif tx is not None and layout == "void":
                void = session.exec(select(VoidRecord).where(VoidRecord.tx_id == tx.id)).first()
                if void is None:
                    raise NotFound(t("print.no_such_copy", layout=layout, copy=copy_no or "*"))
            shift = re.fullmatch(r"(?i)shift-?(\d+)", ref)
            if void is not None:
                tx = session.get(TransactionRecord, void.tx_id)
                jobs = session.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.void_id == void.id).order_by(by_id)).all()
                if not jobs:  # a void from before the journal held void slips
                    jobs = self._slip_jobs("void", void_id=void.id)
            elif tx is not None:
                jobs = session.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.tx_id == tx.id).order_by(by_id)).all()
            elif shift is not None:
                jobs = session.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.shift_id == int(shift.group(1))).order_by(by_id)).all()
                if not jobs:
                    raise NotFound(t("print.not_found", receipt_no=ref))
            else:
                raise NotFound(t("print.not_found", receipt_no=ref))
            title = self.procedure_title(tx.procedure_id) if tx is not None else ""
            tx_id = tx.id if tx is not None else None
        picked = [j for j in jobs if (layout is None or j.layout == layout) and (copy_no is None or j.copy_no == copy_no)]
        if jobs and not picked:
            raise NotFound(t("print.no_such_copy", layout=layout or "*", copy=copy_no or "*"))
        if only_unprinted:
            picked = [j for j in picked if j.status != "printed"]
        return tx_id, title, picked

    def last_receipt_no(self) -> str | None:
        """The latest transaction this clerk committed at this counter (for 补打 at the counter)."""
        from sqlmodel import Session, select

        from teller.store.models import TransactionRecord

        with Session(self.engine) as session:
            return session.exec(
                select(TransactionRecord.receipt_no)
                .where(TransactionRecord.counter == self.counter, TransactionRecord.clerk == self.clerk)
                .order_by(TransactionRecord.id.desc())
            ).first()

    def print_test_page(self) -> "JobOutcome":
        """The printer test page to the configured printer (the preview spool by default)."""
        from teller.printing.jobs import print_test_page

        outcome = print_test_page(self.settings, now=self.now())
        self.audit("test_page", actor=self.clerk or "admin", detail="ok" if outcome.ok else outcome.error[:200])
        return outcome

    def _slip_jobs(self, layout: str, *, void_id: int | None = None, shift_id: int | None = None):
        from teller.printing.jobs import add_subject_jobs
        from teller.store.db import session_scope

        with session_scope(self.engine) as session:
            return add_subject_jobs(session, layout, self.settings, now=self.now(), void_id=void_id, shift_id=shift_id)

    def _print_slips(self, layout: str, *, void_id: int | None = None, shift_id: int | None = None) -> list["JobOutcome"]:
        """The journal's jobs of a void or shift (made on first call), those not printed yet sent."""
        from sqlmodel import Session

        from teller.printing.jobs import print_job
        from teller.store.models import TransactionRecord
        from teller.store.shifts import VoidRecord

        jobs = self._slip_jobs(layout, void_id=void_id, shift_id=shift_id)
        title = ""
        if void_id is not None:
            with Session(self.engine) as session:
                void = session.get(VoidRecord, void_id)
                title = self.procedure_title(session.get(TransactionRecord, void.tx_id).procedure_id)
        outcomes = [
            print_job(self.engine, self.settings, j.id, procedure_title=title, now=self.now())
            for j in jobs if j.status != "printed"
        ]
        self._note_slips(jobs)
        return outcomes

    def _note_slips(self, jobs) -> None:
        """Keep `slip_status` of the void or shift in step with its journal (printed / failed)."""
        from sqlmodel import Session, select

        from teller.store.models import ReceiptJobRecord
        from teller.store.shifts import ShiftRecord, VoidRecord

        for column, table in ((ReceiptJobRecord.void_id, VoidRecord), (ReceiptJobRecord.shift_id, ShiftRecord)):
            keys = {getattr(j, column.key) for j in jobs} - {None}
            with Session(self.engine) as session:
                for key in keys:
                    states = session.exec(select(ReceiptJobRecord.status).where(column == key)).all()
                    row = session.get(table, key)
                    row.slip_status = "printed" if all(s == "printed" for s in states) else "failed"
                    session.add(row)
                session.commit()

    def slip_problems(self, *, void_id: int | None = None, shift_id: int | None = None) -> list[str]:
        """Why a void's or shift's slips are not printed (one line per copy), empty when printed."""
        from sqlmodel import Session, select

        from teller.store.models import ReceiptJobRecord

        column, key = (ReceiptJobRecord.void_id, void_id) if void_id is not None else (ReceiptJobRecord.shift_id, shift_id)
        with Session(self.engine) as session:
            jobs = session.exec(select(ReceiptJobRecord).where(column == key).order_by(ReceiptJobRecord.id)).all()
        if not jobs:
            return [t("print.no_papers")]
        return [j.error or j.status for j in jobs if j.status != "printed"]
