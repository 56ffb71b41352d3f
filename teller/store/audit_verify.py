"""`audit verify`: the chain walked from its first entry, the head and its MAC, an anchor, the books."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Iterator

from sqlmodel import Session, select

from teller.store.audit import GENESIS, _head, _head_mac, _parse_head, entry_hash, head_mac
from teller.store.audit_books import BOOKS_FROM, _meta, row_digest
from teller.store.audit_key import audit_key
from teller.store.models import AuditRecord
from teller.strings import t


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
        head_id, head_hash = _parse_head(head)
        if prev_id is None or head_id > prev_id or (head_id == prev_id and head_hash != prev_hash):
            return ChainReport(checked, head_id, t("audit.truncated", head=head_id, last=prev_id or 0))
        if head_id < prev_id:
            return ChainReport(checked, head_id + 1, t("audit.appended", head=head_id))
        key = audit_key(session, create=False)
        mac = _head_mac(head)
        if key is not None:  # with the key at hand, a head without its MAC is a rewritten head
            want = head_mac(key, head_id, head_hash)
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


