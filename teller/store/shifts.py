"""Shifts, cash movements, day closes and voids: the tables and the database operations.

A shift belongs to one counter (one drawer) and one clerk; at most one is open per counter
and mode. Its life: open (float counted by denomination) → cash in / cash out with reasons →
blind count (status `counted`; the expected figure is revealed only after the count is
stored) → closed, either because the variance is within `settle_variance_fen` or because a
supervisor signed it off with a note. A closed business day (`day_close`) takes no more
transactions on that counter. Functions take the open session by keyword and never commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, select

from teller.domain import books
from teller.errors import InputRefused, NotFound, TellerError
from teller.mode import Mode
from teller.store.models import TransactionRecord, utc_field
from teller.strings import t

OPEN, COUNTED, CLOSED = "open", "counted", "closed"


class ShiftRecord(SQLModel, table=True):
    __tablename__ = "shift"
    id: int | None = Field(default=None, primary_key=True)
    counter: str = Field(index=True)
    clerk: str = Field(foreign_key="clerk.staff_no")
    mode: str = "live"  # live | practice
    business_day: date = Field(index=True)
    status: str = OPEN  # open | counted | closed
    opened_at: datetime = utc_field()
    counted_at: datetime | None = utc_field(default=None)
    closed_at: datetime | None = utc_field(default=None)
    float_json: str = "{}"  # pieces by denomination (fen)
    float_fen: int = 0
    counted_json: str = ""
    counted_fen: int | None = None
    expected_fen: int | None = None
    variance_fen: int | None = None
    supervisor: str = ""  # who signed a variance off
    note: str = ""
    slip_status: str = ""  # printed | failed


class CashMoveRecord(SQLModel, table=True):
    """Cash put into or taken out of the drawer during a shift, with the reason."""

    __tablename__ = "cash_move"
    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shift.id", index=True)
    kind: str  # cash_in | cash_out | void_refund
    amount_fen: int
    reason: str
    actor: str
    at: datetime = utc_field()
    tx_id: int | None = None


class DayCloseRecord(SQLModel, table=True):
    """A counter's business day, closed: no more transactions on it."""

    __tablename__ = "day_close"
    counter: str = Field(primary_key=True)
    business_day: date = Field(primary_key=True)
    mode: str = Field(default="live", primary_key=True)
    closed_at: datetime = utc_field()
    closed_by: str
    shifts: int = 0
    cash_fen: int = 0  # what the closed shifts counted, together


class HallCloseRecord(SQLModel, table=True):
    """The hall's business day closed by the supervisor on duty (值班长): every counter's shifts
    were settled and every counter's day closed with it; what they counted, together."""

    __tablename__ = "hall_close"
    business_day: date = Field(primary_key=True)
    mode: str = Field(default="live", primary_key=True)
    closed_at: datetime = utc_field()
    closed_by: str
    counters: int = 0
    shifts: int = 0
    cash_fen: int = 0  # what the counters' closed shifts counted
    variance_fen: int = 0  # their variances, together (over − short)


class VoidRecord(SQLModel, table=True):
    """A transaction voided (冲正): who asked, who authorised, why, and the cash paid back."""

    __tablename__ = "void"
    __table_args__ = (sa.Index("ix_void_day", "business_day"),)
    id: int | None = Field(default=None, primary_key=True)
    void_no: str = Field(default="", index=True, sa_column_kwargs={"server_default": ""})  # its own number (the void slip's), per counter and day
    tx_id: int = Field(foreign_key="transaction.id", unique=True)
    receipt_no: str
    counter: str
    business_day: date = Field(index=True)
    clerk: str  # who voided it (the maker)
    tx_clerk: str  # who took the transaction
    supervisor: str  # who authorised it (the checker)
    reason: str
    amount_fen: int  # cash paid back
    shift_id: int | None = None
    at: datetime = utc_field()
    slip_status: str = ""


class ReversalRecord(SQLModel, table=True):
    """What a void needs to undo a transaction's customer effects (an operation's `reversal`).

    Kept apart from the transaction's answers, which must not carry SIM serials."""

    __tablename__ = "reversal"
    tx_id: int = Field(foreign_key="transaction.id", primary_key=True)
    data_json: str = "{}"


def keep_reversal(session: Session, *, tx_id: int, data: dict) -> None:
    if data:
        session.add(ReversalRecord(tx_id=tx_id, data_json=json.dumps(data, ensure_ascii=False)))


def reversal_of(session: Session, *, tx_id: int) -> dict | None:
    rec = session.get(ReversalRecord, tx_id)
    return json.loads(rec.data_json) if rec else None


# ---- reading ----------------------------------------------------------------------------------
def open_shift_at(session: Session, *, counter: str, mode: str, clerk: str | None = None) -> ShiftRecord | None:
    """The counter's shift that is not closed yet (open, or counted and awaiting sign-off); with
    `clerk`, that clerk's (a shared practice PC: each trainee has a practice shift of their own)."""
    stmt = select(ShiftRecord).where(ShiftRecord.counter == counter, ShiftRecord.mode == mode, ShiftRecord.status != CLOSED)
    if clerk is not None:
        stmt = stmt.where(ShiftRecord.clerk == clerk)
    return session.exec(stmt.order_by(ShiftRecord.id.desc())).first()


def day_is_closed(session: Session, *, counter: str, mode: str, day: date) -> bool:
    return session.get(DayCloseRecord, (counter, day, mode)) is not None


def counts_of(text: str) -> dict[int, int]:
    return {int(k): int(v) for k, v in json.loads(text or "{}").items()}


def drawer(session: Session, *, shift: ShiftRecord) -> books.Drawer:
    """The shift's float, the cash side of its transactions and its movements."""
    stmt = select(TransactionRecord.tendered_fen, TransactionRecord.change_fen).where(
        TransactionRecord.counter == shift.counter,
        TransactionRecord.mode == shift.mode,
        TransactionRecord.created_at >= shift.opened_at,
    )
    if shift.counted_at is not None:
        stmt = stmt.where(TransactionRecord.created_at <= shift.counted_at)
    if Mode.named(shift.mode).shift_per_clerk:  # trainees share a practice counter, each with a shift of their own
        stmt = stmt.where(TransactionRecord.clerk == shift.clerk)
    sales = [books.Sale(tendered, change) for tendered, change in session.exec(stmt) if tendered or change]
    moves = session.exec(select(CashMoveRecord).where(CashMoveRecord.shift_id == shift.id).order_by(CashMoveRecord.id))
    movements = [books.Movement(m.kind, m.amount_fen) for m in moves]
    return books.Drawer(shift.float_fen, sales, movements)


def transaction_counts(session: Session, *, shift: ShiftRecord) -> dict[str, int]:
    """The transactions taken in a shift, for its slip: all of them, those that took cash (money
    tendered) and those that did not, and how many of them have been voided since."""
    stmt = select(TransactionRecord.tendered_fen, TransactionRecord.status).where(
        TransactionRecord.counter == shift.counter,
        TransactionRecord.mode == shift.mode,
        TransactionRecord.created_at >= shift.opened_at,
    )
    if shift.counted_at is not None:
        stmt = stmt.where(TransactionRecord.created_at <= shift.counted_at)
    rows = list(session.exec(stmt))
    cash = sum(1 for tendered, _ in rows if tendered)
    return {"all": len(rows), "cash": cash, "non_cash": len(rows) - cash, "voided": sum(1 for _, status in rows if status == "voided")}


def movements(session: Session, *, shift_id: int) -> list[CashMoveRecord]:
    return list(session.exec(select(CashMoveRecord).where(CashMoveRecord.shift_id == shift_id).order_by(CashMoveRecord.id)))


def shifts_of_day(session: Session, *, day: date, counter: str | None = None) -> list[ShiftRecord]:
    stmt = select(ShiftRecord).where(ShiftRecord.business_day == day)
    if counter:
        stmt = stmt.where(ShiftRecord.counter == counter)
    return list(session.exec(stmt.order_by(ShiftRecord.id)))


# ---- the commit path ----------------------------------------------------------------------------
def require_shift(session: Session, *, counter: str, clerk: str, mode: str, day: date, now: datetime) -> ShiftRecord:
    """The open shift a transaction is taken in; refuses a closed day or a missing shift.

    In practice mode each trainee's own practice shift (no float) opens by itself, so drills need
    no set-up and trainees on one practice PC never wait for one another's shift.
    """
    if day_is_closed(session, counter=counter, mode=mode, day=day):
        raise TellerError(t("settle.day_closed", counter=counter, day=day.isoformat()))
    own = Mode.named(mode).shift_per_clerk
    shift = open_shift_at(session, counter=counter, mode=mode, clerk=Mode.named(mode).shift_clerk(clerk))
    if shift is None and own:
        return open_shift(session, counter=counter, clerk=clerk, mode=mode, counts={}, now=now)
    if shift is None:
        raise TellerError(t("settle.no_shift"))
    if shift.clerk != clerk:
        raise TellerError(t("settle.other_clerk", clerk=shift.clerk))
    if shift.status != OPEN:
        raise TellerError(t("settle.counting"))
    return shift


# ---- operations ------------------------------------------------------------------------------
def open_shift(session: Session, *, counter: str, clerk: str, mode: str, counts, now: datetime) -> ShiftRecord:
    day = now.date()
    if day_is_closed(session, counter=counter, mode=mode, day=day):
        raise TellerError(t("settle.day_closed", counter=counter, day=day.isoformat()))
    current = open_shift_at(session, counter=counter, mode=mode, clerk=Mode.named(mode).shift_clerk(clerk))
    if current is not None:
        raise TellerError(t("settle.already_open", clerk=current.clerk))
    pieces = books.normalise_counts(counts)
    shift = ShiftRecord(
        counter=counter, clerk=clerk, mode=mode, business_day=day, opened_at=now,
        float_json=json.dumps({str(k): v for k, v in pieces.items()}), float_fen=books.count_total(pieces),
    )
    session.add(shift)
    session.flush()
    return shift


def add_movement(session: Session, *, shift: ShiftRecord, kind: str, amount_fen: int, reason: str, actor: str, now: datetime, tx_id: int | None = None) -> CashMoveRecord:
    if shift.status != OPEN:
        raise TellerError(t("settle.counting"))
    if not reason.strip():
        raise InputRefused(t("settle.reason_needed"))
    books.Movement(kind, amount_fen)  # refuses a zero or negative amount and unknown kinds
    move = CashMoveRecord(shift_id=shift.id, kind=kind, amount_fen=amount_fen, reason=reason.strip(), actor=actor, at=now, tx_id=tx_id)
    session.add(move)
    session.flush()
    return move


@dataclass(frozen=True)
class Closing:
    """A blind count and what it found: the shift is closed, or waits for a supervisor."""

    shift: ShiftRecord
    expected: books.Expected
    settlement: books.Settlement

    @property
    def closed(self) -> bool:
        return self.shift.status == CLOSED


def blind_count(session: Session, *, shift: ShiftRecord, counts, threshold_fen: int, now: datetime) -> Closing:
    """Store the clerk's count first, then compare it with the books.

    Within the threshold the shift closes; beyond it the shift waits (status `counted`) for a
    supervisor's sign-off. The count cannot be entered again once the expected figure is known.
    """
    if shift.status != OPEN:
        raise TellerError(t("settle.already_counted"))
    pieces = books.normalise_counts(counts)
    shift.counted_at = now
    expected = drawer(session, shift=shift).expected()
    result = books.settle(expected.total_fen, pieces, threshold_fen)
    shift.counted_json = json.dumps({str(k): v for k, v in pieces.items()})
    shift.counted_fen = result.counted_fen
    shift.expected_fen = result.expected_fen
    shift.variance_fen = result.variance_fen
    shift.status = COUNTED
    if not result.needs_signoff:
        shift.status, shift.closed_at = CLOSED, now
    session.add(shift)
    session.flush()
    return Closing(shift, expected, result)


def sign_off(session: Session, *, shift: ShiftRecord, supervisor: str, note: str, threshold_fen: int, now: datetime) -> Closing:
    if shift.status != COUNTED:
        raise TellerError(t("settle.not_counted"))
    if not note.strip():
        raise InputRefused(t("settle.note_needed"))
    if supervisor == shift.clerk:
        raise TellerError(t("auth.same_person"))
    shift.supervisor, shift.note = supervisor, note.strip()
    shift.status, shift.closed_at = CLOSED, now
    session.add(shift)
    session.flush()
    return closing_of(session, shift=shift, threshold_fen=threshold_fen)


def closing_of(session: Session, *, shift: ShiftRecord, threshold_fen: int) -> Closing:
    expected = drawer(session, shift=shift).expected()
    counted = counts_of(shift.counted_json) if shift.counted_json else {}
    return Closing(shift, expected, books.settle(expected.total_fen, counted, threshold_fen))


def find_shift(session: Session, *, shift_id: int) -> ShiftRecord:
    shift = session.get(ShiftRecord, shift_id)
    if shift is None:
        raise NotFound(f"shift {shift_id}")
    return shift


SCHEMA_INDEXES = (
    'CREATE INDEX IF NOT EXISTS ix_transaction_counter_created ON "transaction" (counter, mode, created_at)',
)


def ensure_indexes(engine) -> None:
    """Indexes this module queries by, also on databases created before it existed."""
    with engine.begin() as con:
        for ddl in SCHEMA_INDEXES:
            con.execute(sa.text(ddl))
