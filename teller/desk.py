"""The counter: one clerk at one counter, with the store, the operations and the printer.

The console, practice mode and the CLI all work through a Desk. It is the `Desk` port a
Run needs (see procedures.engine) and it owns the database transaction of each commit.
Heavy imports (SQLModel, pydantic, python-escpos) happen in `open()`, not at import time, so
the console can show its first screen before they load; `open_to_read()` opens the books for
reports with SQLAlchemy Core alone.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from teller.clock import Clock, hall_zone
from teller.config import Settings
from teller.domain.views import PlanView
from teller.errors import AuthError
from teller.desk_parts.catalogue import CatalogueDesk
from teller.desk_parts.papers import PaperDesk
from teller.desk_parts.shifts import ShiftDesk
from teller.desk_parts.staff import ClerkView, StaffDesk
from teller.desk_parts.voids import TxLine, VoidDesk
from teller.strings import pick, t

__all__ = ["ClerkView", "Desk", "TxLine"]

if TYPE_CHECKING:
    from teller.errors import Problem
    from teller.procedures.engine import Committed, Run
    from teller.procedures.loader import LoadedProcedure


class Desk(StaffDesk, CatalogueDesk, ShiftDesk, VoidDesk, PaperDesk):
    """One clerk at one counter: the facade the console, practice and the CLI call.

    Here the desk itself (its settings, clock, mode and database), the port a Run needs, the
    commit, the audit trail and the reports; its other parts are in teller.desk_parts: log-in
    and the supervisor's PIN (staff), look-ups (catalogue), shifts (shifts), voids (voids), the
    papers and reprints (papers)."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        from teller.mode import Mode

        #: live or practice, decided once (teller.mode); a practice desk that would print for
        #: real or open the live database is refused here, before anything opens
        self.kind: Mode = Mode.for_desk(settings)
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
        return self.kind.is_practice

    def now(self) -> datetime:
        return self.clock.now()

    # ---- opening ----------------------------------------------------------------------
    def open(self) -> "Desk":
        """Open the database (brought to the newest schema), load the procedures.

        A live database must exist (`teller-admin db init` makes it); the practice database
        is made and filled with the demo hall on first use."""
        from teller.store import db

        if self.kind.database_must_exist:
            db.require_database(self.settings.database_url)
        self.engine = db.open_engine(self.settings.database_url, home=self.settings.home)
        try:
            fresh = db.init_schema(self.engine, mode=self.mode)
        except BaseException:
            self.engine.dispose()
            self.engine = None
            raise
        if self.kind.is_demo_hall and self.settings.seed_demo and (fresh or not db.is_seeded(self.engine)):
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

    # ---- the commit, the audit trail and the reports ------------------------------------------
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

    def audit(self, action: str, *, actor: str | None = None, detail: str = "", tx_id: int | None = None) -> None:
        from teller.store import audit
        from teller.store.db import session_scope

        from teller.store.busy import retry_locked

        def once():
            with session_scope(self.engine) as session:
                audit.append(session=session, at=self.now(), actor=actor if actor is not None else self.clerk, counter=self.counter, action=action, detail=detail, tx_id=tx_id)

        retry_locked(once, on_busy=self.on_busy)

    @property
    def mode(self) -> str:
        return self.kind.name

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
