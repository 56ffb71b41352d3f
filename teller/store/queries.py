"""Read-side queries shared by the console and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from datetime import date

from sqlmodel import Session, select

from teller.domain.views import CustomerView
from teller.store.models import CustomerRecord, PlanRecord, ReceiptJobRecord, TransactionRecord


def customer_view(session: Session, number: str) -> CustomerView | None:
    rec = session.get(CustomerRecord, number)
    if rec is None:
        return None
    plan = session.get(PlanRecord, rec.plan_code)
    pending = session.get(PlanRecord, rec.pending_plan_code) if rec.pending_plan_code else None
    return CustomerView(
        number=rec.number,
        name=rec.name,
        id_number=rec.id_number,
        male=rec.male,
        brand=rec.brand,
        plan_code=rec.plan_code,
        plan_name=plan.name if plan else rec.plan_code,
        status=rec.status,
        balance_fen=rec.balance_fen,
        month_charges_fen=rec.month_charges_fen,
        prepaid_1st_fen=rec.prepaid_1st_fen,
        last_unpaid_fen=rec.last_unpaid_fen,
        points=rec.points,
        local=rec.local,
        pending_plan_name=pending.name if pending else "",
        sim_serial=rec.sim_serial,
        password_hash=rec.password_hash,
        family_role=family_role(session, number),
        **_bills_and_services(session, rec.number),
    )


def family_role(session: Session, number: str) -> str:
    """"secondary" if `number` is a live family link's secondary card, "main" if a main card, else ""."""
    link = family_link_of(session, number)
    if link is None:
        return ""
    return "main" if link.main_number == number and family_link_of(session, number, as_secondary=True) is None else "secondary"


def family_link_of(session: Session, number: str, *, as_secondary: bool = False):
    """The live family link `number` takes part in (as main or secondary card; or only as secondary)."""
    from sqlmodel import or_

    from teller.store.models import FamilyLinkRecord

    which = FamilyLinkRecord.secondary_number == number
    if not as_secondary:
        which = or_(FamilyLinkRecord.main_number == number, which)
    stmt = select(FamilyLinkRecord).where(FamilyLinkRecord.ended_at.is_(None), which)  # type: ignore[union-attr]
    return session.exec(stmt).first()




def _bills_and_services(session: Session, number: str) -> dict:
    """The months already printed, the active services and the deposits held of a number."""
    from sqlmodel import func

    from teller.domain.views import SubscriptionView
    from teller.store.models import BillPrintRecord, DepositRecord, SubscriptionRecord

    months = session.exec(select(BillPrintRecord.month).where(BillPrintRecord.number == number).order_by(BillPrintRecord.month))
    subs = session.exec(
        select(SubscriptionRecord)
        .where(SubscriptionRecord.number == number, SubscriptionRecord.status == "active")
        .order_by(SubscriptionRecord.id)
    )
    held = session.exec(
        select(func.coalesce(func.sum(DepositRecord.amount_fen), 0)).where(DepositRecord.number == number, DepositRecord.status == "held")
    ).one()
    return {
        "printed_bill_months": tuple(months),
        "subscriptions": tuple(SubscriptionView(s.service_code, s.name, s.monthly_fee_fen) for s in subs),
        "deposit_fen": int(held or 0),
    }


def transactions(session: Session, *, day: date | None = None) -> list[TransactionRecord]:
    stmt = select(TransactionRecord).order_by(TransactionRecord.id)
    if day is not None:
        stmt = stmt.where(TransactionRecord.business_day == day)
    return list(session.exec(stmt))


@dataclass(frozen=True)
class PaperSubject:
    """What an unprinted job belongs to, as `receipts pending` lists it: a transaction's receipt
    number, a void's number (the receipt's, before voids were numbered) or `shift-<id>`."""

    receipt_no: str
    created_at: object
    procedure_id: str


def unprinted(session: Session) -> list[tuple[PaperSubject, ReceiptJobRecord]]:
    """Every job of the print journal not printed (pending, sending, failed), oldest first."""
    from teller.store.shifts import ShiftRecord, VoidRecord

    jobs = session.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.status != "printed").order_by(ReceiptJobRecord.id)).all()
    rows = []
    for job in jobs:
        if job.void_id is not None:
            void = session.get(VoidRecord, job.void_id)
            ref = getattr(void, "void_no", None) or void.receipt_no
            subject = PaperSubject(ref, void.at, "void")
        elif job.shift_id is not None:
            shift = session.get(ShiftRecord, job.shift_id)
            subject = PaperSubject(f"shift-{shift.id}", shift.closed_at or shift.counted_at or shift.opened_at, "settlement")
        else:
            tx = session.get(TransactionRecord, job.tx_id)
            subject = PaperSubject(tx.receipt_no, tx.created_at, tx.procedure_id)
        rows.append((subject, job))
    return rows


def count_numbers_held(session: Session, id_number: str) -> int:
    """How many open (not closed) numbers an ID holds (the rule allows MAX_NUMBERS_PER_ID)."""
    from sqlmodel import func

    stmt = select(func.count()).select_from(CustomerRecord).where(
        CustomerRecord.id_number == id_number, CustomerRecord.status != "closed"
    )
    return int(session.exec(stmt).one())
