"""The hash-chained audit trail: edits, deletions and insertions made in the SQLite file show."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from teller.cli.main import app
from teller.store import audit
from teller.store.models import AuditRecord
from tests.conftest import open_desk, start, walk
from tests.support.sql import db_connect

runner = CliRunner()
PAYMENT = ["13800138000", "王小明", None, "120", "150", None]


def db_file(settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def sql(settings, statement: str, *args):
    with db_connect(settings) as con:
        rows = con.execute(statement, args).fetchall()
    con.close()
    return rows


def verify(desk) -> audit.ChainReport:
    with Session(desk.engine) as session:
        return audit.verify(session=session)


@pytest.fixture
def trail(desk, clock):
    """A desk with a few entries: login, two payments (commit entries), a reprint, a lock."""
    for _ in range(2):
        walk(start(desk, "payment"), *PAYMENT)
        clock.advance(minutes=3)
    desk.audit("reprint", detail="01-20261123-0001")
    desk.lock(idle_s=300)
    ids = [r[0] for r in sql(desk.settings, "select id from audit order by id")]
    assert len(ids) >= 5
    return desk


def test_every_entry_links_to_the_one_before(trail):
    rows = sql(trail.settings, "select id, prev_hash, hash, action from audit order by id")
    assert rows[0][1] == audit.GENESIS
    for (_, _, before, _), (_, prev, own, _) in zip(rows, rows[1:]):
        assert prev == before and len(own) == 64
    assert [r[3] for r in rows][-6:] == ["login", "shift_open", "commit", "commit", "reprint", "lock"]
    report = verify(trail)
    assert report.ok and report.checked == len(rows)
    head = sql(trail.settings, "select value from meta where key='audit_head'")[0][0]
    # and on SQLite the MAC keyed with a file outside the database (PostgreSQL: no key file, see README)
    mac = ":" if trail.engine.dialect.name == "sqlite" else ""
    assert head.startswith(f"{rows[-1][0]}:{rows[-1][2]}{mac}")


def test_an_edited_row_is_reported_at_that_entry(trail):
    target = sql(trail.settings, "select id from audit where action='commit' order by id")[0][0]
    sql(trail.settings, "update audit set detail = replace(detail, '12000', '1200') where id=?", target)
    report = verify(trail)
    assert not report.ok and report.broken_at == target
    assert "修改" in report.reason or "changed" in report.reason


def test_an_edited_row_with_its_hash_recomputed_breaks_the_next_link(trail):
    ids = [r[0] for r in sql(trail.settings, "select id from audit order by id")]
    target = ids[1]
    sql(trail.settings, "update audit set actor='9001' where id=?", target)
    with Session(trail.engine) as session:  # a forger who knows the scheme rehashes the row
        rec = session.get(AuditRecord, target)
        forged = audit.entry_hash(rec)
    sql(trail.settings, "update audit set hash=? where id=?", forged, target)
    report = verify(trail)
    assert report.broken_at == ids[2]


def test_a_deleted_row_is_reported_at_the_entry_after_it(trail):
    ids = [r[0] for r in sql(trail.settings, "select id from audit order by id")]
    sql(trail.settings, "delete from audit where id=?", ids[2])
    report = verify(trail)
    assert report.broken_at == ids[3]
    assert str(ids[1]) in report.reason


def test_deleting_the_last_rows_is_reported_through_the_head(trail):
    ids = [r[0] for r in sql(trail.settings, "select id from audit order by id")]
    sql(trail.settings, "delete from audit where id>=?", ids[-2])
    report = verify(trail)
    assert not report.ok and report.broken_at == ids[-1]


def test_an_inserted_row_is_reported(trail):
    """A copy of an entry put back in the middle (a gap made by renumbering) and at the end."""
    ids = [r[0] for r in sql(trail.settings, "select id from audit order by id")]
    last = ids[-1]
    sql(trail.settings, "update audit set id = id + 100 where id >= ?", ids[3])  # make a gap after entry 3
    sql(trail.settings, "update meta set value = replace(value, ?, ?) where key='audit_head'", f"{last}:", f"{last + 100}:")
    sql(
        trail.settings,
        "insert into audit (id, at, actor, counter, action, detail, tx_id, prev_hash, hash) "
        "select ?, at, actor, counter, 'reprint', detail, tx_id, prev_hash, hash from audit where id=?",
        ids[3], ids[2],
    )
    report = verify(trail)
    assert not report.ok and report.broken_at == ids[3]


def test_an_entry_forged_at_the_end_is_reported_through_the_head(trail):
    """Even with a correct link and hash, an entry the program did not write is past the head."""
    with Session(trail.engine) as session:
        last = session.get(AuditRecord, sql(trail.settings, "select max(id) from audit")[0][0])
        fake = AuditRecord(id=last.id + 1, at=last.at, actor="1001", counter="01", action="void", detail="x", prev_hash=last.hash)
        fake.hash = audit.entry_hash(fake)
    sql(
        trail.settings,
        "insert into audit (id, at, actor, counter, action, detail, tx_id, prev_hash, hash) values (?, ?, ?, ?, ?, ?, null, ?, ?)",
        fake.id, sql(trail.settings, "select at from audit where id=?", last.id)[0][0], "1001", "01", "void", "x", fake.prev_hash, fake.hash,
    )
    report = verify(trail)
    assert not report.ok and report.broken_at == fake.id


def test_two_writers_never_fork_the_chain(settings, clock):
    """Two counters' desks appending at once: one chain, every link intact."""
    desks = [open_desk(settings, clock), open_desk(settings, clock, "1002", "2345")]

    def work(desk):
        for i in range(15):
            desk.audit("note", detail=str(i))

    threads = [threading.Thread(target=work, args=(d,)) for d in desks]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    try:
        report = verify(desks[0])
        assert report.ok
        prevs = [r[0] for r in sql(settings, "select prev_hash from audit")]
        assert len(prevs) == len(set(prevs))  # no two entries follow the same one
    finally:
        for d in desks:
            d.close()


@pytest.mark.sqlite_only  # a database of the release before the chain: SQLite was the only one then
def test_an_old_database_is_sealed_into_a_chain_on_upgrade(settings, clock):
    """A database from before the chain: the columns are added and its entries chained once."""
    from teller.desk import Desk

    path = db_file(settings)
    with sqlite3.connect(path) as con:
        con.executescript("drop table alembic_version; drop table hall_close; drop table service")  # a database of 0.1
        con.execute("alter table audit drop column prev_hash")
        con.execute("alter table audit drop column hash")
        con.execute("insert into audit (at, actor, counter, action, detail) values ('2026-11-22 02:00:00.000000', '1001', '01', 'login', '')")
        con.execute("insert into audit (at, actor, counter, action, detail) values ('2026-11-22 02:05:00.000000', '1001', '01', 'logout', '')")
    con.close()
    desk = Desk(settings, clock=clock).open()
    try:
        assert verify(desk).ok and verify(desk).checked == 2
        desk.login("1001", "1234")
        assert verify(desk).checked == 3
    finally:
        desk.close()


# ---- the CLI -------------------------------------------------------------------------------
def cli(home, *args):
    return runner.invoke(app, ["--home", str(home), *args])


def test_audit_verify_and_show_commands(trail, home):
    r = cli(home, "audit", "verify")
    assert r.exit_code == 0, r.output
    assert "intact" in r.stdout
    r = cli(home, "audit", "show", "--clerk", "1001", "--format", "json")
    assert r.exit_code == 0, r.output
    entries = json.loads(r.stdout)
    assert [e["action"] for e in entries] == ["login", "shift_open", "commit", "commit", "reprint", "lock"]
    assert all(e["actor"] == "1001" for e in entries) and len(entries[0]["hash"]) == 64
    assert entries[0]["time"].startswith("2026-11-23 10:00")
    r = cli(home, "audit", "show", "--since", "2026-11-24", "--format", "csv")
    assert r.exit_code == 0 and r.stdout.strip().splitlines() == ["id,time,actor,counter,action,detail,tx_id,hash,prev_hash"]
    r = cli(home, "audit", "show", "--action", "commit")
    assert r.exit_code == 0 and r.stdout.count("commit") == 2
    target = entries[2]["id"]
    sql(trail.settings, "update audit set detail='tampered' where id=?", target)
    r = cli(home, "audit", "verify")
    assert r.exit_code == 1
    assert f"entry {target}" in r.stderr
