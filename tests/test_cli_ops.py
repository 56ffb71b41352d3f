"""teller-admin for an operator at an 80-column terminal (issue 13, item 10): tables that fit with
every value whole, --format on listings and verdicts, completion, --version, exit 2 for bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from teller.cli.main import app
from tests.conftest import open_desk
from tests.support.flows import pay

runner = CliRunner()


def cli(home: Path, *args: str, columns: int = 80, **kw):
    return runner.invoke(app, ["--home", str(home), *args], env={"COLUMNS": str(columns)}, **kw)


DAY = "2026-11-23"  # the fixed clock's business day (the CLI itself runs on the real clock: dates are given)


@pytest.fixture
def busy(home, settings, clock):
    """(home, receipt numbers): the demo hall with five payments on DAY."""
    desk = open_desk(settings, clock)
    try:
        for amount in ("10", "17.50", "24"):
            pay(desk, amount=amount)
        pay(desk, number="13700001111", name="张伟", amount="30")
        pay(desk, number="13700001111", name="张伟", amount="1234.56")
        receipts = [r for r in desk.todays_transactions()]
    finally:
        desk.close()
    return home, [r.receipt_no for r in receipts]


@pytest.fixture
def busy_home(busy):
    return busy[0]


def assert_fits(text: str, width: int = 80) -> None:
    for line in text.splitlines():
        assert cell_len(line) <= width, line
    assert "…" not in text and "None" not in text


@pytest.mark.parametrize("args", [
    ["tx", "list"], ["tx", "list", "--date", "2026-11-23"], ["audit", "show"], ["clerks", "list"], ["receipts", "pending"],
    ["settle", "show"], ["procedures", "list"], *[["report", name] for name in
                                                   ("daily", "period", "prepay-arrears", "procedures", "bands", "retention",
                                                    "complaints", "exceptions")],
])
def test_tables_fit_80_columns_with_every_value_whole(busy_home, args) -> None:
    result = cli(busy_home, *args)
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)


def test_tx_list_keeps_receipts_and_amounts_and_names_what_it_left_out(busy) -> None:
    busy_home, receipts = busy
    assert len(receipts) == 5
    result = cli(busy_home, "tx", "list")
    for receipt in receipts:
        assert receipt in result.stdout
    assert "1234.56" in result.stdout and "13700001111" in result.stdout
    assert "hidden:" in result.stdout and "Mode" in result.stdout
    wide = cli(busy_home, "tx", "list", columns=200)
    assert "hidden" not in wide.stdout and "live" in wide.stdout  # a wide terminal shows every column
    one_day = cli(busy_home, "tx", "list", "--date", "2026-11-23")
    assert "2026-11-23 " not in one_day.stdout.split("\n", 3)[-1]  # one day: the time alone


def test_report_period_never_prints_none(busy_home) -> None:
    result = cli(busy_home, "report", "period", "--from", DAY)
    assert result.exit_code == 0 and "None" not in result.stdout and "1001" in result.stdout
    assert json.loads(cli(busy_home, "report", "period", "--from", DAY, "-f", "json").stdout)[0]["change_pct"] is None


def test_listings_and_verdicts_take_format(busy_home, tmp_path) -> None:
    procs = json.loads(cli(busy_home, "procedures", "list", "-f", "json").stdout)
    assert procs[0]["id"] == "payment" and all(p["ok"] for p in procs)
    assert next(csv.DictReader(io.StringIO(cli(busy_home, "procedures", "list", "-f", "csv").stdout)))["file"] == "payment.yaml"

    check = json.loads(cli(busy_home, "db", "check", "-f", "json").stdout)
    assert check["ok"] is True and check["integrity"] == ["ok"] and check["audit_checked"] > 0
    row = next(csv.DictReader(io.StringIO(cli(busy_home, "db", "check", "-f", "csv").stdout)))
    assert row["ok"] == "True"

    verdict = json.loads(cli(busy_home, "audit", "verify", "-f", "json").stdout)
    assert verdict["ok"] and verdict["broken_at"] is None and ":" in verdict["anchor"]

    copy = tmp_path / "copy.db"
    backup = json.loads(cli(busy_home, "db", "backup", str(copy), "-f", "json").stdout)
    assert backup["integrity"] == "ok" and backup["tables"]["transaction"] == 5 and Path(backup["path"]) == copy
    rows = list(csv.DictReader(io.StringIO(cli(busy_home, "db", "backup", str(tmp_path / "c2.db"), "-f", "csv").stdout)))
    assert {r["table"]: r["rows"] for r in rows}["transaction"] == "5"

    bad = tmp_path / "bad.csv"
    bad.write_text("number,name,id_number,plan\n1350000000x,韩梅梅,123,nope\n", encoding="utf-8")
    result = cli(busy_home, "customers", "import", str(bad), "-f", "json")
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)
    assert verdict["ok"] is False and verdict["imported"] == 0 and {e["field"] for e in verdict["errors"]} >= {"number", "plan"}


def test_a_broken_audit_chain_is_a_json_verdict_and_exit_1(busy_home) -> None:
    from tests.support.sql import db_connect

    with db_connect(busy_home) as con:  # the home's database, a file or PostgreSQL
        con.execute("update audit set detail = 'edited' where id = 2")
    result = cli(busy_home, "audit", "verify", "-f", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)["broken_at"] == 2


def test_version_and_completion() -> None:
    from teller import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"teller-admin {__version__}"
    # the script bash sources, and a completion it answers (`--show-completion` would detect the
    # shell from the processes above the test, which CI and a terminal do not share)
    result = runner.invoke(app, [], prog_name="teller-admin", env={"_TELLER_ADMIN_COMPLETE": "source_bash"})
    assert result.exit_code == 0 and "_teller_admin_completion" in result.stdout and "complete " in result.stdout
    words = {"_TELLER_ADMIN_COMPLETE": "complete_bash", "COMP_WORDS": "teller-admin pro", "COMP_CWORD": "1"}
    result = runner.invoke(app, [], prog_name="teller-admin", env=words)
    assert result.exit_code == 0 and result.stdout.split() == ["procedures"]
    assert "--install-completion" in runner.invoke(app, ["--help"], env={"COLUMNS": "120"}).stdout


@pytest.mark.parametrize("args,names", [
    (["tx", "void", "01-20261123-0001", "--reason", "bogus", "--supervisor", "9001", "--pin", "9999"], "'--reason'"),
    (["clerks", "set-role", "1001", "king"], "'role'"),
    (["clerks", "add", "1234", "x", "--role", "king", "--pin", "1357"], "'--role'"),
    (["audit", "verify", "--anchor", "garbage"], "'--anchor'"),
    (["report", "daily", "--from", "2026-13-01"], "'--from'"),
    (["report", "daily", "--to", "2026-02-30"], "'--to'"),
    (["report", "daily", "--from", "2026-11-23", "--to", "2026-11-01"], "'--to'"),
    (["audit", "show", "--since", "23/11/2026"], "'--since'"),
    (["tx", "list", "--format", "xml"], "'--format'"),
    (["report", "nope"], "NAME"),
])
def test_every_bad_argument_is_exit_2_naming_it(home, args, names) -> None:
    result = cli(home, *args)
    assert result.exit_code == 2, result.output
    assert names in result.stderr and "Traceback" not in result.output


def test_the_cli_choices_match_the_domain() -> None:
    from teller.cli import params
    from teller.domain.books import VOID_REASONS
    from teller.domain.staff import ROLES

    assert params.ROLES == ROLES and params.VOID_REASONS == VOID_REASONS
