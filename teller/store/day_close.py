"""The business day's close: a counter's day (every shift of it closed first) and the hall's
day (值班长: every counter's settlement; refused while a counter is still open). Functions take
the open session by keyword and never commit, like teller.store.shifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from teller.errors import TellerError
from teller.store.shifts import CLOSED, DayCloseRecord, HallCloseRecord, ShiftRecord, day_is_closed, open_shift_at, shifts_of_day
from teller.strings import t


def close_day(session: Session, *, counter: str, mode: str, day: date, by: str, now: datetime) -> DayCloseRecord:
    """Close a counter's business day: every shift of it must be closed first."""
    if day_is_closed(session, counter=counter, mode=mode, day=day):
        raise TellerError(t("settle.day_closed", counter=counter, day=day.isoformat()))
    current = open_shift_at(session, counter=counter, mode=mode)
    if current is not None:
        raise TellerError(t("settle.shift_still_open", clerk=current.clerk))
    closed = [s for s in shifts_of_day(session, day=day, counter=counter) if s.mode == mode]
    rec = DayCloseRecord(
        counter=counter, business_day=day, mode=mode, closed_at=now, closed_by=by,
        shifts=len(closed), cash_fen=sum(s.counted_fen or 0 for s in closed),
    )
    session.add(rec)
    session.flush()
    return rec


# ---- the hall's day (值班长): every counter's settlement --------------------------------------------
@dataclass(frozen=True)
class CounterDay:
    """One counter's business day as the supervisor on duty sees it before closing the hall."""

    counter: str
    clerks: tuple[str, ...]
    shifts: int
    open_shifts: int  # not closed: open, or counted and waiting for a sign-off
    float_fen: int
    expected_fen: int
    counted_fen: int
    variance_fen: int
    tx_count: int
    amount_fen: int
    day_closed: bool


def hall_day(session: Session, *, day: date, mode: str) -> list[CounterDay]:
    """Every counter that worked on `day` (a shift that day, a transaction that day, or a shift
    still open from before), with its shifts' figures and its business from the daily summary."""
    from teller.store.summary import DailySummaryRecord

    day_shifts = [s for s in shifts_of_day(session, day=day) if s.mode == mode]
    still_open = session.exec(select(ShiftRecord).where(ShiftRecord.mode == mode, ShiftRecord.status != CLOSED, ShiftRecord.business_day <= day)).all()
    business = {
        counter: (int(n or 0), int(amount or 0))
        for counter, n, amount in session.exec(
            select(DailySummaryRecord.counter, sa.func.sum(DailySummaryRecord.tx_count), sa.func.sum(DailySummaryRecord.amount_fen))
            .where(DailySummaryRecord.business_day == day, DailySummaryRecord.mode == mode)
            .group_by(DailySummaryRecord.counter)
        )
    }
    shifts_by: dict[str, dict[int, ShiftRecord]] = {}
    for s in [*day_shifts, *still_open]:
        shifts_by.setdefault(s.counter, {})[s.id] = s
    out = []
    for counter in sorted(set(shifts_by) | {c for c, (n, _) in business.items() if n}):
        mine = sorted(shifts_by.get(counter, {}).values(), key=lambda s: s.id)
        closed = [s for s in mine if s.status == CLOSED]
        n, amount = business.get(counter, (0, 0))
        out.append(CounterDay(
            counter=counter, clerks=tuple(dict.fromkeys(s.clerk for s in mine)), shifts=len(mine),
            open_shifts=len(mine) - len(closed), float_fen=sum(s.float_fen for s in mine),
            expected_fen=sum(s.expected_fen or 0 for s in closed), counted_fen=sum(s.counted_fen or 0 for s in closed),
            variance_fen=sum(s.variance_fen or 0 for s in closed), tx_count=n, amount_fen=amount,
            day_closed=day_is_closed(session, counter=counter, mode=mode, day=day),
        ))
    return out


def hall_is_closed(session: Session, *, day: date, mode: str) -> HallCloseRecord | None:
    return session.get(HallCloseRecord, (day, mode))


def close_hall_day(session: Session, *, day: date, mode: str, by: str, now: datetime) -> tuple[HallCloseRecord, list[CounterDay]]:
    """The supervisor on duty closes the hall's day: refused while any counter's shift is not
    closed; every counter's day not closed yet is closed with it. No more transactions that day."""
    if hall_is_closed(session, day=day, mode=mode) is not None:
        raise TellerError(t("settle.hall_closed", day=day.isoformat()))
    counters = hall_day(session, day=day, mode=mode)
    still_open = [c for c in counters if c.open_shifts]
    if still_open:
        names = ", ".join(f"{c.counter} ({'/'.join(c.clerks)})" for c in still_open)
        raise TellerError(t("settle.hall_counter_open", counters=names))
    for c in counters:
        if not c.day_closed:
            close_day(session, counter=c.counter, mode=mode, day=day, by=by, now=now)
    rec = HallCloseRecord(
        business_day=day, mode=mode, closed_at=now, closed_by=by, counters=len(counters),
        shifts=sum(c.shifts for c in counters), cash_fen=sum(c.counted_fen for c in counters),
        variance_fen=sum(c.variance_fen for c in counters),
    )
    session.add(rec)
    session.flush()
    return rec, hall_day(session, day=day, mode=mode)
