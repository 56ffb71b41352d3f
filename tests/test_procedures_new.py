"""teller-admin procedures new: a skeleton for any operation that validates, with the schema
line, every field the operation reads, a cash step where money moves, commit and end."""

from __future__ import annotations

from tests.support.homes import copy_sources  # noqa: E402

from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller import operations
from teller.procedures.loader import load_file, parse
from teller.procedures.semantics import Context
from teller.procedures.skeleton import SCHEMA_LINE, skeleton

REPO = Path(__file__).resolve().parents[1]
OPS = sorted(name for name, op in operations.registry().items() if not op.internal)
runner = CliRunner()


@pytest.mark.parametrize("name", OPS)
def test_the_skeleton_of_every_operation_validates_without_warnings(name):
    op = operations.get(name)
    text = skeleton(f"new_{name}", name, fields=op.fields, category=op.category, generic=op.params is not None)
    assert text.startswith(SCHEMA_LINE + "\n")
    loaded = parse(text, "new.yaml", context=Context(layouts_dir=REPO / "receipts"))
    proc = loaded.procedure
    assert loaded.warnings == ()
    asked = {s.input.field for s in proc.steps if s.input}
    assert op.fields <= asked
    kinds = [s.kind for s in proc.steps]
    assert kinds.count("commit") == 1 and kinds[-1] == "end" and proc.effect_names == [name]
    assert proc.documents.all_of or proc.documents.any_of
    cash = [s for s in proc.steps if s.input and s.input.kind == "cash"]
    assert bool(cash) == bool(proc.fees)
    if op.category in ("prepayment", "sale_of_goods") or "amount" in op.fields or name == "take_deposit":
        assert cash and kinds.index("commit") > proc.steps.index(cash[0])


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return copy_sources(tmp_path / "home")


def cli(home: Path, *args: str):
    from teller.cli.main import app

    return runner.invoke(app, ["--home", str(home), *args])


def test_new_writes_a_file_that_validates_simulates_and_loads_in_the_folder(home):
    result = cli(home, "procedures", "new", "top_up", "--operation", "pay", "--title", "充值")
    assert result.exit_code == 0, result.output
    path = home / "scripts_yaml" / "top_up.yaml"
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE
    assert load_file(path).procedure.title.zh == "充值"
    assert cli(home, "procedures", "validate", "--strict").exit_code == 0
    walked = cli(home, "procedures", "simulate", str(path), "-n", "13800138000", "--scripted", "--at", "2026-11-23 10:00",
                 "-a", "verify=password", "-a", "service_password=135790", "-a", "amount=5", "-a", "tendered=5")
    assert walked.exit_code == 0, walked.output
    assert "customer 13800138000: balance_fen 3520 → 4020" in walked.stdout


def test_new_never_overwrites_without_force(home):
    assert cli(home, "procedures", "new", "payment", "--operation", "pay").exit_code == 1
    assert "already exists" in cli(home, "procedures", "new", "payment", "--operation", "pay").stderr
    assert cli(home, "procedures", "new", "payment", "--operation", "pay", "--force").exit_code == 0


@pytest.mark.parametrize("args,words", [
    (["Top-Up", "--operation", "pay"], "lowercase letters"),
    (["top_up", "--operation", "pya"], "did you mean `pay`?"),
    (["top_up"], "--operation"),
])
def test_new_bad_input_is_one_line(home, args, words):
    result = cli(home, "procedures", "new", *args)
    assert result.exit_code == 2 and words in result.stderr and "Traceback" not in result.output
