"""`customers import` writes in short chunks: a counter never waits long for it, and the
import stays all or nothing (a failure half-way or a kill takes the written chunks out)."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from teller.counter import customer_import
from tests.campaigns.data import big_csv
from tests.conftest import DAY
from tests.support.sql import db_connect


def count_imported(home, prefix="157") -> int:
    with db_connect(home) as con:
        return con.execute("SELECT COUNT(*) FROM customer WHERE number LIKE ?", (prefix + "%",)).fetchone()[0]


def markers(home) -> int:
    with db_connect(home) as con:
        return con.execute("SELECT COUNT(*) FROM meta WHERE key LIKE 'customer_import:%'").fetchone()[0]


@pytest.mark.sqlite_only  # times SQLite's BEGIN IMMEDIATE beside the import
def test_a_large_import_never_holds_the_write_lock_for_long(desk, home, tmp_path, monkeypatch):
    monkeypatch.setattr(customer_import, "CHUNK_ROWS", 300)
    path = big_csv(tmp_path / "big.csv", 3000)
    waits: list[float] = []
    stop = threading.Event()

    def other_writer() -> None:  # another counter: BEGIN IMMEDIATE over and over, timed
        con = sqlite3.connect(home / "db" / "teller.db", isolation_level=None, timeout=30)
        while not stop.is_set():
            t0 = time.monotonic()
            con.execute("BEGIN IMMEDIATE")
            waits.append(time.monotonic() - t0)
            con.execute("COMMIT")
            time.sleep(0.005)
        con.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        result = customer_import.import_customers(engine=desk.engine, path=path, skip_invalid=False, actor="admin", counter="ops", now=DAY)
    finally:
        stop.set()
        thread.join()
    assert result.imported == 3000 and not result.errors
    assert count_imported(home) == 3000 and markers(home) == 0
    assert len(waits) > 10 and max(waits) < 1.0  # the lock was never held a second at a time


def test_a_number_taken_half_way_takes_the_written_chunks_out_again(desk, home, tmp_path, monkeypatch):
    from teller.errors import TellerError

    monkeypatch.setattr(customer_import, "CHUNK_ROWS", 100)
    path = big_csv(tmp_path / "big.csv", 450)
    real = customer_import.write_in_chunks

    def taken_meanwhile(engine, records, **kw):  # a counter opens the 350th number after the check
        with db_connect(home) as con:
            con.execute("INSERT INTO customer SELECT ?, name, id_type, id_number, male, brand, plan_code, pending_plan_code, status,"
                        " balance_fen, month_charges_fen, prepaid_1st_fen, last_unpaid_fen, points, local, password_hash, sim_serial,"
                        " contact, opened_at FROM customer WHERE number='13800138000'", (records[349].number,))
        return real(engine, records, **kw)

    monkeypatch.setattr(customer_import, "write_in_chunks", taken_meanwhile)
    with pytest.raises(TellerError):
        customer_import.import_customers(engine=desk.engine, path=path, skip_invalid=False, actor="admin", counter="ops", now=DAY)
    assert count_imported(home) == 1  # only the counter's own subscriber: the 300 written were taken out
    assert markers(home) == 0


def test_an_import_killed_half_way_is_taken_out_by_the_next_one(desk, home, tmp_path, monkeypatch):
    monkeypatch.setattr(customer_import, "CHUNK_ROWS", 100)
    path = big_csv(tmp_path / "big.csv", 450)
    calls = {"n": 0}
    real = customer_import.session_scope

    class Killed(BaseException):
        pass

    def dying(engine):  # the process dies before the fourth chunk's transaction
        calls["n"] += 1
        if calls["n"] == 4:
            raise Killed
        return real(engine)

    monkeypatch.setattr(customer_import, "session_scope", dying)
    monkeypatch.setattr(customer_import, "recover_imports", lambda engine: 0)  # no clean-up: as after kill -9
    with pytest.raises(Killed):
        customer_import.import_customers(engine=desk.engine, path=path, skip_invalid=False, actor="admin", counter="ops", now=DAY)
    monkeypatch.undo()
    assert count_imported(home) == 300 and markers(home) == 1  # three chunks and their marker
    assert customer_import.recover_imports(desk.engine) == 300
    assert count_imported(home) == 0 and markers(home) == 0
