"""A real hall's first day: an empty hall (no demo data), its catalogue loaded from files all
or nothing, then its subscribers; a clerk of the imported ones takes the first payment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller.cli.main import app
from teller.errors import TellerError
from tests.conftest import REPO, make_home
from tests.support.sql import db_connect

runner = CliRunner()
FILES = REPO / "tests" / "fixtures" / "first_day"
CATALOGUE = [str(FILES / f"{k}.csv") for k in ("plans", "numbers", "handsets", "services", "clerks")]


def cli(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), *args])


@pytest.fixture
def empty_hall(tmp_path, db_kind, request) -> Path:
    """`teller-admin db init` with seed_demo = false: the hall's database, nothing in it."""
    home = make_home(tmp_path / "hall")
    if db_kind == "postgresql":
        url = request.getfixturevalue("pg_server").create_database()
        env = pytest.MonkeyPatch()
        env.setenv("TELLER_DATABASE_URL", url)
        request.addfinalizer(env.undo)
    (home / "teller.toml").write_text('seed_demo = false\nhall_name = "城西营业厅"\n', encoding="utf-8")
    r = cli(home, "db", "init")
    assert r.exit_code == 0 and "empty hall" in r.stdout, r.output
    return home


def counts(home: Path) -> dict[str, int]:
    with db_connect(home) as con:
        return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0]
                for t in ("plan", "number_pool", "handset", "service", "clerk", "customer", "transaction")}


def test_seed_demo_false_gives_an_empty_hall_and_customers_import_needs_plans(empty_hall, tmp_path):
    assert counts(empty_hall) == dict.fromkeys(("plan", "number_pool", "handset", "service", "clerk", "customer", "transaction"), 0)
    r = cli(empty_hall, "customers", "import", str(FILES / "customers.csv"))
    assert r.exit_code == 1 and "east_58" in r.stderr  # no plans yet: refused with the reason, nothing written
    assert counts(empty_hall)["customer"] == 0


def test_the_catalogue_loads_then_subscribers_then_the_first_payment(empty_hall, clock):
    r = cli(empty_hall, "catalog", "import", *CATALOGUE)
    assert r.exit_code == 0, r.output
    assert "plans.csv: 已导入 3 条 / imported 3 plans" in r.stdout and "clerks.csv: 已导入 4 条 / imported 4 clerks" in r.stdout
    assert counts(empty_hall) == {"plan": 3, "number_pool": 3, "handset": 2, "service": 2, "clerk": 4, "customer": 0, "transaction": 0}
    with db_connect(empty_hall) as con:
        assert con.execute("select monthly_fee_fen, tariff from plan where code='east_58'").fetchone()[0] == 5800
        assert con.execute("select price_fen, stock from handset where code='hw_p70'").fetchone() == (499900, 4)
        assert con.execute("select pin_hash from clerk where staff_no='2001'").fetchone()[0] not in ("", "4826")
        assert con.execute("select detail from audit where action='catalog_import' order by id").fetchall()[0] == ("3 plans from plans.csv",)
    r = cli(empty_hall, "customers", "import", str(FILES / "customers.csv"))
    assert r.exit_code == 0, r.output
    from teller.config import load_settings
    from tests.conftest import open_desk
    from tests.support.flows import pay

    desk = open_desk(load_settings(home=empty_hall), clock, "2001", "4826")  # an imported clerk, her PIN
    assert [p.code for p in desk.plans()] == ["east_youth", "east_38", "east_58"] and desk.free_numbers() == ["13566660001", "13566660002", "13566660003"]
    committed = pay(desk, number="13566669001", name="钱多多")
    assert committed.customer is not None and committed.customer.balance_fen == 3500
    with pytest.raises(TellerError):
        open_desk(load_settings(home=empty_hall), clock, "1001", "1234")  # no demo clerk, no demo PIN
    desk.close()
    assert cli(empty_hall, "audit", "verify").exit_code == 0


def test_one_bad_row_in_any_file_and_nothing_is_imported(empty_hall, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(FILES, bad)
    (bad / "handsets.csv").write_text("code,make,model,price,stock\nhw_p70,华为,P70,4999,4\nHW P70,华为,P70,-1,many\nhw_p70,华为,P70,1,1\n", encoding="utf-8")
    (bad / "clerks.csv").write_text("staff_no,name,role,pin\n2001,周晓燕,boss,1111\n", encoding="utf-8")
    (bad / "numbers.csv").write_text("number\n1356666000\n", encoding="utf-8")
    r = cli(empty_hall, "catalog", "import", *[str(bad / Path(p).name) for p in CATALOGUE])
    assert r.exit_code == 1 and "nothing imported" in r.stderr
    lines = r.stderr.splitlines()
    for want in ("handsets.csv 第 3 行 / row 3: code:", "handsets.csv 第 4 行 / row 4: code:", "clerks.csv 第 2 行 / row 2: role:",
                 "numbers.csv 第 2 行 / row 2: number:"):
        assert any(line.startswith(want) for line in lines), (want, r.stderr)
    assert counts(empty_hall) == dict.fromkeys(("plan", "number_pool", "handset", "service", "clerk", "customer", "transaction"), 0)
    again = cli(empty_hall, "catalog", "import", str(FILES / "plans.csv"))
    assert again.exit_code == 0
    twice = cli(empty_hall, "catalog", "import", str(FILES / "plans.csv"))
    assert twice.exit_code == 1 and "east_38" in twice.stderr  # loaded, not edited: already in the hall
    unknown = cli(empty_hall, "catalog", "import", str(FILES / "customers.csv"))
    assert unknown.exit_code == 2 and "--kind" in unknown.stderr
