"""The audit trail covers the books: each tampering the issue names is detected by verify."""

from __future__ import annotations

import pytest

import os
import stat

from sqlmodel import Session
from typer.testing import CliRunner

from teller.cli.main import app
from teller.store import audit
from tests.test_audit import PAYMENT, db_file, sql, trail, verify  # noqa: F401 - the fixture
from tests.conftest import start, walk
from tests.support.flows import WANG


def anchor(desk) -> str:
    with Session(desk.engine) as session:
        return audit.anchor_of(session)


def verify_with(desk, anchor_text: str) -> audit.ChainReport:
    with Session(desk.engine) as session:
        return audit.verify(session=session, anchor=anchor_text)


def test_untouched_books_verify_intact_and_the_key_lives_outside_the_database_0600(trail):
    """SQLite: <home>/keys/teller.db.audit-key beside <home>/db/; PostgreSQL: <home>/keys/<database>.audit-key."""
    assert verify(trail).ok
    key = audit.key_file(trail.engine)
    assert key == trail.settings.home / "keys" / f"{trail.engine.url.database.rsplit('/', 1)[-1]}.audit-key"
    assert key.exists() and stat.S_IMODE(os.stat(key).st_mode) == 0o600
    head = sql(trail.settings, "select value from meta where key = 'audit_head'")[0][0]
    assert len(head.split(":")[2]) == 64  # the head carries its MAC on both databases


def test_deleting_the_newest_entry_and_rewriting_the_head_is_detected(trail):
    last_id, prev = sql(trail.settings, "select id, prev_hash from audit order by id desc limit 1")[0]
    sql(trail.settings, "delete from audit where id = ?", last_id)
    sql(trail.settings, "update meta set value = ? where key = 'audit_head'", f"{last_id - 1}:{prev}")  # no MAC
    report = verify(trail)
    assert not report.ok
    # even with a MAC-looking value, the key is not known to whoever rewrote it
    sql(trail.settings, "update meta set value = ? where key = 'audit_head'", f"{last_id - 1}:{prev}:{'0' * 64}")
    report = verify(trail)
    assert not report.ok and "密钥" in report.reason


def test_truncation_is_detected_against_an_anchor_given_to_verify(trail):
    printed = anchor(trail)  # printed on a slip earlier
    assert verify_with(trail, printed).ok
    sql(trail.settings, "delete from audit")
    sql(trail.settings, "delete from meta where key in ('audit_head', 'audit_books_from')")
    report = verify_with(trail, printed)
    assert not report.ok and printed in report.reason


def test_emptying_the_audit_table_is_detected(trail):
    sql(trail.settings, "delete from audit")
    sql(trail.settings, "delete from meta where key = 'audit_head'")
    report = verify(trail)
    assert not report.ok and "没有对应的审计记录" in report.reason


def test_editing_a_transaction_amount_is_detected(trail):
    sql(trail.settings, 'update "transaction" set amount_due_fen = amount_due_fen - 100 where id = (select min(id) from "transaction")')
    report = verify(trail)
    assert not report.ok and "01-20261123-0001" in report.reason


def test_editing_a_fee_line_is_detected(trail):
    sql(trail.settings, "update fee_line set amount_fen = 1 where id = (select min(id) from fee_line)")
    assert not verify(trail).ok


def test_editing_a_customer_balance_is_detected(trail):
    sql(trail.settings, "update customer set balance_fen = balance_fen + 100000 where number = ?", WANG)
    report = verify(trail)
    assert not report.ok and WANG in report.reason


def test_editing_the_daily_summary_is_detected(trail):
    sql(trail.settings, "update daily_summary set amount_fen = amount_fen + 5000")
    report = verify(trail)
    assert not report.ok and "日汇总" in report.reason


def test_copying_a_supervisors_pin_hash_onto_a_clerk_is_detected(trail):
    sql(trail.settings, "update clerk set pin_hash = (select pin_hash from clerk where staff_no = '9001') where staff_no = '1002'")
    report = verify(trail)
    assert not report.ok and "1002" in report.reason


def test_raising_a_clerk_to_supervisor_is_detected(trail):
    sql(trail.settings, "update clerk set role = 'supervisor' where staff_no = '1002'")
    assert not verify(trail).ok


def test_legitimate_changes_keep_the_books_intact(trail, clock):
    """A later payment, a void and a PIN change through the program all verify intact."""
    walk(start(trail, "payment"), *PAYMENT)
    receipt = trail.last_receipt_no()
    trail.void(receipt, reason="customer_request", supervisor="9001", pin="9999")
    from teller.counter import staff
    from teller.store.db import session_scope

    with session_scope(trail.engine) as session:
        staff.set_pin(session=session, staff_no="1002", pin="4826", actor="9001", counter="01", now=clock.now())
    try:
        trail.login("1002", "0000")  # a wrong PIN: counted, not a change of the clerk's digest
    except Exception:
        pass
    report = verify(trail)
    assert report.ok, report.reason


def test_cli_verify_takes_an_anchor_and_prints_the_current_one(trail):
    printed = anchor(trail)
    home = db_file(trail.settings).parent.parent
    r = CliRunner().invoke(app, ["--home", str(home), "audit", "verify", "--anchor", printed])
    assert r.exit_code == 0, r.output
    assert printed in r.output
    r = CliRunner().invoke(app, ["--home", str(home), "audit", "verify", "--anchor", "999999:abcdef"])
    assert r.exit_code == 1 and "999999" in r.output


def test_a_counter_without_the_halls_key_refuses_to_append_rather_than_fork_the_mac(trail, tmp_path):
    """PostgreSQL: the counters share one chain, so one key (made by `db init` or the first entry,
    copied to each PC). A PC whose home lacks it makes none of its own once the head has a MAC:
    it refuses with the file's name; with the file copied it appends and verify holds."""
    import shutil

    from teller.errors import TellerError
    from teller.store import db

    if trail.engine.dialect.name == "sqlite":  # a SQLite file's key is found beside its folder, whoever opens it
        assert audit.key_file(db.open_engine(trail.settings.database_url, home=tmp_path)) == audit.key_file(trail.engine)
        return
    other = db.open_engine(trail.settings.database_url, home=tmp_path / "pc2")
    try:
        with pytest.raises(TellerError) as refused:
            with db.session_scope(other) as session:
                audit.append(session=session, at=trail.now(), actor="1002", counter="02", action="login")
        assert "pc2" in refused.value.message and "db init" in refused.value.message
        assert not (tmp_path / "pc2" / "keys").exists() or not any((tmp_path / "pc2" / "keys").iterdir())
        (tmp_path / "pc2" / "keys").mkdir(parents=True, exist_ok=True)
        shutil.copy2(audit.key_file(trail.engine), audit.key_file(other))
        with db.session_scope(other) as session:
            audit.append(session=session, at=trail.now(), actor="1002", counter="02", action="login")
        with Session(other) as session:
            assert audit.verify(session=session).ok
    finally:
        other.dispose()
    assert verify(trail).ok
