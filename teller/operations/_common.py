"""Helpers shared by the operations: finding the customer, the owner and arrears checks,
coded answers as text, masked SIM serials, ticket numbers that are never issued twice."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from teller.clock import local_text
from teller.errors import InputRefused, NotFound
from teller.operations._base import VoidRefused
from teller.strings import t

if TYPE_CHECKING:
    from sqlmodel import Session

    from teller.store.models import CustomerRecord


def customer(session: "Session", number: str) -> "CustomerRecord":
    from teller.store.models import CustomerRecord

    rec = session.get(CustomerRecord, number)
    if rec is None:
        raise NotFound(t("rule.unknown_number", number=number))
    return rec


def customer_for_void(session: "Session", number: str) -> "CustomerRecord":
    from teller.store.models import CustomerRecord

    rec = session.get(CustomerRecord, number)
    if rec is None:
        raise VoidRefused(t("void.cannot_reverse", why=number))
    return rec


def check_owner(rec: "CustomerRecord", id_number: str) -> None:
    if rec.id_number.upper() != id_number.upper():
        raise InputRefused(t("rule.id_mismatch"))


def no_arrears(rec: "CustomerRecord") -> None:
    from teller.domain.money import money

    if rec.balance_fen < 0:
        raise InputRefused(t("rule.pay_first", arrears=money(-rec.balance_fen)))


def label(prefix: str, value: str) -> str:
    """The clerk-readable text of a coded answer (`reason.tariff` -> 资费太高), else the code itself."""
    key = f"{prefix}.{value}"
    text = t(key)
    return value if text == key else text


def local(at: datetime, now: datetime) -> str:
    return local_text(at, now.tzinfo, seconds=False)


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def mask_serial(serial: str) -> str:
    return "****" + serial[-6:]


def new_sim_serial() -> str:
    return "8986" + "".join(secrets.choice("0123456789") for _ in range(16))


def credit(rec: "CustomerRecord", amount_fen: int) -> None:
    """Money onto the account; a number stopped for arrears reopens once clear."""
    rec.balance_fen += amount_fen
    if rec.status == "suspended_arrears" and rec.balance_fen >= 0:
        rec.status = "active"


#: the statements of credit_account, built once (SQLAlchemy caches their compiled form)
_CREDIT: dict = {}


def credit_account(session: "Session", number: str, amount_fen: int) -> tuple[int, str, int, str]:
    """`credit` on the subscriber's stored row: (balance before, status before, balance after,
    status after). A subscriber this unit of work has not loaded is read and updated by two
    Core statements on its connection (no object to track and flush), the row as written noted
    for the audit entry's books as a flush notes it; one it has loaded (an earlier operation of
    a sequence changed it) through that object."""
    from sqlalchemy.orm.util import identity_key

    from teller.store.models import CustomerRecord

    if identity_key(CustomerRecord, number) in session.identity_map:
        rec = customer(session, number)
        before, status_before = rec.balance_fen, rec.status
        credit(rec, amount_fen)
        session.add(rec)
        return before, status_before, rec.balance_fen, rec.status
    from types import SimpleNamespace

    from teller.store.audit_books import note_written_row

    if not _CREDIT:
        from sqlalchemy import bindparam, select, update

        table = CustomerRecord.__table__
        _CREDIT["read"] = select(table).where(table.c.number == bindparam("acct_number"))
        _CREDIT["write"] = (update(table).where(table.c.number == bindparam("acct_number"))
                            .values(balance_fen=bindparam("balance"), status=bindparam("new_status")))
    conn = session.connection()
    found = conn.execute(_CREDIT["read"], {"acct_number": number}).mappings().first()
    if found is None:
        raise NotFound(t("rule.unknown_number", number=number))
    row = dict(found)
    acct = SimpleNamespace(balance_fen=row["balance_fen"], status=row["status"])
    credit(acct, amount_fen)
    conn.execute(_CREDIT["write"], {"acct_number": number, "balance": acct.balance_fen, "new_status": acct.status})
    before, status_before = row["balance_fen"], row["status"]
    row.update(balance_fen=acct.balance_fen, status=acct.status)
    note_written_row(session, f"customer:{number}", CustomerRecord.__tablename__, row)
    return before, status_before, acct.balance_fen, acct.status


def undo_credit(rec: "CustomerRecord", amount_fen: int, data: dict[str, Any]) -> None:
    """Take a credit back; a number the credit reopened is stopped again once it owes again."""
    rec.balance_fen -= amount_fen
    if rec.status == data.get("status_after") and data.get("status_before") and rec.balance_fen < 0:
        rec.status = data["status_before"]


def same_or_refuse(now_value: Any, expected: Any, what: str) -> None:
    """A reversal only undoes what is still as the operation left it."""
    if now_value != expected:
        raise VoidRefused(t("void.cannot_reverse", why=what))


def next_no(session: "Session", column, prefix: str, now: datetime) -> str:
    """Sequential per day within the transaction's write lock: PREFIX + YYYYMMDD + 4 digits.

    The last number issued is also kept in `meta` (key `seq:PREFIXYYYYMMDD`), so a number
    handed to a customer and then voided (its row removed) is never issued again."""
    from sqlmodel import func, select

    from teller.store.models import MetaRecord

    head = f"{prefix}{now:%Y%m%d}"
    last = session.exec(select(func.max(column)).where(column.startswith(head))).one()
    seq = int(last[len(head):]) if last else 0
    key = f"seq:{head}"
    kept = session.get(MetaRecord, key)
    if kept is not None:
        seq = max(seq, int(kept.value or 0))
    seq += 1
    if kept is None:
        kept = MetaRecord(key=key, value=str(seq))
    kept.value = str(seq)
    session.add(kept)
    return f"{head}{seq:04d}"


def count_numbers_held(session: "Session", id_number: str) -> int:
    from teller.store.queries import count_numbers_held as count

    return count(session, id_number)
