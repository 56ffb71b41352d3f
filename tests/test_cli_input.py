"""teller-admin against bad input: exit 2, one line naming the option or the file, nothing changed.

The seven inputs of issue 8 item 9 (each showed a traceback before), reversed ranges, PINs from
stdin / the environment / a hidden prompt on a real pseudo-terminal, and CSV formula cells.
"""

from __future__ import annotations

import csv
import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller.cli.common import safe_cell
from teller.cli.main import app
from teller.clock import FixedClock
from teller.domain.catalog import demo_id
from tests.conftest import DAY
from tests.support.sql import db_connect

REPO = Path(__file__).parents[1]
runner = CliRunner()
CLERK = ["--clerk", "1001", "--pin", "1234"]
TWENTY = "9" * 20


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("teller.desk.Clock", lambda zone=None: FixedClock(DAY))
    monkeypatch.delenv("TELLER_PIN", raising=False)
    monkeypatch.delenv("TELLER_SUPERVISOR_PIN", raising=False)


def cli(home: Path, *args: str, **kwargs):
    return runner.invoke(app, ["--home", str(home), *args], **kwargs)


def books(home: Path) -> dict[str, list]:
    """Everything a failed command must leave as it was."""
    with db_connect(home) as con:
        return {table: sorted(con.execute(f'select * from "{table}"').fetchall(), key=repr)
                for table in ("transaction", "audit", "customer", "shift", "cash_move", "day_close", "clerk")}


def refused(result, option: str) -> str:
    """Exit 2, no traceback, one line on stderr naming the option; returns that line."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert option in lines[0], lines[0]
    assert "╭" not in lines[0]
    return lines[0]


# ---- the seven inputs that showed a traceback --------------------------------------------------
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("name", ["daily", "period", "complaints"])
def test_report_at_the_ends_of_the_calendar(home, name, day):
    line = refused(cli(home, "report", name, "--from", day), "--from")
    assert "1970-01-01" in line and "2999-12-31" in line
    refused(cli(home, "report", name, "--from", "2026-11-01", "--to", day), "--to")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_audit_show_at_the_ends_of_the_calendar(home, day):
    refused(cli(home, "audit", "show", "--since", day), "--since")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_settle_at_the_ends_of_the_calendar(home, day):
    before = books(home)
    refused(cli(home, "settle", "day", *CLERK, "--date", day), "--date")
    refused(cli(home, "settle", "show", "--date", day), "--date")
    refused(cli(home, "tx", "list", "--date", day), "--date")
    assert books(home) == before


def test_a_future_day_cannot_be_closed(home):
    before = books(home)
    line = refused(cli(home, "settle", "day", *CLERK, "--date", "2026-11-24"), "--date")
    assert "future" in line
    assert books(home) == before  # no day_close row, no log-in audit either


def test_reversed_range_is_refused_naming_to(home):
    line = refused(cli(home, "report", "daily", "--from", "2026-11-23", "--to", "2026-11-01"), "--to")
    assert "2026-11-01" in line


def test_float_and_count_of_twenty_digits(home):
    before = books(home)
    refused(cli(home, "settle", "open", *CLERK, "--float", f"100={TWENTY}"), "--float")
    assert books(home) == before
    assert cli(home, "settle", "open", *CLERK, "--float", "100=2").exit_code == 0
    before = books(home)
    refused(cli(home, "settle", "close", *CLERK, "--count", f"100={TWENTY}"), "--count")
    refused(cli(home, "settle", "close", *CLERK, "--count", "inf=1"), "--count")
    assert books(home) == before


def test_cash_amount_of_twenty_digits(home):
    assert cli(home, "settle", "open", *CLERK, "--float", "100=2").exit_code == 0
    before = books(home)
    for kind in ("cash-in", "cash-out"):
        refused(cli(home, "settle", kind, TWENTY, "--reason", "x", *CLERK), "AMOUNT")
        refused(cli(home, "settle", kind, "1" * 400, "--reason", "x", *CLERK), "AMOUNT")
    assert books(home) == before


def write_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text("number,name,id_number,plan,balance\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_customers_import_with_a_field_beyond_the_csv_limit(home, tmp_path):
    before = books(home)
    path = write_csv(tmp_path, f"13900000001,张三,{demo_id('11010519900307451')},{'x' * 200_000},0")
    line = refused(cli(home, "customers", "import", str(path)), str(path))
    assert "nothing imported" in line
    assert books(home) == before


def test_customers_import_with_a_twenty_digit_balance(home, tmp_path):
    before = books(home)
    path = write_csv(tmp_path, f"13900000001,张三,{demo_id('11010519900307451')},jiayuan,{TWENTY}")
    result = cli(home, "customers", "import", str(path))
    # a bad row is the import's own per-row report (row and field named), exit 1, nothing imported
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "row 2: balance" in result.output
    assert books(home) == before


def test_customers_import_with_an_unknown_encoding_names_the_file(home, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"number,name\n\xff\xfe\x80\x81\n")
    refused(cli(home, "customers", "import", str(path)), str(path))


def test_the_module_entry_point_has_every_command_and_no_traceback(home):
    """`python -m teller.cli.main` sees report and settle too (the old guard sat before them)."""
    out = subprocess.run([sys.executable, "-m", "teller.cli.main", "--home", str(home), "report", "complaints", "--from", "9999-12-31"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1 and "--from" in out.stderr


# ---- PINs: stdin, environment, hidden prompt ---------------------------------------------------
def test_clerk_pin_from_stdin_and_from_the_environment(home, monkeypatch):
    r = cli(home, "settle", "open", "--clerk", "1001", "--pin-stdin", "--float", "100=2", input="1234\n")
    assert r.exit_code == 0, r.output
    assert "1234" not in r.output
    monkeypatch.setenv("TELLER_PIN", "1234")
    assert cli(home, "settle", "cash-in", "10", "--reason", "零钱", "--clerk", "1001").exit_code == 0
    monkeypatch.setenv("TELLER_PIN", "0000")
    r = cli(home, "settle", "cash-in", "10", "--reason", "零钱", "--clerk", "1001")
    assert r.exit_code == 1  # a wrong PIN from the environment is a wrong PIN


def test_a_missing_pin_off_a_terminal_names_every_way_to_give_it(home):
    before = books(home)
    line = refused(cli(home, "settle", "open", "--clerk", "1001", "--float", "100=2"), "--pin")
    assert "--pin-stdin" in line and "TELLER_PIN" in line
    line = refused(cli(home, "settle", "open", "--clerk", "1001", "--pin-stdin", "--float", "100=2", input=""), "--pin-stdin")
    refused(cli(home, "settle", "open", *CLERK, "--pin-stdin", "--float", "100=2", input="1234\n"), "--pin-stdin")
    assert books(home) == before


def test_supervisor_pin_for_a_void_from_the_environment_not_the_clerks(home, settings, clock, monkeypatch):
    from tests.conftest import open_desk
    from tests.support.flows import pay

    desk = open_desk(settings, clock)
    committed = pay(desk, amount="20")
    desk.close()
    monkeypatch.setenv("TELLER_PIN", "9999")  # the clerk's variable is never read for a supervisor
    r = cli(home, "tx", "void", committed.receipt_no, "--reason", "duplicate", "--supervisor", "9001")
    refused(r, "--pin")
    monkeypatch.setenv("TELLER_SUPERVISOR_PIN", "9999")
    r = cli(home, "tx", "void", committed.receipt_no, "--reason", "duplicate", "--supervisor", "9001")
    assert r.exit_code == 0, r.output


def test_settle_close_reads_both_pins_from_stdin_in_order(home):
    assert cli(home, "settle", "open", *CLERK, "--float", "100=2").exit_code == 0
    r = cli(home, "settle", "close", "--clerk", "1001", "--pin-stdin", "--count", "100=1", "--supervisor", "9001",
            "--supervisor-pin-stdin", "--note", "短款", input="1234\n9999\n")
    assert r.exit_code == 0, r.output
    assert "9001" in r.output and "9999" not in r.output


def test_new_pin_from_stdin_is_not_read_from_the_environment(home, monkeypatch):
    monkeypatch.setenv("TELLER_PIN", "1234")
    refused(cli(home, "clerks", "add", "1077", "周八"), "--pin")  # a new PIN never comes from the environment
    r = cli(home, "clerks", "add", "1077", "周八", "--pin-stdin", input="4826\n")
    assert r.exit_code == 0, r.output
    assert cli(home, "settle", "open", "--clerk", "1077", "--pin", "4826", "--float", "100=1").exit_code == 0


def _pty_run(args: list[str], answers: list[str], env: dict) -> tuple[int, str]:
    """Run teller-admin on a real pseudo-terminal, typing each answer after its prompt."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "teller.cli.main", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=REPO, env=env, close_fds=True)
    os.close(slave)
    seen, pending, deadline, last = b"", list(answers), time.monotonic() + 60, 0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            # click writes "PIN:", then getpass turns echo off and writes " ": type only after that
            if pending and seen[last:].endswith(b": "):
                os.write(master, pending.pop(0).encode() + b"\r")
                last = len(seen)
        elif proc.poll() is not None:
            break
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
    os.close(master)
    return proc.returncode, seen.decode("utf-8", "replace")


def test_pin_prompted_hidden_on_a_terminal(home):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("TELLER_PIN", None)
    code, screen = _pty_run(["--home", str(home), "clerks", "add", "1078", "吴九"], ["5739", "5739"], env)
    assert code == 0, screen
    assert "PIN" in screen and "5739" not in screen  # asked twice, never echoed
    with db_connect(home) as con:
        assert con.execute("select count(*) from clerk where staff_no = '1078'").fetchone() == (1,)


# ---- CSV formulas ----------------------------------------------------------------------------
@pytest.mark.parametrize(("cell", "out"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+cmd", "'+1+cmd"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-2.00", "-2.00"), ("-1200", "-1200"), ("+5", "+5"), ("王小明", "王小明"), ("", ""), (-200, -200), (None, None),
])
def test_safe_cell(cell, out):
    assert safe_cell(cell) == out


def test_every_csv_output_neutralises_formulas(home):
    r = cli(home, "clerks", "add", "1079", "=cmd|' /C calc'!A0", "--pin", "4826")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(cli(home, "clerks", "list", "--format", "csv").stdout)))
    assert [row["name"] for row in rows if row["staff_no"] == "1079"] == ["'=cmd|' /C calc'!A0"]
    assert cli(home, "settle", "open", *CLERK, "--float", "100=2").exit_code == 0
    cli(home, "settle", "close", *CLERK, "--count", "100=1")  # short by ¥100: waits for a supervisor
    rows = list(csv.DictReader(io.StringIO(cli(home, "settle", "show", "--format", "csv").stdout)))
    assert rows[0]["variance_fen"] == "-10000"  # a negative figure stays a number
    audit_rows = list(csv.DictReader(io.StringIO(cli(home, "audit", "show", "--format", "csv").stdout)))
    assert all(not row["detail"].startswith(("=", "+", "@")) for row in audit_rows)
