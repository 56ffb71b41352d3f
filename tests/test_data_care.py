"""Data care: online backup during payments, db check, and the all-or-nothing customer import."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from teller.cli.main import app
from teller.domain.catalog import demo_id
from teller.store import audit, db
from teller.store.backup import backup
from teller.strings import t
from tests.conftest import open_desk, start, walk

runner = CliRunner()
PAYMENT = ["13800138000", "王小明", None, "10", "10", None]


def cli(home, *args):
    return runner.invoke(app, ["--home", str(home), *args])


def db_path(home: Path) -> Path:
    return home / "db" / "teller.db"


def query(path: Path, sql: str, *args):
    """Rows of a SQLite file (a backup copy), or of the home's live database given `db_path(home)`."""
    if path.name == "teller.db" and not path.exists():  # the PostgreSQL pass: the home's database
        from tests.support.sql import db_connect

        with db_connect(path.parent.parent) as con:
            return con.execute(sql, args).fetchall()
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


# ---- backup --------------------------------------------------------------------------------
@pytest.mark.sqlite_only  # the SQLite file's backup API and PRAGMA checks (PostgreSQL: tests below)
def test_backup_taken_while_a_counter_commits_payments_is_consistent(settings, clock, tmp_path):
    desk = open_desk(settings, clock)
    stop = threading.Event()
    committed: list[int] = []
    errors: list[BaseException] = []

    def counter():
        try:
            while not stop.is_set() or len(committed) < 3:
                run = walk(start(desk, "payment"), *PAYMENT)
                committed.append(run.committed.tx_id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=counter)
    worker.start()
    try:
        while len(committed) < 3:  # the counter is busy before the backup starts
            worker.join(0.01)
        copies = [backup(settings.database_url, tmp_path / f"copy{i}.db") for i in range(3)]
    finally:
        stop.set()
        worker.join()
        desk.close()
    assert not errors
    total = len(committed)
    for report in copies:
        assert report.integrity == "ok" and report.size_bytes == report.path.stat().st_size
        # the copy holds a prefix of the transactions, each with its balance change and its audit entry
        tx_ids = [r[0] for r in query(report.path, 'select id from "transaction" order by id')]
        assert tx_ids == committed[: len(tx_ids)] and len(tx_ids) >= 3
        assert report.row_counts["transaction"] == len(tx_ids)
        balance = query(report.path, "select balance_fen from customer where number='13800138000'")[0][0]
        assert balance == 3520 + 1000 * len(tx_ids)
        commits = query(report.path, "select count(*) from audit where action='commit'")[0][0]
        assert commits == len(tx_ids)
        engine = db.open_engine(f"sqlite:///{report.path}")
        with Session(engine) as session:
            assert audit.verify(session=session).ok
        engine.dispose()
    assert total >= len(query(copies[-1].path, 'select id from "transaction"'))


@pytest.mark.sqlite_only  # the SQLite file's backup API and PRAGMA checks (PostgreSQL: tests below)
def test_backup_refuses_to_overwrite_and_the_cli_prints_size_and_counts(home, tmp_path):
    target = tmp_path / "b.db"
    r = cli(home, "db", "backup", str(target))
    assert r.exit_code == 0, r.output
    assert "bytes" in r.stdout and "customer" in r.stdout and "integrity ok" in r.stdout
    assert query(target, "select count(*) from clerk")[0][0] == 4
    r = cli(home, "db", "backup", str(target))
    assert r.exit_code == 1 and str(target) in r.stderr
    assert cli(home, "db", "backup", str(target), "--force").exit_code == 0


# ---- check -------------------------------------------------------------------------------------
@pytest.mark.sqlite_only  # the SQLite file's backup API and PRAGMA checks (PostgreSQL: tests below)
def test_db_check_passes_then_finds_a_tampered_audit_entry_and_a_dangling_row(home, settings, clock):
    desk = open_desk(settings, clock)
    walk(start(desk, "payment"), *PAYMENT)
    desk.close()
    r = cli(home, "db", "check")
    assert r.exit_code == 0, r.output
    assert "integrity_check: ok" in r.stdout and "audit chain: ok" in r.stdout
    path = db_path(home)
    con = sqlite3.connect(path)
    con.execute("update audit set actor='1002' where action='commit'")
    con.commit()
    con.close()
    r = cli(home, "db", "check")
    assert r.exit_code == 1 and "audit chain: broken at entry" in r.stdout
    con = sqlite3.connect(path)  # foreign keys are off on this raw connection: a dangling fee line
    con.execute("insert into fee_line (tx_id, code, label, amount_fen) values (999, 'x', 'x', 1)")
    con.commit()
    con.close()
    r = cli(home, "db", "check")
    assert r.exit_code == 1 and "fee_line rowid" in r.stdout


# ---- customer import ------------------------------------------------------------------------------
HEADER = "number,name,id_number,plan,balance,status,password,contact,local\n"
GOOD = [
    f"13500000001,韩梅梅,{demo_id('11010519900307451')},szx_fashion,20.50,active,135246,,yes",
    f"13500000002,李雷,{demo_id('11010519910408451')},gotone_88,-12.30,suspended_arrears,,13900000000,no",
]


def write_csv(tmp_path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "subs.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding=encoding)
    return path


def customers(home: Path) -> set[str]:
    from tests.support.sql import db_connect

    with db_connect(home) as con:
        return {r[0] for r in con.execute("select number from customer")}


def test_import_of_valid_rows(home, tmp_path):
    before = customers(home)
    r = cli(home, "customers", "import", str(write_csv(tmp_path, *GOOD, encoding="gb18030")))
    assert r.exit_code == 0, r.output
    assert "Imported 2" in r.stdout
    assert customers(home) - before == {"13500000001", "13500000002"}
    row = query(db_path(home), "select balance_fen, last_unpaid_fen, status, local, password_hash, male from customer where number='13500000002'")[0]
    assert row == (-1230, 1230, "suspended_arrears", 0, "", 1)
    pw = query(db_path(home), "select password_hash from customer where number='13500000001'")[0][0]
    from teller.domain.secrets import verify_secret

    assert verify_secret("135246", pw) and "135246" not in pw
    assert query(db_path(home), "select action, detail from audit order by id desc limit 1")[0] == ("customers_import", "2 subscribers from subs.csv")


BAD = [
    ("1350000000,赵六,{id},jiayuan,,,,,", "number", t("rule.phone", text="1350000000")),
    ("13500000001,重复,{id},jiayuan,,,,,", "number", t("import.duplicate_in_file", row=2)),
    ("13800138000,王小明,{id},jiayuan,,,,,", "number", t("import.number_exists", number="13800138000")),
    ("13500000005,孙七,110105199003074519,jiayuan,,,,,", "id_number", t("rule.id_check")),
    ("13500000006,周八,{id},gold_999,,,,,", "plan", t("import.unknown_plan", plan="gold_999")),
    ("13500000007,吴九,{id},jiayuan,12.345,,,,", "balance", t("import.bad_amount", text="12.345")),
    ("13500000008,,{id},jiayuan,,,,,", "name", t("import.empty")),
    ("13500000009,郑十,{id},jiayuan,,closed,,,", "status", t("import.bad_status", choices="active, suspended_arrears, suspended_lost")),
    ("13500000010,冯十一,{id},jiayuan,,,123456,,", "password", t("rule.pw_run")),
]


def bad_lines() -> list[str]:
    some_id = demo_id("11010519850101002")
    return [line.format(id=some_id) for line, _, _ in BAD]


def test_one_invalid_row_imports_nothing_and_every_error_is_reported_with_row_and_field(home, tmp_path):
    before = customers(home)
    audits = query(db_path(home), "select count(*) from audit")[0][0]
    r = cli(home, "customers", "import", str(write_csv(tmp_path, *GOOD, *bad_lines())))
    assert r.exit_code == 1
    assert "nothing imported" in r.stderr
    for i, (_, field, reason) in enumerate(BAD):
        row = 2 + len(GOOD) + i
        assert f"row {row}: {field}: {reason}" in r.stderr, (row, field, reason, r.stderr)
    assert customers(home) == before
    assert query(db_path(home), "select count(*) from audit")[0][0] == audits


def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(home, tmp_path):
    before = customers(home)
    r = cli(home, "customers", "import", "--skip-invalid", str(write_csv(tmp_path, bad_lines()[0], *GOOD, bad_lines()[3])))
    assert r.exit_code == 0, r.output
    assert "Imported 2" in r.stdout and "skipped 2" in r.stdout
    assert "row 2: number" in r.stderr and "row 5: id_number" in r.stderr
    assert customers(home) - before == {"13500000001", "13500000002"}


def test_import_checks_the_header_and_the_numbers_per_id(home, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("number,name,plan,colour\n13500000001,韩梅梅,jiayuan,red\n", encoding="utf-8")
    r = cli(home, "customers", "import", str(path))
    assert r.exit_code == 1
    assert "row 1: id_number: " + t("import.missing_column", column="id_number") in r.stderr
    assert "row 1: colour: " + t("import.unknown_column", column="colour") in r.stderr
    one_id = demo_id("11010519900307451")
    lines = [f"1350000001{i},韩梅梅,{one_id},jiayuan,,,,," for i in range(6)]
    r = cli(home, "customers", "import", str(write_csv(tmp_path, *lines)))
    assert r.exit_code == 1 and "row 7: id_number: " + t("rule.id_quota", n=5) in r.stderr


@pytest.mark.parametrize("command", [["clerks"], ["clerks", "add"], ["clerks", "unlock"], ["audit", "verify"], ["audit", "show"],
                                     ["db", "backup"], ["db", "check"], ["customers", "import"]], ids=" ".join)
def test_new_commands_have_help(command):
    r = runner.invoke(app, [*command, "--help"])
    assert r.exit_code == 0 and " / " in r.output


# ---- PostgreSQL: pg_dump on an exported snapshot, and the server's checks ---------------------------
def _restore(pg_server, dump: Path) -> str:
    """A new database on the test server filled from a `db backup` file with pg_restore; its URL."""
    import subprocess

    from teller.store.backup import libpq_env, pg_tool
    from tests.support.pg import dbname_of

    url = pg_server.create_database()
    r = subprocess.run([pg_tool("pg_restore"), "--no-owner", "-d", dbname_of(url), str(dump)],
                       env=libpq_env(url), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return url


@pytest.mark.postgresql_only
def test_pg_backup_taken_while_a_counter_commits_payments_restores_consistent(settings, clock, tmp_path, pg_server):
    from tests.support.sql import db_connect

    desk = open_desk(settings, clock)
    stop = threading.Event()
    committed: list[int] = []
    errors: list[BaseException] = []

    def counter():
        try:
            while not stop.is_set() or len(committed) < 3:
                run = walk(start(desk, "payment"), *PAYMENT)
                committed.append(run.committed.tx_id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=counter)
    worker.start()
    try:
        while len(committed) < 3:
            worker.join(0.01)
        copies = [backup(settings.database_url, tmp_path / f"copy{i}.dump") for i in range(2)]
    finally:
        stop.set()
        worker.join()
        desk.close()
    assert not errors
    for report in copies:
        assert report.integrity == "ok" and report.size_bytes == report.path.stat().st_size
        url = _restore(pg_server, report.path)
        with db_connect(url) as con:
            tx_ids = [r[0] for r in con.execute('select id from "transaction" order by id')]
            assert tx_ids == committed[: len(tx_ids)] and len(tx_ids) >= 3
            assert report.row_counts["transaction"] == len(tx_ids)  # the counts are the dump's moment
            balance = con.execute("select balance_fen from customer where number='13800138000'").fetchone()[0]
            assert balance == 3520 + 1000 * len(tx_ids)
            assert con.execute("select count(*) from audit where action='commit'").fetchone()[0] == len(tx_ids)
        engine = db.open_engine(url)
        with Session(engine) as session:
            assert audit.verify(session=session).ok
        engine.dispose()


@pytest.mark.postgresql_only
def test_pg_backup_cli_and_check_finds_a_tampered_entry_and_the_server_refuses_a_dangling_row(home, settings, clock, tmp_path):
    from sqlalchemy.exc import IntegrityError

    from tests.support.sql import db_connect

    target = tmp_path / "b.dump"
    r = cli(home, "db", "backup", str(target))
    assert r.exit_code == 0, r.output
    assert "bytes" in r.stdout and "customer" in r.stdout and "integrity ok" in r.stdout
    assert cli(home, "db", "backup", str(target)).exit_code == 1
    desk = open_desk(settings, clock)
    walk(start(desk, "payment"), *PAYMENT)
    desk.close()
    r = cli(home, "db", "check")
    assert r.exit_code == 0, r.output
    assert "integrity_check: ok" in r.stdout and "audit chain: ok" in r.stdout
    with db_connect(home) as con:
        con.execute("update audit set actor='1002' where action='commit'")
    r = cli(home, "db", "check")
    assert r.exit_code == 1 and "audit chain: broken at entry" in r.stdout
    with pytest.raises(IntegrityError):  # the server enforces foreign keys on every connection
        with db_connect(home) as con:
            con.execute("insert into fee_line (tx_id, code, label, amount_fen) values (999, 'x', 'x', 1)")
