"""The database's schema through Alembic, on SQLite and PostgreSQL alike.

    upgrade(engine)        every migration not applied yet (teller-admin db upgrade, db init,
                           and each open of the database)
    current(engine)        the revision the database is at (None: not under Alembic yet)
    differences(engine)    what autogenerate finds between the models and the database
                           (empty when the migrations made exactly the models' tables)

A database of teller 0.1 (tables, no `alembic_version`) is first brought up to that
release's newest shape by the old fix-ups of teller.store.migrate (columns added since, the
print journal rebuilt, the audit chain sealed, the report indexes) and stamped at revision
0001; the migrations after it then run as for any database. On PostgreSQL an upgrade holds
the hall's write lock, so counters opening the database at the same moment upgrade it once.
"""

from __future__ import annotations

from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
#: the newest revision (tests/test_migrations.py checks it is Alembic's head): a database already
#: there is opened without loading Alembic at all
HEAD = "0004"


def is_current(engine) -> bool:
    """Whether the database is at HEAD (one query; Alembic is not imported)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with engine.connect() as con:
            return con.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    except SQLAlchemyError:
        return False


def _config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as con:
        return MigrationContext.configure(con).get_current_revision()


def _is_release_0_1(engine) -> bool:
    from sqlalchemy import inspect

    tables = set(inspect(engine).get_table_names())
    return "alembic_version" not in tables and bool(tables & {"meta", "transaction", "customer", "clerk"})


def upgrade(engine, revision: str = "head") -> list[str]:
    """Run the migrations up to `revision`; returns the revisions applied (oldest first)."""
    from alembic import command
    from sqlalchemy import text

    applied: list[str] = []
    if _is_release_0_1(engine):
        from teller.store import migrate

        migrate.to_release_0_1(engine)
        with engine.begin() as con:
            command.stamp(_config(con), BASELINE)
        applied.append(f"{BASELINE} (stamped: teller 0.1)")
    before = current(engine)
    with engine.begin() as con:
        if con.dialect.name == "postgresql":
            from teller.store.db import HALL_WRITE_LOCK

            con.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": HALL_WRITE_LOCK})
        command.upgrade(_config(con), revision)
    after = current(engine)
    if after != before:
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(_config())
        revs = [r.revision for r in script.iterate_revisions(after, before)]
        applied.extend(reversed(revs))
    return applied


def differences(engine) -> list:
    """What Alembic's autogenerate sees between the models and this database: [] when they agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import teller.store.db  # noqa: F401 - every table registered

    with engine.connect() as con:
        ctx = MigrationContext.configure(con, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)
