"""The books in the audit chain: digests of the business rows each unit of work wrote.

Every flush notes which business rows it wrote (transaction with its fee lines, customer,
clerk); the next audit entry of the same unit of work carries a digest of each of them as
they stand then (`books`, covered by the entry's hash). A unit of work that wrote such rows
and no entry gets one (`books`) just before its commit. `verify` (teller.store.audit_verify)
recomputes the digests from the tables: a row changed outside the program no longer matches
the last entry naming it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import event
from sqlmodel import Session, select

from teller.store.models import MetaRecord

BOOKS_FROM = "audit_books_from"  # transactions after this id must each have their digest in the chain
TOUCHED = "audit_touched"  # session.info: business rows written since the last entry


def _key_of(obj) -> str | None:
    from teller.store.models import ClerkRecord, CustomerRecord, FeeLineRecord, TransactionRecord

    if isinstance(obj, TransactionRecord):
        return f"tx:{obj.id}"
    if isinstance(obj, FeeLineRecord):
        return f"tx:{obj.tx_id}"
    if isinstance(obj, CustomerRecord):
        return f"customer:{obj.number}"
    if isinstance(obj, ClerkRecord):
        return f"clerk:{obj.staff_no}"
    return None


BORN = "audit_born"  # session.info: transactions first written in this unit of work
LINES = "audit_lines"  # session.info: tx id -> its fee lines written in this unit of work
SNAP = "audit_rows"  # session.info: key -> the business row as this unit of work last wrote it
FLUSHED_TABLES = "flushed_tables"  # session.info: the tables this unit of work wrote rows of


def written_row(session: Session, key: str) -> dict | None:
    """The business row (`customer:<no>`, `tx:<id>`, `clerk:<no>`) as this unit of work wrote it."""
    return session.info.get(SNAP, {}).get(key)


def wrote_table(session: Session, name: str) -> bool:
    return name in session.info.get(FLUSHED_TABLES, ())


@event.listens_for(Session, "after_flush")
def _note_touched(session, _flush_context) -> None:
    touched = session.info.setdefault(TOUCHED, set())
    from sqlalchemy import inspect as sa_inspect

    from teller.store.models import ClerkRecord, TransactionRecord

    from teller.store.models import CustomerRecord, FeeLineRecord

    snap = session.info.setdefault(SNAP, {})
    tables = session.info.setdefault(FLUSHED_TABLES, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        tables.add(getattr(type(obj), "__tablename__", ""))
    for obj in session.new:
        if isinstance(obj, TransactionRecord):
            session.info.setdefault(BORN, set()).add(obj.id)
        elif isinstance(obj, FeeLineRecord):
            session.info.setdefault(LINES, {}).setdefault(obj.tx_id, []).append((obj.id, obj.code, obj.label, obj.amount_fen))
    for obj in (*session.new, *session.dirty):  # the rows as just written, kept for the next entry's books
        if isinstance(obj, (TransactionRecord, CustomerRecord, ClerkRecord)):
            key = _key_of(obj)
            row = _as_stored(obj, session)
            if row is None:
                snap.pop(key, None)
            else:
                snap[key] = row
    for obj in session.deleted:
        snap.pop(_key_of(obj) or "", None)
    for obj in (*session.new, *session.dirty, *session.deleted):
        key = _key_of(obj)
        if key is None:
            continue
        if isinstance(obj, ClerkRecord) and obj in session.dirty:
            state = sa_inspect(obj)
            changed = {a.key for a in state.attrs if a.history.has_changes()}
            if changed <= {"failed_logins"}:
                continue  # the wrong-PIN count is not part of a clerk's digest
        touched.add(key)


@event.listens_for(Session, "before_commit")
def _cover_untold(session) -> None:
    if session.info.get(TOUCHED) and _meta(session, BOOKS_FROM) is not None:  # (not while seeding)
        from teller.store.audit import append

        append(session=session, at=datetime.now(timezone.utc), actor="system", counter="", action="books")


def _take_touched(session: Session) -> dict[str, str]:
    touched = session.info.pop(TOUCHED, set())
    return {key: "" for key in touched}


def _meta(session: Session, key: str) -> MetaRecord | None:
    return session.get(MetaRecord, key)


def _digest(data) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":")).encode()).hexdigest()


def row_digest(session: Session, key: str) -> str:
    """The digest of one business row as it is stored now ("-" when it does not exist).

    tx:<id>        every column of the transaction (amounts, status, answers...) and its fee lines
    customer:<no>  every column of the subscriber (balance, plan, status, owner, password hash...)
    clerk:<no>     staff number, name, role, PIN hash, active (not the wrong-PIN count)
    """
    from teller.store.models import ClerkRecord, CustomerRecord, FeeLineRecord, TransactionRecord

    kind, _, ident = key.partition(":")
    if kind == "tx":
        table = TransactionRecord.__table__
        row = session.execute(select(table).where(table.c.id == int(ident))).mappings().first()
        if row is None:
            return "-"
        lines = session.execute(
            select(FeeLineRecord.code, FeeLineRecord.label, FeeLineRecord.amount_fen).where(FeeLineRecord.tx_id == int(ident)).order_by(FeeLineRecord.id)
        ).all()
        return _digest([dict(row), [list(line) for line in lines]])
    if kind == "customer":
        table = CustomerRecord.__table__
        row = session.execute(select(table).where(table.c.number == ident)).mappings().first()
    elif kind == "clerk":
        table = ClerkRecord.__table__
        row = session.execute(select(table).where(table.c.staff_no == ident)).mappings().first()
        row = None if row is None else {k: v for k, v in row.items() if k != "failed_logins"}
    else:
        return "-"
    return "-" if row is None else _digest(dict(row))


def _books_json(session: Session, digests: dict[str, str]) -> str:
    if not digests:
        return ""
    return json.dumps({key: _memory_digest(session, key) or row_digest(session, key) for key in sorted(digests)}, separators=(",", ":"))


def _as_stored(obj, session: Session) -> dict | None:
    """The row of a loaded object as `select(table)` would hand it back (None if not all loaded)."""
    from sqlalchemy import inspect as sa_inspect

    state = sa_inspect(obj)
    if state.expired_attributes or state.unloaded:
        return None
    return stored_row(type(obj).__table__, {col.name: getattr(obj, col.key) for col in type(obj).__table__.columns}, session)


def stored_row(table, values: dict, session: Session) -> dict:
    """`values` of every column as `select(table)` hands them back (the store's times round-tripped)."""
    from sqlalchemy.types import Boolean

    from teller.store.models import UTCDateTime

    dialect = session.get_bind().dialect
    out = {}
    for col in table.columns:
        value = values.get(col.name)
        if value is not None and isinstance(col.type, UTCDateTime):  # the store's own type: a round trip
            value = col.type.process_result_value(col.type.process_bind_param(value, dialect), dialect)
        elif value is not None and isinstance(col.type, Boolean):
            value = bool(value)
        out[col.name] = value
    return out


def note_new_transaction(session: Session, row: dict, lines: list[tuple[int, str, str, int]], tables: tuple[str, ...]) -> None:
    """A transaction and its fee lines written by statements of their own (not the unit of work),
    noted as `_note_touched` notes a flush: the next entry digests them from `row` and `lines`."""
    tx_id = row["id"]
    session.info.setdefault(TOUCHED, set()).add(f"tx:{tx_id}")
    session.info.setdefault(BORN, set()).add(tx_id)
    session.info.setdefault(LINES, {}).setdefault(tx_id, []).extend(lines)
    session.info.setdefault(SNAP, {})[f"tx:{tx_id}"] = row
    session.info.setdefault(FLUSHED_TABLES, set()).update(tables)


def note_written_row(session: Session, key: str, table: str, row: dict) -> None:
    """A business row (`customer:<no>`) updated by a statement of its own (not the unit of work),
    noted as `_note_touched` notes a flush: `row` is every column as now stored (as
    `select(table)` hands it back); the next entry digests it from there."""
    session.info.setdefault(TOUCHED, set()).add(key)
    session.info.setdefault(SNAP, {})[key] = row
    session.info.setdefault(FLUSHED_TABLES, set()).add(table)


def _memory_digest(session: Session, key: str) -> str | None:
    """The digest of a row this unit of work wrote (a customer or clerk it changed, a transaction
    it made with its fee lines), from what the flush wrote (`_note_touched` keeps it): what was
    just written is not read back. None when not at hand (row_digest reads the row then)."""
    row = session.info.get(SNAP, {}).get(key)
    if row is None:
        return None
    kind, _, ident = key.partition(":")
    if kind == "tx":
        tx_id = int(ident)
        if tx_id not in session.info.get(BORN, ()):
            return None  # an older transaction (a void): its fee lines were not written here
        lines = sorted(session.info.get(LINES, {}).get(tx_id, []))
        return _digest([row, [[code, label, amount] for _id, code, label, amount in lines]])
    if kind == "clerk":
        row = {k: v for k, v in row.items() if k != "failed_logins"}
    return _digest(row)


