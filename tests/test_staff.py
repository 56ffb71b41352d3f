"""Clerks and roles: PIN rules, lock-out after five wrong PINs, supervisor unlock, the clerks CLI."""

from __future__ import annotations


import pytest
from typer.testing import CliRunner

from teller.cli.main import app
from teller.counter import staff
from teller.domain.secrets import verify_secret
from teller.errors import AuthError, InputRefused, StaffLocked, TellerError
from teller.store import audit
from teller.store.db import session_scope
from teller.strings import t

from tests.conftest import DAY
from tests.support.sql import db_connect

runner = CliRunner()


def actions(settings, actor: str | None = None) -> list[str]:
    with db_connect(settings) as con:
        sql, args = "select action from audit order by id", ()
        if actor:
            sql, args = "select action from audit where actor=? order by id", (actor,)
        return [r[0] for r in con.execute(sql, args)]


def clerk_row(settings, staff_no: str):
    with db_connect(settings) as con:
        return con.execute("select * from clerk where staff_no=?", (staff_no,)).fetchone()


# ---- PIN rule ------------------------------------------------------------------------------
@pytest.mark.parametrize("pin", ["1234", "20250", "12345678", "９８７６"])
def test_pin_rule_takes_four_to_eight_digits(pin):
    assert staff.check_pin_rule(pin).isascii()


@pytest.mark.parametrize("pin, key", [("123", "staff.pin_rule"), ("123456789", "staff.pin_rule"), ("12a4", "staff.pin_rule"), ("", "staff.pin_rule"), ("7777", "staff.pin_same")])
def test_pin_rule_refuses_short_long_letters_and_one_digit(pin, key):
    with pytest.raises(InputRefused) as exc:
        staff.check_pin_rule(pin)
    assert exc.value.message == t(key)


# ---- lock-out ------------------------------------------------------------------------------
def test_five_wrong_pins_lock_the_number_until_a_supervisor_unlocks(settings, clock):
    from teller.desk import Desk

    desk = Desk(settings, clock=clock).open()
    try:
        for _ in range(4):
            with pytest.raises(AuthError) as exc:
                desk.login("1002", "0000")
            assert not isinstance(exc.value, StaffLocked)
        assert clerk_row(settings, "1002")["failed_logins"] == 4
        with pytest.raises(StaffLocked) as exc:
            desk.login("1002", "0000")
        assert "锁定" in exc.value.message
        # now even the right PIN is refused, with the clear message
        with pytest.raises(StaffLocked):
            desk.login("1002", "2345")
        assert desk.clerk_view is None
        assert actions(settings, "1002")[-3:] == ["login_failed", "lockout", "login_refused_locked"]
        # the clerk cannot unlock themselves; a clerk is no supervisor
        with pytest.raises(AuthError):
            desk.authorize("1001", "1234", action="unlock", detail="1002")
        granted = desk.authorize("9001", "9999", action="unlock", detail="1002")
        with session_scope(desk.engine) as session:
            staff.unlock(session=session, staff_no="1002", supervisor=granted.staff_no, counter=desk.counter, now=desk.now())
        assert desk.login("1002", "2345").staff_no == "1002"
        assert clerk_row(settings, "1002")["failed_logins"] == 0
    finally:
        desk.close()


def test_a_good_login_resets_the_count(settings, clock):
    from teller.desk import Desk

    desk = Desk(settings, clock=clock).open()
    try:
        for _ in range(4):
            with pytest.raises(AuthError):
                desk.login("1001", "9876")
        desk.login("1001", "1234")
        assert clerk_row(settings, "1001")["failed_logins"] == 0
        for _ in range(4):  # four more wrong ones do not lock: the count started again
            with pytest.raises(AuthError) as exc:
                desk.login("1001", "9876")
            assert not isinstance(exc.value, StaffLocked)
        assert desk.login("1001", "1234").name
    finally:
        desk.close()


def test_a_pin_hashed_with_old_parameters_logs_in_and_is_rehashed(settings, clock):
    """A database from before the 1 MiB parameters: its n=2^14 hashes verify; the next good
    log-in writes the PIN again with today's parameters (a wrong PIN leaves it as it was)."""
    from teller.desk import Desk
    from teller.domain.secrets import needs_rehash

    from tests.test_rules import old_hash

    stored = old_hash("1234")
    with db_connect(settings) as con:  # the home's database, a file or PostgreSQL
        con.execute("update clerk set pin_hash=? where staff_no='1001'", (stored,))
    desk = Desk(settings, clock=clock).open()
    try:
        with pytest.raises(AuthError):
            desk.login("1001", "9876")
        assert clerk_row(settings, "1001")["pin_hash"] == stored
        assert desk.login("1001", "1234").staff_no == "1001"
        now = clerk_row(settings, "1001")["pin_hash"]
        assert now != stored and not needs_rehash(now) and verify_secret("1234", now)
        assert desk.login("1001", "1234").staff_no == "1001"
        assert clerk_row(settings, "1001")["pin_hash"] == now  # rehashed once, not at every log-in
    finally:
        desk.close()


def test_wrong_supervisor_pins_count_too_and_a_locked_supervisor_cannot_authorise(desk, settings):
    for _ in range(5):
        with pytest.raises(AuthError):
            desk.authorize("9001", "1111", action="void")
    with pytest.raises(StaffLocked):
        desk.authorize("9001", "9999", action="void")
    assert clerk_row(settings, "9001")["failed_logins"] == 5


def test_a_disabled_clerk_cannot_log_in_and_unknown_numbers_are_audited(settings, clock):
    from teller.desk import Desk

    desk = Desk(settings, clock=clock).open()
    try:
        with session_scope(desk.engine) as session:
            staff.set_active(session=session, staff_no="1002", active=False, actor="admin", counter="01", now=DAY)
        with pytest.raises(AuthError) as exc:
            desk.login("1002", "2345")
        assert exc.value.message == t("login.disabled")
        with pytest.raises(AuthError):
            desk.login("4242", "1234")
        assert actions(settings, "4242") == ["login_failed"]
    finally:
        desk.close()


def test_the_last_active_supervisor_cannot_be_disabled_or_demoted(desk):
    with session_scope(desk.engine) as session:
        with pytest.raises(TellerError):
            staff.set_active(session=session, staff_no="9001", active=False, actor="admin", counter="01", now=DAY)
    with session_scope(desk.engine) as session:
        with pytest.raises(TellerError):
            staff.set_role(session=session, staff_no="9001", role="clerk", actor="admin", counter="01", now=DAY)
    with session_scope(desk.engine) as session:
        staff.add_clerk(session=session, staff_no="9002", name="钱主管", role="supervisor", pin="4826", actor="admin", counter="01", now=DAY)
        staff.set_role(session=session, staff_no="9001", role="clerk", actor="admin", counter="01", now=DAY)
    with session_scope(desk.engine) as session:
        roles = {c.staff_no: c.role for c in staff.list_clerks(session=session)}
    assert roles["9001"] == "clerk" and roles["9002"] == "supervisor"


def test_login_logout_and_admin_changes_are_audited_in_the_chain(desk, settings):
    with session_scope(desk.engine) as session:
        staff.add_clerk(session=session, staff_no="1003", name="冯雪", role="trainer", pin="5813", actor="9001", counter="01", now=DAY)
        staff.set_pin(session=session, staff_no="1003", pin="3185", actor="9001", counter="01", now=DAY)
    desk.logout()
    got = actions(settings)
    assert got[-5:] == ["login", "shift_open", "clerk_add", "clerk_set_pin", "logout"]
    with session_scope(desk.engine) as session:
        assert audit.verify(session=session).ok
        details = " ".join(e.detail for e in audit.entries(session=session))
    assert "5813" not in details and "3185" not in details  # PINs never in the trail
    assert verify_secret("3185", clerk_row(settings, "1003")["pin_hash"])


# ---- the clerks CLI ----------------------------------------------------------------------
def cli(home, *args: str, input: str | None = None):
    return runner.invoke(app, ["--home", str(home), *args], input=input)


def test_clerks_cli_add_list_set_role_set_pin_disable(home, settings):
    r = cli(home, "clerks", "add", "1003", "冯雪", "--role", "trainer", "--pin", "5813")
    assert r.exit_code == 0, r.output
    assert "1003" in r.stdout and "5813" not in r.stdout
    r = cli(home, "clerks", "add", "1004", "韩梅", "--pin", "1111")
    assert r.exit_code == 1 and t("staff.pin_same") in r.stderr
    r = cli(home, "clerks", "add", "1003", "冯雪", "--pin", "5813")
    assert r.exit_code == 1 and "1003" in r.stderr
    r = cli(home, "clerks", "add", "1005", "韩梅", "--role", "boss", "--pin", "5813")
    assert r.exit_code != 0
    r = cli(home, "clerks", "set-role", "1003", "clerk")
    assert r.exit_code == 0, r.output
    r = cli(home, "clerks", "set-pin", "1003", "--pin", "6284")
    assert r.exit_code == 0, r.output
    r = cli(home, "clerks", "disable", "1003", "--by", "9001")
    assert r.exit_code == 0, r.output
    r = cli(home, "clerks", "list", "--format", "json")
    assert r.exit_code == 0, r.output
    import json

    rows = {row["staff_no"]: row for row in json.loads(r.stdout)}
    assert rows["1003"] == {"staff_no": "1003", "name": "冯雪", "role": "clerk", "active": False, "failed_logins": 0, "locked": False}
    assert "pin_hash" not in rows["1001"]
    assert verify_secret("6284", clerk_row(settings, "1003")["pin_hash"])
    assert actions(settings)[-4:] == ["clerk_add", "clerk_set_role", "clerk_set_pin", "clerk_disable"]
    assert actions(settings, "9001")[-1] == "clerk_disable"


def test_clerks_cli_pin_without_a_terminal_must_be_given(home):
    r = cli(home, "clerks", "add", "1003", "冯雪", input="5813\n5813\n")
    assert r.exit_code == 2
    assert "--pin" in r.stderr


def test_clerks_cli_unlock_needs_a_supervisor(home, settings, clock):
    from teller.desk import Desk

    desk = Desk(settings, clock=clock).open()
    for _ in range(5):
        with pytest.raises(AuthError):
            desk.login("1001", "0000")
    desk.close()
    r = cli(home, "clerks", "list")
    assert r.exit_code == 0 and "🔒" in r.stdout
    r = cli(home, "clerks", "unlock", "1001", "--supervisor", "1002", "--pin", "2345")
    assert r.exit_code == 1 and t("auth.not_supervisor") in r.stderr
    r = cli(home, "clerks", "unlock", "1001", "--supervisor", "9001", "--pin", "0000")
    assert r.exit_code == 1 and t("auth.bad") in r.stderr
    assert clerk_row(settings, "1001")["failed_logins"] == 5
    r = cli(home, "clerks", "unlock", "1001", "--supervisor", "9001", "--pin", "9999")
    assert r.exit_code == 0, r.output
    assert clerk_row(settings, "1001")["failed_logins"] == 0
    assert actions(settings)[-2:] == ["authorize", "clerk_unlock"]
    r = cli(home, "clerks", "unlock", "1001", "--supervisor", "9001", "--pin", "9999")
    assert r.exit_code == 1 and t("staff.not_locked", staff_no="1001") in r.stderr
