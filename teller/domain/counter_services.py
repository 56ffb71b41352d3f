"""Counter operations of issue 3 (bills, services, points, reservations, complaints, handsets).

Each runs inside the caller's database transaction, like those in services.py (where they are
registered in OPERATIONS), and returns an Outcome with the lines its papers print, already
masked and formatted. Nothing here commits.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, func, select

from teller.domain import catalog
from teller.domain.money import money
from teller.domain.billing import first_of_next_month
from teller.domain.rules import bill_months, mask_id, mask_name
from teller.domain.services import Outcome, _customer
from teller.errors import AuthError, InputRefused, NotFound
from teller.store.models import (
    BillPrintRecord,
    ComplaintRecord,
    HandsetRecord,
    HandsetSaleRecord,
    PlanRecord,
    PointsRedemptionRecord,
    ReservationRecord,
    SubscriptionRecord,
)
from teller.strings import t


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def _next_no(session: Session, column, prefix: str, now: datetime) -> str:
    """Sequential per day within the transaction's write lock: PREFIX + YYYYMMDD + 4 digits."""
    head = f"{prefix}{now:%Y%m%d}"
    last = session.exec(select(func.max(column)).where(column.startswith(head))).one()
    seq = int(last[len(head):]) + 1 if last else 1
    return f"{head}{seq:04d}"


# ---- 账单打印 bill printing ---------------------------------------------------------------------
def print_bill(session: Session, *, number: str, month: str, now: datetime) -> Outcome:
    """Record the month's bill as printed (once per number and month) and lay out the bill."""
    rec = _customer(session, number)
    if month not in bill_months(now):
        raise InputRefused(t("bill.not_offered", month=month))
    done = session.exec(select(BillPrintRecord).where(BillPrintRecord.number == number, BillPrintRecord.month == month)).first()
    if done is not None:
        raise InputRefused(t("bill.already_printed", month=month))
    session.add(BillPrintRecord(number=number, month=month, printed_at=now))
    plan = session.get(PlanRecord, rec.plan_code)
    paper = [
        (t("paper.bill_month"), month),
        (t("paper.plan"), plan.name if plan else rec.plan_code),
        (t("paper.monthly_fee"), money(plan.monthly_fee_fen if plan else 0)),
        (t("paper.bill_note"), t("bill.note")),
    ]
    return Outcome(number, f"bill {month} printed", paper)


# ---- 退订增值业务 cancel a value-added service ----------------------------------------------------
def cancel_service(session: Session, *, number: str, service_code: str, retention: str, now: datetime) -> Outcome:
    """Record the retention attempt; unless retained, the service ends on the 1st of next month."""
    _customer(session, number)
    sub = session.exec(
        select(SubscriptionRecord).where(
            SubscriptionRecord.number == number,
            SubscriptionRecord.service_code == service_code,
            SubscriptionRecord.status == "active",
        )
    ).first()
    if sub is None:
        raise InputRefused(t("service.not_held"))
    paper = [(t("paper.service"), sub.name)]
    if retention == "retained":
        sub.retention = "retained"
        paper.append((t("paper.retention"), t("retention.retained")))
        audit = f"service {service_code} retained"
    else:
        sub.retention = "declined"
        sub.status = "cancelling"
        sub.cancel_effective = first_of_next_month(now.date())
        paper += [(t("paper.retention"), t("retention.declined")), (t("paper.effective"), sub.cancel_effective.isoformat())]
        audit = f"service {service_code} cancelled from {sub.cancel_effective}"
    session.add(sub)
    return Outcome(number, audit, paper)


# ---- 积分兑换 points redemption -----------------------------------------------------------------
def redeem_points(session: Session, *, number: str, reward_code: str, now: datetime) -> Outcome:
    """Points pay for a gift or a bill credit; the balance of points never goes below zero."""
    rec = _customer(session, number)
    found = catalog.reward(reward_code)
    if found is None:
        raise NotFound(t("rule.choice"))
    _code, name, cost, credit = found
    if cost > rec.points:
        raise InputRefused(t("points.short", need=cost, have=rec.points))
    rec.points -= cost
    paper = [(t("paper.reward"), name), (t("paper.points_used"), str(cost)), (t("paper.points_left"), str(rec.points))]
    if credit:
        rec.balance_fen += credit
        if rec.status == "suspended_arrears" and rec.balance_fen >= 0:
            rec.status = "active"
        paper.append((t("paper.credit"), money(credit)))
    session.add(rec)
    session.add(PointsRedemptionRecord(number=number, reward_code=reward_code, points=cost, credit_fen=credit, at=now))
    return Outcome(number, f"points -{cost} for {reward_code}", paper)


# ---- 跨区预约 cross-region reservation ------------------------------------------------------------
def reserve_cross_region(session: Session, *, form: dict[str, Any], now: datetime) -> Outcome:
    """Issue a reservation number for the form; the other region calls back within 10 hours."""
    if form["end_date"] <= form["effective_date"]:
        raise InputRefused(t("rule.date_after", what=t("paper.period"), after=form["effective_date"]))
    no = _next_no(session, ReservationRecord.reservation_no, "KQ", now)
    hours = catalog.RESERVATION_CALLBACK_HOURS
    session.add(
        ReservationRecord(
            reservation_no=no, contact=form["contact"], current_province=form["current_province"],
            effective_date=form["effective_date"], end_date=form["end_date"], name=form["name"],
            target_province=form["target_province"], target_city=form["target_city"],
            appointment=form["appointment"], id_type=form["id_type"], id_number=form["id_number"],
            second_name=form["second_name"], second_contact=form["second_contact"],
            created_at=now, callback_due=now + timedelta(hours=hours),
        )
    )
    paper = [
        (t("paper.reservation_no"), no),
        (t("paper.name"), mask_name(form["name"])),
        (t("paper.contact"), form["contact"]),
        (t("paper.current_province"), form["current_province"]),
        (t("paper.target"), f"{form['target_province']} {form['target_city']}"),
        (t("paper.period"), f"{form['effective_date']} ~ {form['end_date']}"),
        (t("paper.appointment"), _stamp(form["appointment"])),
        (t("paper.id_type"), t(f"idtype.{form['id_type']}")),
        (t("paper.id"), mask_id(form["id_number"])),
        (t("paper.second_contact"), f"{mask_name(form['second_name'])} {form['second_contact']}"),
        (t("paper.callback"), t("paper.callback_text", hours=hours)),
    ]
    return Outcome(None, f"reservation {no} to {form['target_province']}", paper)


# ---- 客户投诉 / 网络投诉 complaints ----------------------------------------------------------------
def record_complaint(
    session: Session,
    *,
    number: str,
    text: str,
    outcome: str,
    compensation_fen: int,
    authorized_by: str,
    now: datetime,
) -> Outcome:
    """The complaint on record; a ticket gets the brand's reply time; a bill credit needs a supervisor."""
    rec = _customer(session, number)
    if compensation_fen and not authorized_by:
        raise AuthError(t("complaint.need_authorization"))
    ticket_no = _next_no(session, ComplaintRecord.ticket_no, "TS", now)
    due = None if outcome == "resolved" else now + timedelta(hours=catalog.reply_hours(rec.brand))
    if compensation_fen:
        rec.balance_fen += compensation_fen
        if rec.status == "suspended_arrears" and rec.balance_fen >= 0:
            rec.status = "active"
        session.add(rec)
    session.add(
        ComplaintRecord(
            ticket_no=ticket_no, kind="service", number=number, text=text, outcome=outcome, reply_due=due,
            compensation_fen=compensation_fen, authorized_by=authorized_by, created_at=now,
        )
    )
    paper = [
        (t("paper.ticket_no"), ticket_no),
        (t("paper.complaint"), text),
        (t("paper.outcome"), t(f"complaint.{outcome}")),
    ]
    if due is not None:
        paper.append((t("paper.reply_by"), _stamp(due)))
    if compensation_fen:
        paper += [(t("paper.compensation"), money(compensation_fen)), (t("paper.authorized_by"), authorized_by)]
    return Outcome(number, f"complaint {ticket_no} {outcome} credit {compensation_fen}", paper)


def record_network_complaint(session: Session, *, number: str, details: dict[str, str], now: datetime) -> Outcome:
    """A network (signal) complaint: where, since when, how often, which handset; a ticket with a reply time."""
    rec = _customer(session, number)
    ticket_no = _next_no(session, ComplaintRecord.ticket_no, "WL", now)
    due = now + timedelta(hours=catalog.reply_hours(rec.brand))
    location = f"{details['road']} {details['building']} {details['room']}"
    session.add(
        ComplaintRecord(
            ticket_no=ticket_no, kind="network", number=number, text=location, outcome="ticket", reply_due=due,
            details_json=json.dumps(details, ensure_ascii=False), created_at=now,
        )
    )
    paper = [
        (t("paper.ticket_no"), ticket_no),
        (t("paper.since"), details["since"]),
        (t("paper.frequency"), details["frequency"]),
        (t("paper.location"), location),
        (t("paper.handset"), f"{details['handset_make']} {details['handset_model']}"),
        (t("paper.contact"), details["contact"]),
        (t("paper.reply_by"), _stamp(due)),
    ]
    return Outcome(number, f"network complaint {ticket_no}", paper)


# ---- 终端销售 handset sale ------------------------------------------------------------------------
def sell_handset(session: Session, *, handset_code: str, name: str, id_number: str, contact: str, now: datetime) -> Outcome:
    """One handset leaves the stock; the sale is recorded against the buyer's ID."""
    handset = session.get(HandsetRecord, handset_code)
    if handset is None:
        raise NotFound(t("handset.unknown"))
    if handset.stock <= 0:
        raise InputRefused(t("handset.out_of_stock"))
    handset.stock -= 1
    session.add(handset)
    session.add(
        HandsetSaleRecord(handset_code=handset_code, price_fen=handset.price_fen, buyer_name=name, id_number=id_number, contact=contact, sold_at=now)
    )
    paper = [
        (t("paper.handset"), f"{handset.make} {handset.model}"),
        (t("paper.price"), money(handset.price_fen)),
        (t("paper.buyer"), mask_name(name)),
        (t("paper.id"), mask_id(id_number)),
        (t("paper.warranty"), catalog.WARRANTY_TERMS),
    ]
    return Outcome(None, f"handset {handset_code} sold at {handset.price_fen}", paper)


RESERVATION_FIELDS = (
    "contact", "current_province", "effective_date", "end_date", "name", "target_province", "target_city",
    "appointment", "id_type", "id_number", "second_name", "second_contact",
)
NETWORK_FIELDS = ("since", "frequency", "road", "building", "room", "handset_make", "handset_model", "contact")

#: effect name -> operation (registered into services.OPERATIONS); fields in schema.EFFECT_FIELDS.
OPERATIONS = {
    "print_bill": lambda s, a, now: print_bill(s, number=a["number"], month=a["bill_month"], now=now),
    "cancel_service": lambda s, a, now: cancel_service(s, number=a["number"], service_code=a["service"], retention=a["retention"], now=now),
    "redeem_points": lambda s, a, now: redeem_points(s, number=a["number"], reward_code=a["reward"], now=now),
    "reserve_cross_region": lambda s, a, now: reserve_cross_region(s, form={k: a[k] for k in RESERVATION_FIELDS}, now=now),
    "record_complaint": lambda s, a, now: record_complaint(
        s, number=a["number"], text=a["complaint"], outcome=a["outcome"],
        compensation_fen=int(a.get("compensation") or 0), authorized_by=str(a.get("approval") or ""), now=now,
    ),
    "record_network_complaint": lambda s, a, now: record_network_complaint(
        s, number=a["number"], details={k: str(a[k]) for k in NETWORK_FIELDS}, now=now,
    ),
    "sell_handset": lambda s, a, now: sell_handset(
        s, handset_code=a["handset"], name=a["name"], id_number=a["id_number"], contact=a.get("contact", ""), now=now,
    ),
}
