"""Shared fixtures: a teller home in a tmp folder, a fixed clock, settings and an open Desk.

The demo seed hashes about ten scrypt secrets, so one seeded database is built per session
and its file copied into each test's home (the Desk seeds only a new or clerk-less database).

Two databases: the suite runs on SQLite by default; `--db=postgresql` (or
TELLER_TEST_DB=postgresql) runs it on a real PostgreSQL server started for the session
(tests/support/pg.py), `--db=sqlite,postgresql` on both. Every test that takes `home` gets the
`db_kind` parameter: on PostgreSQL its home's database is a fresh copy of a seeded template
database, named by TELLER_DATABASE_URL (so the CLI and subprocesses open it too). Tests of a
SQLite file as such (its lock, its pages, its backup API) carry `@pytest.mark.sqlite_only`
and are left out of the PostgreSQL pass (deselected, not skipped). Outside CI, when no server
can be started the PostgreSQL tests skip with the reason; with CI=true that is a failure.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.homes import copy_sources

from teller.clock import FixedClock, hall_zone

REPO = Path(__file__).resolve().parents[1]
DAY = datetime(2026, 11, 23, 10, 0, tzinfo=hall_zone("Asia/Shanghai"))


def make_home(root: Path) -> Path:
    """A teller home: copies of the repository's procedures and receipt layouts."""
    root.mkdir(parents=True, exist_ok=True)
    copy_sources(root)
    return root


def copy_db(src: Path, dest: Path) -> None:
    """Copy a SQLite database consistently (backup API; safe with WAL)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(src) as s, sqlite3.connect(dest) as d:
        s.backup(d)
    s.close()
    d.close()


DB_KINDS = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption(
        "--db", default=None,
        help="database(s) the suite runs on: sqlite (default), postgresql, or sqlite,postgresql (env TELLER_TEST_DB)",
    )


def _kinds(config) -> list[str]:
    raw = config.getoption("--db") or os.environ.get("TELLER_TEST_DB") or "sqlite"
    kinds = [k.strip().lower() for k in raw.replace("+", ",").split(",") if k.strip()]
    kinds = ["postgresql" if k in ("pg", "postgres") else k for k in kinds]
    bad = [k for k in kinds if k not in DB_KINDS]
    if bad or not kinds:
        raise pytest.UsageError(f"--db / TELLER_TEST_DB: unknown database {bad}; use sqlite, postgresql or both")
    return kinds


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: tests a SQLite file as such; not run in the PostgreSQL pass")
    config.addinivalue_line("markers", "postgresql_only: needs the PostgreSQL server (runs in the PostgreSQL pass)")


def _allowed(item_or_def, kinds: list[str]) -> list[str]:
    if item_or_def.get_closest_marker("sqlite_only"):
        kinds = [k for k in kinds if k == "sqlite"]
    if item_or_def.get_closest_marker("postgresql_only"):
        kinds = [k for k in kinds if k == "postgresql"]
    return kinds


def pytest_generate_tests(metafunc):
    """With both databases selected, each test that takes `home` runs once on each."""
    kinds = _kinds(metafunc.config)
    if "db_kind" in metafunc.fixturenames and len(kinds) > 1:
        allowed = _allowed(metafunc.definition, kinds)
        if allowed:
            metafunc.parametrize("db_kind", allowed, scope="session")


def pytest_collection_modifyitems(config, items):
    """Leave out (deselect) what the selected database(s) do not run: a SQLite-file test in the
    PostgreSQL pass; in a PostgreSQL-only pass, the tests that touch no database (they ran in
    the SQLite pass)."""
    kinds = _kinds(config)
    keep, drop = [], []
    for item in items:
        uses = "db_kind" in getattr(item, "fixturenames", ())
        if uses and not _allowed(item, kinds):
            drop.append(item)
        elif not uses and kinds == ["postgresql"] and not item.get_closest_marker("postgresql_only"):
            drop.append(item)
        elif not uses and item.get_closest_marker("postgresql_only") and "postgresql" not in kinds:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def db_kind(request) -> str:
    """The database the test's home uses: sqlite or postgresql (parametrised when both run)."""
    return getattr(request, "param", None) or _kinds(request.config)[0]


@pytest.fixture(autouse=True)
def _no_outside_config(monkeypatch, tmp_path):
    """Tests never read the machine's teller settings, nor the working copy's database or spool:
    a test that names no home gets an empty one of its own, never the checkout."""
    monkeypatch.delenv("TELLER_CONFIG", raising=False)
    monkeypatch.setenv("TELLER_HOME", str(tmp_path / "unnamed-home"))
    monkeypatch.delenv("TELLER_DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the session (skip outside CI when none can start; fail in CI)."""
    from tests.support.pg import PgServer, PgUnavailable

    try:
        server = PgServer.start()
    except PgUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI: no PostgreSQL server could be started: {exc}")
        pytest.skip(f"no PostgreSQL server could be started: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_seeded(pg_server, tmp_path_factory) -> str:
    """The name of a demo-seeded template database on the session's server."""
    from teller.store import db

    url = pg_server.create_database("seed")
    db.create_database(url, seed_demo=True, now=DAY)
    return "seed"


@pytest.fixture
def pg_url(pg_server, pg_seeded):
    """A fresh copy of the seeded database, named by TELLER_DATABASE_URL; dropped after the test.

    (Its own MonkeyPatch: a test's `monkeypatch.undo()` must not take the database away.)"""
    from tests.support.pg import dbname_of

    url = pg_server.create_database(template=pg_seeded)
    env = pytest.MonkeyPatch()
    env.setenv("TELLER_DATABASE_URL", url)
    yield url
    env.undo()
    pg_server.drop_database(dbname_of(url))


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """One demo-seeded database file for the whole session (copied per test)."""
    from teller.config import load_settings
    from teller.store import db

    home = make_home(tmp_path_factory.mktemp("seed"))
    db.create_database(load_settings(home=home).database_url, seed_demo=True, now=DAY)  # as `db init` does
    path = home / "db" / "teller.db"
    out = tmp_path_factory.mktemp("seeddb") / "teller.db"
    copy_db(path, out)
    return out


@pytest.fixture(scope="session")
def seeded_practice_db(tmp_path_factory) -> Path:
    """The same demo data in a database made in practice mode (a database records its mode)."""
    from teller.config import load_settings
    from teller.desk import Desk

    home = make_home(tmp_path_factory.mktemp("seedp"))
    desk = Desk(load_settings(home=home).for_practice(), clock=FixedClock(DAY)).open()
    desk.close()
    out = tmp_path_factory.mktemp("seedpdb") / "practice.db"
    copy_db(home / "db" / "practice.db", out)
    return out


@pytest.fixture
def home(tmp_path, seeded_db, seeded_practice_db, db_kind, request) -> Path:
    """A teller home with the demo hall: its own SQLite file, or (PostgreSQL pass) a fresh copy
    of the seeded PostgreSQL database named by TELLER_DATABASE_URL; practice stays on SQLite."""
    h = make_home(tmp_path / "home")
    if db_kind == "postgresql":
        request.getfixturevalue("pg_url")
    else:
        copy_db(seeded_db, h / "db" / "teller.db")
    copy_db(seeded_practice_db, h / "db" / "practice.db")
    return h


@pytest.fixture
def database_url(home, settings) -> str:
    """The URL of the home's live database (SQLite file or PostgreSQL)."""
    return settings.database_url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DAY)


@pytest.fixture
def settings(home):
    from teller.config import load_settings

    return load_settings(home=home)


#: the float the demo desk opens its shift with: 2×100, 4×50, 5×20, 5×10, 4×5, 20×1 yuan, 10×5 jiao
FLOAT = {10000: 2, 5000: 4, 2000: 5, 1000: 5, 500: 4, 100: 20, 50: 10, 10: 0}
FLOAT_FEN = 59500


def open_desk(settings, clock, staff_no: str = "1001", pin: str = "1234", *, shift: bool = True):
    """A logged-in desk; with `shift`, the counter's shift is opened with FLOAT if none is open."""
    from teller.desk import Desk

    desk = Desk(settings, clock=clock).open()
    desk.login(staff_no, pin)
    if shift and not desk.practice and desk.current_shift() is None:
        desk.open_shift(FLOAT)
    return desk


@pytest.fixture
def desk(settings, clock):
    d = open_desk(settings, clock)
    yield d
    d.close()


def walk(run, *values):
    """Submit values in order (None presses Enter on a step that takes no input)."""
    for value in values:
        run.submit(value)
    return run


def start(desk, procedure_id: str):
    from teller.procedures.engine import Run

    return Run(desk.procedures[procedure_id], desk)


def network_settings(settings, printer, *, timeout: float = 2.0):
    """The same settings, printing to a (fake) network printer."""
    return dataclasses.replace(
        settings,
        printer=dataclasses.replace(settings.printer, backend="network", host=printer.host, port=printer.port, timeout=timeout),
    )
