"""退押金 return_deposit (generic): the deposits the number holds for `params.purpose` are
returned — onto the account (`to: balance`, the default: 押金转预存) or as a refund claim
payable with the ID from the 3rd of next month (`to: refund`). Nothing held: the slip says so.
Void: the deposits are held again and the credit (or the refund claim) is taken back; refused
once the refund was paid."""

from __future__ import annotations

from teller.domain.billing import refund_payable_from
from teller.domain.money import money
from teller.operations._base import DEPOSIT, Outcome, VoidRefused, register
from teller.operations._common import credit, customer, customer_for_void, undo_credit
from teller.operations._deposits import ReturnDepositParams, hand_back, held, hold_again
from teller.strings import t


def apply(session, answers, now, params: ReturnDepositParams) -> Outcome:
    from teller.store.models import RefundClaimRecord

    number = answers["number"]
    rec = customer(session, number)
    deposits = held(session, number, params.purpose)
    data: dict = {"number": number, "ids": [d.id for d in deposits], "to": params.to, "claim_id": None}
    if not deposits:
        out = Outcome(number, f"no deposit held for {params.purpose}", [(t("paper.deposit"), t("paper.deposit_none"))])
        out.reversal = data
        return out
    total = hand_back(session, deposits, to=params.to, now=now)
    paper = [(t("paper.deposit_returned"), money(total))]
    if params.to == "balance":
        data.update(status_before=rec.status, amount_fen=total)
        credit(rec, total)
        session.add(rec)
        data["status_after"] = rec.status
        paper.append((t("paper.balance_after"), money(rec.balance_fen)))
    else:
        payable = refund_payable_from(now.date())
        claim = RefundClaimRecord(number=number, amount_fen=total, payable_from=payable, created_at=now)
        session.add(claim)
        session.flush()
        data["claim_id"] = claim.id
        paper.append((t("paper.refund_from"), t("paper.refund_from_value", date=payable.isoformat())))
    out = Outcome(number, f"deposit {total} fen returned to {params.to}", paper)
    out.reversal = data
    out.deposit_fen = -total
    return out


def reverse(session, data, tx) -> str:
    from teller.store.models import RefundClaimRecord

    if not data["ids"]:
        return "no deposit to undo"
    if data["to"] == "refund":
        claim = session.get(RefundClaimRecord, data["claim_id"])
        if claim is None or claim.status != "open":
            raise VoidRefused(t("void.refund_paid", number=data["number"]))
        session.delete(claim)
    else:
        rec = customer_for_void(session, data["number"])
        undo_credit(rec, int(data["amount_fen"]), data)
        session.add(rec)
    hold_again(session, data["ids"])
    return f"deposits {data['ids']} held again"


OPERATION = register(
    "return_deposit", fields={"number"}, apply=apply, reverse=reverse, category=DEPOSIT, params=ReturnDepositParams,
    summary="generic: return the deposits held for a purpose, onto the account or as a refund claim (params: purpose, to)",
)
