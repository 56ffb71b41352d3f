"""The database engine: SQLite in WAL mode with synchronous=FULL on every connection (one PC),
or PostgreSQL through psycopg 3 (`postgresql+psycopg://...`, a hall's counters sharing one
database). The same code runs on both; what differs is here and in teller.store.busy.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event
from sqlmodel import Session, create_engine, select

from teller.store import models
from teller.store import summary as _summary  # noqa: F401 - registers the summary tables
from teller.store import shifts as _shifts  # noqa: F401 - registers shift, cash_move, day_close, hall_close, void
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


def open_engine(url: str, *, home=None):
    """Create the engine for `url` (no engine exists at import time); make the folder for SQLite.

    `home`: the teller home whose `keys/` holds a PostgreSQL database's audit key
    (teller.store.audit_key; a SQLite file's key is found beside its folder)."""
    if url.startswith("sqlite:"):
        path = database_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif url.startswith("postgresql"):
        # a statement waiting for another counter's row or hall lock gives up after the busy
        # timeout (LockNotAvailable), which teller.store.busy retries like SQLite's "locked"
        engine = create_engine(
            url, pool_pre_ping=True, pool_size=2, max_overflow=8,
            connect_args={"options": f"-c lock_timeout={int(BUSY_TIMEOUT_MS)} -c timezone=UTC"},
        )
    else:
        from teller.errors import TellerError
        from teller.strings import t

        raise TellerError(t("db.unsupported_url", url=url.split(":", 1)[0]))
    if home is not None:
        from teller.store.audit_key import use_home

        use_home(engine, home)
    return engine


#: the key of PostgreSQL's transaction-level advisory lock every write unit of work takes first
HALL_WRITE_LOCK = 0x7E11E7


def is_postgres(engine) -> bool:
    return engine.dialect.name == "postgresql"


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
    """Bring the schema to the newest revision (Alembic, teller.store.schema); return True when
    the database was new.

    With `mode` (live / practice) the database must be of that mode (TellerError before
    anything is written otherwise); one that does not say yet is marked with it.
    """
    from teller.store import schema

    if mode is not None:
        check_mode(engine, mode)
    fresh = not has_schema(engine)
    if fresh or not schema.is_current(engine):
        schema.upgrade(engine)
    with Session(engine) as session:
        if session.get(MetaRecord, "schema_version") is None:
            session.merge(MetaRecord(key="schema_version", value=str(models.SCHEMA_VERSION)))
            session.commit()
    if mode is not None:
        with Session(engine) as session:
            if session.get(MetaRecord, MODE_KEY) is None:
                session.add(MetaRecord(key=MODE_KEY, value=mode))
                session.commit()
    return fresh


def require_database(url: str) -> None:
    """Refuse (TellerError naming `teller-admin db init`) a live database that does not exist:
    a missing SQLite file is not created, a missing PostgreSQL database not made up."""
    from teller.errors import TellerError
    from teller.strings import t

    if url.startswith("sqlite"):
        path = database_file(url)
        if path is not None and (not path.is_file() or path.stat().st_size == 0):
            raise TellerError(t("db.missing", where=str(path)))
        return
    from sqlalchemy.exc import OperationalError

    engine = open_engine(url)
    try:
        if not has_schema(engine):
            raise TellerError(t("db.missing", where=_where(engine)))
    except OperationalError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise TellerError(t("db.unreachable", where=_where(engine), reason=reason)) from None
    finally:
        engine.dispose()


def has_schema(engine) -> bool:
    """Whether the database holds teller's tables (a database made by `db init`, or by 0.1)."""
    from sqlalchemy import inspect

    return "meta" in set(inspect(engine).get_table_names())


@contextmanager
def session_scope(engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    On SQLite the transaction starts with BEGIN IMMEDIATE: it takes the write lock before the
    first read, so two counters changing the same account queue up instead of one overwriting
    the other's balance (busy_timeout makes the second wait). On PostgreSQL it starts with the
    hall's write lock (a transaction-level advisory lock, released at commit or rollback):
    the same order of writers, while readers and reports never wait; every statement after it
    (READ COMMITTED) sees what the writer before committed, so a read-check-write inside the
    unit of work (a free number taken, a handset out of stock, a balance changed, the next
    receipt number) cannot interleave with another counter's. The audit head is also locked
    FOR UPDATE and the daily summary is written by upserts, which hold on their own.

    The print outcomes this process has waiting (teller.store.print_marks: papers printed
    since its last write) are written in the same transaction, just before its commit.
    """
    from teller.store import print_marks

    with Session(engine, expire_on_commit=False) as session:
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({int(HALL_WRITE_LOCK)})")
        marks: dict = {}
        try:
            yield session
            marks = print_marks.take(engine)
            print_marks.write(session, marks)
            session.commit()
        except BaseException:
            session.rollback()
            print_marks.give_back(engine, marks)
            raise


def is_seeded(engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(models.ClerkRecord).limit(1)).first() is not None


def create_database(url: str, *, seed_demo: bool, now, home=None) -> bool:
    """`teller-admin db init`: the live database made (tables at the newest schema, marked
    live) and, with `seed_demo`, the demo hall in it. Returns True when it was new. With
    `home`, a PostgreSQL database's audit key is made in its `keys/` (the hall's key).

    The only way a live database comes to exist: the console and the other commands refuse
    one that is missing (`require_database`), so a wrong --home never becomes a demo hall."""
    engine = open_engine(url, home=home)
    try:
        fresh = init_schema(engine, mode="live")
        if seed_demo and not is_seeded(engine):
            from teller.store.seed import seed_demo as seed

            seed(engine, now=now)
    finally:
        engine.dispose()
    return fresh
