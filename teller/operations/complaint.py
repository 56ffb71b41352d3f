"""客户投诉 record_complaint: the complaint on record; a ticket gets the brand's reply time; a bill
credit needs a supervisor. Void: the ticket is withdrawn (its number never issued again) and a
credit is taken back."""

from __future__ import annotations

import json
from datetime import timedelta

from teller.domain import catalog
from teller.domain.money import money
from teller.errors import AuthError
from teller.operations._base import NON_CASH, Outcome, register
from teller.operations._common import credit, customer, customer_for_void, stamp, undo_credit
from teller.strings import t


def withdraw_ticket(session, ticket_no: str) -> None:
    from sqlmodel import select

    from teller.operations._base import VoidRefused
    from teller.store.models import ComplaintRecord

    rec = session.exec(select(ComplaintRecord).where(ComplaintRecord.ticket_no == ticket_no)).first()
    if rec is None:
        raise VoidRefused(t("void.cannot_reverse", why=ticket_no))
    session.delete(rec)


def apply(session, answers, now) -> Outcome:
    from teller.operations._common import next_no
    from teller.store.models import ComplaintRecord

    number, text, outcome = answers["number"], answers["complaint"], answers["outcome"]
    contact = str(answers.get("contact") or number)
    compensation_fen = int(answers.get("compensation") or 0)
    authorized_by = str(answers.get("approval") or "")
    rec = customer(session, number)
    if compensation_fen and not authorized_by:
        raise AuthError(t("complaint.need_authorization"))
    ticket_no = next_no(session, ComplaintRecord.ticket_no, "TS", now)
    due = None if outcome == "resolved" else now + timedelta(hours=catalog.reply_hours(rec.brand))
    status_before = rec.status
    if compensation_fen:
        credit(rec, compensation_fen)
        session.add(rec)
    session.add(
        ComplaintRecord(
            ticket_no=ticket_no, kind="service", number=number, text=text, outcome=outcome, reply_due=due,
            compensation_fen=compensation_fen, authorized_by=authorized_by, created_at=now,
            details_json=json.dumps({"contact": contact}, ensure_ascii=False),
        )
    )
    paper = [(t("paper.complaint"), text), (t("paper.outcome"), t(f"complaint.{outcome}"))]
    if due is not None:
        paper.append((t("paper.reply_by"), stamp(due)))
    if compensation_fen:
        paper += [(t("paper.compensation"), money(compensation_fen)), (t("paper.authorized_by"), authorized_by)]
    out = Outcome(number, f"complaint {ticket_no} {outcome} credit {compensation_fen}", paper)
    # the ticket's number, and the number the hall promised to call with the outcome
    out.receipt = {"ticket_no": ticket_no, "contact": contact if due is not None else ""}
    out.reversal = {"number": number, "ticket_no": ticket_no, "credit_fen": compensation_fen,
                    "status_before": status_before, "status_after": rec.status}
    return out


def reverse(session, data, tx) -> str:
    withdraw_ticket(session, data["ticket_no"])
    if data["credit_fen"]:
        rec = customer_for_void(session, data["number"])
        undo_credit(rec, int(data["credit_fen"]), data)
        session.add(rec)
    return f"ticket {data['ticket_no']} withdrawn, credit -{data['credit_fen']}"


OPERATION = register("record_complaint", fields={"number", "complaint", "outcome"}, apply=apply, reverse=reverse,
                     category=NON_CASH, summary="a service complaint: resolved, or a ticket with a reply time; credit with a supervisor")
