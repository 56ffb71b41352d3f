"""Undoing a transaction's customer effects for a void (冲正), inside the void's DB transaction.

Each operation in teller.domain.services returns a `reversal` (kept with the transaction in the
`reversal` table, teller.store.shifts.ReversalRecord); the function here for its `op` puts the customer back. A reversal
that would undo something done after it (a later payment spent, a later SIM swap) is refused.
"""

from __future__ import annotations

from typing import Any, Callable

from sqlmodel import Session, select

from teller.errors import TellerError
from teller.store.models import CustomerRecord, NumberRecord, TransactionRecord
from teller.strings import t


def _customer(session: Session, number: str) -> CustomerRecord:
    rec = session.get(CustomerRecord, number)
    if rec is None:
        raise TellerError(t("void.cannot_reverse", why=number))
    return rec


def reverse_pay(session: Session, data: dict[str, Any], tx: TransactionRecord) -> str:
    """The balance goes back down; a number reopened by the payment is stopped again."""
    rec = _customer(session, data["number"])
    before = rec.balance_fen
    rec.balance_fen -= int(data["amount_fen"])
    if rec.status == data.get("status_after") and data.get("status_before") and rec.balance_fen < 0:
        rec.status = data["status_before"]
    session.add(rec)
    return f"balance {before} -> {rec.balance_fen}, status {rec.status}"


def reverse_open_account(session: Session, data: dict[str, Any], tx: TransactionRecord) -> str:
    """The new subscriber is removed and the number goes back to the pool."""
    number = data["number"]
    later = session.exec(
        select(TransactionRecord.receipt_no).where(
            TransactionRecord.customer_number == number, TransactionRecord.id > tx.id, TransactionRecord.status == "completed"
        )
    ).first()
    if later is not None:
        raise TellerError(t("void.later_tx", receipt_no=later))
    rec = _customer(session, number)
    session.delete(rec)
    slot = session.get(NumberRecord, number) or NumberRecord(number=number)
    slot.free = True
    session.add(slot)
    return f"subscriber {number} removed, number back to the pool"


def reverse_replace_sim(session: Session, data: dict[str, Any], tx: TransactionRecord) -> str:
    """The previous SIM serial is restored (the card handed out no longer works)."""
    rec = _customer(session, data["number"])
    if rec.sim_serial != data["sim_after"]:
        raise TellerError(t("void.cannot_reverse", why="SIM"))
    rec.sim_serial = data["sim_before"]
    session.add(rec)
    return f"sim {str(data['sim_after'])[-4:]} -> {str(data['sim_before'])[-4:]}"


REVERSALS: dict[str, Callable[[Session, dict[str, Any], TransactionRecord], str]] = {
    "pay": reverse_pay,
    "open_account": reverse_open_account,
    "replace_sim": reverse_replace_sim,
}


def reverse(session: Session, data: dict[str, Any] | None, tx: TransactionRecord) -> str:
    """Undo the effect described by `data`; a transaction without one has no customer effect."""
    if not data:
        return "no customer effect"
    try:
        undo = REVERSALS[data["op"]]
    except KeyError:
        raise TellerError(t("void.cannot_reverse", why=data.get("op", "?"))) from None
    return undo(session, data, tx)
