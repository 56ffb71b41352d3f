"""Committing a visit: one database transaction, all or nothing.

The transaction row with its receipt number, the fee lines, the operation applied to the
customer / stock / pool, what a void will need, the daily summary by the operation's report
category, an audit entry and the print jobs queued (printed after the commit).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from teller.counter.plan import operation_for
from teller.domain.money import money
from teller.errors import TellerError
from teller.procedures.engine import Committed
from teller.strings import t

if TYPE_CHECKING:
    from teller.desk import Desk
    from teller.procedures.engine import Run


def receipt_number(counter: str, day, seq: int, *, practice: bool) -> str:
    """Unique and sequential per counter and day; practice receipts have their own series."""
    return f"{'P' if practice else ''}{counter}-{day:%Y%m%d}-{seq:04d}"


def answers_json(run: "Run", paper: list[tuple[str, str]], signatures: list[str] | None = None, **extra) -> str:
    """The run's answers as kept with the transaction (no secrets), the lines its papers print,
    who signs the slip when it is more than the customer (`_signatures`), and `extra` keys
    (`_arrears_fen`: the part of a payment that cleared arrears; `_category`: the report category;
    `_receipt`: the values the operation gives its papers by name)."""
    more = {"_signatures": signatures} if signatures else {}
    more.update({f"_{k}": v for k, v in extra.items()})
    return json.dumps({**run.record(), "_paper": paper, **more}, ensure_ascii=False, default=str)


def record_transaction(desk: "Desk", run: "Run") -> Committed:
    """Transaction row, fee lines, the operation's changes, an audit entry and the print jobs."""
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import func, select

    from teller.printing.jobs import add_jobs
    from teller.store import audit, reports, shifts
    from teller.store.db import session_scope
    from teller.store.models import FeeLineRecord, TransactionRecord
    from teller.store.queries import customer_view

    proc = run.procedure
    op = operation_for(run)  # the procedure's effect with its params, conditions and paper lines
    now = desk.now()
    day = now.date()
    for _attempt in range(5):
        try:
            with session_scope(desk.engine) as session:
                done = session.exec(select(TransactionRecord).where(TransactionRecord.visit_token == run.visit_token)).first()
                if done is not None:  # the same visit pressed Enter twice: one transaction
                    return Committed(done.id, done.receipt_no, customer_view(session, done.customer_number or ""))
                last = session.exec(
                    select(func.max(TransactionRecord.seq)).where(
                        TransactionRecord.counter == desk.counter, TransactionRecord.business_day == day
                    )
                ).one()
                seq = (last or 0) + 1
                shifts.require_shift(
                    session, counter=desk.counter, clerk=desk.clerk, mode="practice" if desk.practice else "live", day=day, now=now
                )
                outcome = op.apply(session, run.answers, now)
                if run.answers.get("waived_fen"):  # 减免: on the papers with who granted it
                    outcome.paper.append((t("paper.waived"), t("paper.waived_value", amount=money(run.answers["waived_fen"]), supervisor=run.answers.get("waived_by", ""))))
                tendered = int(run.answers.get("tendered", 0))
                due = run.total_fen
                tx = TransactionRecord(
                    receipt_no=receipt_number(desk.counter, day, seq, practice=desk.practice),
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
                    change_fen=tendered - due if tendered else 0,
                    mode="practice" if desk.practice else "live",
                    answers_json=answers_json(run, outcome.paper, outcome.signatures, arrears_fen=outcome.arrears_fen, category=op.category,
                                              deposit_fen=outcome.deposit_fen, receipt=outcome.receipt),
                    visit_token=run.visit_token,
                    created_at=now,
                )
                session.add(tx)
                session.flush()
                # what a void needs: always kept, with the operation and its report category
                shifts.keep_reversal(session, tx_id=tx.id, data={**outcome.reversal, "op": op.name, "category": op.category})
                reports.add_to_summary(session, tx=tx, category=op.category, arrears_fen=outcome.arrears_fen, deposit_fen=outcome.deposit_fen)
                for line in run.fee_lines():
                    session.add(FeeLineRecord(tx_id=tx.id, code=line.code, label=line.label, amount_fen=line.amount_fen))
                audit.append(session=session, at=now, actor=desk.clerk, counter=desk.counter, action="commit", detail=f"{tx.receipt_no} {proc.id}: {outcome.audit}", tx_id=tx.id)
                add_jobs(session, tx.id, list(proc.print), desk.settings, now=now)  # one job per copy
                session.flush()
                return Committed(tx.id, tx.receipt_no, customer_view(session, outcome.customer_number) if outcome.customer_number else None)
        except IntegrityError:
            continue  # another process took the same sequence number: take the next
    raise TellerError("could not allocate a receipt number; try again")
