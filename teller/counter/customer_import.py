"""Importing subscribers from a CSV file into the database, all or nothing, with a per-row
error report (the columns and rules: teller.domain.customer_import).

Every row is checked against the database before anything is written (a number already a
subscriber, numbers per ID, unknown plan); the rows are then written in chunks, each chunk its
own transaction with a marker in `meta`, so a killed import is taken out by
`recover_imports` before the next import writes.
"""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlmodel import Session, select

from teller.domain.customer_import import (
    OPTIONAL, REQUIRED, STATUSES, _NO, _YES, ImportResult, Progress, RowError, has_control_characters, parse_balance, read_text,
)
from teller.domain.rules import MAX_NUMBERS_PER_ID, check_id_number, check_new_password, check_phone, id_is_male
from teller.domain.secrets import hash_secret
from teller.errors import InputRefused, TellerError
from teller.store import audit
from teller.store.db import session_scope
from teller.store.models import CustomerRecord, NumberRecord, PlanRecord
from teller.store.queries import count_numbers_held
from teller.strings import t

__all__ = ["ImportResult", "RowError", "import_customers", "recover_imports", "write_in_chunks"]


def _check_row(row: dict[str, str], *, session: Session, plans: set[str], seen: dict[str, int], per_id: dict[str, int], line: int):
    """One row: the CustomerRecord fields, or the list of its errors."""
    errors: list[RowError] = []
    out: dict = {}

    def field_value(name: str, check):
        value = (row.get(name) or "").strip()
        try:
            out[name] = check(value)
        except InputRefused as exc:
            errors.append(RowError(line, name, exc.message))

    def required(check):
        def run(value: str):
            if not value:
                raise InputRefused(t("import.empty"))
            return check(value)
        return run

    def number(value: str) -> str:
        value = check_phone(value)
        if value in seen:
            raise InputRefused(t("import.duplicate_in_file", row=seen[value]))
        if session.get(CustomerRecord, value) is not None:
            raise InputRefused(t("import.number_exists", number=value))
        return value

    def name(value: str) -> str:
        if has_control_characters(value):
            raise InputRefused(t("import.name_control"))
        if len(value) > 32:
            raise InputRefused(t("import.name_long"))
        return value

    def plan(value: str) -> str:
        if value not in plans:
            raise InputRefused(t("import.unknown_plan", plan=value))
        return value

    def status(value: str) -> str:
        value = value or "active"
        if value not in STATUSES:
            raise InputRefused(t("import.bad_status", choices=", ".join(STATUSES)))
        return value

    def local(value: str) -> bool:
        if not value or value.lower() in _YES:
            return True
        if value.lower() in _NO:
            return False
        raise InputRefused(t("import.bad_bool"))

    def id_number(value: str) -> str:
        value = check_id_number(value)
        held = per_id.get(value)
        if held is None:
            held = count_numbers_held(session, value)
        if held >= MAX_NUMBERS_PER_ID:
            raise InputRefused(t("rule.id_quota", n=held))
        return value

    field_value("number", required(number))
    field_value("name", required(name))
    field_value("id_number", required(id_number))
    field_value("plan", required(plan))
    field_value("balance", parse_balance)
    field_value("status", status)
    field_value("password", lambda v: check_new_password(v) if v else "")
    field_value("contact", lambda v: v[:64])
    field_value("local", local)
    if "number" in out:
        seen.setdefault(out["number"], line)
    if errors:
        return None, errors
    per_id[out["id_number"]] = per_id.get(out["id_number"], count_numbers_held(session, out["id_number"])) + 1
    return out, []


def import_customers(
    *, engine, path: Path, skip_invalid: bool, actor: str, counter: str, now: datetime, progress: Progress | None = None
) -> ImportResult:
    """Check every row, then write the valid ones (none if any is invalid) in short chunks."""
    note = progress or (lambda stage, done, total: None)
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    for column in REQUIRED:
        if column not in header:
            result.errors.append(RowError(1, column, t("import.missing_column", column=column)))
    for column in header:
        if column not in REQUIRED + OPTIONAL:
            result.errors.append(RowError(1, column, t("import.unknown_column", column=column)))
    if result.errors:
        return result
    rows = []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue  # a blank line
        rows.append((reader.line_num, row))
    result.total_rows = len(rows)
    if not rows:
        result.errors.append(RowError(1, "", t("import.no_rows")))
        return result
    stage_check, stage_write = "检查 / Checking", "写入 / Writing"
    good: list[dict] = []
    with Session(engine) as session:
        plans = set(session.exec(select(PlanRecord.code)))
        brands = {p.code: p.brand for p in session.exec(select(PlanRecord))}
        seen: dict[str, int] = {}
        per_id: dict[str, int] = {}
        for done, (line, row) in enumerate(rows, 1):
            fields, errors = _check_row(row, session=session, plans=plans, seen=seen, per_id=per_id, line=line)
            result.errors += errors
            if fields is not None:
                good.append(fields)
            note(stage_check, done, len(rows))
    if result.errors and not skip_invalid:
        return result
    records = []
    for done, f in enumerate(good, 1):
        records.append(
            CustomerRecord(
                number=f["number"], name=f["name"], id_number=f["id_number"], male=id_is_male(f["id_number"]),
                brand=brands[f["plan"]], plan_code=f["plan"], status=f["status"], balance_fen=f["balance"],
                last_unpaid_fen=-f["balance"] if f["balance"] < 0 else 0, local=f["local"],
                password_hash=hash_secret(f["password"]) if f["password"] else "", contact=f["contact"], opened_at=now,
            )
        )
        note(stage_write, done, len(good))
    if records:
        write_in_chunks(engine, records, actor=actor, counter=counter, now=now, source=Path(path).name,
                        progress=lambda done, total: note(stage_write, done, total))
    result.imported = len(records)
    return result


# ---- writing in chunks --------------------------------------------------------------------
#: rows per write transaction: each holds the write lock for a few milliseconds, so counters
#: committing visits at the same time wait well under their busy timeout
CHUNK_ROWS = 500
#: a pause between chunks: SQLite's lock is not fair, and a waiting counter's busy handler
#: sleeps in steps of up to 100 ms, so it needs a gap to get in between two chunks
CHUNK_PAUSE_S = 0.1
MARKER = "customer_import:"


def _marker_value(numbers: list[str], written: int, freed: list[str]) -> str:
    import json

    return json.dumps({"numbers": numbers, "written": written, "freed": freed}, separators=(",", ":"))


def write_in_chunks(engine, records: list[CustomerRecord], *, actor: str, counter: str, now: datetime, source: str,
                    progress: Callable[[int, int], None] | None = None) -> None:
    """Write checked subscribers in transactions of CHUNK_ROWS, all or nothing for the user.

    A marker row in `meta` (`customer_import:<id>`) lists the numbers and how many are
    written, updated in the same transaction as each chunk. The last chunk removes it and
    writes the audit entry. When a chunk fails (a number taken since the check) the chunks
    already written are taken out again; when the process dies half-way, the next import
    (or `recover_imports`) finds the marker and takes them out.
    """
    import uuid

    from teller.store.busy import retry_locked
    from teller.store.models import MetaRecord

    recover_imports(engine)
    key = MARKER + uuid.uuid4().hex[:12]
    numbers = [r.number for r in records]
    freed: list[str] = []
    total = len(records)
    chunks = [records[i:i + CHUNK_ROWS] for i in range(0, total, CHUNK_ROWS)]

    def write(index: int) -> None:
        chunk = chunks[index]
        with session_scope(engine) as session:
            marker = session.get(MetaRecord, key)
            flipped: list[str] = []
            for rec in chunk:
                if session.get(CustomerRecord, rec.number) is not None:  # taken since the check
                    raise TellerError(t("import.number_exists", number=rec.number))
                slot = session.get(NumberRecord, rec.number)
                if slot is not None and slot.free:
                    slot.free = False
                    session.add(slot)
                    flipped.append(rec.number)
                session.add(CustomerRecord(**rec.model_dump()))
            written = min(total, (index + 1) * CHUNK_ROWS)
            if index == len(chunks) - 1:
                if marker is not None:
                    session.delete(marker)
                audit.append(session=session, at=now, actor=actor, counter=counter, action="customers_import",
                             detail=f"{total} subscribers from {source}")
            else:
                value = _marker_value(numbers, written, freed + flipped)
                if marker is None:
                    session.add(MetaRecord(key=key, value=value))
                else:
                    marker.value = value
                    session.add(marker)
        freed.extend(flipped)

    try:
        for index in range(len(chunks)):
            if index:
                time.sleep(CHUNK_PAUSE_S)
            retry_locked(lambda: write(index))
            if progress:
                progress(min(total, (index + 1) * CHUNK_ROWS), total)
    except BaseException:
        recover_imports(engine)
        raise


def recover_imports(engine) -> int:
    """Take out the subscribers of an import that did not finish; returns how many."""
    import json

    from sqlmodel import delete

    from teller.store.busy import retry_locked
    from teller.store.models import MetaRecord, TransactionRecord

    taken = 0
    with Session(engine) as session:
        keys = [m.key for m in session.exec(select(MetaRecord).where(MetaRecord.key.startswith(MARKER)))]
    for key in keys:
        with Session(engine) as session:
            marker = session.get(MetaRecord, key)
            if marker is None:
                continue
            data = json.loads(marker.value)
        ours = data["numbers"][: data["written"]]
        for i in range(0, len(ours), CHUNK_ROWS):
            part = ours[i:i + CHUNK_ROWS]

            def undo(part=part) -> int:
                with session_scope(engine) as session:
                    used = set(session.exec(select(TransactionRecord.customer_number).where(TransactionRecord.customer_number.in_(part))))
                    gone = [n for n in part if n not in used]  # a subscriber already served stays
                    session.exec(delete(CustomerRecord).where(CustomerRecord.number.in_(gone)))
                    for slot in session.exec(select(NumberRecord).where(NumberRecord.number.in_([n for n in gone if n in set(data["freed"])]))):
                        slot.free = True
                        session.add(slot)
                    return len(gone)

            taken += retry_locked(undo)

        def drop() -> None:
            with session_scope(engine) as session:
                marker = session.get(MetaRecord, key)
                if marker is not None:
                    session.delete(marker)

        retry_locked(drop)
    return taken
