"""Data care: a consistent online copy of the database, and its health check.

SQLite: `backup` uses SQLite's online backup API on its own connection to the file, copying
every page in one step: that step reads one snapshot (WAL mode lets the counters keep
committing meanwhile), so the copy is the database as of one moment, never half a
transaction. The copy is written next to the target and renamed into place only when
complete and checked.

PostgreSQL: `backup` runs the server's own `pg_dump` (custom format, restore with
`pg_restore -d <empty database> <file>`) on a snapshot exported by a REPEATABLE READ
transaction that also counts the rows, so the file and the counts are the same moment; the
copy is then read back with `pg_restore --list` before it is renamed into place. `check`
reads every table through (the server verifies its pages, and their checksums when the
cluster has them), lists constraints the server has not validated (foreign keys are always
enforced by the server), then walks the audit chain. Point-in-time recovery (WAL archiving,
`pg_basebackup`) is the server's, set up by whoever runs it; see the README.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from teller.errors import TellerError
from teller.strings import t


def is_postgres_url(database_url: str) -> bool:
    return database_url.startswith("postgresql")


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
    dest = Path(dest)
    if dest.exists() and not overwrite:
        raise TellerError(t("backup.exists", path=dest))
    if is_postgres_url(database_url):
        return _pg_backup(database_url, dest)
    source = sqlite_path(database_url)
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


def check(database_url: str, *, home=None) -> CheckReport:
    """PRAGMA integrity_check and foreign_key_check on the file, then the audit chain (on
    PostgreSQL with the head's MAC when `home` holds the hall's key, teller.store.audit_key)."""
    report = CheckReport()
    if is_postgres_url(database_url):
        if not _pg_check(database_url, report):
            return report
        return _check_chain(database_url, report, home)
    path = sqlite_path(database_url)
    con = sqlite3.connect(path, timeout=30)
    try:
        report.integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        report.foreign_keys = [f"{table} rowid {rowid} -> {parent}" for table, rowid, parent, _ in con.execute("PRAGMA foreign_key_check")]
    except sqlite3.DatabaseError as exc:
        report.integrity = [str(exc)]
        return report
    finally:
        con.close()
    return _check_chain(database_url, report)


def _check_chain(database_url: str, report: "CheckReport", home=None) -> "CheckReport":
    from sqlmodel import Session

    from teller.store import audit, db

    engine = db.open_engine(database_url, home=home)
    try:
        with Session(engine) as session:
            chain = audit.verify(session=session)
    finally:
        engine.dispose()
    report.audit_checked = chain.checked
    if not chain.ok:
        report.audit_problem = f"broken at entry {chain.broken_at}: {chain.reason}"
    return report


# ---- PostgreSQL ----------------------------------------------------------------------------------
def pg_tool(name: str) -> str:
    """A PostgreSQL client program (pg_dump, pg_restore): on the PATH, else Debian's folder."""
    import glob
    import shutil

    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0, reverse=True):
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    raise TellerError(t("backup.no_pg_tool", tool=name))


def libpq_env(database_url: str) -> dict[str, str]:
    """The libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) of a SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    u = make_url(database_url)
    env = dict(os.environ)
    host = u.query.get("host") or u.host
    if isinstance(host, tuple):
        host = host[0]
    for key, value in (("PGHOST", host), ("PGPORT", u.query.get("port") or u.port), ("PGUSER", u.username),
                       ("PGPASSWORD", u.password), ("PGDATABASE", u.database)):
        if value:
            env[key] = str(value)
    return env


def _pg_counts(con) -> dict[str, int]:
    from sqlalchemy import inspect, text

    names = sorted(inspect(con).get_table_names())
    return {name: con.execute(text(f'SELECT count(*) FROM "{name}"')).scalar() for name in names}


def _pg_backup(database_url: str, dest: Path) -> BackupReport:
    import subprocess

    from sqlalchemy import text

    from teller.store import db

    dump, restore = pg_tool("pg_dump"), pg_tool("pg_restore")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    engine = db.open_engine(database_url)
    try:
        with engine.connect() as con:
            con = con.execution_options(isolation_level="REPEATABLE READ")
            with con.begin():
                snapshot = con.execute(text("SELECT pg_export_snapshot()")).scalar()
                counts = _pg_counts(con)
                # the dump reads the very snapshot the counts were taken in
                r = subprocess.run([dump, "--format=custom", f"--snapshot={snapshot}", "--no-owner", "-f", str(partial)],
                                   env=libpq_env(database_url), capture_output=True, text=True, timeout=3600)
    finally:
        engine.dispose()
    if r.returncode != 0:
        partial.unlink(missing_ok=True)
        raise TellerError(t("backup.pg_dump_failed", error=(r.stderr.strip().splitlines() or ["?"])[-1]))
    listed = subprocess.run([restore, "--list", str(partial)], capture_output=True, text=True, timeout=600)
    integrity = "ok" if listed.returncode == 0 and "TABLE DATA" in listed.stdout else (listed.stderr.strip() or "no table data")
    os.replace(partial, dest)
    return BackupReport(dest, dest.stat().st_size, integrity, counts)


def _pg_check(database_url: str, report: "CheckReport") -> bool:
    """Every table read through, constraints not validated listed; False when the server refused."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from teller.store import db

    engine = db.open_engine(database_url)
    try:
        with engine.connect() as con:
            _pg_counts(con)
            report.integrity = ["ok"]
            rows = con.execute(text(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint"
                " WHERE NOT convalidated AND connamespace = 'public'::regnamespace ORDER BY 1, 2"
            ))
            report.foreign_keys = [f"{table}: {name} not validated" for table, name in rows]
    except SQLAlchemyError as exc:
        report.integrity = [str(getattr(exc, "orig", exc)).splitlines()[0]]
        return False
    finally:
        engine.dispose()
    return True
