"""跨区预约 reserve_cross_region: a reservation number for the form; the other region calls back
within 10 hours. Void: the reservation is withdrawn (its number is never issued again)."""

from __future__ import annotations

from datetime import timedelta

from teller.domain import catalog
from teller.domain.rules import mask_id, mask_name
from teller.errors import InputRefused
from teller.operations._base import NON_CASH, Outcome, VoidRefused, register
from teller.operations._common import next_no, stamp
from teller.strings import t

FIELDS = (
    "contact", "current_province", "effective_date", "end_date", "name", "target_province", "target_city",
    "appointment", "id_type", "id_number", "second_name", "second_contact",
)


def apply(session, answers, now) -> Outcome:
    from teller.store.models import ReservationRecord

    form = {k: answers[k] for k in FIELDS}
    if form["end_date"] <= form["effective_date"]:
        raise InputRefused(t("rule.date_after", what=t("paper.period"), after=form["effective_date"]))
    no = next_no(session, ReservationRecord.reservation_no, "KQ", now)
    hours = catalog.RESERVATION_CALLBACK_HOURS
    session.add(ReservationRecord(reservation_no=no, **form, created_at=now, callback_due=now + timedelta(hours=hours)))
    paper = [
        (t("paper.name"), mask_name(form["name"])),
        (t("paper.contact"), form["contact"]),
        (t("paper.current_province"), form["current_province"]),
        (t("paper.target"), f"{form['target_province']} {form['target_city']}"),
        (t("paper.period"), f"{form['effective_date']} ~ {form['end_date']}"),
        (t("paper.id_type"), t(f"idtype.{form['id_type']}")),
        (t("paper.id"), mask_id(form["id_number"])),
        (t("paper.second_contact"), f"{mask_name(form['second_name'])} {form['second_contact']}"),
        (t("paper.callback"), t("paper.callback_text", hours=hours)),
    ]
    out = Outcome(None, f"reservation {no} to {form['target_province']}", paper)
    # the one number the customer quotes, and the appointment, at the head of the slip
    out.receipt = {"reservation_no": no, "appointment": stamp(form["appointment"])}
    out.reversal = {"reservation_no": no}
    return out


def reverse(session, data, tx) -> str:
    from sqlmodel import select

    from teller.store.models import ReservationRecord

    rec = session.exec(select(ReservationRecord).where(ReservationRecord.reservation_no == data["reservation_no"])).first()
    if rec is None:
        raise VoidRefused(t("void.cannot_reverse", why=data["reservation_no"]))
    session.delete(rec)
    return f"reservation {data['reservation_no']} withdrawn"


OPERATION = register("reserve_cross_region", fields=set(FIELDS), apply=apply, reverse=reverse, category=NON_CASH,
                     summary="a reservation for a service in another province; call-back within 10 hours")
