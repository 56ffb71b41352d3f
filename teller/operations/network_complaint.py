"""网络投诉 record_network_complaint: where, since when, how often, which handset; a ticket with
a reply time. Void: the ticket is withdrawn (its number never issued again)."""

from __future__ import annotations

import json
from datetime import timedelta

from teller.domain import catalog
from teller.operations._base import NON_CASH, Outcome, register
from teller.operations._common import customer, next_no, stamp
from teller.operations.complaint import withdraw_ticket
from teller.strings import t

FIELDS = ("since", "frequency", "road", "building", "room", "handset_make", "handset_model", "contact")


def apply(session, answers, now) -> Outcome:
    from teller.store.models import ComplaintRecord

    number = answers["number"]
    details = {k: str(answers[k]) for k in FIELDS}
    rec = customer(session, number)
    ticket_no = next_no(session, ComplaintRecord.ticket_no, "WL", now)
    due = now + timedelta(hours=catalog.reply_hours(rec.brand))
    location = f"{details['road']} {details['building']} {details['room']}"
    session.add(
        ComplaintRecord(
            ticket_no=ticket_no, kind="network", number=number, text=location, outcome="ticket", reply_due=due,
            details_json=json.dumps(details, ensure_ascii=False), created_at=now,
        )
    )
    paper = [
        (t("paper.since"), details["since"]),
        (t("paper.frequency"), details["frequency"]),
        (t("paper.location"), location),
        (t("paper.handset"), f"{details['handset_make']} {details['handset_model']}"),
        (t("paper.reply_by"), stamp(due)),
    ]
    out = Outcome(number, f"network complaint {ticket_no}", paper)
    out.receipt = {"ticket_no": ticket_no, "contact": details["contact"]}
    out.reversal = {"ticket_no": ticket_no}
    return out


def reverse(session, data, tx) -> str:
    withdraw_ticket(session, data["ticket_no"])
    return f"ticket {data['ticket_no']} withdrawn"


OPERATION = register("record_network_complaint", fields={"number", *FIELDS}, apply=apply, reverse=reverse,
                     category=NON_CASH, summary="a network (signal) complaint: a ticket with a reply time")
