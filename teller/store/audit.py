"""The audit trail as a hash chain: an edited, deleted or inserted entry shows.

Each entry carries the hash of the entry before it (`prev_hash`) and its own `hash`, the
SHA-256 of a canonical serialisation of its fields and `prev_hash`. The newest entry's id and
hash are also kept in the meta table (`audit_head`), so deleting entries from the end shows
too. Entries are appended only through `append`, inside the caller's write transaction: on
SQLite that transaction began with BEGIN IMMEDIATE (teller.store.db.session_scope), on other
databases the head row is locked FOR UPDATE, so two writers cannot fork the chain.

The chain detects changes made outside the program; it is not a signature: someone who can
write the file and knows this scheme can rebuild the chain. Keep backups (teller-admin db
backup) away from the counters.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterator

from sqlalchemy import event, func
from sqlmodel import Session, select

from teller.store.models import AuditRecord, MetaRecord
from teller.strings import t

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
BOOKS_FROM = "audit_books_from"  # transactions after this id must each have their digest in the chain
TOUCHED = "audit_touched"  # session.info: business rows written since the last entry


def canonical(*, id: int, at: datetime, actor: str, counter: str, action: str, detail: str, tx_id: int | None, prev_hash: str, books: str = "") -> bytes:
    """The bytes an entry's hash covers: its fields in a fixed order, times as UTC microseconds
    (and the digests of the business rows it wrote, when it has them)."""
    when = at.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
    fields = [id, when, actor, counter, action, detail, tx_id, prev_hash]
    if books:
        fields.append(books)
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(rec: AuditRecord, prev_hash: str | None = None) -> str:
    data = canonical(
        id=rec.id, at=rec.at, actor=rec.actor, counter=rec.counter, action=rec.action, detail=rec.detail,
        tx_id=rec.tx_id, prev_hash=rec.prev_hash if prev_hash is None else prev_hash, books=rec.books or "",
    )
    return hashlib.sha256(data).hexdigest()


def _head(session: Session, *, lock: bool) -> MetaRecord | None:
    stmt = select(MetaRecord).where(MetaRecord.key == HEAD_KEY)
    if lock:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def _parse_head(value: str) -> tuple[int, str]:
    id_text, _, rest = value.partition(":")
    return int(id_text), rest.partition(":")[0]


def _head_mac(value: str) -> str:
    return value.split(":")[2] if value.count(":") >= 2 else ""


def _head_value(session: Session, rec_id: int, digest: str) -> str:
    """`id:hash:mac`: the MAC (keyed with the file outside the database) when a key is at hand."""
    key = audit_key(session, create=True)
    if key is None:
        return f"{rec_id}:{digest}"
    return f"{rec_id}:{digest}:{hmac.new(key, f'{rec_id}:{digest}'.encode(), hashlib.sha256).hexdigest()}"


def append(
    *, session: Session, at: datetime, actor: str, counter: str, action: str, detail: str = "", tx_id: int | None = None
) -> AuditRecord:
    """Add one entry at the end of the chain, inside the caller's (write) transaction.

    The entry's id is the head's plus one (every writer holds the write lock and the head row),
    so its hash is computed before the one INSERT (on PostgreSQL the column's sequence is not
    used: every entry comes through here); the books are digested from the rows as this
    unit of work holds them in memory, read back only when they are not all at hand."""
    session.flush()  # the business rows of this unit of work are written: digest them
    head = _head(session, lock=True)  # names the newest entry: its hash is the link
    prev_hash = _parse_head(head.value)[1] if head is not None else GENESIS
    digests = _take_touched(session)
    bind = session.get_bind()
    if not getattr(bind, "_teller_books_from", False) and _meta(session, BOOKS_FROM) is None:
        # the first entry that covers the books: a baseline
        from teller.store.models import ClerkRecord, TransactionRecord

        last_tx = session.exec(select(func.max(TransactionRecord.id))).one() or 0
        session.add(MetaRecord(key=BOOKS_FROM, value=str(last_tx if not any(k.startswith("tx:") for k in digests) else min(int(k[3:]) for k in digests if k.startswith("tx:")) - 1)))
        for staff_no in session.exec(select(ClerkRecord.staff_no)):
            digests.setdefault(f"clerk:{staff_no}", "")
    else:
        bind._teller_books_from = True  # it never goes away: not asked again on this engine
    books = _books_json(session, digests)
    if head is not None:
        next_id = _parse_head(head.value)[0] + 1
    else:
        next_id = (session.exec(select(func.max(AuditRecord.id))).one() or 0) + 1
    rec = AuditRecord(id=next_id, at=at, actor=actor, counter=counter, action=action, detail=detail, tx_id=tx_id, prev_hash=prev_hash, books=books)
    rec.hash = entry_hash(rec)
    session.add(rec)
    value = _head_value(session, rec.id, rec.hash)
    if head is None:
        session.add(MetaRecord(key=HEAD_KEY, value=value))
    else:
        head.value = value
        session.add(head)
    session.flush()
    session.info.pop(TOUCHED, None)  # (this flush wrote the entry and the head only)
    return rec


def seal_unchained(*, session: Session) -> int:
    """Chain entries written before the chain existed (an upgraded database); returns how many.

    Called once, when the hash columns are added to an old database.
    """
    prev = GENESIS
    sealed = 0
    last_id = None
    for rec in session.exec(select(AuditRecord).order_by(AuditRecord.id)):
        if not rec.hash:
            rec.prev_hash = prev
            rec.hash = entry_hash(rec)
            session.add(rec)
            sealed += 1
        prev, last_id = rec.hash, rec.id
    if last_id is not None:
        head = _head(session, lock=True)
        if head is None:
            session.add(MetaRecord(key=HEAD_KEY, value=_head_value(session, last_id, prev)))
        else:
            head.value = _head_value(session, last_id, prev)
            session.add(head)
    session.flush()
    return sealed


# ---- the books in the chain ----------------------------------------------------------------------
# Every flush notes which business rows it wrote (transaction with its fee lines, customer,
# clerk); the next audit entry of the same unit of work carries a digest of each of them as
# they stand then (`books`, covered by the entry's hash). A unit of work that wrote such rows
# and no entry gets one (`books`) just before its commit. `verify` recomputes the digests from
# the tables: a row changed outside the program no longer matches the last entry naming it.


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
    from sqlalchemy.types import Boolean

    from teller.store.models import UTCDateTime

    state = sa_inspect(obj)
    if state.expired_attributes or state.unloaded:
        return None
    dialect = session.get_bind().dialect
    out = {}
    for col in type(obj).__table__.columns:
        value = getattr(obj, col.key)
        if value is not None and isinstance(col.type, UTCDateTime):  # the store's own type: a round trip
            value = col.type.process_result_value(col.type.process_bind_param(value, dialect), dialect)
        elif value is not None and isinstance(col.type, Boolean):
            value = bool(value)
        out[col.name] = value
    return out


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


# ---- the key outside the database ----------------------------------------------------------------
_keys: dict[str, bytes] = {}


def key_path(database: str) -> Path:
    """<home>/keys/<db file name>.audit-key for <home>/db/<db file name>."""
    db = Path(database).resolve()
    return db.parent.parent / "keys" / f"{db.name}.audit-key"


def audit_key(session: Session, *, create: bool) -> bytes | None:
    """The MAC key of this database file, kept outside it (mode 0600); None for an in-memory DB."""
    bind = session.get_bind()
    database = bind.url.database if bind.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        return None
    path = key_path(database)
    cached = _keys.get(str(path))
    if cached is not None and path.exists():
        return cached
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
                f.flush()
                os.fsync(f.fileno())
    key = bytes.fromhex(path.read_text().strip())
    _keys[str(path)] = key
    return key


def anchor_of(session: Session) -> str:
    """The current head as an anchor to print or note (`id:first 16 hex of its hash`)."""
    head = _head(session, lock=False)
    if head is None:
        return "0:" + GENESIS[:16]
    head_id, digest = _parse_head(head.value)
    return f"{head_id}:{digest[:16]}"


@dataclass(frozen=True)
class ChainReport:
    """What `verify` found: how many entries it checked and the first break, if any."""

    checked: int
    broken_at: int | None = None  # the id of the first entry where the chain breaks
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _rows(session: Session) -> Iterator[AuditRecord]:
    stmt = select(AuditRecord).order_by(AuditRecord.id).execution_options(yield_per=2000)
    yield from session.exec(stmt)


def verify(*, session: Session, anchor: str | None = None) -> ChainReport:
    """Walk the chain from the first entry; report the first entry that does not hold.

    Then: the head's MAC (when the key file is at hand), the `anchor` (an `id:hash-prefix`
    printed earlier: that entry must still be there, unchanged), and the books: each row named
    in the chain must match the digest of the last entry naming it, every transaction since
    the books were first covered must be named, and the daily summary must equal a
    recomputation from the transactions.
    """
    prev_hash, prev_id, checked = GENESIS, None, 0
    latest: dict[str, tuple[int, str]] = {}
    hashes_at_anchor: str | None = None
    anchor_id, anchor_prefix = _parse_anchor(anchor) if anchor else (None, "")
    for rec in _rows(session):
        if rec.prev_hash != prev_hash:
            where = t("audit.after", id=prev_id) if prev_id is not None else t("audit.first")
            return ChainReport(checked, rec.id, t("audit.broken_link", id=rec.id, where=where))
        if rec.hash != entry_hash(rec):
            return ChainReport(checked, rec.id, t("audit.edited", id=rec.id))
        if rec.books:
            for key, digest in json.loads(rec.books).items():
                latest[key] = (rec.id, digest)
        if rec.id == anchor_id:
            hashes_at_anchor = rec.hash
        prev_hash, prev_id = rec.hash, rec.id
        checked += 1
    if anchor_id is not None and anchor_id > 0 and (hashes_at_anchor is None or not hashes_at_anchor.startswith(anchor_prefix)):
        return ChainReport(checked, anchor_id, t("audit.anchor_missing", anchor=anchor, id=anchor_id))
    head = _head(session, lock=False)
    if head is None:
        if prev_id is not None:
            return ChainReport(checked, prev_id, t("audit.no_head"))
    else:
        head_id, head_hash = _parse_head(head.value)
        if prev_id is None or head_id > prev_id or (head_id == prev_id and head_hash != prev_hash):
            return ChainReport(checked, head_id, t("audit.truncated", head=head_id, last=prev_id or 0))
        if head_id < prev_id:
            return ChainReport(checked, head_id + 1, t("audit.appended", head=head_id))
        key = audit_key(session, create=False)
        mac = _head_mac(head.value)
        if key is not None:  # with the key at hand, a head without its MAC is a rewritten head
            want = hmac.new(key, f"{head_id}:{head_hash}".encode(), hashlib.sha256).hexdigest()
            if not mac or not hmac.compare_digest(want, mac):
                return ChainReport(checked, head_id, t("audit.bad_mac"))
    return _verify_books(session, checked, latest)


def _parse_anchor(anchor: str) -> tuple[int, str]:
    id_text, _, prefix = anchor.strip().partition(":")
    if not id_text.isdigit() or not all(c in "0123456789abcdef" for c in prefix.lower()):
        from teller.errors import InputRefused

        raise InputRefused(t("audit.bad_anchor", anchor=anchor))
    return int(id_text), prefix.lower()


def _verify_books(session: Session, checked: int, latest: dict[str, tuple[int, str]]) -> ChainReport:
    from teller.store.models import TransactionRecord

    problems: list[tuple[int, str]] = []
    for key, (entry_id, digest) in latest.items():
        if row_digest(session, key) == digest:
            continue
        kind, _, ident = key.partition(":")
        if kind == "tx":
            receipt = session.exec(select(TransactionRecord.receipt_no).where(TransactionRecord.id == int(ident))).first()
            reason = t("audit.tx_changed", receipt_no=receipt) if receipt else t("audit.tx_gone", id=entry_id, tx=ident)
        elif kind == "customer":
            reason = t("audit.customer_changed", number=ident, id=entry_id)
        else:
            reason = t("audit.clerk_changed", staff_no=ident, id=entry_id)
        problems.append((entry_id, reason))
    if problems:
        entry_id, reason = min(problems)
        return ChainReport(checked, entry_id, reason)
    since = _meta(session, BOOKS_FROM)
    if since is not None:
        for tx_id, receipt in session.exec(
            select(TransactionRecord.id, TransactionRecord.receipt_no).where(TransactionRecord.id > int(since.value)).order_by(TransactionRecord.id)
        ):
            if f"tx:{tx_id}" not in latest:
                return ChainReport(checked, 0, t("audit.tx_missing", receipt_no=receipt))
    bad = summary_differences(session)
    if bad:
        day, counter = bad[0]
        return ChainReport(checked, 0, t("audit.summary_changed", day=day, counter=counter))
    return ChainReport(checked)


def summary_differences(session: Session) -> list[tuple[str, str]]:
    """(day, counter) whose daily summary differs from a recomputation from the transactions."""
    from sqlalchemy import text

    sql = text(
        "SELECT business_day, counter, clerk, procedure_id, mode,"
        " SUM(CASE WHEN status != 'voided' THEN 1 ELSE 0 END), SUM(CASE WHEN status != 'voided' THEN amount_due_fen ELSE 0 END),"
        " SUM(CASE WHEN status = 'voided' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'voided' THEN amount_due_fen ELSE 0 END)"
        ' FROM "transaction" GROUP BY 1, 2, 3, 4, 5'
    )
    want = {tuple(str(v) for v in r[:5]): tuple(int(v or 0) for v in r[5:]) for r in session.execute(sql)}
    have = {
        tuple(str(v) for v in r[:5]): tuple(int(v or 0) for v in r[5:])
        for r in session.execute(text("SELECT business_day, counter, clerk, procedure_id, mode, tx_count, amount_fen, void_count, void_fen FROM daily_summary"))
    }
    bad = set()
    for key in set(want) | set(have):
        if want.get(key, (0, 0, 0, 0)) != have.get(key, (0, 0, 0, 0)):
            bad.add((key[0], key[1]))
    return sorted(bad)


def entries(
    *, session: Session, since: datetime | None = None, until: datetime | None = None, actor: str | None = None, action: str | None = None
) -> list[AuditRecord]:
    """Entries in chain order, optionally from a time on, by one staff number or of one action."""
    stmt = select(AuditRecord).order_by(AuditRecord.id)
    if since is not None:
        stmt = stmt.where(AuditRecord.at >= since)
    if until is not None:
        stmt = stmt.where(AuditRecord.at < until)
    if actor:
        stmt = stmt.where(AuditRecord.actor == actor)
    if action:
        stmt = stmt.where(AuditRecord.action == action)
    return list(session.exec(stmt))


def day_start(day: date, zone) -> datetime:
    """The start of a local business day as an aware datetime (compared in UTC by the store)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone)
