"""账单打印 print_bill: the month's bill is marked printed (once per number and month) and laid out.
Void: the printed mark is removed, so the month's bill can be printed again."""

from __future__ import annotations

from teller.domain.money import money
from teller.domain.rules import bill_months
from teller.errors import InputRefused
from teller.operations._base import FEE, Outcome, VoidRefused, register
from teller.operations._common import customer
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    from sqlmodel import select

    from teller.store.models import BillPrintRecord, PlanRecord

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
    paper = [
        (t("paper.bill_month"), month),
        (t("paper.plan"), plan.name if plan else rec.plan_code),
        (t("paper.monthly_fee"), money(plan.monthly_fee_fen if plan else 0)),
        (t("paper.bill_note"), t("bill.note")),
    ]
    out = Outcome(number, f"bill {month} printed", paper)
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
