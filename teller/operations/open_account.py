"""开户 open_account: a new subscriber; the number leaves the pool, the password is hashed,
balance = the prepayment. Void: the subscriber is removed and the number goes back to the pool
(refused while a later transaction on the new number stands)."""

from __future__ import annotations

from teller.domain.billing import first_month_fee_fen
from teller.domain.money import money
from teller.domain.rules import MAX_NUMBERS_PER_ID, id_is_male
from teller.domain.secrets import hash_secret
from teller.errors import InputRefused, NotFound
from teller.operations._base import FEE, Outcome, VoidRefused, register
from teller.operations._common import count_numbers_held, customer_for_void, mask_serial, new_sim_serial
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    from teller.store.models import CustomerRecord, NumberRecord, PlanRecord

    number, id_number, plan_code = answers["new_number"], answers["id_number"], answers["plan"]
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
            number=number, name=answers["name"], id_number=id_number, male=id_is_male(id_number), brand=plan.brand,
            plan_code=plan.code, status="active", balance_fen=int(answers["prepay"]), prepaid_1st_fen=0,
            password_hash=hash_secret(answers["password"]), sim_serial=serial, contact=answers.get("contact", ""),
            opened_at=now,
        )
    )
    paper = [(t("paper.plan"), plan.name), (t("paper.new_number"), number), (t("paper.sim"), mask_serial(serial))]
    # the first month's fee, prorated (full from the 1st-15th, half from the 16th): shown on the
    # slip; the billing run deducts it at month start like every monthly fee, not this counter
    paper.append((t("paper.first_month_fee"), money(first_month_fee_fen(plan.monthly_fee_fen, now.date()))))
    out = Outcome(number, f"open {number} plan {plan.code}", paper)
    # the three places the customer signs (the spoken line names them), the tariff confirmed
    # and the agreement's terms, on the acceptance slip
    out.signatures = [t("paper.sign_form"), t("paper.sign_tariff"), t("paper.sign_agreement")]
    out.receipt = {"tariff": plan.tariff, "agreement": t("paper.agreement_terms")}
    out.reversal = {"number": number}
    return out


def reverse(session, data, tx) -> str:
    from sqlmodel import select

    from teller.store.models import NumberRecord, TransactionRecord

    number = data["number"]
    later = session.exec(
        select(TransactionRecord.receipt_no).where(
            TransactionRecord.customer_number == number, TransactionRecord.id > tx.id, TransactionRecord.status == "completed"
        )
    ).first()
    if later is not None:
        raise VoidRefused(t("void.later_tx", receipt_no=later))
    rec = customer_for_void(session, number)
    session.delete(rec)
    slot = session.get(NumberRecord, number) or NumberRecord(number=number)
    slot.free = True
    session.add(slot)
    return f"subscriber {number} removed, number back to the pool"


OPERATION = register(
    "open_account", fields={"name", "id_number", "plan", "new_number", "password", "prepay"}, apply=apply,
    reverse=reverse, category=FEE,
    summary="new subscriber on a number from the pool, balance = prepayment (at most 5 numbers per ID)",
)
