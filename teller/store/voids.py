"""Voiding a transaction (冲正): one DB transaction that reverses the customer effects, marks the
transaction voided, takes it out of the daily summary, pays the cash back out of the counter's
open shift, and records the void with both staff numbers and an audit entry."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlmodel import Session, select

from teller.domain import books, reversals
from teller.errors import AuthError, InputRefused, NotFound, TellerError
from teller.store import audit, reports, shifts
from teller.store.models import TransactionRecord
from teller.strings import t


def find_tx(session: Session, receipt_no: str) -> TransactionRecord:
    tx = session.exec(select(TransactionRecord).where(TransactionRecord.receipt_no == receipt_no.strip())).first()
    if tx is None:
        raise NotFound(t("print.not_found", receipt_no=receipt_no.strip()))
    return tx


def void_transaction(
    session: Session,
    *,
    receipt_no: str,
    reason: str,
    maker: str,
    supervisor: str,
    today: date,
    now: datetime,
    counter: str | None = None,
    effect: str = "",
) -> shifts.VoidRecord:
    """Void a same-day completed transaction; `supervisor` has already given their PIN.

    Refused: an unknown reason, another day's or another counter's transaction, one already
    voided, a supervisor who is the clerk of the transaction or the one voiding it, and a
    refund when the counter has no open shift to pay it from.
    """
    if reason not in books.VOID_REASONS:
        raise InputRefused(t("void.bad_reason", reasons=", ".join(books.VOID_REASONS)))
    tx = find_tx(session, receipt_no)
    if tx.status == "voided":
        raise TellerError(t("void.already", receipt_no=tx.receipt_no))
    if tx.business_day != today:
        raise TellerError(t("void.not_today", receipt_no=tx.receipt_no, day=tx.business_day.isoformat()))
    if counter is not None and tx.counter != counter:
        raise TellerError(t("void.other_counter", counter=tx.counter))
    if supervisor in (tx.clerk, maker):
        raise AuthError(t("auth.same_person"))
    answers = json.loads(tx.answers_json or "{}")
    reversal = shifts.reversal_of(session, tx_id=tx.id)
    done = reversals.reverse(session, reversal, tx)
    shift = None
    refund = tx.amount_due_fen if tx.tendered_fen else 0
    if refund:
        shift = shifts.open_shift_at(session, counter=tx.counter, mode=tx.mode)
        if shift is None or shift.status != shifts.OPEN:
            raise TellerError(t("void.no_shift", counter=tx.counter))
        shifts.add_movement(session, shift=shift, kind=books.VOID_REFUND, amount_fen=refund,
                            reason=f"{tx.receipt_no} {reason}", actor=maker, now=now, tx_id=tx.id)
    tx.status = "voided"
    session.add(tx)
    is_pay = (effect or (reversal or {}).get("op")) == "pay"
    reports.take_out_of_summary(session, tx=tx, is_pay=is_pay, arrears_fen=int(answers.get("_arrears_fen") or 0))
    void = shifts.VoidRecord(
        tx_id=tx.id, receipt_no=tx.receipt_no, counter=tx.counter, business_day=tx.business_day, clerk=maker,
        tx_clerk=tx.clerk, supervisor=supervisor, reason=reason, amount_fen=refund, shift_id=shift.id if shift else None, at=now,
    )
    session.add(void)
    audit.append(session=session, at=now, actor=maker, counter=tx.counter, action="void",
                 detail=f"{tx.receipt_no} {reason} by {maker} authorised by {supervisor}: {done}", tx_id=tx.id)
    session.flush()
    return void
