"""Reading the books with SQLAlchemy Core alone: what `teller-admin report` needs, no more.

`teller.store.db` opens a database to work on it: the ORM and SQLModel's tables (half a
second of imports), tables created, older databases brought up to date. A report only reads
tables this version has already set up, so `open_reader` gives a plain engine on a database
that is there and set up, and None otherwise (the caller then opens it the full way, which
creates or upgrades it). Nothing here writes.
"""

from __future__ import annotations

import sqlalchemy as sa

from teller.store.identity import MODE_KEY, MODES, database_file

#: The tables the reports read (teller.store.reports), and the one that says the schema is set up.
REPORT_TABLES = frozenset({"meta", "transaction", "daily_summary", "payment_amount", "receipt_job", "void", "complaint"})


#: teller.store.db.BUSY_TIMEOUT_MS, which this module does not import (it loads the ORM)
BUSY_TIMEOUT_MS = 5000


def _busy_timeout(dbapi_conn, _record) -> None:
    # a reader waits for a writer's lock as long as the console's connections do; when
    # teller.store.db is loaded its value wins (tests lower it there)
    import sys

    ms = getattr(sys.modules.get("teller.store.db"), "BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(ms)}")
    cur.close()


def open_reader(url: str):
    """An engine on an existing, set-up database, or None (missing, empty, or set up by an
    older version: open it with teller.store.db, which creates and upgrades)."""
    if url.startswith("sqlite:"):
        path = database_file(url)
        if path is None or not path.is_file():
            return None  # in-memory, or not created yet
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _busy_timeout)
    else:  # pragma: no cover - PostgreSQL when counters share a database
        engine = sa.create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            if not REPORT_TABLES <= set(sa.inspect(conn).get_table_names()):
                engine.dispose()
                return None
            if conn.execute(sa.text("SELECT value FROM meta WHERE key = 'schema_version'")).first() is None:
                engine.dispose()
                return None
    except BaseException:
        engine.dispose()
        raise
    return engine


def database_mode(engine) -> str | None:
    """What the database says it is (live / practice), as teller.store.db.database_mode reads it."""
    with engine.connect() as conn:
        mark = conn.execute(sa.text("SELECT value FROM meta WHERE key = :key"), {"key": MODE_KEY}).first()
        if mark is not None:
            return mark[0]
        modes = {row[0] for row in conn.execute(sa.text('SELECT DISTINCT mode FROM "transaction"'))}
    return "live" if "live" in modes else ("practice" if "practice" in modes else None)


def check_mode(engine, mode: str) -> None:
    """Refuse a live database in practice mode and a practice database in live mode (as db.check_mode)."""
    from teller.errors import TellerError
    from teller.strings import t

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    found = database_mode(engine)
    if found is not None and found != mode:
        path = database_file(str(engine.url)) if engine.dialect.name == "sqlite" else None
        where = str(path) if path else engine.url.render_as_string(hide_password=True)
        raise TellerError(t("db.is_live" if found == "live" else "db.is_practice", path=where))
