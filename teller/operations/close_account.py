"""销户 close_account. Retained: nothing changes but the outcome is recorded (a deposit still held
is said so on the slip). Closed: no arrears allowed; the balance and every deposit held
(押金, table `deposit`) become one refund claim payable from the 3rd of next month; family links
end. Void: the account reopens as it was (balance, status, pending plan, family links, deposits
held again) and the refund claim is withdrawn; refused once the refund has been paid out."""

from __future__ import annotations

from teller.domain.billing import refund_payable_from
from teller.domain.money import money
from teller.operations._base import NON_CASH, Outcome, VoidRefused, register
from teller.operations._common import check_owner, customer, customer_for_void, label, no_arrears, same_or_refuse
from teller.operations._deposits import hand_back, held, hold_again
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    from teller.store.models import RefundClaimRecord
    from teller.store.queries import family_link_of

    number, reason = answers["number"], answers["reason"]
    rec = customer(session, number)
    check_owner(rec, answers["id_number"])
    paper = [(t("paper.close_reason"), label("reason", reason))]
    deposits = held(session, number)
    if answers["retention"] == "retained":
        paper.append((t("paper.retention"), t("paper.retained")))
        if deposits:
            paper.append((t("paper.deposit"), t("paper.deposit_still_held", amount=money(sum(d.amount_fen for d in deposits)))))
        out = Outcome(number, f"close {number}: retained ({reason})", paper)
        out.reversal = {"number": number, "retained": True}
        return out
    no_arrears(rec)
    deposit_fen = hand_back(session, deposits, to="closing", now=now)
    refund = rec.balance_fen + deposit_fen
    data = {"number": number, "balance_before": rec.balance_fen, "status_before": rec.status,
            "pending_plan_before": rec.pending_plan_code, "claim_id": None, "links": [],
            "deposits": [d.id for d in deposits]}
    paper.append((t("paper.retention"), t("paper.closed")))
    if deposit_fen:
        paper.append((t("paper.deposit"), t("paper.deposit_in_refund", amount=money(deposit_fen))))
    if refund > 0:
        payable = refund_payable_from(now.date())
        claim = RefundClaimRecord(number=number, amount_fen=refund, payable_from=payable, created_at=now)
        session.add(claim)
        session.flush()
        data["claim_id"] = claim.id
        paper += [(t("paper.refund"), money(refund)), (t("paper.refund_from"), t("paper.refund_from_value", date=payable.isoformat()))]
    while (link := family_link_of(session, number)) is not None:
        link.ended_at = now
        session.add(link)
        session.flush()
        data["links"].append(link.id)
    rec.balance_fen = 0
    rec.status = "closed"
    rec.pending_plan_code = None
    session.add(rec)
    out = Outcome(number, f"close {number}: closed ({reason}), refund {refund} fen (deposits {deposit_fen})", paper)
    out.reversal = data
    out.deposit_fen = -deposit_fen
    return out


def reverse(session, data, tx) -> str:
    from teller.store.models import FamilyLinkRecord, RefundClaimRecord

    if data.get("retained"):
        return "retained: nothing to undo"
    rec = customer_for_void(session, data["number"])
    same_or_refuse(rec.status, "closed", data["number"])
    if data.get("claim_id") is not None:
        claim = session.get(RefundClaimRecord, data["claim_id"])
        if claim is None or claim.status != "open":
            raise VoidRefused(t("void.refund_paid", number=data["number"]))
        session.delete(claim)
    hold_again(session, data.get("deposits", []))
    for link_id in data.get("links", []):
        link = session.get(FamilyLinkRecord, link_id)
        if link is not None:
            link.ended_at = None
            session.add(link)
    rec.balance_fen = int(data["balance_before"])
    rec.status = data["status_before"]
    rec.pending_plan_code = data["pending_plan_before"]
    session.add(rec)
    return f"{data['number']} reopened, balance {rec.balance_fen}"


OPERATION = register(
    "close_account", fields={"number", "id_number", "reason", "retention"}, apply=apply, reverse=reverse,
    category=NON_CASH,
    summary="close the number (or record that the customer was retained); balance and deposits become a refund claim",
)
