"""teller-admin through Typer's CliRunner, against a real SQLite file in a temporary home."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller.cli.main import app

REPO = Path(__file__).parents[1]
runner = CliRunner()

PAYMENT_ANSWERS = ["13800138000", "王小明", None, "120", "150", None]  # number, holder, account, amount, cash, confirm

GOOD_PROCEDURE = """\
id: hello
title: {zh: 问候, en: Hello}
time_limit_s: 30
customer: none
steps:
  - id: greet
    say: {zh: "您好"}
  - id: bye
    kind: end
    say: {zh: "再见"}
"""


@pytest.fixture(autouse=True)
def _no_outside_config(monkeypatch):
    monkeypatch.delenv("TELLER_CONFIG", raising=False)
    monkeypatch.delenv("TELLER_HOME", raising=False)


def cli(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), *args])


def pay(home: Path, *, print_now: bool = True):
    """A real payment through the engine, as the console would make it; returns the Committed."""
    from teller.clock import FixedClock
    from teller.config import load_settings
    from teller.desk import Desk
    from teller.procedures.engine import Run

    desk = Desk(load_settings(home=home), clock=FixedClock()).open()
    try:
        desk.login("1001", "1234")
        if desk.current_shift() is None:
            desk.open_shift({10000: 2})
        run = Run(desk.procedures["payment"], desk)
        for value in PAYMENT_ANSWERS:
            run.submit(value)
        assert run.committed is not None
        if print_now:
            desk.print_transaction(run.committed.tx_id)
        return run.committed
    finally:
        desk.close()


@pytest.fixture
def paid(home: Path):
    return pay(home)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- help and import cost ---------------------------------------------------------------------
COMMANDS = [
    [], ["db"], ["db", "init"], ["seed"], ["seed", "demo"], ["procedures"], ["procedures", "list"],
    ["procedures", "validate"], ["tx"], ["tx", "list"], ["receipts"], ["receipts", "reprint"], ["receipts", "pending"],
    ["receipts", "test-page"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "root")
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    assert " / " in result.output  # Chinese-first, then English


def test_importing_the_cli_does_not_load_the_database_layer():
    code = "import sys, teller.cli.main; print(','.join(m for m in ('sqlalchemy', 'sqlmodel', 'yaml', 'escpos') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == ""


# ---- db and seed -------------------------------------------------------------------------------
def test_db_init_creates_the_database_file_with_the_demo_hall_or_empty(tmp_path):
    home = tmp_path / "fresh"
    result = cli(home, "db", "init")
    assert result.exit_code == 0, result.output
    db_file = home / "db" / "teller.db"
    assert db_file.is_file()
    assert str(db_file) in result.stdout and "demo hall" in result.stdout
    again = cli(home, "seed", "demo")  # db init with seed_demo (the default) made the demo hall
    assert again.exit_code == 0 and "Added 0 demo rows" in again.stdout
    empty = tmp_path / "empty"
    result = cli(empty, "db", "init", "--empty")
    assert result.exit_code == 0 and "empty hall" in result.stdout
    (empty / "teller.toml").write_text("seed_demo = false\n", encoding="utf-8")
    assert "empty hall" in cli(empty, "db", "init").stdout  # the setting says so too


def test_seed_demo_is_idempotent(tmp_path):
    home = tmp_path / "fresh"
    assert cli(home, "db", "init", "--empty").exit_code == 0
    first = cli(home, "seed", "demo")
    assert first.exit_code == 0, first.output
    added = int(first.stdout.split("Added ")[1].split()[0])
    assert added > 0
    second = cli(home, "seed", "demo")
    assert second.exit_code == 0, second.output
    assert "Added 0 demo rows" in second.stdout


def test_a_wrong_home_or_a_missing_database_is_refused_never_created(tmp_path):
    """Only `db init` creates a database: any other command, and the console's desk, refuse
    with the way to create one, and leave no file behind."""
    from teller.config import load_settings
    from teller.desk import Desk
    from teller.errors import TellerError

    home = tmp_path / "typo"
    for args in (("tx", "list"), ("report", "daily"), ("clerks", "list"), ("audit", "verify"), ("db", "upgrade")):
        result = cli(home, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "teller-admin db init" in result.stderr, (args, result.stderr)
    with pytest.raises(TellerError) as refused:
        Desk(load_settings(home=home)).open()
    assert "db init" in refused.value.message
    assert not (home / "db" / "teller.db").exists()


def test_practice_flag_uses_the_practice_database(tmp_path):
    home = tmp_path / "fresh"
    result = cli(home, "--practice", "db", "init")
    assert result.exit_code == 0, result.output
    assert (home / "db" / "practice.db").is_file()
    assert not (home / "db" / "teller.db").exists()


def test_bad_settings_file_is_an_error_not_a_traceback(home):
    (home / "teller.toml").write_text("colour = 'red'\n", encoding="utf-8")
    result = cli(home, "db", "init")
    assert result.exit_code == 2
    assert "unknown setting" in result.stderr
    assert "Traceback" not in result.output


# ---- procedures ------------------------------------------------------------------------------
def test_procedures_list_shows_titles(home):
    result = cli(home, "procedures", "list")
    assert result.exit_code == 0, result.output
    assert "缴费" in result.stdout and "payment.yaml" in result.stdout and "110 s" in result.stdout
    assert "✗" not in result.stdout


def test_procedures_list_marks_broken_files(home):
    (home / "scripts_yaml" / "zz_broken.yaml").write_text(GOOD_PROCEDURE + "colour: red\n", encoding="utf-8")
    result = cli(home, "procedures", "list")
    assert result.exit_code == 0, result.output
    assert "缴费" in result.stdout
    assert "✗ zz_broken.yaml" in result.stdout


def test_validate_the_configured_folder(home):
    result = cli(home, "procedures", "validate")
    assert result.exit_code == 0, result.output
    shipped = len(list((home / "scripts_yaml").glob("*.yaml")))
    assert shipped >= 3 and f"OK {shipped} files" in result.stdout


def test_validate_reports_file_line_and_field(home, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    good = bad / "good.yaml"
    good.write_text(GOOD_PROCEDURE, encoding="utf-8")
    unknown_key = bad / "unknown_key.yaml"
    unknown_key.write_text(GOOD_PROCEDURE.replace("time_limit_s: 30\n", "time_limit_s: 30\ncolour: red\n").replace("id: hello", "id: hello2"), encoding="utf-8")
    duplicate = bad / "duplicate.yaml"
    duplicate.write_text(GOOD_PROCEDURE.replace("id: bye", "id: greet").replace("id: hello", "id: hello3"), encoding="utf-8")

    result = cli(home, "procedures", "validate", str(bad))
    assert result.exit_code == 1
    assert f"{unknown_key}:4: colour: unknown key" in result.stderr
    assert f"{duplicate}:8: steps[1].id: duplicate step id 'greet'" in result.stderr
    assert "OK" not in result.stdout

    assert cli(home, "procedures", "validate", str(good)).stdout.strip() == "OK 1 files"
    single = cli(home, "procedures", "validate", str(good), str(duplicate))
    assert single.exit_code == 1 and "duplicate step id" in single.stderr


def test_validate_a_missing_file(home, tmp_path):
    result = cli(home, "procedures", "validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert "file not found" in result.stderr


# ---- transactions ----------------------------------------------------------------------------
def test_tx_list_table(home, paid):
    result = cli(home, "tx", "list")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert paid.receipt_no in out
    assert "2026-11-23 10:00:00" in out  # the hall's zone, not UTC (02:00 UTC); JSON carries the offset
    for amount in ("120.00", "150.00", "30.00"):
        assert amount in out
    assert "payment" in out and "13800138000" in out and "1001" in out


def test_tx_list_json(home, paid):
    result = cli(home, "tx", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["receipt_no"] == paid.receipt_no
    assert (row["amount_due_fen"], row["tendered_fen"], row["change_fen"]) == (12000, 15000, 3000)
    assert (row["amount_due_yuan"], row["tendered_yuan"], row["change_yuan"]) == ("120.00", "150.00", "30.00")
    assert row["status"] == "completed" and row["mode"] == "live" and row["clerk"] == "1001"


def test_tx_list_csv(home, paid):
    result = cli(home, "tx", "list", "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0].startswith("receipt_no,time,clerk,procedure,number,amount_due_fen")
    assert rows[0]["receipt_no"] == paid.receipt_no
    assert rows[0]["amount_due_yuan"] == "120.00" and rows[0]["change_fen"] == "3000"


def test_tx_list_by_date(home, paid):
    same_day = cli(home, "tx", "list", "--date", "2026-11-23", "-f", "json")
    assert [r["receipt_no"] for r in json.loads(same_day.stdout)] == [paid.receipt_no]
    other_day = cli(home, "tx", "list", "--date", "2026-11-24", "-f", "json")
    assert json.loads(other_day.stdout) == []
    empty_csv = cli(home, "tx", "list", "--date", "2026-11-24", "-f", "csv")
    assert empty_csv.stdout.startswith("receipt_no,")


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "23/11/2026"])
def test_tx_list_bad_date(home, bad):
    result = cli(home, "tx", "list", "--date", bad)
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr
    assert result.stdout == ""


# ---- receipts ----------------------------------------------------------------------------------
def test_reprint_spools_a_copy_marked_reprint(home, paid):
    spool = home / "receipts" / "spool" / "20261123"
    before = set(spool.glob("*.txt"))
    result = cli(home, "receipts", "reprint", paid.receipt_no, "--supervisor", "9001", "--pin", "9999")
    assert result.exit_code == 0, result.output
    assert "✓ invoice" in result.stdout
    new = set(spool.glob("*.txt")) - before
    assert len(new) == 1
    text = new.pop().read_text(encoding="utf-8")
    assert "补打" in text and paid.receipt_no in text


def test_reprint_unknown_receipt(home, paid):
    result = cli(home, "receipts", "reprint", "01-20991231-9999")
    assert result.exit_code == 1
    assert "01-20991231-9999" in result.stderr


def test_pending_lists_what_a_refusing_printer_did_not_print(home):
    port = free_port()
    (home / "teller.toml").write_text(
        f'[printer]\nbackend = "network"\nhost = "127.0.0.1"\nport = {port}\ntimeout = 1\n', encoding="utf-8"
    )
    committed = pay(home)  # the print fails; the transaction stands

    listed = cli(home, "tx", "list", "-f", "json")
    assert [r["receipt_no"] for r in json.loads(listed.stdout)] == [committed.receipt_no]

    result = cli(home, "receipts", "pending")
    assert result.exit_code == 0, result.output
    assert committed.receipt_no in result.stdout and "failed" in result.stdout
    rows = json.loads(cli(home, "receipts", "pending", "-f", "json").stdout)
    assert rows[0]["receipt_no"] == committed.receipt_no and rows[0]["layout"] == "invoice"
    assert str(port) in rows[0]["error"]

    retry = cli(home, "receipts", "reprint", committed.receipt_no)
    assert retry.exit_code == 1
    assert "safe" in retry.stderr


def test_pending_is_empty_when_everything_printed(home, paid):
    result = cli(home, "receipts", "pending")
    assert result.exit_code == 0, result.output
    assert paid.receipt_no not in result.stdout


# ---- receipts: supervisor rule for invoice reprints, one copy alone, test page (issue 4) ---------
def audit_rows(home: Path, action: str) -> list[tuple[str, str]]:
    from tests.support.sql import db_connect

    with db_connect(home) as db:
        return db.execute("select actor, detail from audit where action = ? order by id", (action,)).fetchall()


def test_invoice_reprint_needs_a_supervisor(home, paid):
    spool = home / "receipts" / "spool" / "20261123"
    before = set(spool.glob("*.txt"))
    refused = cli(home, "receipts", "reprint", paid.receipt_no)  # CliRunner's stdin is not a terminal
    assert refused.exit_code == 1
    assert "--supervisor" in refused.stderr
    wrong = cli(home, "receipts", "reprint", paid.receipt_no, "--supervisor", "9001", "--pin", "0000")
    assert wrong.exit_code == 1 and "9999" not in wrong.output
    clerk = cli(home, "receipts", "reprint", paid.receipt_no, "--supervisor", "1002", "--pin", "2345")
    assert clerk.exit_code == 1  # a clerk is not a supervisor
    assert set(spool.glob("*.txt")) == before  # nothing printed without the PIN
    assert audit_rows(home, "reprint") == []
    ok = cli(home, "receipts", "reprint", paid.receipt_no, "--supervisor", "9001", "--pin", "9999", "--by", "ops1")
    assert ok.exit_code == 0, ok.output
    assert audit_rows(home, "reprint") == [("ops1", paid.receipt_no)]
    assert [actor for actor, _ in audit_rows(home, "authorize")] == ["9001"]


def test_a_never_printed_invoice_prints_without_a_supervisor(home):
    committed = pay(home, print_now=False)
    result = cli(home, "receipts", "reprint", committed.receipt_no)
    assert result.exit_code == 0, result.output
    text = (home / "receipts" / "spool" / "20261123" / f"{committed.receipt_no}-invoice.txt").read_text(encoding="utf-8")
    assert "补打" not in text  # a first print, not a reprint


def test_reprint_of_one_copy_alone(home):
    from teller.clock import FixedClock
    from teller.config import load_settings
    from teller.desk import Desk
    from teller.domain import catalog
    from teller.procedures.engine import Run

    desk = Desk(load_settings(home=home), clock=FixedClock()).open()
    try:
        desk.login("1001", "1234")
        desk.open_shift({10000: 2})
        run = Run(desk.procedures["replace_sim"], desk)
        for value in ["13800138000", "yes", catalog.demo_id("11010519800101123"), None, "15"]:
            run.submit(value)
        run.submit(None)
        desk.print_transaction(run.committed.tx_id)
    finally:
        desk.close()
    receipt_no = run.committed.receipt_no
    result = cli(home, "receipts", "reprint", receipt_no, "--layout", "slip", "--copy", "2")
    assert result.exit_code == 0, result.output  # no invoice in it: no supervisor needed
    assert "slip#2" in result.stdout and "invoice" not in result.stdout and "slip#1" not in result.stdout
    text = (home / "receipts" / "spool" / "20261123" / f"{receipt_no}-slip-2-reprint1.txt").read_text(encoding="utf-8")
    assert "营业厅联" in text and "客户联" not in text and "补打 #1" in text
    missing = cli(home, "receipts", "reprint", receipt_no, "--layout", "slip", "--copy", "3")
    assert missing.exit_code == 1


def test_pending_shows_the_copy(home):
    port = free_port()
    (home / "teller.toml").write_text(
        f'[printer]\nbackend = "network"\nhost = "127.0.0.1"\nport = {port}\ntimeout = 1\n', encoding="utf-8"
    )
    committed = pay(home)
    rows = json.loads(cli(home, "receipts", "pending", "-f", "json").stdout)
    assert [(r["receipt_no"], r["layout"], r["copy"], r["status"]) for r in rows] == [(committed.receipt_no, "invoice", 1, "failed")]


@pytest.mark.parametrize("paper,columns", [(58, 32), (80, 48)])
def test_test_page_goes_to_the_preview_spool(home, paper, columns):
    from tests.support.escpos_decoder import cells, decode

    result = cli(home, "receipts", "test-page", "--paper", str(paper))
    assert result.exit_code == 0, result.output
    assert f"{paper} mm / {columns}" in result.stdout
    (txt,) = (home / "receipts" / "spool").glob("*/TEST-01-*.txt")
    d = decode(txt.with_suffix(".bin").read_bytes())
    assert d.commands[:2] == ["init", "chinese_on"]
    assert "中文测试" in d.text and "，。！？" in d.text and "￥1234.56" in d.text
    ruler32, ruler48 = "....+....1....+....2....+....3..", "....+....1....+....2....+....3....+....4....+..."
    assert (ruler32 in d.lines, ruler48 in d.lines) == (columns == 32, columns == 48)  # the paper's own ruler
    assert all(cells(ln) <= columns for ln in d.lines)
    assert len(d.qr_data) == 1 and d.qr_data[0].startswith("TEST-01-") and d.commands[-1] == "cut"
    assert audit_rows(home, "test_page") == [("admin", "ok")]


def test_test_page_to_a_refusing_printer_fails_with_the_reason(home):
    port = free_port()
    (home / "teller.toml").write_text(
        f'[printer]\nbackend = "network"\nhost = "127.0.0.1"\nport = {port}\ntimeout = 1\n', encoding="utf-8"
    )
    result = cli(home, "receipts", "test-page")
    assert result.exit_code == 1
    assert f"127.0.0.1:{port}" in result.stderr


def test_test_page_reaches_a_network_printer(home):
    from tests.support.escpos_decoder import decode
    from tests.support.fake_printer import FakePrinter

    with FakePrinter("accept") as fp:
        (home / "teller.toml").write_text(
            f'[printer]\nbackend = "network"\nhost = "127.0.0.1"\nport = {fp.port}\ntimeout = 2\npaper_mm = 58\n', encoding="utf-8"
        )
        result = cli(home, "receipts", "test-page")
        assert result.exit_code == 0, result.output
        fp.wait_closed(1)
        d = decode(fp.jobs[0])
    assert "打印测试页" in "".join(d.lines) and "qr" in d.commands
    assert "network" in d.text and f"127.0.0.1:{fp.port}" in d.text
