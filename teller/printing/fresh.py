"""The first print of a commit's papers, from the committed data in memory (no query).

A counter that prints right after each commit (the console, a counter process) has its jobs
claimed by the commit (teller.counter.commit): this print sends at once and leaves its
`printed` marks to ride on the next write (teller.store.print_marks); `flush_outcomes`
writes them now. Otherwise the jobs are marked `sending` in one transaction before the first
byte and every outcome recorded in one transaction after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from teller.config import Settings
from teller.errors import TellerError
from teller.printing import escpos
from teller.printing import jobs as _jobs  # its spool() looked up at call time (tests replace it)
from teller.printing.jobs import JobOutcome, _log_db_fault, _spool_at, receipt_data_from, spool_failed
from teller.printing.layouts import LayoutError, load_layout, preview_text, render
from teller.store.models import ReceiptJobRecord, TransactionRecord
from teller.strings import t


@dataclass
class FreshPrint:
    """What a commit just wrote, kept in memory to print from: the transaction row, its fee lines
    (label, fen), the customer's name and ID as written, and the journal's new jobs; `claimed`
    when the commit wrote them `sending` with `bytes_sent` (a counter that prints at once)."""

    tx: TransactionRecord
    fees: list[tuple[str, int]]
    customer_name: str | None
    customer_id: str | None
    jobs: list[ReceiptJobRecord]
    claimed: bool = False


def print_fresh(engine, settings: Settings, fresh: FreshPrint, *, procedure_title: str, now: datetime) -> list[JobOutcome]:
    """The first print of a commit's papers, from the committed data in memory: every paper
    rendered first; its jobs marked `sending` (bytes_sent) before the first byte goes out (by
    the commit itself when it claimed them, else in one transaction now); each sent. When every
    paper of a claimed print came out, the `printed` marks wait for this process's next write
    (teller.store.print_marks); otherwise every outcome is recorded at once, in one
    transaction. Nothing is read back from the database."""
    from sqlalchemy import update
    from sqlalchemy.exc import SQLAlchemyError

    from teller.store import print_marks

    cfg = settings.printer
    tx = fresh.tx
    data = receipt_data_from(tx, fresh.fees, fresh.customer_name, fresh.customer_id, settings, procedure_title=procedure_title)
    day_folder = tx.business_day.strftime("%Y%m%d")
    rendered: list[tuple[ReceiptJobRecord, str, object, bytes | None, str]] = []
    clerk_errors: dict[int, str] = {}  # a job's message for the clerk where the journal keeps more
    for i, job in enumerate(fresh.jobs):
        title, error, ops, raw = job.layout, "", None, None
        try:
            layout = load_layout(str(settings.layouts_dir), job.layout)
            title = layout.copy_title(job.copy_no)
            ops = render(layout, data, cfg.columns, copy_no=job.copy_no, charset=cfg.charset)
            # the drawer opens once per sale, with its first paper
            raw = escpos.to_bytes(ops, profile=cfg.profile, drawer=cfg.cash_drawer and tx.tendered_fen > 0 and i == 0)
        except LayoutError as exc:  # the clerk reads it in the UI language; the journal keeps the detail
            clerk_errors[job.id] = t("print.layout_bad", layout=title)
            error = f"{clerk_errors[job.id]}: {exc.message}"
        except TellerError as exc:
            error = exc.message
        rendered.append((job, title, ops, raw, error))
    to_send = [r for r in rendered if r[3] is not None]
    table = ReceiptJobRecord.__table__
    try:
        if to_send and not fresh.claimed:
            with Session(engine) as session:  # committed before the first byte leaves
                session.execute(update(table).where(table.c.id.in_([r[0].id for r in to_send])).values(bytes_sent=True, status="sending", updated_at=now))
                _commit_with_marks(session, engine)
    except SQLAlchemyError as exc:  # could not mark the jobs: nothing is sent
        _log_db_fault(exc)
        reason = t("print.io", error=t("print.db_reason"))
        rendered = [(job, title, ops, None, err or reason) for job, title, ops, _raw, err in rendered]
    outcomes: list[tuple[ReceiptJobRecord, str, Path | None, bool, str]] = []
    for job, title, ops, raw, error in rendered:
        spooled, delivered = None, False
        if raw is not None and not error:
            delivered = True
            try:
                if settings.mode.spools(cfg):
                    spooled = _spool_at(settings, day_folder, tx.receipt_no, job.layout, 0, job.copy_no)
                    _jobs.spool(spooled, preview_text(ops, cfg.columns), raw)
                else:
                    escpos.send(cfg, raw)
            except escpos.PrinterFault as exc:
                error, delivered = exc.message, exc.maybe_delivered
            except OSError as exc:
                error = spool_failed(exc)
        outcomes.append((job, title, spooled, delivered, error))
    if fresh.claimed and not any(error for *_rest, error in outcomes):
        print_marks.defer(engine, [job.id for job, *_rest in outcomes], now)  # no commit of their own
    else:
        try:
            with Session(engine) as session:  # every outcome of this print in one transaction
                for job, _title, _spooled, delivered, error in outcomes:
                    session.execute(update(table).where(table.c.id == job.id).values(
                        attempts=table.c.attempts + (0 if fresh.claimed else 1),  # a claim counted its attempt
                        bytes_sent=delivered,  # as print_job: only what may have reached the printer
                        status="printed" if not error else "failed", error=error, updated_at=now,
                    ))
                _commit_with_marks(session, engine)
        except SQLAlchemyError as exc:  # the jobs stay `sending` with bytes_sent: a later copy is a 补打
            _log_db_fault(exc)
            outcomes = [(job, title, spooled, delivered, error or t("print.unrecorded", error=t("print.db_reason")))
                        for job, title, spooled, delivered, error in outcomes]
    return [JobOutcome(job.id, job.layout, not error, clerk_errors.get(job.id, error), spooled, job.copy_no, title)
            for job, title, spooled, _d, error in outcomes]


def _commit_with_marks(session: Session, engine) -> None:
    """Commit `session` with the `printed` marks this process holds back written in it; they are
    held again if the commit fails (teller.store.print_marks)."""
    from teller.store import print_marks

    print_marks.write(session, marks := print_marks.take(engine))
    try:
        session.commit()
    except BaseException:
        print_marks.give_back(engine, marks)
        raise


def flush_outcomes(engine) -> None:
    """Write the `printed` marks this process holds back (teller.store.print_marks); a database
    that refuses now leaves them for the next write (the jobs read `sending`: a 补打, never an original)."""
    from sqlalchemy.exc import SQLAlchemyError

    from teller.store import print_marks

    try:
        print_marks.flush(engine)
    except SQLAlchemyError as exc:
        _log_db_fault(exc)
