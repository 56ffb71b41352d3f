"""Data care: a consistent online copy of the SQLite database, and its health check.

`backup` uses SQLite's online backup API on its own connection to the file, copying every
page in one step: that step reads one snapshot (WAL mode lets the counters keep committing
meanwhile), so the copy is the database as of one moment, never half a transaction. The copy
is written next to the target and renamed into place only when complete and checked.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from teller.errors import TellerError
from teller.strings import t


def sqlite_path(database_url: str) -> Path:
    if not database_url.startswith("sqlite:///"):
        raise TellerError(t("backup.not_sqlite"))
    path = Path(database_url.removeprefix("sqlite:///"))
    if not path.is_file():
        raise TellerError(f"数据库文件不存在 / No database file at {path}")
    return path


def _tables(con: sqlite3.Connection) -> list[str]:
    rows = con.execute("select name from sqlite_master where type='table' and name not like 'sqlite_%' order by name")
    return [r[0] for r in rows]


def row_counts(con: sqlite3.Connection) -> dict[str, int]:
    return {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for name in _tables(con)}


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    integrity: str
    row_counts: dict[str, int]


def backup(database_url: str, dest: Path, *, overwrite: bool = False) -> BackupReport:
    """Copy the live database to `dest` while it is in use; check the copy; count its rows."""
    source = sqlite_path(database_url)
    dest = Path(dest)
    if dest.exists() and not overwrite:
        raise TellerError(t("backup.exists", path=dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        out = sqlite3.connect(partial)
        try:
            src.backup(out)  # pages=-1: the whole database from one read snapshot
            out.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            integrity = out.execute("PRAGMA integrity_check").fetchone()[0]
            counts = row_counts(out)
        finally:
            out.close()
    finally:
        src.close()
    os.replace(partial, dest)
    return BackupReport(dest, dest.stat().st_size, integrity, counts)


@dataclass
class CheckReport:
    integrity: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)
    audit_checked: int = 0
    audit_problem: str = ""

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_keys and not self.audit_problem

    def lines(self) -> list[str]:
        out = [f"integrity_check: {'; '.join(self.integrity)}"]
        out.append("foreign_key_check: " + ("ok" if not self.foreign_keys else "; ".join(self.foreign_keys)))
        out.append(f"audit chain: {self.audit_problem or f'ok ({self.audit_checked} entries)'}")
        return out


def check(database_url: str) -> CheckReport:
    """PRAGMA integrity_check and foreign_key_check on the file, then the audit chain."""
    from sqlmodel import Session

    from teller.store import audit, db

    path = sqlite_path(database_url)
    report = CheckReport()
    con = sqlite3.connect(path, timeout=30)
    try:
        report.integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        report.foreign_keys = [f"{table} rowid {rowid} -> {parent}" for table, rowid, parent, _ in con.execute("PRAGMA foreign_key_check")]
    except sqlite3.DatabaseError as exc:
        report.integrity = [str(exc)]
        return report
    finally:
        con.close()
    engine = db.open_engine(database_url)
    try:
        with Session(engine) as session:
            chain = audit.verify(session=session)
    finally:
        engine.dispose()
    report.audit_checked = chain.checked
    if not chain.ok:
        report.audit_problem = f"broken at entry {chain.broken_at}: {chain.reason}"
    return report
