"""The counter: one clerk at one counter, with the store, the operations and the printer.

The console, practice mode and the CLI all work through a Desk. It is the `Desk` port a
Run needs (see procedures.engine) and it owns the database transaction of each commit.
Heavy imports (SQLModel, pydantic, python-escpos) happen in `open()`, not at import time, so
the console can show its first screen before they load; `open_to_read()` opens the books for
reports with SQLAlchemy Core alone.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from teller.clock import Clock, hall_zone
from teller.config import Settings
from teller.domain.views import CustomerView, PlanView
from teller.errors import AuthError, NotFound, StaffLocked, TellerError
from teller.strings import pick, t

if TYPE_CHECKING:
    from teller.domain.views import HandsetView
    from teller.errors import Problem
    from teller.printing.jobs import JobOutcome
    from teller.procedures.engine import Committed, Run
    from teller.procedures.loader import LoadedProcedure


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


@dataclass(frozen=True)
class ClerkView:
    staff_no: str
    name: str
    role: str


class Desk:
    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        if settings.practice and settings.printer.backend != "preview":
            raise TellerError("practice mode prints to the preview spool only")
        if settings.practice:
            from teller.store.identity import database_file, same_database

            # by identity, not by spelling: ./, .., //, a symlink, a relative path or a file: URI
            if same_database(settings.database_url, settings.live_database_url) or same_database(
                settings.database_url, Settings(home=settings.home).database_url
            ):
                where = database_file(settings.database_url) or settings.database_url
                raise TellerError(t("db.is_live", path=where))
        self.settings = settings
        self.clock = clock or Clock(hall_zone(settings.timezone))
        self.engine = None
        self.clerk_view: ClerkView | None = None
        self._plans: list[PlanView] | None = None
        self.procedures: dict[str, LoadedProcedure] = {}
        self.problems: list[Problem] = []
        # a write that waits for another process's lock reports each retry here (the console
        # shows it); setting cancel_commit stops a waiting commit before it lands
        self.on_busy: Callable[[int], None] | None = None
        self.cancel_commit = threading.Event()
        #: this counter prints each commit's papers right after it (the console's print queue, a
        #: counter process): the commit claims its jobs and the printed marks ride on the next
        #: write (teller.store.print_marks; `flush_papers` writes them now)
        self.prints_after_commit = False

    # ---- the Desk port of a Run ------------------------------------------------------
    @property
    def hall_name(self) -> str:
        return self.settings.hall_name

    @property
    def counter(self) -> str:
        return self.settings.counter

    @property
    def clerk(self) -> str:
        return self.clerk_view.staff_no if self.clerk_view else ""

    @property
    def payment_limit_fen(self) -> int:
        return self.settings.payment_limit_fen

    @property
    def opening_hours(self) -> tuple[str, str]:
        """The hall's hours as the spoken lines say them: ("8:00", "20:00")."""
        return self.settings.hours

    @property
    def practice(self) -> bool:
        return self.settings.practice

    def now(self) -> datetime:
        return self.clock.now()

    # ---- opening ----------------------------------------------------------------------
    def open(self) -> "Desk":
        """Open the database (brought to the newest schema), load the procedures.

        A live database must exist (`teller-admin db init` makes it); the practice database
        is made and filled with the demo hall on first use."""
        from teller.store import db

        if not self.practice:
            db.require_database(self.settings.database_url)
        self.engine = db.open_engine(self.settings.database_url, home=self.settings.home)
        try:
            fresh = db.init_schema(self.engine, mode=self.mode)
        except BaseException:
            self.engine.dispose()
            self.engine = None
            raise
        if self.practice and self.settings.seed_demo and (fresh or not db.is_seeded(self.engine)):
            from teller.store.seed import seed_demo

            seed_demo(self.engine, now=self.now())
        self.reload_procedures()
        return self

    def open_to_read(self) -> "Desk":
        """Open the books to read them (reports): the database as it is, through SQLAlchemy Core
        alone (no ORM, no pydantic, no procedure loaded: reports read titles cheaply).

        A database that is not there yet, or not set up as this version sets it up, is opened
        as `open()` does it (created, brought up to date, seeded). The live/practice guard is
        the same as `open()`'s. For reading only: a write through this engine would not have
        the pragmas teller.store.db sets on every connection (WAL, synchronous=FULL, foreign keys).
        """
        from teller.store import reading

        engine = reading.open_reader(self.settings.database_url)
        if engine is None:
            return self.open()
        try:
            reading.check_mode(engine, self.mode)
        except BaseException:
            engine.dispose()
            raise
        self.engine = engine
        return self

    def reload_procedures(self) -> None:
        from teller.procedures.loader import load_folder
        from teller.procedures.semantics import Context

        context = Context(payment_limit_fen=self.settings.payment_limit_fen, layouts_dir=self.settings.layouts_dir)
        good, self.problems = load_folder(self.settings.procedures_dir, layouts=self.settings.layouts_dir, context=context)
        self.procedures = {p.id: p for p in sorted(good, key=lambda p: (p.procedure.order, p.id))}

    def warm_printer(self) -> None:
        """Import the printer driver ahead of the first receipt (call from a worker)."""
        from teller.printing import escpos

        escpos.to_bytes([])

    def close(self) -> None:
        if self.engine is not None:
            self.flush_papers()
            self.engine.dispose()

    def flush_papers(self) -> None:
        """Write the print outcomes held back for the next write (teller.store.print_marks)."""
        from teller.store import print_marks

        if self.engine is not None and print_marks.waiting(self.engine):  # (a report's desk loads nothing more)
            from teller.printing.fresh import flush_outcomes

            flush_outcomes(self.engine)

    # ---- staff --------------------------------------------------------------------------
    def login(self, staff_no: str, pin: str) -> ClerkView:
        """Log a clerk in. Wrong PINs are counted: the fifth in a row locks the staff number."""
        check = self._check_pin(staff_no, pin, purpose="login", on_success="login")
        rec = check.clerk
        self.clerk_view = ClerkView(rec.staff_no, rec.name, rec.role)
        return self.clerk_view

    def _check_pin(self, staff_no: str, pin: str, *, purpose: str, on_success: str = "", detail: str = ""):
        """One write transaction: the PIN check, its count, its audit entries; AuthError when refused."""
        from teller.domain import staff
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
        from teller.domain import staff
        from teller.domain.rules import ascii_digits
        from teller.store.db import session_scope

        staff_no = ascii_digits(staff_no).strip()
        if not staff_no:
            raise AuthError(t("login.unlock_whom"))
        granted = self.authorize(supervisor, pin, action="unlock", detail=staff_no)
        with session_scope(self.engine) as session:
            rec = staff.unlock(session=session, staff_no=staff_no, supervisor=granted.staff_no, counter=self.counter, now=self.now())
            return rec.staff_no

    def is_demo_hall(self) -> bool:
        """The demo hall's staff are there (a hall seeded with the demo data): the log-in shows them."""
        from sqlmodel import Session

        from teller.domain.catalog import CLERKS
        from teller.store.models import ClerkRecord

        if not self.settings.seed_demo or self.engine is None:
            return False
        with Session(self.engine) as session:
            return all(session.get(ClerkRecord, row[0]) is not None for row in CLERKS)

    def why_no_business(self) -> str:
        """Why this clerk cannot take a transaction here now ('' when they can): the picker's guard,
        asked before a visit starts, so a clerk is never refused only at the commit."""
        from sqlmodel import Session

        from teller.store.shifts import CLOSED, day_is_closed, open_shift_at, shifts_of_day

        if self.practice:
            return ""  # practice opens its own shift
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

    # ---- the idle lock of the console -----------------------------------------------------
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

    # ---- catalogue -----------------------------------------------------------------------
    def find_customer(self, number: str) -> CustomerView | None:
        from sqlmodel import Session

        from teller.store.queries import customer_view

        plans = {p.code: p.name for p in self.plans()}
        with Session(self.engine) as session:
            return customer_view(session, number, plan_names=plans)

    def numbers_held(self, id_number: str) -> int:
        """How many open numbers an ID holds (at most 5 per ID)."""
        from sqlmodel import Session

        from teller.store.queries import count_numbers_held

        with Session(self.engine) as session:
            return count_numbers_held(session, id_number)

    def plans(self) -> list[PlanView]:
        if self._plans is None:
            from sqlmodel import Session, select

            from teller.store.models import PlanRecord

            with Session(self.engine) as session:
                rows = session.exec(select(PlanRecord).order_by(PlanRecord.monthly_fee_fen)).all()
                self._plans = [PlanView(r.code, r.name, r.brand, r.monthly_fee_fen, r.tariff) for r in rows]
        return self._plans

    def free_numbers(self, digits: str = "") -> list[str]:
        """Free numbers for 入网 (30 at most); with `digits`, those ending in them first, then those
        holding them (a customer asks for a number ending in 8888)."""
        from sqlmodel import Session, select

        from teller.store.models import NumberRecord

        N = NumberRecord.number
        with Session(self.engine) as session:
            if not digits:
                return list(session.exec(select(N).where(NumberRecord.free).order_by(N).limit(30)))
            ending = list(session.exec(select(N).where(NumberRecord.free, N.endswith(digits)).order_by(N).limit(30)))
            holding = list(session.exec(select(N).where(NumberRecord.free, N.contains(digits)).order_by(N).limit(30)))
            return (ending + [n for n in holding if n not in ending])[:30]

    def handsets(self) -> list["HandsetView"]:
        """The hall's handset catalogue with stock (a sale offers those in stock)."""
        from sqlmodel import Session, select

        from teller.domain.views import HandsetView
        from teller.store.models import HandsetRecord

        with Session(self.engine) as session:
            rows = session.exec(select(HandsetRecord).order_by(HandsetRecord.price_fen))
            return [HandsetView(r.code, r.make, r.model, r.price_fen, r.stock) for r in rows]

    # ---- commit and print ----------------------------------------------------------------
    def commit(self, run: "Run") -> Committed:
        """One database transaction: the transaction row, fee lines, customer changes, audit, print jobs."""
        from teller.counter.commit import record_transaction

        from teller.store.busy import COMMIT_DEADLINE_S, retry_locked

        if self.clerk_view is None:
            raise AuthError(t("login.bad"))
        # a lock held past busy_timeout is waited out, the clerk told (on_busy), Esc honoured
        # (cancel_commit); the visit token makes a retried commit land at most once
        return retry_locked(
            lambda: record_transaction(self, run), on_busy=self.on_busy, cancelled=self.cancel_commit.is_set,
            deadline_s=COMMIT_DEADLINE_S,
        )

    def procedure_title(self, procedure_id: str) -> str:
        loaded = self.procedures.get(procedure_id)
        return pick(loaded.procedure.title.as_dict()) if loaded else procedure_id

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

    def audit(self, action: str, *, actor: str | None = None, detail: str = "", tx_id: int | None = None) -> None:
        from teller.store import audit
        from teller.store.db import session_scope

        from teller.store.busy import retry_locked

        def once():
            with session_scope(self.engine) as session:
                audit.append(session=session, at=self.now(), actor=actor if actor is not None else self.clerk, counter=self.counter, action=action, detail=detail, tx_id=tx_id)

        retry_locked(once, on_busy=self.on_busy)

    # ---- shifts, settlement and voids (teller.store.shifts, teller.store.voids) ------------
    @property
    def mode(self) -> str:
        return "practice" if self.practice else "live"

    def current_shift(self):
        """The counter's shift that is not closed yet, or None."""
        from sqlmodel import Session

        from teller.store.shifts import open_shift_at

        with Session(self.engine, expire_on_commit=False) as session:
            return open_shift_at(session, counter=self.counter, mode=self.mode, clerk=self._practice_clerk)

    @property
    def _practice_clerk(self) -> str | None:
        """On a (shared) practice PC each trainee has a practice shift of their own."""
        return self.clerk if self.practice and self.clerk else None

    def needs_shift(self) -> bool:
        """After log-in: a live counter with no shift open must count its float first."""
        return not self.practice and self.clerk_view is not None and self.current_shift() is None

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
        from teller.store import shifts
        from teller.store.db import session_scope

        day = day or self.now().date()
        with session_scope(self.engine) as session:
            rec = shifts.close_day(session, counter=self.counter, mode=self.mode, day=day, by=by or self.clerk or "admin", now=self.now())
        self.audit("day_close", actor=rec.closed_by, detail=f"{rec.counter} {rec.business_day} shifts {rec.shifts} cash {rec.cash_fen}")
        return rec

    def hall_day(self, day=None):
        """Every counter's settlement of the business day (teller.store.shifts.CounterDay)."""
        from sqlmodel import Session

        from teller.store import shifts

        with Session(self.engine) as session:
            return shifts.hall_day(session, day=day or self.now().date(), mode=self.mode)

    def settle_hall(self, day=None):
        """The hall's day close by the supervisor on duty (值班长) logged in here: refused while a
        counter's shift is open; closes every counter's day. Returns (HallCloseRecord, counters)."""
        from teller.store import shifts
        from teller.store.db import session_scope

        if self.clerk_view is None or self.clerk_view.role != "supervisor":
            raise AuthError(t("auth.not_supervisor"))
        day = day or self.now().date()
        with session_scope(self.engine) as session:
            rec, counters = shifts.close_hall_day(session, day=day, mode=self.mode, by=self.clerk, now=self.now())
        self.audit("hall_close", detail=f"{rec.business_day} counters {rec.counters} shifts {rec.shifts} cash {rec.cash_fen} variance {rec.variance_fen}")
        return rec, counters

    def print_settlement(self, shift_id: int) -> list["JobOutcome"]:
        """The shift's settlement slip through the print journal (printed again if it failed)."""
        return self._print_slips("settlement", shift_id=shift_id)

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

    def report(self, name: str, *, start, end, counter: str | None = None):
        """One of teller.store.reports.REPORTS over the business days start..end, for this desk's
        mode: the whole hall, or one `counter`."""
        from teller.store.reports import run_report

        return run_report(
            self.engine, name, start=start, end=end, mode=self.mode, hall=self.hall_name, titles=self.procedure_titles(),
            bounds_fen=self.settings.payment_bands_fen, now=self.now(), zone=self.clock.zone, counter=counter,
        )

    def procedure_titles(self) -> dict[str, str]:
        """Every procedure's title in the UI language: from the loaded procedures, or read from
        the top of each file when none is loaded (teller.procedures.titles: a report needs no more)."""
        if self.procedures:
            return {pid: self.procedure_title(pid) for pid in self.procedures}
        from teller.procedures.titles import read_titles

        return {pid: pick(title) or pid for pid, title in read_titles(self.settings.procedures_dir).items()}

    def print_void(self, void_id: int) -> list["JobOutcome"]:
        """The void slip (every copy) through the print journal (printed again if it failed)."""
        return self._print_slips("void", void_id=void_id)

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

