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
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterator

from sqlmodel import Session, select

from teller.store.models import AuditRecord, MetaRecord
from teller.strings import t

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


def canonical(*, id: int, at: datetime, actor: str, counter: str, action: str, detail: str, tx_id: int | None, prev_hash: str) -> bytes:
    """The bytes an entry's hash covers: its fields in a fixed order, times as UTC microseconds."""
    when = at.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
    fields = [id, when, actor, counter, action, detail, tx_id, prev_hash]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(rec: AuditRecord, prev_hash: str | None = None) -> str:
    data = canonical(
        id=rec.id, at=rec.at, actor=rec.actor, counter=rec.counter, action=rec.action, detail=rec.detail,
        tx_id=rec.tx_id, prev_hash=rec.prev_hash if prev_hash is None else prev_hash,
    )
    return hashlib.sha256(data).hexdigest()


def _head(session: Session, *, lock: bool) -> MetaRecord | None:
    stmt = select(MetaRecord).where(MetaRecord.key == HEAD_KEY)
    if lock:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def _parse_head(value: str) -> tuple[int, str]:
    id_text, _, digest = value.partition(":")
    return int(id_text), digest


def append(
    *, session: Session, at: datetime, actor: str, counter: str, action: str, detail: str = "", tx_id: int | None = None
) -> AuditRecord:
    """Add one entry at the end of the chain, inside the caller's (write) transaction."""
    head = _head(session, lock=True)  # names the newest entry: its hash is the link
    prev_hash = _parse_head(head.value)[1] if head is not None else GENESIS
    rec = AuditRecord(at=at, actor=actor, counter=counter, action=action, detail=detail, tx_id=tx_id, prev_hash=prev_hash)
    session.add(rec)
    session.flush()  # the id is part of what the hash covers
    rec.hash = entry_hash(rec)
    session.add(rec)
    value = f"{rec.id}:{rec.hash}"
    if head is None:
        session.add(MetaRecord(key=HEAD_KEY, value=value))
    else:
        head.value = value
        session.add(head)
    session.flush()
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
            session.add(MetaRecord(key=HEAD_KEY, value=f"{last_id}:{prev}"))
        else:
            head.value = f"{last_id}:{prev}"
            session.add(head)
    session.flush()
    return sealed


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


def verify(*, session: Session) -> ChainReport:
    """Walk the chain from the first entry; report the first entry that does not hold."""
    prev_hash, prev_id, checked = GENESIS, None, 0
    for rec in _rows(session):
        if rec.prev_hash != prev_hash:
            where = t("audit.after", id=prev_id) if prev_id is not None else t("audit.first")
            return ChainReport(checked, rec.id, t("audit.broken_link", id=rec.id, where=where))
        if rec.hash != entry_hash(rec):
            return ChainReport(checked, rec.id, t("audit.edited", id=rec.id))
        prev_hash, prev_id = rec.hash, rec.id
        checked += 1
    head = _head(session, lock=False)
    if head is None:
        if prev_id is not None:
            return ChainReport(checked, prev_id, t("audit.no_head"))
        return ChainReport(checked)
    head_id, head_hash = _parse_head(head.value)
    if prev_id is None or head_id > prev_id or (head_id == prev_id and head_hash != prev_hash):
        return ChainReport(checked, head_id, t("audit.truncated", head=head_id, last=prev_id or 0))
    if head_id < prev_id:
        return ChainReport(checked, head_id + 1, t("audit.appended", head=head_id))
    return ChainReport(checked)


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
