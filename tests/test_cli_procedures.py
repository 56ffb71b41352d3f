"""teller-admin procedures show / diagram / schema through Typer's CliRunner (no database needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller.cli.main import app
from teller.procedures.describe import json_schema_text
from teller.procedures.loader import load_file
from tests.support.homes import copy_sources

REPO = Path(__file__).parents[1]
SHIPPED = sorted((REPO / "scripts_yaml").glob("*.yaml"))
runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    copy_sources(home)
    return home


def cli(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), *args])


# ---- schema ------------------------------------------------------------------------------------


def test_the_shipped_json_schema_is_in_sync_with_the_models(home, tmp_path):
    """Regenerate with the command and compare: a model change without `procedures schema -o` fails here."""
    out = tmp_path / "schema.json"
    result = cli(home, "procedures", "schema", "--output", str(out))
    assert result.exit_code == 0, result.output
    shipped = (REPO / "scripts_yaml" / "procedure.schema.json").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == shipped, "run: teller-admin procedures schema -o scripts_yaml/procedure.schema.json"
    assert cli(home, "procedures", "schema").stdout == shipped == json_schema_text()


def test_the_schema_describes_the_file_format():
    schema = json.loads((REPO / "scripts_yaml" / "procedure.schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    assert schema["additionalProperties"] is False and set(schema["required"]) == {"id", "title", "time_limit_s", "steps"}
    assert set(defs["Step"]["properties"]) >= {"id", "kind", "say", "when", "input", "check", "goto", "stop", "again"}
    assert "in" in defs["Condition"]["properties"]  # the alias as written in files
    kinds = defs["InputSpec"]["properties"]["kind"]["enum"]
    assert {"date", "datetime", "supervisor_pin", "choice", "id_number"} <= set(kinds)
    options = defs["InputSpec"]["properties"]["options"]["anyOf"][0]["enum"]
    assert {"bill_months", "handsets", "subscriptions", "rewards", "provinces"} <= set(options)
    amount = defs["FeeItem"]["properties"]["amount"]["anyOf"][0]
    assert amount["type"] == "string" and re.fullmatch(amount["pattern"], "15.00") and not re.fullmatch(amount["pattern"], "15.001")
    assert "price_of" in defs["FeeItem"]["properties"]


# ---- show --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_show_prints_every_step_and_spoken_line(home, path):
    proc = load_file(path).procedure
    result = cli(home, "procedures", "show", proc.id)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert proc.title.zh in out and f"effect: {', '.join(proc.effect_names)}" in out
    for i, step in enumerate(proc.steps, 1):
        assert f"{i:>2}. {step.id}" in out
        assert step.say is None or step.say.zh[:12] in out


def test_show_names_gates_conditions_choices_and_checks(home):
    out = cli(home, "procedures", "show", "bill_print").stdout
    assert "stops when: customer.local = false" in out and "→ stop out_of_province" in out
    assert "only when: verify = dial_test" in out
    assert "input bill_month: choice (options: bill_months)" in out and "check: bill_month_not_printed" in out
    assert "3. dial_test: 拨测客户手机" in out
    out = cli(home, "procedures", "show", "cancel_service").stdout
    assert "2. retained: 客户同意保留 → goto confirm" in out


def test_show_accepts_a_file_and_refuses_an_unknown_id(home):
    result = cli(home, "procedures", "show", str(home / "scripts_yaml" / "payment.yaml"))
    assert result.exit_code == 0 and "缴费" in result.stdout
    result = cli(home, "procedures", "show", "no_such")
    assert result.exit_code == 1
    assert "no_such" in result.stderr and "payment" in result.stderr  # the known ids listed


# ---- diagram -----------------------------------------------------------------------------------


def edges(text: str) -> set[tuple[str, str, str]]:
    found = set()
    for line in text.splitlines():
        m = re.fullmatch(r'\s+(\w+) -->(?:\|"([^"]*)"\|)? (\w+)', line)
        if m:
            found.add((m.group(1), m.group(2) or "", m.group(3)))
    return found


def test_diagram_is_a_mermaid_flowchart_with_every_branch(home):
    result = cli(home, "procedures", "diagram", "payment")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("flowchart TD\n")
    got = edges(text)
    assert ("s1", "yes", "stop_0") in got and ("s1", "no", "s2") in got  # the gate
    assert 'stop_0(["stop: out_of_province"])' in text
    assert ("s2", "customer.arrears_fen = 0", "s3") in got and ("s2", "else", "s4") in got  # when
    assert ("s3", "goto", "s5") in got  # goto
    assert ("s9", "yes (next visit)", "s0") in got and ("s9", "no", "s10") in got  # choice with goto
    assert ("s10", "", "done") in got
    assert 's1{{"2. out_of_province<br/>customer.local = false?"}}' in text  # gates are decisions
    assert re.search(r's7\[\["8\. ', text)  # the commit


def test_diagram_shows_choice_stops_and_conditional_steps(home):
    got = edges(cli(home, "procedures", "diagram", "bill_print").stdout)
    assert {("s3", "verify = password", "s4"), ("s3", "verify = id_card", "s5"), ("s3", "verify = dial_test", "s6")} <= got
    assert ("s7", "yes", "stop_1") in got
    got = edges(cli(home, "procedures", "diagram", "cancel_service").stdout)
    assert ("s5", "retained", "s7") in got and ("s5", "declined", "s6") in got


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_step_of_every_procedure_is_in_its_diagram(home, path):
    proc = load_file(path).procedure
    text = cli(home, "procedures", "diagram", proc.id).stdout
    reached = {dst for _src, _label, dst in edges(text)}
    for i, step in enumerate(proc.steps):
        assert re.search(rf"^\s+s{i}\W", text, re.M), step.id
        assert f"s{i}" in reached, f"{step.id} has no way in"
    assert "done" in reached


# ---- the writers' page -------------------------------------------------------------------------


def test_the_writers_page_names_every_kind_source_check_effect_placeholder_and_field():
    from typing import get_args

    from teller.domain.checks import CHECKS
    from teller.procedures.loader import BUILTIN_FIELDS, BUILTIN_PLACEHOLDERS
    from teller import operations
    from teller.printing.layouts import layout_names
    from teller.procedures.schema import InputKind, OptionSource

    EFFECT_FIELDS = {name: op.fields for name, op in operations.registry().items()}

    page = (REPO / "scripts_yaml" / "README.md").read_text(encoding="utf-8")
    for name in [*get_args(InputKind), *get_args(OptionSource), *CHECKS, *EFFECT_FIELDS, *layout_names(REPO / "receipts")]:
        assert f"`{name}`" in page, name
    for name in BUILTIN_PLACEHOLDERS:
        assert f"{{{name}}}" in page, name
    for name in BUILTIN_FIELDS:
        assert f"`{name}`" in page, name
    for effect, fields in EFFECT_FIELDS.items():
        row = next(line for line in page.splitlines() if line.startswith(f"| `{effect}` |"))
        assert all(f in row for f in fields), effect
    # the commented example is the shipped file, shortened: it must stay loadable
    example = page.split("```yaml\n", 1)[1].split("```", 1)[0]
    from teller.procedures.loader import parse

    assert parse(example, "README.md").procedure.id == "redeem_points"
