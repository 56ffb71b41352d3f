"""teller-admin settle, tx void and report through Typer's CliRunner on a real database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller.cli.main import app
from teller.clock import FixedClock
from tests.conftest import DAY, open_desk
from tests.support.flows import LI, pay
from tests.support.sql import db_connect

runner = CliRunner()
CLERK = ["--clerk", "1001", "--pin", "1234"]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The CLI's desk reads the hall clock; tests inject the fixed one."""
    monkeypatch.setattr("teller.desk.Clock", lambda zone=None: FixedClock(DAY))


def cli(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), *args])


def rows(home: Path, sql: str):
    with db_connect(home) as con:
        return con.execute(sql).fetchall()


def test_settle_open_cash_moves_and_a_clean_close(home, settings, clock):
    r = cli(home, "settle", "open", *CLERK, "--float", "100=2,10=5,0.5=4")
    assert r.exit_code == 0, r.output
    assert "￥252.00" in r.output
    assert cli(home, "settle", "cash-in", "100", "--reason", "补充零钱", *CLERK).exit_code == 0
    r = cli(home, "settle", "cash-out", "50", *CLERK, "--reason", "")
    assert r.exit_code == 1 and "原因" in r.output
    assert cli(home, "settle", "cash-out", "50", "--reason", "上缴", *CLERK).exit_code == 0
    desk = open_desk(settings, clock)  # the shift is open: the desk takes a payment in it
    pay(desk, amount="20")
    desk.close()
    # expected 252 + 100 − 50 + 20 = 322
    r = cli(home, "settle", "close", *CLERK, "--count", "100=3,10=2,0.5=4")
    assert r.exit_code == 0, r.output
    assert "￥322.00" in r.output and "variance ￥0.00" in r.output
    assert rows(home, "select status, expected_fen, counted_fen, variance_fen from shift") == [("closed", 32200, 32200, 0)]
    r = cli(home, "settle", "day", *CLERK)
    assert r.exit_code == 0 and "2026-11-23" in r.output
    r = cli(home, "settle", "open", *CLERK, "--float", "100=1")
    assert r.exit_code == 1 and "已日结" in r.output
    shown = json.loads(cli(home, "settle", "show", "--format", "json").output)
    assert [(s["shift"], s["float_fen"], s["variance_fen"], s["day_closed"]) for s in shown] == [(1, 25200, 0, "yes")]


def test_settle_close_beyond_the_threshold_needs_the_supervisor(home):
    assert cli(home, "settle", "open", *CLERK, "--float", "100=2").exit_code == 0
    r = cli(home, "settle", "close", *CLERK, "--count", "100=1,50=1")
    assert r.exit_code == 1
    assert "expected ￥200.00" in r.output and "variance 短款 short ￥50.00" in r.output and "￥-" not in r.output and "supervisor" in r.output
    assert rows(home, "select status from shift") == [("counted",)]
    r = cli(home, "settle", "close", *CLERK, "--supervisor", "1001", "--supervisor-pin", "1234", "--note", "x")
    assert r.exit_code == 1 and "另一位" in r.output
    r = cli(home, "settle", "close", *CLERK, "--supervisor", "9001", "--supervisor-pin", "9999", "--note", "短款50元，已报告")
    assert r.exit_code == 0, r.output
    assert rows(home, "select status, supervisor, note from shift") == [("closed", "9001", "短款50元，已报告")]
    assert list((home / "receipts" / "spool").rglob("shift1-01-settlement.txt"))


def test_bad_counts_are_refused_as_usage_errors(home):
    r = cli(home, "settle", "open", *CLERK, "--float", "3=2")
    assert r.exit_code == 2 and "denomination" in r.output


def test_tx_void_reverses_and_records_both_staff(home, settings, clock):
    desk = open_desk(settings, clock)
    committed = pay(desk, LI, "李静", "50")
    desk.close()
    r = cli(home, "tx", "void", committed.receipt_no, "--reason", "wrong_amount", "--supervisor", "1001", "--pin", "1234")
    assert r.exit_code == 1 and "值班长" in r.output
    r = cli(home, "tx", "void", committed.receipt_no, "--reason", "wrong_amount", "--supervisor", "9001", "--pin", "9999")
    assert r.exit_code == 0, r.output
    assert "1001" in r.output and "9001" in r.output and "￥50.00" in r.output
    assert rows(home, f"select status from \"transaction\" where receipt_no='{committed.receipt_no}'") == [("voided",)]
    assert rows(home, "select clerk, tx_clerk, supervisor, reason from void") == [("1001", "1001", "9001", "wrong_amount")]
    assert rows(home, f"select balance_fen, status from customer where number='{LI}'") == [(-3050, "suspended_arrears")]
    r = cli(home, "tx", "void", committed.receipt_no, "--reason", "wrong_amount", "--supervisor", "9001", "--pin", "9999")
    assert r.exit_code == 1 and "已冲正" in r.output


def test_report_in_each_format(home, settings, clock):
    desk = open_desk(settings, clock)
    pay(desk, amount="100")
    pay(desk, LI, "李静", "50")
    desk.close()
    data = json.loads(cli(home, "report", "prepay-arrears", "--from", "2026-11-23", "--format", "json").output)
    assert [(r["count"], r["amount_fen"], r["amount_yuan"]) for r in data] == [(1, 11950, "119.50"), (1, 3050, "30.50")]
    out = cli(home, "report", "daily", "--from", "2026-11-23", "--to", "2026-11-23", "--format", "csv").output
    table = list(csv.DictReader(io.StringIO(out)))
    assert table[0]["count"] == "2" and table[0]["amount_fen"] == "15000" and table[0]["avg_fen"] == "7500"
    r = cli(home, "report", "procedures")  # today by default; a table and a bar chart
    assert r.exit_code == 0 and "缴费" in r.output and "█" in r.output
    r = cli(home, "report", "nonsense")
    assert r.exit_code == 2
    r = cli(home, "report", "retention")  # no closing or cancellation yet: an empty report, not an error
    assert r.exit_code == 0 and "没有数据" in r.output
