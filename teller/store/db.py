"""The database engine: SQLite in WAL mode with synchronous=FULL on every connection."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event, text
from sqlmodel import Session, SQLModel, create_engine, select

from teller.store import models
from teller.store import summary as _summary  # registers the summary tables; their indexes
from teller.store import shifts as _shifts  # noqa: F401 - registers shift, cash_move, day_close, void
from teller.store import drills as _drills  # noqa: F401 - registers practice_attempt, practice_mistake, practice_set
from teller.store.identity import MODE_KEY, MODES, database_file
from teller.store.models import MetaRecord


#: how long one statement waits for another writer's lock; longer waits are retried by
#: teller.store.busy.retry_locked (tests lower it to keep lock tests short)
BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # money: NORMAL can lose the last commits on power loss
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    cur.close()


def open_engine(url: str):
    """Create the engine for `url` (no engine exists at import time); make the folder for SQLite."""
    if url.startswith("sqlite:"):
        path = database_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:  # pragma: no cover - PostgreSQL when counters share a database
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def database_mode(engine) -> str | None:
    """What the database says it is (live / practice); for one made before it said so, what
    its transactions show; None for a new or empty database."""
    with Session(engine) as session:
        try:
            mark = session.get(MetaRecord, MODE_KEY)
        except Exception:  # no meta table: a new database
            return None
        if mark is not None:
            return mark.value
        try:
            modes = set(session.exec(select(models.TransactionRecord.mode).distinct()))
        except Exception:
            return None
    return "live" if "live" in modes else ("practice" if "practice" in modes else None)


def _where(engine) -> str:
    path = database_file(str(engine.url)) if engine.dialect.name == "sqlite" else None
    return str(path) if path else engine.url.render_as_string(hide_password=True)


def check_mode(engine, mode: str) -> None:
    """Refuse a live database in practice mode and a practice database in live mode."""
    from teller.errors import TellerError
    from teller.strings import t

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    found = database_mode(engine)
    if found is not None and found != mode:
        raise TellerError(t("db.is_live" if found == "live" else "db.is_practice", path=_where(engine)))


def init_schema(engine, *, mode: str | None = None) -> bool:
    """Create missing tables; return True when the database was new.

    With `mode` (live / practice) the database must be of that mode (TellerError before
    anything is written otherwise); one that does not say yet is marked with it.
    """
    if mode is not None:
        check_mode(engine, mode)
    with Session(engine) as session:
        try:
            fresh = session.get(MetaRecord, "schema_version") is None
        except Exception:
            fresh = True
    SQLModel.metadata.create_all(engine)
    if not fresh:
        from teller.store.migrate import upgrade

        upgrade(engine)
    _shifts.ensure_indexes(engine)
    _summary.ensure_indexes(engine)
    if fresh:
        with Session(engine) as session:
            session.merge(MetaRecord(key="schema_version", value=str(models.SCHEMA_VERSION)))
            session.commit()
    if mode is not None:
        with Session(engine) as session:
            if session.get(MetaRecord, MODE_KEY) is None:
                session.add(MetaRecord(key=MODE_KEY, value=mode))
                session.commit()
    return fresh


@contextmanager
def session_scope(engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    On SQLite the transaction starts with BEGIN IMMEDIATE: it takes the write lock before the
    first read, so two counters changing the same account queue up instead of one overwriting
    the other's balance (busy_timeout makes the second wait).
    """
    with Session(engine, expire_on_commit=False) as session:
        if engine.dialect.name == "sqlite":
            session.execute(text("BEGIN IMMEDIATE"))
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_seeded(engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(models.ClerkRecord).limit(1)).first() is not None
