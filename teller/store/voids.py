"""The void's records (冲正): finding the transaction to void and numbering the void itself.
What a void does lives above the store, in teller.counter.void."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, func, select

from teller.errors import NotFound
from teller.mode import LIVE, PRACTICE
from teller.store.models import TransactionRecord
from teller.store.shifts import VoidRecord
from teller.strings import t


def find_tx(session: Session, receipt_no: str) -> TransactionRecord:
    tx = session.exec(select(TransactionRecord).where(TransactionRecord.receipt_no == receipt_no.strip())).first()
    if tx is None:
        raise NotFound(t("print.not_found", receipt_no=receipt_no.strip()))
    return tx


def find_void_by_no(session: Session, void_no: str) -> VoidRecord | None:
    """The void numbered `void_no` (a void slip's own number), if any."""
    if not void_no.strip():
        return None
    return session.exec(select(VoidRecord).where(VoidRecord.void_no == void_no.strip())).first()


def void_number(counter: str, day: date, seq: int, *, practice: bool) -> str:
    """A void's own number: sequential per counter and day, apart from the receipt numbers."""
    return (PRACTICE if practice else LIVE).void_number(counter, day, seq)


def next_void_no(session: Session, *, counter: str, day: date, practice: bool) -> str:
    """The next void number of the counter's day (inside the void's write transaction)."""
    head = void_number(counter, day, 0, practice=practice)[:-4]
    last = session.exec(select(func.max(VoidRecord.void_no)).where(VoidRecord.void_no.startswith(head))).one()
    seq = int(last[len(head):]) + 1 if last else 1
    return void_number(counter, day, seq, practice=practice)
