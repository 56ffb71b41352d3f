"""产品变更 change_plan: the new plan waits in `pending_plan_code` and takes effect on the 1st of
next month. Void: the pending plan before is restored (refused once the change took effect or
another change replaced it)."""

from __future__ import annotations

from teller.domain.billing import first_of_next_month
from teller.domain.money import money
from teller.errors import InputRefused, NotFound
from teller.operations._base import FEE, Outcome, register
from teller.operations._common import customer, customer_for_void, same_or_refuse
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    from teller.store.models import PlanRecord

    number, plan_code = answers["number"], answers["plan"]
    rec = customer(session, number)
    if rec.status != "active":
        raise InputRefused(t("rule.pay_first", arrears=money(max(0, -rec.balance_fen))) if rec.status == "suspended_arrears" else t("rule.not_active"))
    plan = session.get(PlanRecord, plan_code)
    if plan is None:
        raise NotFound(f"plan {plan_code}")
    if plan.code == rec.plan_code:
        raise InputRefused(t("rule.same_plan"))
    current = session.get(PlanRecord, rec.plan_code)
    before = rec.pending_plan_code
    rec.pending_plan_code = plan.code
    session.add(rec)
    effective = first_of_next_month(now.date())
    paper = [
        (t("paper.old_plan"), current.name if current else rec.plan_code),
        (t("paper.new_plan"), plan.name),
        (t("paper.monthly_fee"), money(plan.monthly_fee_fen)),
        (t("paper.effective"), effective.isoformat()),
    ]
    out = Outcome(number, f"plan {rec.plan_code} -> {plan.code} from {effective}", paper)
    out.reversal = {"number": number, "pending_before": before, "pending_after": plan.code, "plan": rec.plan_code}
    return out


def reverse(session, data, tx) -> str:
    rec = customer_for_void(session, data["number"])
    same_or_refuse((rec.plan_code, rec.pending_plan_code), (data["plan"], data["pending_after"]), t("paper.new_plan"))
    rec.pending_plan_code = data["pending_before"]
    session.add(rec)
    return f"pending plan {data['pending_after']} -> {data['pending_before'] or '-'}"


OPERATION = register("change_plan", fields={"number", "plan"}, apply=apply, reverse=reverse, category=FEE,
                     summary="new plan from the 1st of next month (pending until then)")
