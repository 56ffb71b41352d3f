"""Practice never opens the live database: by identity (real file, inode, the mode it records), not by spelling."""

from __future__ import annotations

import hashlib
import os
import sqlite3

import pytest

from teller.config import load_settings
from teller.desk import Desk
from teller.errors import TellerError
from tests.conftest import copy_db


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _spellings(home, tmp_path):
    live = home / "db" / "teller.db"
    link = tmp_path / "innocent.db"
    link.symlink_to(live)
    return {
        "dot": f"sqlite:///{home}/db/./teller.db",
        "dotdot": f"sqlite:///{home}/db/../db/teller.db",
        "double_slash": f"sqlite:///{home}//db//teller.db",
        "symlink": f"sqlite:///{link}",
        "relative": "sqlite:///db/teller.db",  # run from the home folder
        "file_uri": f"sqlite:///file:{live}?uri=true",
        "file_uri_relative": "sqlite:///file:db/../db/teller.db?uri=true&mode=rw",
    }


@pytest.mark.sqlite_only  # a SQLite file's spellings and identity
@pytest.mark.parametrize(
    "spelling", ["dot", "dotdot", "double_slash", "symlink", "relative", "file_uri", "file_uri_relative"]
)
def test_every_spelling_of_the_live_path_is_refused_and_the_live_file_untouched(home, tmp_path, monkeypatch, clock, spelling):
    monkeypatch.chdir(home)
    live = home / "db" / "teller.db"
    before = _digest(live)
    url = _spellings(home, tmp_path)[spelling]
    practice = load_settings(home=home, practice_database_url=url).for_practice()
    assert practice.database_url != practice.live_database_url  # the old string guard let it through
    with pytest.raises(TellerError) as refused:
        Desk(practice, clock=clock).open()
    assert "练习模式不能打开" in refused.value.message
    assert str(live) in refused.value.message
    assert _digest(live) == before
    assert not (home / "db" / "teller.db-wal").exists()  # never even connected


@pytest.mark.sqlite_only  # a SQLite file's spellings and identity
def test_a_hard_link_to_the_live_file_is_the_live_file(home, tmp_path, clock):
    live = home / "db" / "teller.db"
    before = _digest(live)
    os.link(live, tmp_path / "copy.db")
    practice = load_settings(home=home, practice_database_url=f"sqlite:///{tmp_path / 'copy.db'}").for_practice()
    with pytest.raises(TellerError):
        Desk(practice, clock=clock).open()
    assert _digest(live) == before


@pytest.mark.sqlite_only  # a SQLite file's spellings and identity
def test_a_copy_of_the_live_database_says_it_is_live(home, tmp_path, clock):
    """A different file (another inode) is still refused: the database records what it is."""
    copy_db(home / "db" / "teller.db", tmp_path / "elsewhere.db")
    practice = load_settings(home=home, practice_database_url=f"sqlite:///{tmp_path / 'elsewhere.db'}").for_practice()
    with pytest.raises(TellerError) as refused:
        Desk(practice, clock=clock).open()
    assert "正式营业数据库" in refused.value.message
    with sqlite3.connect(tmp_path / "elsewhere.db") as con:
        assert con.execute("select value from meta where key='database_mode'").fetchone() == ("live",)
    con.close()


def test_a_practice_database_is_refused_as_the_live_one(home, clock):
    live_settings = load_settings(home=home, database_url=f"sqlite:///{home / 'db' / 'practice.db'}")
    with pytest.raises(TellerError) as refused:
        Desk(live_settings, clock=clock).open()
    assert "练习数据库" in refused.value.message


def test_new_databases_record_their_mode_and_practice_still_works(tmp_path, clock):
    from tests.conftest import make_home

    from teller.store import db

    h = make_home(tmp_path / "fresh")
    settings = load_settings(home=h)
    db.create_database(settings.database_url, seed_demo=True, now=clock.now())  # teller-admin db init
    Desk(settings, clock=clock).open().close()
    Desk(settings.for_practice(), clock=clock).open().close()
    for name, mode in (("teller.db", "live"), ("practice.db", "practice")):
        with sqlite3.connect(h / "db" / name) as con:
            assert con.execute("select value from meta where key='database_mode'").fetchone() == (mode,)
        con.close()
    Desk(settings.for_practice(), clock=clock).open().close()  # and opens again


@pytest.mark.sqlite_only  # a SQLite file's spellings and identity
def test_an_older_unmarked_database_is_judged_by_its_transactions(home, tmp_path, clock):
    """A database from before the mark: live transactions in it make it live."""
    from tests.conftest import open_desk
    from tests.support.flows import pay

    desk = open_desk(load_settings(home=home), clock)
    pay(desk)
    desk.close()
    db = tmp_path / "old.db"
    copy_db(home / "db" / "teller.db", db)
    with sqlite3.connect(db) as con:
        con.execute("delete from meta where key='database_mode'")
    con.close()
    before = _digest(db)
    practice = load_settings(home=home, practice_database_url=f"sqlite:///{db}").for_practice()
    with pytest.raises(TellerError) as refused:
        Desk(practice, clock=clock).open()
    assert "正式营业数据库" in refused.value.message
    with sqlite3.connect(db) as con:
        assert con.execute("select value from meta where key='database_mode'").fetchone() is None  # nothing written
        assert con.execute("select count(*) from \"transaction\" where mode='live'").fetchone() == (1,)
    con.close()
    Desk(load_settings(home=home, database_url=f"sqlite:///{db}"), clock=clock).open().close()  # live: accepted, marked
    with sqlite3.connect(db) as con:
        assert con.execute("select value from meta where key='database_mode'").fetchone() == ("live",)
    con.close()
    assert before


@pytest.mark.postgresql_only
def test_a_postgresql_database_records_its_mode_and_practice_refuses_it(home, clock):
    """On PostgreSQL there is no file to compare: the server, port and database name are, and
    the database's own mark in its meta table."""
    from tests.support.sql import db_connect

    live = load_settings(home=home)
    assert live.database_url.startswith("postgresql")
    with db_connect(home) as con:
        assert con.execute("select value from meta where key='database_mode'").fetchone() == ("live",)
    practice = load_settings(home=home, practice_database_url=live.database_url).for_practice()
    with pytest.raises(TellerError) as refused:
        Desk(practice, clock=clock).open()
    assert "正式营业数据库" in refused.value.message
    with db_connect(home) as con:
        con.execute("update meta set value='practice' where key='database_mode'")
    with pytest.raises(TellerError) as refused:
        Desk(live, clock=clock).open()
    assert "练习数据库" in refused.value.message
