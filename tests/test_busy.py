"""A database locked by another process longer than busy_timeout never ends a visit.

The lock is held by a real second process (BEGIN IMMEDIATE on its own connection; on
PostgreSQL the hall's write lock, the advisory lock every write takes first) for longer than
the busy timeout (SQLite's busy_timeout, PostgreSQL's lock_timeout), which the tests lower
to 100 ms to stay short.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from teller.store import db
from tests.conftest import open_desk, start, walk
from tests.support.flows import WANG

HOLDER = r"""
import sqlite3, sys, time
if sys.argv[1].startswith("postgresql"):
    import sqlalchemy as sa
    engine = sa.create_engine(sys.argv[1])
    with engine.begin() as con:
        con.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(sys.argv[3])})
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
else:
    con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
    con.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    con.execute("COMMIT")
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    """A second process holding the write lock for `seconds` (returns once it holds it).

    `path` is the home's SQLite file; in the PostgreSQL pass (no file) the home's database."""
    from tests.support.sql import url_of

    target = str(path) if path.exists() else url_of(path.parent.parent)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, target, str(seconds), str(db.HALL_WRITE_LOCK)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.fixture
def short_busy(monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 100)


def tx_count(home: Path) -> int:
    from tests.support.sql import db_connect

    with db_connect(home) as con:
        return con.execute('SELECT COUNT(*) FROM "transaction"').fetchone()[0]


def payment_at_confirm(desk):
    run = walk(start(desk, "payment"), WANG, "王小明")
    if run.step.id.startswith("account_"):
        run.submit()
    walk(run, "10", "10")
    assert run.step.id == "confirm"
    return run


def test_commit_waits_out_a_lock_longer_than_busy_timeout_and_lands_once(home, settings, clock, short_busy):
    desk = open_desk(settings, clock)
    run = payment_at_confirm(desk)
    before = tx_count(home)
    told: list[int] = []
    desk.on_busy = told.append
    holder = hold_lock(home / "db" / "teller.db", 1.5)
    started = time.monotonic()
    run.submit()  # would raise OperationalError after 100 ms without the retry
    waited = time.monotonic() - started
    holder.wait(10)
    assert run.committed is not None
    assert waited >= 1.0  # it really waited for the other process
    assert told and told[0] == 1  # the clerk was told, once per retry
    assert tx_count(home) == before + 1
    run.commit()  # the same visit again (Enter pressed twice): still one transaction
    assert tx_count(home) == before + 1
    desk.close()


def test_cancel_while_waiting_writes_nothing_and_keeps_the_answers(home, settings, clock, short_busy):
    from teller.store.busy import WriteCancelled

    desk = open_desk(settings, clock)
    run = payment_at_confirm(desk)
    before = tx_count(home)
    desk.on_busy = lambda n: desk.cancel_commit.set()  # the clerk presses Esc at the first message
    holder = hold_lock(home / "db" / "teller.db", 3)
    with pytest.raises(WriteCancelled):
        run.submit()
    holder.kill()
    holder.wait(10)
    assert tx_count(home) == before and run.committed is None
    assert run.step.id == "confirm" and run.answers["amount"] == 1000  # answers kept
    desk.cancel_commit.clear()
    desk.on_busy = None
    run.submit()  # Enter again once the database is free: it lands
    assert run.committed is not None and tx_count(home) == before + 1
    desk.close()


def test_gives_up_clearly_after_the_deadline(home, settings, clock, short_busy, monkeypatch):
    from teller.store import busy

    monkeypatch.setattr(busy, "COMMIT_DEADLINE_S", 0.5)
    desk = open_desk(settings, clock)
    run = payment_at_confirm(desk)
    before = tx_count(home)
    holder = hold_lock(home / "db" / "teller.db", 3)
    with pytest.raises(busy.DatabaseBusy) as err:
        run.submit()
    holder.kill()
    holder.wait(10)
    assert "未提交" in err.value.message
    assert tx_count(home) == before and run.committed is None and run.step.id == "confirm"
    desk.close()


def test_login_pin_count_and_audit_wait_for_the_lock(home, settings, clock, short_busy):
    from teller.desk import Desk
    from teller.errors import AuthError

    desk = Desk(settings, clock=clock).open()
    holder = hold_lock(home / "db" / "teller.db", 1.0)
    with pytest.raises(AuthError):
        desk.login("1001", "0000")  # a wrong PIN: counted after the lock is released
    holder.wait(10)
    from tests.support.sql import db_connect

    with db_connect(home) as con:
        assert con.execute("SELECT failed_logins FROM clerk WHERE staff_no='1001'").fetchone()[0] == 1
    holder = hold_lock(home / "db" / "teller.db", 1.0)
    desk.login("1001", "1234")
    holder.wait(10)
    assert desk.clerk == "1001"
    desk.close()


async def test_the_clerk_sees_busy_retrying_and_the_visit_lands(home, short_busy) -> None:
    from tests.test_ui import answer, login, make_app, start as start_on_screen, text_of, until

    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start_on_screen(app, pilot, "缴费")
        await pilot.press(*WANG, "enter")
        await pilot.pause()
        await answer(pilot, app, "王小明")
        await answer(pilot, app)
        await answer(pilot, app, "10")
        await answer(pilot, app, "10")
        before = tx_count(home)
        assert app.screen.run.step.id == "confirm"
        holder = hold_lock(home / "db" / "teller.db", 5.0)  # long enough to be seen on a loaded machine
        await pilot.press("enter")
        await until(pilot, lambda: "数据库正忙" in text_of(app, "#result"), tries=400)
        assert app.screen.run.committed is None
        await until(pilot, lambda: app.screen.run.committed is not None and not app.screen.busy, tries=400)
        holder.wait(10)
        assert tx_count(home) == before + 1
        assert "数据库正忙" not in text_of(app, "#result")
