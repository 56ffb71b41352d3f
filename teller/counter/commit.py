"""Committing a visit: one database transaction, all or nothing.

The transaction row with its receipt number, the fee lines, the operation applied to the
customer / stock / pool, what a void will need, the daily summary by the operation's report
category, an audit entry and the print jobs queued (printed after the commit).
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import TYPE_CHECKING

from teller.counter.plan import operation_for
from teller.domain.money import change_due, money
from teller.errors import TellerError
from teller.procedures.engine import Committed
from teller.strings import t

if TYPE_CHECKING:
    from teller.desk import Desk
    from teller.procedures.engine import Run


def answers_json(run: "Run", paper: list[tuple[str, str]], signatures: list[str] | None = None, **extra) -> str:
    """The run's answers as kept with the transaction (no secrets), the lines its papers print,
    who signs the slip when it is more than the customer (`_signatures`), and `extra` keys
    (`_arrears_fen`: the part of a payment that cleared arrears; `_category`: the report category;
    `_receipt`: the values the operation gives its papers by name)."""
    more = {"_signatures": signatures} if signatures else {}
    more.update({f"_{k}": v for k, v in extra.items()})
    return json.dumps({**run.record(), "_paper": paper, **more}, ensure_ascii=False, default=str)


#: kept on each engine (they die with it): `_teller_next_seq` (counter, day, practice) -> the
#: next receipt sequence number, known from this process's last commit (a stale guess, from
#: another process at the same counter, meets the unique (counter, day, seq) constraint and
#: the commit runs again with the number read); `_teller_fresh` tx id -> the papers of the
#: last commits, to print from memory (teller.printing.fresh.print_fresh)
_FRESH_KEEP = 16


def _on_engine(engine, name: str) -> dict:
    found = getattr(engine, name, None)
    if found is None:
        found = {}
        setattr(engine, name, found)
    return found


def take_fresh(engine, tx_id: int):
    """The papers a commit of this process just wrote (once), or None (print from the journal)."""
    return _on_engine(engine, "_teller_fresh").pop(tx_id, None)


#: visit tokens this process has tried to commit: a second try (a retry after a busy database)
#: first looks for the transaction the first may have written
_TRIED: dict[str, None] = {}


#: the hot path's statements, built once (SQLAlchemy caches their compiled form)
_STATEMENTS: dict = {}


def _require_shift(session, desk: "Desk", day, now) -> None:
    """The clerk's open shift and the day not closed, in one statement; anything else (no shift,
    another clerk's, counting, a closed day, a practice shift to open) through
    teller.store.shifts.require_shift, which says why or opens the practice shift."""
    from teller.store import shifts

    mode = desk.mode
    if desk.kind.is_live:  # a practice shift may still have to be opened: the full path
        if "shift" not in _STATEMENTS:
            from sqlalchemy import bindparam, exists, select

            sh, dc = shifts.ShiftRecord.__table__, shifts.DayCloseRecord.__table__
            closed = exists().where(dc.c.counter == bindparam("counter"), dc.c.business_day == bindparam("day"), dc.c.mode == bindparam("mode"))
            _STATEMENTS["shift"] = (select(sh.c.clerk, sh.c.status, closed.label("closed"))
                                 .where(sh.c.counter == bindparam("counter"), sh.c.mode == bindparam("mode"), sh.c.status != shifts.CLOSED)
                                 .order_by(sh.c.id.desc()).limit(1))
        row = session.connection().execute(_STATEMENTS["shift"], {"counter": desk.counter, "day": day, "mode": mode}).first()
        if row is not None and not row.closed and row.clerk == desk.clerk and row.status == shifts.OPEN:
            return
    shifts.require_shift(session, counter=desk.counter, clerk=desk.clerk, mode=mode, day=day, now=now)


def _inserts():
    """The hot path's INSERT statements, built once (their compiled form is cached by SQLAlchemy)."""
    if "tx" not in _STATEMENTS:
        from sqlalchemy import insert

        from teller.store.models import FeeLineRecord, ReceiptJobRecord, TransactionRecord
        from teller.store.shifts import ReversalRecord

        tx, fee, job = TransactionRecord.__table__, FeeLineRecord.__table__, ReceiptJobRecord.__table__
        _STATEMENTS.update(
            tx=insert(tx).returning(tx.c.id),
            fee=insert(fee).returning(fee.c.id, sort_by_parameter_order=True),
            job=insert(job).returning(job.c.id, sort_by_parameter_order=True),
            reversal=insert(ReversalRecord.__table__),
        )
    return _STATEMENTS


def _write_rows(session, tx_values: dict, fees, papers_of, reversal: dict, *, claim: bool, now):
    """The transaction, its fee lines, what a void needs and the print jobs, by four INSERT
    statements on the unit of work's connection (not through it: nothing to track or flush);
    the audit entry's books get the transaction as written (audit_books.note_new_transaction).
    Returns the transaction and the jobs as plain records in memory, with their ids."""
    from teller.store.audit_books import note_new_transaction, stored_row
    from teller.store.models import TransactionRecord

    ins = _inserts()
    conn = session.connection()
    tx_id = conn.execute(ins["tx"], tx_values).scalar_one()
    line_ids = [r[0] for r in conn.execute(ins["fee"], [{"tx_id": tx_id, "code": c, "label": lb, "amount_fen": a} for c, lb, a in fees])] if fees else []
    conn.execute(ins["reversal"], {"tx_id": tx_id, "data_json": json.dumps(reversal, ensure_ascii=False)})
    state = {"status": "sending", "bytes_sent": True, "attempts": 1} if claim else {"status": "pending", "bytes_sent": False, "attempts": 0}
    job_rows = [{"tx_id": tx_id, "void_id": None, "shift_id": None, "layout": layout, "copy_no": n, "reprints": 0, "error": "",
                 "updated_at": now, **state} for layout, n in papers_of]
    job_ids = [r[0] for r in conn.execute(ins["job"], job_rows)] if job_rows else []
    row = {**tx_values, "id": tx_id}
    note_new_transaction(session, stored_row(TransactionRecord.__table__, row, session),
                         [(i, c, lb, a) for i, (c, lb, a) in zip(line_ids, fees)], ("transaction", "fee_line", "reversal", "receipt_job"))
    # plain records for the print and the summary (a model instance costs more than the row)
    return SimpleNamespace(**row), [SimpleNamespace(id=i, **r) for i, r in zip(job_ids, job_rows)]


def record_transaction(desk: "Desk", run: "Run") -> Committed:
    """Transaction row, fee lines, the operation's changes, an audit entry and the print jobs.

    The hot path: one write transaction, nothing just written read back. The receipt number
    comes from the last one this process took (checked by the unique constraint), the audit
    entry's books from the rows as flushed, the customer's view after the visit from the row
    written, and the papers are kept in memory for the print that follows."""
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import func, select

    from teller.printing.fresh import FreshPrint
    from teller.printing.jobs import copies_of
    from teller.store import audit, reports
    from teller.store.audit import written_row
    from teller.store.db import session_scope
    from teller.store.models import TransactionRecord
    from teller.store.queries import customer_view, customer_view_written

    proc = run.procedure
    op = operation_for(run)  # the procedure's effect with its params, conditions and paper lines
    now = desk.now()
    day = now.date()
    seq_key = (desk.counter, day, desk.mode)
    next_seq = _on_engine(desk.engine, "_teller_next_seq")
    for _attempt in range(5):
        try:
            with session_scope(desk.engine) as session:
                if run.visit_token in _TRIED:
                    done = session.exec(select(TransactionRecord).where(TransactionRecord.visit_token == run.visit_token)).first()
                    if done is not None:  # it landed: one transaction
                        return Committed(done.id, done.receipt_no, customer_view(session, done.customer_number or ""))
                _TRIED[run.visit_token] = None
                if len(_TRIED) > 256:
                    _TRIED.pop(next(iter(_TRIED)))
                seq = next_seq.get(seq_key)
                if seq is None:
                    last = session.exec(
                        select(func.max(TransactionRecord.seq)).where(
                            TransactionRecord.counter == desk.counter, TransactionRecord.business_day == day
                        )
                    ).one()
                    seq = (last or 0) + 1
                _require_shift(session, desk, day, now)
                outcome = op.apply(session, run.answers, now)
                if run.answers.get("waived_fen"):  # 减免: on the papers with who granted it
                    outcome.paper.append((t("paper.waived"), t("paper.waived_value", amount=money(run.answers["waived_fen"]), supervisor=run.answers.get("waived_by", ""))))
                tendered = int(run.answers.get("tendered", 0))
                due = run.total_fen
                tx_values = dict(
                    receipt_no=desk.kind.receipt_number(desk.counter, day, seq),
                    counter=desk.counter,
                    business_day=day,
                    seq=seq,
                    clerk=desk.clerk,
                    procedure_id=proc.id,
                    procedure_version=proc.version,
                    procedure_digest=run.loaded.digest,
                    customer_number=outcome.customer_number,
                    amount_due_fen=due,
                    tendered_fen=tendered,
                    change_fen=change_due(due, tendered),
                    status="completed",
                    mode=desk.mode,
                    answers_json=answers_json(run, outcome.paper, outcome.signatures, arrears_fen=outcome.arrears_fen, category=op.category,
                                              deposit_fen=outcome.deposit_fen, receipt=outcome.receipt),
                    visit_token=run.visit_token,
                    created_at=now,
                )
                fees = [(line.code, line.label, line.amount_fen) for line in run.fee_lines()]
                # one job per copy; a counter that prints right after the commit claims them here
                # (sending, bytes_sent): this commit is the one that precedes the first byte
                claim = bool(getattr(desk, "prints_after_commit", False))
                papers_of = [(layout, n) for layout in proc.print for n in range(1, copies_of(desk.settings, layout) + 1)]
                tx, jobs = _write_rows(session, tx_values, fees, papers_of, {**outcome.reversal, "op": op.name, "category": op.category},
                                       claim=claim, now=now)
                reports.add_to_summary(session, tx=tx, category=op.category, arrears_fen=outcome.arrears_fen, deposit_fen=outcome.deposit_fen)
                audit.append(session=session, at=now, actor=desk.clerk, counter=desk.counter, action="commit", detail=f"{tx.receipt_no} {proc.id}: {outcome.audit}", tx_id=tx.id)
                view = None
                if outcome.customer_number:
                    plans = {p.code: p.name for p in desk.plans()}
                    view = customer_view_written(session, outcome.customer_number, plan_names=plans, before=run.customer)
                written = written_row(session, f"customer:{outcome.customer_number}") if outcome.customer_number else None
                if outcome.customer_number and written is None:  # a customer the visit did not change
                    from teller.store.models import CustomerRecord

                    cust = session.get(CustomerRecord, outcome.customer_number)
                    written = {"name": cust.name, "id_number": cust.id_number} if cust else None
                fresh = FreshPrint(tx, [(label, amount) for _c, label, amount in fees],
                                   written["name"] if written else None, written["id_number"] if written else None, jobs,
                                   claimed=claim)
            next_seq[seq_key] = seq + 1
            papers = _on_engine(desk.engine, "_teller_fresh")
            if len(papers) >= _FRESH_KEEP:
                papers.pop(next(iter(papers)))
            papers[tx.id] = fresh
            return Committed(tx.id, tx.receipt_no, view)
        except IntegrityError:
            next_seq.pop(seq_key, None)
            from sqlmodel import Session

            with Session(desk.engine) as session:  # the same visit committed already (Enter twice, a retry that landed)?
                done = session.exec(select(TransactionRecord).where(TransactionRecord.visit_token == run.visit_token)).first()
                if done is not None:
                    return Committed(done.id, done.receipt_no, customer_view(session, done.customer_number or ""))
            continue  # another process took the same sequence number: take the next
    raise TellerError("could not allocate a receipt number; try again")
