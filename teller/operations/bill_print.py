"""账单打印 print_bill: the month's bill is marked printed (once per number and month) and laid out.
Void: the printed mark is removed, so the month's bill can be printed again."""

from __future__ import annotations

from datetime import date

from teller.domain.billing import month_charges
from teller.domain.money import money
from teller.domain.rules import bill_months
from teller.errors import InputRefused
from teller.operations._base import FEE, Outcome, VoidRefused, register
from teller.operations._common import customer
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    from sqlmodel import select

    from teller.store.models import BillPrintRecord, PlanRecord, SubscriptionRecord

    number, month = answers["number"], answers["bill_month"]
    rec = customer(session, number)
    if month not in bill_months(now):
        raise InputRefused(t("bill.not_offered", month=month))
    done = session.exec(select(BillPrintRecord).where(BillPrintRecord.number == number, BillPrintRecord.month == month)).first()
    if done is not None:
        raise InputRefused(t("bill.already_printed", month=month))
    mark = BillPrintRecord(number=number, month=month, printed_at=now)
    session.add(mark)
    session.flush()
    plan = session.get(PlanRecord, rec.plan_code)
    month_start = date(int(month[:4]), int(month[5:7]), 1)
    services = [
        (sub.name, sub.monthly_fee_fen, sub.cancel_effective)
        for sub in session.exec(select(SubscriptionRecord).where(SubscriptionRecord.number == number).order_by(SubscriptionRecord.id))
    ]
    opened = rec.opened_at.astimezone(now.tzinfo).date() if rec.opened_at is not None else None
    plan_fee, charged = month_charges(month_start, plan.monthly_fee_fen if plan else 0, opened, services)
    paper = [
        (t("paper.bill_month"), month),
        (t("paper.plan"), plan.name if plan else rec.plan_code),
        (t("paper.monthly_fee"), money(plan_fee)),
        *((name, money(fen)) for name, fen in charged),
    ]
    out = Outcome(number, f"bill {month} printed", paper)
    out.receipt = {"bill_total": money(plan_fee + sum(fen for _, fen in charged))}
    out.reversal = {"mark_id": mark.id}
    return out


def reverse(session, data, tx) -> str:
    from teller.store.models import BillPrintRecord

    mark = session.get(BillPrintRecord, data["mark_id"])
    if mark is None:
        raise VoidRefused(t("void.cannot_reverse", why=t("paper.bill_month")))
    session.delete(mark)
    return f"bill {mark.month} of {mark.number} unmarked"


OPERATION = register("print_bill", fields={"number", "bill_month"}, apply=apply, reverse=reverse, category=FEE,
                     summary="print one of the last months' bills (once per number and month)")
