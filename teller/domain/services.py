"""The domain operations, one per procedure kind, applied inside one database transaction.

Each takes the open session and the run's facts, changes the customer, and returns what the
transaction row records. Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from sqlmodel import Session

from teller.domain.money import money
from teller.domain.rules import id_is_male
from teller.domain.secrets import hash_secret
from teller.errors import InputRefused, NotFound
from teller.store.models import CustomerRecord, NumberRecord, PlanRecord
from teller.strings import t

MAX_NUMBERS_PER_ID = 5


@dataclass
class Outcome:
    """What an operation did: the customer it touched, a line for the audit trail, and the
    labelled lines its papers print in their `details` block (already masked and formatted)."""

    customer_number: str | None
    audit: str
    paper: list[tuple[str, str]] = field(default_factory=list)
    #: what a void needs to undo the operation (teller.domain.reversals), kept with the transaction
    reversal: dict[str, Any] = field(default_factory=dict)
    #: the part of a payment that cleared arrears (the rest is prepayment), for the reports
    arrears_fen: int = 0


def _customer(session: Session, number: str) -> CustomerRecord:
    rec = session.get(CustomerRecord, number)
    if rec is None:
        raise NotFound(t("rule.unknown_number", number=number))
    return rec


def pay(session: Session, *, number: str, amount_fen: int, now: datetime) -> Outcome:
    """Top up or pay a bill: the balance rises; a number stopped for arrears reopens once clear."""
    rec = _customer(session, number)
    before = rec.balance_fen
    status_before = rec.status
    rec.balance_fen += amount_fen
    if rec.status == "suspended_arrears" and rec.balance_fen >= 0:
        rec.status = "active"
    session.add(rec)
    out = Outcome(number, f"pay {amount_fen} fen: balance {before} -> {rec.balance_fen}", [(t("paper.balance_after"), money(rec.balance_fen))])
    out.reversal = {"op": "pay", "number": number, "amount_fen": amount_fen, "status_before": status_before, "status_after": rec.status}
    out.arrears_fen = max(0, min(amount_fen, -before))
    return out


def mask_serial(serial: str) -> str:
    return "****" + serial[-6:]


def new_sim_serial() -> str:
    return "8986" + "".join(secrets.choice("0123456789") for _ in range(16))


def open_account(
    session: Session,
    *,
    number: str,
    name: str,
    id_number: str,
    plan_code: str,
    password: str,
    prepay_fen: int,
    contact: str,
    now: datetime,
) -> Outcome:
    """A new subscriber: the number leaves the pool, the password is hashed, balance = prepayment."""
    slot = session.get(NumberRecord, number)
    if slot is None or not slot.free or session.get(CustomerRecord, number) is not None:
        raise InputRefused(t("rule.number_taken", number=number))
    held = count_numbers_held(session, id_number)
    if held >= MAX_NUMBERS_PER_ID:
        raise InputRefused(t("rule.id_quota", n=held))
    plan = session.get(PlanRecord, plan_code)
    if plan is None:
        raise NotFound(f"plan {plan_code}")
    slot.free = False
    session.add(slot)
    serial = new_sim_serial()
    session.add(
        CustomerRecord(
            number=number,
            name=name,
            id_number=id_number,
            male=id_is_male(id_number),
            brand=plan.brand,
            plan_code=plan.code,
            status="active",
            balance_fen=prepay_fen,
            prepaid_1st_fen=0,
            password_hash=hash_secret(password),
            sim_serial=serial,
            contact=contact,
            opened_at=now,
        )
    )
    paper = [(t("paper.plan"), plan.name), (t("paper.new_number"), number), (t("paper.sim"), mask_serial(serial))]
    out = Outcome(number, f"open {number} plan {plan.code}", paper)
    out.reversal = {"op": "open_account", "number": number}
    return out


def count_numbers_held(session: Session, id_number: str) -> int:
    from sqlmodel import func, select

    stmt = select(func.count()).select_from(CustomerRecord).where(
        CustomerRecord.id_number == id_number, CustomerRecord.status != "closed"
    )
    return int(session.exec(stmt).one())


def replace_sim(session: Session, *, number: str, id_number: str, now: datetime) -> Outcome:
    """A new SIM for the same number; the old card stops working."""
    rec = _customer(session, number)
    if rec.id_number.upper() != id_number.upper():
        raise InputRefused(t("rule.id_mismatch"))
    old = rec.sim_serial
    rec.sim_serial = new_sim_serial()
    session.add(rec)
    out = Outcome(number, f"replace sim {old[-4:] if old else '-'} -> {rec.sim_serial[-4:]}", [(t("paper.sim"), mask_serial(rec.sim_serial))])
    out.reversal = {"op": "replace_sim", "number": number, "sim_before": old, "sim_after": rec.sim_serial}
    return out


Operation = Callable[[Session, dict[str, Any], datetime], Outcome]

#: effect name (a procedure file's `effect:`) -> the operation, called with the run's answers.
#: The input fields each one reads are declared in teller.procedures.schema.EFFECT_FIELDS.
OPERATIONS: dict[str, Operation] = {
    "pay": lambda s, a, now: pay(s, number=a["number"], amount_fen=a["amount"], now=now),
    "open_account": lambda s, a, now: open_account(
        s, number=a["new_number"], name=a["name"], id_number=a["id_number"], plan_code=a["plan"],
        password=a["password"], prepay_fen=a["prepay"], contact=a.get("contact", ""), now=now,
    ),
    "replace_sim": lambda s, a, now: replace_sim(s, number=a["number"], id_number=a["id_number"], now=now),
}


def apply(effect: str, session: Session, answers: dict[str, Any], now: datetime) -> Outcome:
    """Dispatch a procedure's `effect` to its operation with the run's answers."""
    try:
        operation = OPERATIONS[effect]
    except KeyError:
        raise NotFound(f"unknown effect {effect}") from None
    return operation(session, answers, now)
