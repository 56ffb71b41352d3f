"""teller-admin practice through Typer's CliRunner: scenarios listed, shown and validated (file:line
for a bad file, the divergent step for a script that leaves its procedure), results in three
formats, a trainee's report at 80 columns, drill sets and exams assigned."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from teller.cli.main import app
from tests.conftest import REPO

runner = CliRunner()


@pytest.fixture
def chome(home: Path) -> Path:
    """A home with the seeded databases and one trainee's drills: two of 缴费 (a slip in the
    first), one 补卡."""
    from teller.clock import FixedClock
    from teller.config import load_settings
    from teller.desk import Desk
    from teller.errors import InputRefused
    from teller.practice.drill import play
    from teller.practice.records import finish_drill, load_scenarios, start_drill

    desk = Desk(load_settings(home=home).for_practice(), clock=FixedClock()).open()
    desk.login("1001", "1234")
    loaded = {s.id: s for s in load_scenarios(desk.settings, desk.procedures)[0]}
    for ident, slip in (("payment_routine", True), ("payment_routine", False), ("replace_sim_routine", False)):
        run = start_drill(desk, loaded[ident])
        if slip:
            try:
                run.submit("138")
            except InputRefused:
                pass
        play(run)
        finish_drill(desk, run)
    desk.close()
    return home


def cli(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), *args])


def test_scenarios_list_shows_every_scenario(home):
    result = cli(home, "practice", "scenarios", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) >= 24 and {"id", "procedure", "title", "level", "expect", "traps", "file"} <= set(rows[0])
    assert {r["procedure"] for r in rows} >= {"payment", "open_account", "handset_sale", "cross_region"}


def test_scenarios_show_prints_the_script_and_the_expected_outcome(home):
    result = cli(home, "practice", "scenarios", "show", "payment_arrears")
    assert result.exit_code == 0, result.output
    assert "13912345678" in result.output and "first '20'" in result.output and "expect committed" in result.output
    assert max(cell_len(line) for line in result.output.splitlines()) <= 80
    missing = cli(home, "practice", "scenarios", "show", "nope")
    assert missing.exit_code == 1 and "No scenario 'nope'" in missing.output


def test_validate_runs_every_shipped_scenario_through_the_engine(home):
    result = cli(home, "practice", "scenarios", "validate")
    assert result.exit_code == 0, result.output
    import re

    found = re.search(r"OK (\d+) files, (\d+) run through the engine", result.output)
    assert found and found.group(1) == found.group(2) and int(found.group(1)) >= 24, result.output


def test_validate_names_file_line_and_field_of_a_bad_scenario_and_the_step_where_a_script_diverges(home, tmp_path):
    text = (REPO / "scripts_yaml" / "scenarios" / "payment_routine.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("procedure: payment", "procedure: payments"), encoding="utf-8")
    diverges = tmp_path / "diverges.yaml"
    diverges.write_text(text.replace("id: payment_routine", "id: diverges").replace("answer: 王小明", "answer: 王大明"), encoding="utf-8")
    result = cli(home, "practice", "scenarios", "validate", str(bad), str(diverges))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(f"{bad}:4: procedure: no procedure 'payments'") for line in lines), result.output
    assert any(line.startswith(f"{diverges}:16: script[1]: ") and "王大明" in line for line in lines), result.output
    assert "2 problem(s) in 2 of 2 file(s)" in lines[-1]
    quick = cli(home, "practice", "scenarios", "validate", "--no-run", str(diverges))
    assert quick.exit_code == 0 and "OK 1 files" in quick.output


def test_results_in_table_json_and_csv(chome):
    table = cli(chome, "practice", "results")
    assert table.exit_code == 0, table.output
    assert "payment_routine" in table.output and "replace_sim_routine" in table.output
    assert max(cell_len(line) for line in table.output.splitlines()) <= 80
    rows = json.loads(cli(chome, "practice", "results", "--format", "json", "--trainee", "1001").output)
    assert [(r["scenario"], r["attempt"], r["score"], r["mistakes"]) for r in rows] == [
        ("payment_routine", 1, 95, 1), ("payment_routine", 2, 100, 0), ("replace_sim_routine", 1, 100, 0)]
    assert rows[0]["mistake_list"][0]["kind"] == "refused" and rows[0]["mistake_list"][0]["step"] == "number"
    out = cli(chome, "practice", "results", "--format", "csv", "--scenario", "replace_sim_routine").output
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert [(r["trainee"], r["scenario"], r["score"], r["passed"]) for r in parsed] == [("1001", "replace_sim_routine", "100", "True")]
    assert cli(chome, "practice", "results", "--trainee", "1002").output.strip() == "没有练习记录 / No drills yet"


def test_the_trainee_report_fits_80_columns(chome):
    result = cli(chome, "practice", "report", "1001")
    assert result.exit_code == 0, result.output
    assert max(cell_len(line) for line in result.output.splitlines()) <= 80
    text = result.output
    assert "周丽（1001）：练习 3 次，通过 3 次（100%）" in text and "缴费" in text and "补卡" in text
    assert "输入被拒" in text and "█" in text and "1:50" in text
    data = json.loads(cli(chome, "practice", "report", "1001", "--format", "json").output)
    assert data["pass_rate"] == 100 and data["mistakes"] == {"refused": 1}
    assert cli(chome, "practice", "report", "4242").exit_code == 1
    assert cli(chome, "practice", "report", "1001", "--format", "csv").exit_code == 2


def test_assign_a_drill_set_and_an_exam(chome):
    result = cli(chome, "practice", "assign", "1002", "payment_arrears", "open_account_no_id", "--exam", "--title", "入门考试", "--by", "8001")
    assert result.exit_code == 0, result.output
    assert "pass mark 80" in result.output
    from teller.config import load_settings
    from teller.practice.records import open_sets
    from teller.store.db import open_engine

    engine = open_engine(load_settings(home=chome).practice_database_url)
    sets = open_sets(engine, "1002")
    engine.dispose()
    assert [(s["kind"], s["title"], s["scenarios"], s["pass_mark"], s["assigned_by"]) for s in sets] == [
        ("exam", "入门考试", ["payment_arrears", "open_account_no_id"], 80, "8001")]
    bad = cli(chome, "practice", "assign", "1002", "no_such_scenario")
    assert bad.exit_code == 2 and "no_such_scenario" in bad.output
    nobody = cli(chome, "practice", "assign", "7777", "payment_arrears")
    assert nobody.exit_code == 1 and "7777" in nobody.output


@pytest.mark.sqlite_only  # compares the live SQLite file's bytes
def test_practice_commands_never_open_the_live_database(chome):
    live = chome / "db" / "teller.db"
    before = live.read_bytes()
    for args in (("results",), ("report", "1001"), ("assign", "1002", "payment_routine")):
        assert cli(chome, "practice", *args).exit_code == 0
    assert live.read_bytes() == before


def test_a_home_without_a_scenarios_folder_lists_none(home):
    shutil.rmtree(home / "scripts_yaml" / "scenarios")
    result = cli(home, "practice", "scenarios", "list")
    assert result.exit_code == 0 and "No scenarios" in result.output
