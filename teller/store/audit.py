"""The audit trail as a hash chain: an edited, deleted or inserted entry shows.

Each entry carries the hash of the entry before it (`prev_hash`) and its own `hash`, the
SHA-256 of a canonical serialisation of its fields and `prev_hash`. The newest entry's id and
hash are also kept in the meta table (`audit_head`), so deleting entries from the end shows
too; the head carries an HMAC keyed by a file outside the database (teller.store.audit_key).
Entries are appended only through `append`, inside the caller's write transaction: on
SQLite that transaction began with BEGIN IMMEDIATE (teller.store.db.session_scope), on
PostgreSQL with the hall's write lock, and the head row is locked FOR UPDATE, so two writers
cannot fork the chain.

The parts: this module (the chain: entries, head, append), teller.store.audit_books (the
digests of the business rows each entry carries), teller.store.audit_key (the MAC key) and
teller.store.audit_verify (`audit verify`); their public names are re-exported here.

The chain detects changes made outside the program; it is not a signature: someone who can
write the file and knows this scheme can rebuild the chain. Keep backups (teller-admin db
backup) away from the counters.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, datetime, timezone
from types import SimpleNamespace

from sqlalchemy import func, insert, update
from sqlmodel import Session, select

from teller.store.audit_books import BOOKS_FROM, _books_json, _meta, _take_touched, row_digest, written_row, wrote_table  # noqa: F401
from teller.store.audit_key import audit_key, key_file, key_path  # noqa: F401
from teller.store.models import AuditRecord, MetaRecord
from teller.strings import t

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


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


def _head(session: Session, *, lock: bool) -> str | None:
    """The head's value (`id:hash[:mac]`), None before the first entry."""
    if lock not in _HEAD_SELECT:
        table = MetaRecord.__table__
        stmt = select(table.c.value).where(table.c.key == HEAD_KEY)
        _HEAD_SELECT[lock] = stmt.with_for_update() if lock else stmt
    return session.connection().execute(_HEAD_SELECT[lock]).scalar()


_HEAD_SELECT: dict = {}
_WRITES: dict = {}


def _parse_head(value: str) -> tuple[int, str]:
    id_text, _, rest = value.partition(":")
    return int(id_text), rest.partition(":")[0]


def _head_mac(value: str) -> str:
    return value.split(":")[2] if value.count(":") >= 2 else ""


def head_mac(key: bytes, rec_id: int, digest: str) -> str:
    return hmac.new(key, f"{rec_id}:{digest}".encode(), hashlib.sha256).hexdigest()


def _head_value(session: Session, rec_id: int, digest: str, *, had_mac: bool = False) -> str:
    """`id:hash:mac`: the MAC (keyed with the file outside the database) when a key is at hand.

    On PostgreSQL the key is the hall's, made once (`db init`, or the first entry of a chain
    without a MAC) and copied to every counter: a PC without it does not make one of its own
    for a chain that has a MAC already, it refuses (teller.store.audit_key)."""
    shared = session.get_bind().dialect.name != "sqlite"
    key = audit_key(session, create=not (shared and had_mac))
    if key is None:
        if shared and had_mac:
            from teller.errors import TellerError

            where = key_file(session.get_bind())
            raise TellerError(t("audit.key_missing", path=str(where) if where else "keys/"))
        return f"{rec_id}:{digest}"
    return f"{rec_id}:{digest}:{head_mac(key, rec_id, digest)}"


def _write_head(session: Session, old: str | None, value: str) -> None:
    table = MetaRecord.__table__
    if old is None:
        session.connection().execute(insert(table).values(key=HEAD_KEY, value=value))
    else:
        if "head" not in _WRITES:
            from sqlalchemy import bindparam

            _WRITES["head"] = update(table).where(table.c.key == HEAD_KEY).values(value=bindparam("head_value"))
        session.connection().execute(_WRITES["head"], {"head_value": value})


def append(
    *, session: Session, at: datetime, actor: str, counter: str, action: str, detail: str = "", tx_id: int | None = None
) -> AuditRecord:
    """Add one entry at the end of the chain, inside the caller's (write) transaction.

    The entry's id is the head's plus one (every writer holds the write lock and the head row),
    so its hash is computed before the one INSERT (on PostgreSQL the column's sequence is not
    used: every entry comes through here); the books are digested from the rows as this
    unit of work holds them in memory, read back only when they are not all at hand. The entry
    and the head are written by two statements, not through the unit of work; the entry as
    written is returned as a plain record."""
    session.flush()  # the business rows of this unit of work are written: digest them
    head = _head(session, lock=True)  # names the newest entry: its hash is the link
    prev_hash = _parse_head(head)[1] if head is not None else GENESIS
    digests = _take_touched(session)
    bind = session.get_bind()
    if not getattr(bind, "_teller_books_from", False) and _meta(session, BOOKS_FROM) is None:
        # the first entry that covers the books: a baseline
        from teller.store.models import ClerkRecord, TransactionRecord

        last_tx = session.exec(select(func.max(TransactionRecord.id))).one() or 0
        session.add(MetaRecord(key=BOOKS_FROM, value=str(last_tx if not any(k.startswith("tx:") for k in digests) else min(int(k[3:]) for k in digests if k.startswith("tx:")) - 1)))
        for staff_no in session.exec(select(ClerkRecord.staff_no)):
            digests.setdefault(f"clerk:{staff_no}", "")
        session.flush()
    else:
        bind._teller_books_from = True  # it never goes away: not asked again on this engine
    books = _books_json(session, digests)
    if head is not None:
        next_id = _parse_head(head)[0] + 1
    else:
        next_id = (session.exec(select(func.max(AuditRecord.id))).one() or 0) + 1
    entry = {"id": next_id, "at": at, "actor": actor, "counter": counter, "action": action, "detail": detail, "tx_id": tx_id,
             "prev_hash": prev_hash, "books": books}
    entry["hash"] = hashlib.sha256(canonical(**entry)).hexdigest()
    value = _head_value(session, next_id, entry["hash"], had_mac=bool(head and _head_mac(head)))
    if "entry" not in _WRITES:
        _WRITES["entry"] = insert(AuditRecord.__table__)
    session.connection().execute(_WRITES["entry"], entry)
    _write_head(session, head, value)
    return SimpleNamespace(**entry)


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
    session.flush()
    if last_id is not None:
        head = _head(session, lock=True)
        _write_head(session, head, _head_value(session, last_id, prev, had_mac=bool(head and _head_mac(head))))
    return sealed


def anchor_of(session: Session) -> str:
    """The current head as an anchor to print or note (`id:first 16 hex of its hash`)."""
    head = _head(session, lock=False)
    if head is None:
        return "0:" + GENESIS[:16]
    head_id, digest = _parse_head(head)
    return f"{head_id}:{digest[:16]}"


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


def __getattr__(name: str):
    """`audit.verify`, `audit.ChainReport`, `audit.summary_differences` (teller.store.audit_verify)."""
    if name in ("ChainReport", "summary_differences", "verify"):
        from teller.store import audit_verify

        return getattr(audit_verify, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
