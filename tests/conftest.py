"""Shared fixtures: a teller home in a tmp folder, a fixed clock, settings and an open Desk.

The demo seed hashes about ten scrypt secrets, so one seeded database is built per session
and its file copied into each test's home (the Desk seeds only a new or clerk-less database).
"""

from __future__ import annotations

import dataclasses
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


@pytest.fixture(autouse=True)
def _no_outside_config(monkeypatch, tmp_path):
    """Tests never read the machine's teller settings, nor the working copy's database or spool:
    a test that names no home gets an empty one of its own, never the checkout."""
    monkeypatch.delenv("TELLER_CONFIG", raising=False)
    monkeypatch.setenv("TELLER_HOME", str(tmp_path / "unnamed-home"))


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """One demo-seeded database file for the whole session (copied per test)."""
    from teller.config import load_settings
    from teller.desk import Desk

    home = make_home(tmp_path_factory.mktemp("seed"))
    desk = Desk(load_settings(home=home), clock=FixedClock(DAY)).open()
    desk.close()
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
def home(tmp_path, seeded_db, seeded_practice_db) -> Path:
    h = make_home(tmp_path / "home")
    copy_db(seeded_db, h / "db" / "teller.db")
    copy_db(seeded_practice_db, h / "db" / "practice.db")
    return h


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
