"""Alembic on both databases: a database of the release before (0.1, with data in it) upgrades
and keeps every row and its audit chain; a new database gets every migration; the models and
the migrations agree (autogenerate finds nothing); `teller-admin db upgrade` says what it did."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from teller.cli.main import app
from teller.store import audit, db, schema
from tests.conftest import REPO

RELEASE_0_1 = REPO / "tests" / "fixtures" / "release_0_1.sql"
runner = CliRunner()


def load_release_0_1(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(RELEASE_0_1.read_text(encoding="utf-8"))
    con.close()


def rows_of(engine, sql: str):
    import sqlalchemy as sa

    with engine.connect() as con:
        return [tuple(r) for r in con.execute(sa.text(sql))]


def test_models_and_migrations_agree(database_url):
    """The CI check: a database made by the migrations alone is what the models describe."""
    engine = db.open_engine(database_url)
    try:
        assert schema.current(engine) == schema.head()
        assert schema.differences(engine) == []
    finally:
        engine.dispose()


def test_the_head_the_store_knows_is_alembics():
    assert schema.HEAD == schema.head()


def test_a_new_database_gets_every_migration_from_empty(tmp_path, db_kind, request):
    if db_kind == "postgresql":
        url = request.getfixturevalue("pg_server").create_database()
    else:
        url = f"sqlite:///{tmp_path / 'new.db'}"
    engine = db.open_engine(url)
    try:
        assert schema.current(engine) is None
        applied = schema.upgrade(engine)
        assert applied == ["0001", "0002", "0003", "0004"] and schema.current(engine) == schema.head() == "0004"
        assert schema.differences(engine) == []
        assert schema.upgrade(engine) == []  # nothing twice
    finally:
        engine.dispose()


@pytest.mark.sqlite_only  # teller 0.1 only ever ran on SQLite (PostgreSQL: the test below)
def test_a_database_of_release_0_1_upgrades_with_its_data_and_chain(tmp_path):
    path = tmp_path / "teller.db"
    load_release_0_1(path)
    engine = db.open_engine(f"sqlite:///{path}")
    try:
        before = {t: rows_of(engine, f'SELECT * FROM "{t}" ORDER BY 1') for t in ("transaction", "customer", "audit", "void", "receipt_job", "fee_line")}
        applied = schema.upgrade(engine)
        assert applied == ["0001 (stamped: teller 0.1)", "0002", "0003", "0004"]
        assert schema.current(engine) == "0004" and schema.differences(engine) == []
        for table, rows in before.items():  # every row kept as it was
            assert rows_of(engine, f'SELECT * FROM "{table}" ORDER BY 1') == rows, table
        receipts = [r[0] for r in rows_of(engine, 'SELECT receipt_no FROM "transaction" ORDER BY id')]
        assert receipts == ["01-20261123-0001", "01-20261123-0002", "01-20261123-0003"]
        assert rows_of(engine, "SELECT status FROM \"transaction\" WHERE receipt_no = '01-20261123-0003'") == [("voided",)]
        assert rows_of(engine, "SELECT count(*) FROM hall_close") == [(0,)]
        with Session(engine) as session:
            report = audit.verify(session=session)
        assert report.ok and report.checked == len(before["audit"])
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_the_console_opens_a_release_0_1_database_and_keeps_working(tmp_path, clock):
    from teller.config import load_settings
    from tests.conftest import make_home, open_desk
    from tests.support.flows import pay

    home = make_home(tmp_path / "home")
    (home / "db").mkdir()
    load_release_0_1(home / "db" / "teller.db")
    desk = open_desk(load_settings(home=home), clock)  # opens, upgrades (Alembic), the shift is still open
    committed = pay(desk)
    assert committed.receipt_no == "01-20261123-0004"  # the counter's day goes on from 0.1's receipts
    with Session(desk.engine) as session:
        assert audit.verify(session=session).ok
    desk.close()


@pytest.mark.postgresql_only
def test_release_0_1_data_moved_to_postgresql_at_0001_then_upgraded(tmp_path, pg_server):
    """A hall moving to PostgreSQL: 0.1's rows copied into a database at revision 0001, then the
    migrations after it run there; the rows and the audit chain come through."""
    import sqlalchemy as sa

    path = tmp_path / "teller.db"
    load_release_0_1(path)
    source = db.open_engine(f"sqlite:///{path}")
    target = db.open_engine(pg_server.create_database())
    try:
        assert schema.upgrade(target, "0001") == ["0001"]
        meta = sa.MetaData()
        meta.reflect(bind=target)
        with source.connect() as src, target.begin() as dst:
            for table in meta.sorted_tables:
                if table.name == "alembic_version":
                    continue
                rows = [dict(r._mapping) for r in src.execute(sa.select(sa.table(table.name, *[sa.column(c.name) for c in table.columns])))]
                for row in rows:  # SQLite's 0/1 and ISO text, typed as the column takes them
                    for col in table.columns:
                        if isinstance(col.type, sa.Boolean) and row[col.name] is not None:
                            row[col.name] = bool(row[col.name])
                if rows:
                    dst.execute(table.insert(), rows)
            for table in meta.sorted_tables:  # the id sequences carry on after the copied rows
                if "id" in table.columns and isinstance(table.columns["id"].type, sa.Integer) and table.name != "alembic_version":
                    name = table.name
                    seq = f"pg_get_serial_sequence('\"{name}\"', 'id')"
                    dst.execute(sa.text(f'SELECT setval({seq}, COALESCE(MAX(id), 0) + 1, false) FROM "{name}"'))
        assert schema.upgrade(target) == ["0002", "0003", "0004"]
        assert schema.differences(target) == []
        assert rows_of(target, 'SELECT receipt_no, status FROM "transaction" ORDER BY id') == [
            ("01-20261123-0001", "completed"), ("01-20261123-0002", "completed"), ("01-20261123-0003", "voided")]
        with Session(target) as session:
            report = audit.verify(session=session)
        assert report.ok, report.reason
    finally:
        source.dispose()
        target.dispose()


def test_db_upgrade_says_what_it_did(home):
    done = runner.invoke(app, ["--home", str(home), "db", "upgrade"])
    assert done.exit_code == 0, done.output
    assert "Already at the newest schema (0004)" in done.stdout
