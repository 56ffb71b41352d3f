"""Read-side queries shared by the console and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from datetime import date

from sqlmodel import Session, select

from teller.domain.views import CustomerView
from teller.store.models import CustomerRecord, PlanRecord, ReceiptJobRecord, TransactionRecord


def customer_view(session: Session, number: str, *, plan_names: dict[str, str] | None = None) -> CustomerView | None:
    """The subscriber as the panel shows it; `plan_names` (the desk's catalogue) saves reading the plans."""
    rec = session.get(CustomerRecord, number)
    if rec is None:
        return None
    names = plan_names or {}

    def name_of(code: str | None) -> str | None:
        if not code:
            return None
        if code in names:
            return names[code]
        plan = session.get(PlanRecord, code)
        return plan.name if plan else None

    plan_name, pending_name = name_of(rec.plan_code), name_of(rec.pending_plan_code)
    return CustomerView(
        number=rec.number,
        name=rec.name,
        id_number=rec.id_number,
        male=rec.male,
        brand=rec.brand,
        plan_code=rec.plan_code,
        plan_name=plan_name or rec.plan_code,
        status=rec.status,
        balance_fen=rec.balance_fen,
        month_charges_fen=rec.month_charges_fen,
        prepaid_1st_fen=rec.prepaid_1st_fen,
        last_unpaid_fen=rec.last_unpaid_fen,
        points=rec.points,
        local=rec.local,
        pending_plan_name=pending_name or "",
        sim_serial=rec.sim_serial,
        password_hash=rec.password_hash,
        family_role=family_role(session, number),
        **_bills_and_services(session, rec.number),
    )


def customer_view_written(session: Session, number: str, *, plan_names: dict[str, str], before: CustomerView | None) -> CustomerView:
    """The customer's view after a commit, from the row the commit wrote (not read back): the
    plan names from the desk's catalogue, the family role, printed bills and services from the
    view before the visit, unless the visit wrote those tables (then they are read)."""
    from teller.store.audit import written_row, wrote_table

    row = written_row(session, f"customer:{number}")
    if row is None:
        return customer_view(session, number)
    if before is not None and before.number != number:
        before = None
    extra = {}
    if any(wrote_table(session, name) for name in ("family_link", "bill_print", "subscription")) or before is None:
        extra = {"family_role": family_role(session, number), **_bills_and_services(session, number)}
    else:
        extra = {"family_role": before.family_role, "printed_bill_months": before.printed_bill_months, "subscriptions": before.subscriptions}

    def plan_name(code: str | None) -> str:
        if not code:
            return ""
        if code not in plan_names:
            plan = session.get(PlanRecord, code)
            return plan.name if plan else code
        return plan_names[code]

    return CustomerView(
        number=row["number"], name=row["name"], id_number=row["id_number"], male=row["male"], brand=row["brand"],
        plan_code=row["plan_code"], plan_name=plan_name(row["plan_code"]), status=row["status"], balance_fen=row["balance_fen"],
        month_charges_fen=row["month_charges_fen"], prepaid_1st_fen=row["prepaid_1st_fen"], last_unpaid_fen=row["last_unpaid_fen"],
        points=row["points"], local=row["local"], pending_plan_name=plan_name(row["pending_plan_code"]),
        sim_serial=row["sim_serial"], password_hash=row["password_hash"], **extra,
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
