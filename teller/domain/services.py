"""The domain operations, one per procedure kind, applied inside one database transaction.

Each takes the open session and the run's facts, changes the customer, and returns what the
transaction row records. Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlmodel import Session

from teller.clock import local_text
from teller.domain.billing import first_month_fee_fen, first_of_next_month, refund_payable_from
from teller.domain.money import money
from teller.domain.rules import id_is_male, mask_id, mask_name
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
    signatures: list[str] = field(default_factory=list)  # who signs the slip, when not just the customer
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
    # the first month's fee, prorated (full from the 1st-15th, half from the 16th): shown on the
    # slip; the billing run deducts it at month start like every monthly fee, not this counter
    paper.append((t("paper.first_month_fee"), money(first_month_fee_fen(plan.monthly_fee_fen, now.date()))))
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


# ---- account procedures: closing, plan change, password, transfer, suspend/resume, family numbers ----

FAMILY_MONTHLY_FEE_FEN = 100  # the main card pays 1 yuan a month for a family number
FAMILY_EFFECTIVE_AFTER = timedelta(hours=24)


def _label(prefix: str, value: str) -> str:
    """The clerk-readable text of a coded answer (`reason.tariff` -> 资费太高), else the code itself."""
    key = f"{prefix}.{value}"
    text = t(key)
    return value if text == key else text


def _local(at: datetime, now: datetime) -> str:
    return local_text(at, now.tzinfo, seconds=False)


def _check_owner(rec: CustomerRecord, id_number: str) -> None:
    if rec.id_number.upper() != id_number.upper():
        raise InputRefused(t("rule.id_mismatch"))


def _no_arrears(rec: CustomerRecord) -> None:
    if rec.balance_fen < 0:
        raise InputRefused(t("rule.pay_first", arrears=money(-rec.balance_fen)))


def close_account(session: Session, *, number: str, id_number: str, reason: str, retention: str, now: datetime) -> Outcome:
    """销户. Retained: nothing changes but the outcome is recorded. Closed: no arrears allowed;
    the balance becomes a refund claim payable from the 3rd of next month; family links end."""
    from teller.store.models import RefundClaimRecord
    from teller.store.queries import family_link_of

    rec = _customer(session, number)
    _check_owner(rec, id_number)
    paper = [(t("paper.close_reason"), _label("reason", reason))]
    if retention == "retained":
        paper.append((t("paper.retention"), t("paper.retained")))
        return Outcome(number, f"close {number}: retained ({reason})", paper)
    _no_arrears(rec)
    refund = rec.balance_fen
    paper.append((t("paper.retention"), t("paper.closed")))
    if refund > 0:
        payable = refund_payable_from(now.date())
        session.add(RefundClaimRecord(number=number, amount_fen=refund, payable_from=payable, created_at=now))
        paper += [(t("paper.refund"), money(refund)), (t("paper.refund_from"), t("paper.refund_from_value", date=payable.isoformat()))]
    while (link := family_link_of(session, number)) is not None:
        link.ended_at = now
        session.add(link)
        session.flush()
    rec.balance_fen = 0
    rec.status = "closed"
    rec.pending_plan_code = None
    session.add(rec)
    return Outcome(number, f"close {number}: closed ({reason}), refund {refund} fen", paper)


def change_plan(session: Session, *, number: str, plan_code: str, now: datetime) -> Outcome:
    """产品变更: the new plan waits in `pending_plan_code` and takes effect on the 1st of next month."""
    rec = _customer(session, number)
    if rec.status != "active":
        raise InputRefused(t("rule.pay_first", arrears=money(max(0, -rec.balance_fen))) if rec.status == "suspended_arrears" else t("rule.not_active"))
    plan = session.get(PlanRecord, plan_code)
    if plan is None:
        raise NotFound(f"plan {plan_code}")
    if plan.code == rec.plan_code:
        raise InputRefused(t("rule.same_plan"))
    current = session.get(PlanRecord, rec.plan_code)
    rec.pending_plan_code = plan.code
    session.add(rec)
    effective = first_of_next_month(now.date())
    paper = [
        (t("paper.old_plan"), current.name if current else rec.plan_code),
        (t("paper.new_plan"), plan.name),
        (t("paper.monthly_fee"), money(plan.monthly_fee_fen)),
        (t("paper.effective"), effective.isoformat()),
    ]
    return Outcome(number, f"plan {rec.plan_code} -> {plan.code} from {effective}", paper)


def change_password(session: Session, *, number: str, password: str, verified_by: str, now: datetime) -> Outcome:
    """密码修改/重置: the new service password replaces the old one (hashed; never on paper)."""
    rec = _customer(session, number)
    if rec.status == "suspended_arrears":
        raise InputRefused(t("rule.pay_first", arrears=money(max(0, -rec.balance_fen))))
    rec.password_hash = hash_secret(password)
    session.add(rec)
    paper = [(t("paper.verified_by"), _label("doc", verified_by)), (t("paper.password"), t("paper.password_set"))]
    return Outcome(number, f"password changed ({verified_by})", paper)


def transfer_ownership(
    session: Session, *, number: str, id_number: str, new_name: str, new_id_number: str, password: str, now: datetime
) -> Outcome:
    """过户: the holder changes to the new owner (name, ID, new service password); both sign."""
    rec = _customer(session, number)
    _check_owner(rec, id_number)
    _no_arrears(rec)
    if rec.status != "active":
        raise InputRefused(t("rule.not_active"))
    if new_id_number.upper() == rec.id_number.upper():
        raise InputRefused(t("rule.transfer_same_owner"))
    held = count_numbers_held(session, new_id_number)
    if held >= MAX_NUMBERS_PER_ID:
        raise InputRefused(t("rule.id_quota", n=held))
    paper = [
        (t("paper.old_holder"), mask_name(rec.name)),
        (t("paper.old_id"), mask_id(rec.id_number)),
        (t("paper.new_holder"), mask_name(new_name)),
        (t("paper.new_id"), mask_id(new_id_number)),
    ]
    rec.name, rec.id_number, rec.male = new_name, new_id_number, id_is_male(new_id_number)
    rec.password_hash = hash_secret(password)
    rec.contact = ""
    session.add(rec)
    return Outcome(number, f"transfer {number}", paper, signatures=[t("paper.sign_old_owner"), t("paper.sign_new_owner")])


def suspend_resume(session: Session, *, number: str, action: str, now: datetime) -> Outcome:
    """停机 (reported lost -> suspended_lost) or 复机 (a number stopped for arrears reopens only once paid)."""
    rec = _customer(session, number)
    before = rec.status
    if action == "suspend":
        if rec.status != "active":
            raise InputRefused(t("rule.already_suspended"))
        rec.status = "suspended_lost"
    elif action == "resume":
        if rec.status == "active":
            raise InputRefused(t("rule.not_suspended"))
        _no_arrears(rec)  # a number never reopens while it owes (欠停开机 after payment)
        rec.status = "active"
    else:
        raise InputRefused(t("rule.choice"))
    session.add(rec)
    return Outcome(number, f"{action} {number}: {before} -> {rec.status}", [(t("paper.status_after"), t(f"status.{rec.status}"))])


def add_family_number(session: Session, *, number: str, secondary: str, now: datetime) -> Outcome:
    """亲情号: link a secondary card to a main card; 1 yuan a month on the main card; live within 24 h."""
    from teller.store.models import FamilyLinkRecord
    from teller.store.queries import family_link_of

    main, sec = _customer(session, number), _customer(session, secondary)
    if main.number == sec.number:
        raise InputRefused(t("rule.family_self"))
    if family_link_of(session, sec.number) is not None:
        raise InputRefused(t("rule.family_linked", number=sec.number))
    if family_link_of(session, main.number, as_secondary=True) is not None:
        raise InputRefused(t("rule.family_main_is_secondary", number=main.number))
    for rec in (main, sec):
        if rec.status != "active":
            raise InputRefused(t("rule.not_active"))
    effective = now + FAMILY_EFFECTIVE_AFTER
    session.add(FamilyLinkRecord(main_number=main.number, secondary_number=sec.number,
                                 monthly_fee_fen=FAMILY_MONTHLY_FEE_FEN, created_at=now, effective_at=effective))
    paper = [
        (t("paper.main_card"), main.number),
        (t("paper.secondary_card"), sec.number),
        (t("paper.family_fee"), t("paper.family_fee_value", fee=money(FAMILY_MONTHLY_FEE_FEN))),
        (t("paper.effective_by"), _local(effective, now)),
    ]
    return Outcome(number, f"family {main.number} + {sec.number}", paper,
                   signatures=[t("paper.sign_main"), t("paper.sign_secondary")])


OPERATIONS.update(
    {
        "close_account": lambda s, a, now: close_account(
            s, number=a["number"], id_number=a["id_number"], reason=a["reason"], retention=a["retention"], now=now),
        "change_plan": lambda s, a, now: change_plan(s, number=a["number"], plan_code=a["plan"], now=now),
        "change_password": lambda s, a, now: change_password(
            s, number=a["number"], password=a["password"], verified_by=a.get("document", ""), now=now),
        "transfer_ownership": lambda s, a, now: transfer_ownership(
            s, number=a["number"], id_number=a["id_number"], new_name=a["new_name"],
            new_id_number=a["new_id_number"], password=a["password"], now=now),
        "suspend_resume": lambda s, a, now: suspend_resume(s, number=a["number"], action=a["action"], now=now),
        "add_family_number": lambda s, a, now: add_family_number(s, number=a["number"], secondary=a["secondary"], now=now),
    }
)
# ---- issue 3 (i3b): bills, services, points, reservations, complaints, handsets ----------------
from teller.domain.counter_services import OPERATIONS as _COUNTER_OPERATIONS  # noqa: E402

OPERATIONS.update(_COUNTER_OPERATIONS)
