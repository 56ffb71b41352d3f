"""Voiding a transaction (冲正), above the store: the operation's own `reverse` undoes exactly
what the sale did, in the same database transaction that marks it voided, takes it out of the
daily summary, pays the cash back out of the counter's open shift and records the void with
its own number, both staff numbers and an audit entry.

`check_void` says what a void will do, or why it cannot, before anyone types a supervisor's PIN:
it runs the same checks and the reversal itself in a transaction that is rolled back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from teller import operations
from teller.domain import books
from teller.errors import AuthError, InputRefused, TellerError
from teller.mode import Mode
from teller.operations import VoidRefused
from teller.strings import t

if TYPE_CHECKING:
    from sqlmodel import Session

    from teller.store.models import TransactionRecord
    from teller.store.shifts import VoidRecord


@dataclass(frozen=True)
class VoidPreview:
    """What voiding `receipt_no` will do: the operation undone, its category, the cash paid back."""

    receipt_no: str
    procedure_id: str
    operation: str
    category: str
    refund_fen: int
    tx_clerk: str
    undo: str  # the reversal's own description (as the audit trail will have it)


@dataclass
class _Checked:
    tx: "TransactionRecord"
    op: operations.Operation
    data: dict
    refund_fen: int
    shift: object | None


def _checked(session: "Session", *, receipt_no: str, today: date, counter: str | None) -> _Checked:
    """Every refusal that does not depend on who authorises: raised before a PIN is asked."""
    from teller.store import shifts
    from teller.store.voids import find_tx, find_void_by_no

    void = find_void_by_no(session, receipt_no)
    if void is not None:
        raise VoidRefused(t("void.of_void", void_no=void.void_no, receipt_no=void.receipt_no))
    tx = find_tx(session, receipt_no)
    if tx.status == "voided":
        raise VoidRefused(t("void.already", receipt_no=tx.receipt_no))
    if tx.business_day != today:
        raise VoidRefused(t("void.not_today", receipt_no=tx.receipt_no, day=tx.business_day.isoformat()))
    if counter is not None and tx.counter != counter:
        raise VoidRefused(t("void.other_counter", counter=tx.counter))
    data = shifts.reversal_of(session, tx_id=tx.id)
    if not data or "op" not in data:
        raise VoidRefused(t("void.no_reversal", receipt_no=tx.receipt_no))
    op = operations.registry().get(data["op"])
    if op is None:
        raise VoidRefused(t("void.cannot_reverse", why=data["op"]))
    if op.reverse is None:
        raise VoidRefused(t("void.irreversible", why=t(op.irreversible)))
    refund = tx.amount_due_fen if tx.tendered_fen else 0
    shift = None
    if refund:
        shift = shifts.open_shift_at(session, counter=tx.counter, mode=tx.mode)
        if shift is None or shift.status != shifts.OPEN:
            raise VoidRefused(t("void.no_shift", counter=tx.counter))
    return _Checked(tx, op, data, refund, shift)


def check_void(session: "Session", *, receipt_no: str, today: date, counter: str | None = None) -> VoidPreview:
    """What the void of `receipt_no` will do, or the refusal (VoidRefused, NotFound) with its reason.

    The reversal runs for real and the session is rolled back: a reversal that would refuse
    (the state changed since, a refund already paid) refuses here, before the supervisor's PIN.
    """
    try:
        c = _checked(session, receipt_no=receipt_no, today=today, counter=counter)
        undo = c.op.reverse(session, c.data, c.tx)
        session.flush()
        return VoidPreview(c.tx.receipt_no, c.tx.procedure_id, c.op.name, c.data.get("category", c.op.category),
                           c.refund_fen, c.tx.clerk, undo)
    finally:
        session.rollback()


def void_transaction(
    session: "Session",
    *,
    receipt_no: str,
    reason: str,
    maker: str,
    supervisor: str,
    today: date,
    now: datetime,
    counter: str | None = None,
) -> "VoidRecord":
    """Void a same-day completed transaction; `supervisor` has already given their PIN.

    Refused: an unknown reason, a void's own number, another day's or another counter's
    transaction, one already voided, an operation that cannot be undone (or no longer can),
    a supervisor who is the clerk of the transaction or the one voiding it, and a refund when
    the counter has no open shift to pay it from.
    """
    from teller.store import audit, reports, shifts
    from teller.store.voids import next_void_no

    if reason not in books.VOID_REASONS:
        raise InputRefused(t("void.bad_reason", reasons=", ".join(books.VOID_REASONS)))
    c = _checked(session, receipt_no=receipt_no, today=today, counter=counter)
    tx = c.tx
    if supervisor in (tx.clerk, maker):
        raise AuthError(t("auth.same_person"))
    done = c.op.reverse(session, c.data, tx)
    if c.refund_fen:
        shifts.add_movement(session, shift=c.shift, kind=books.VOID_REFUND, amount_fen=c.refund_fen,
                            reason=f"{tx.receipt_no} {reason}", actor=maker, now=now, tx_id=tx.id)
    tx.status = "voided"
    session.add(tx)
    answers = json.loads(tx.answers_json or "{}")
    category = c.data.get("category", c.op.category)
    reports.take_out_of_summary(session, tx=tx, category=category, arrears_fen=int(answers.get("_arrears_fen") or 0),
                                deposit_fen=int(answers.get("_deposit_fen") or 0))
    void = shifts.VoidRecord(
        void_no=next_void_no(session, counter=tx.counter, day=today, practice=Mode.named(tx.mode).is_practice),
        tx_id=tx.id, receipt_no=tx.receipt_no, counter=tx.counter, business_day=tx.business_day, clerk=maker,
        tx_clerk=tx.clerk, supervisor=supervisor, reason=reason, amount_fen=c.refund_fen,
        shift_id=c.shift.id if c.shift is not None else None, at=now,
    )
    session.add(void)
    audit.append(session=session, at=now, actor=maker, counter=tx.counter, action="void",
                 detail=f"{void.void_no} voids {tx.receipt_no} {reason} by {maker} authorised by {supervisor}: {done}", tx_id=tx.id)
    session.flush()
    return void


__all__ = ["VoidPreview", "VoidRefused", "TellerError", "check_void", "void_transaction"]
