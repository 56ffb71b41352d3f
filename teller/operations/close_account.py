"""销户 close_account. Retained: nothing changes but the outcome is recorded. Closed: no arrears
allowed; the balance becomes a refund claim payable from the 3rd of next month; family links end.
Void: the account reopens as it was (balance, status, pending plan, family links) and the refund
claim is withdrawn; refused once the refund has been paid out."""

from __future__ import annotations

from teller.domain.billing import refund_payable_from
from teller.domain.money import money
from teller.operations._base import NON_CASH, Outcome, VoidRefused, register
from teller.operations._common import check_owner, customer, customer_for_void, label, no_arrears, same_or_refuse
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    from teller.store.models import RefundClaimRecord
    from teller.store.queries import family_link_of

    number, reason = answers["number"], answers["reason"]
    rec = customer(session, number)
    check_owner(rec, answers["id_number"])
    paper = [(t("paper.close_reason"), label("reason", reason))]
    if answers["retention"] == "retained":
        paper.append((t("paper.retention"), t("paper.retained")))
        out = Outcome(number, f"close {number}: retained ({reason})", paper)
        out.reversal = {"number": number, "retained": True}
        return out
    no_arrears(rec)
    refund = rec.balance_fen
    data = {"number": number, "balance_before": rec.balance_fen, "status_before": rec.status,
            "pending_plan_before": rec.pending_plan_code, "claim_id": None, "links": []}
    paper.append((t("paper.retention"), t("paper.closed")))
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
    out = Outcome(number, f"close {number}: closed ({reason}), refund {refund} fen", paper)
    out.reversal = data
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
    summary="close the number (or record that the customer was retained); balance becomes a refund claim",
)
