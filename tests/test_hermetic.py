"""The suite never reads what a person left in the working copy: its spool, its database, its
settings. Homes are built from the shipped sources only (tests.support.homes)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from teller.cli.main import app
from teller.config import default_home
from tests.support.homes import REPO, copy_sources


def test_a_home_takes_the_sources_and_nothing_a_checkout_wrote(tmp_path: Path) -> None:
    checkout = copy_sources(tmp_path / "checkout")
    # what using the checkout leaves there: a test page in the spool, a database, settings
    runner = CliRunner()
    assert runner.invoke(app, ["--home", str(checkout), "db", "init"]).exit_code == 0
    result = runner.invoke(app, ["--home", str(checkout), "receipts", "test-page"])
    assert result.exit_code == 0, result.output
    assert list((checkout / "receipts" / "spool").rglob("TEST-*.txt"))
    (checkout / "teller.toml").write_text('counter = "99"\n', encoding="utf-8")
    assert (checkout / "db" / "teller.db").is_file()

    home = copy_sources(tmp_path / "home", source=checkout)
    assert not (home / "receipts" / "spool").exists() and not (home / "db").exists()
    assert not (home / "teller.toml").exists()
    assert sorted(p.name for p in (home / "receipts").iterdir()) == sorted(p.name for p in (REPO / "receipts").glob("*.yaml"))
    # the test that failed after one test page in the checkout: exactly one page in this home
    assert runner.invoke(app, ["--home", str(home), "db", "init"]).exit_code == 0
    result = runner.invoke(app, ["--home", str(home), "receipts", "test-page"])
    assert result.exit_code == 0, result.output
    assert len(list((home / "receipts" / "spool").glob("*/TEST-01-*.txt"))) == 1


def test_a_test_without_a_home_gets_an_empty_one_not_the_checkout() -> None:
    assert default_home() != REPO.resolve()
    assert not (default_home() / "db").exists()


def test_the_shared_home_fixture_holds_sources_and_the_seeded_databases_only(home: Path) -> None:
    assert sorted(p.name for p in home.iterdir()) == ["db", "receipts", "scripts_yaml"]
    assert not (home / "receipts" / "spool").exists()


def test_no_test_copies_a_source_folder_whole() -> None:
    """`copytree(REPO / "receipts")` would carry the checkout's spool along: use copy_sources."""
    pattern = re.compile(r"copytree\(\s*(REPO|ROOT)\s*/\s*[\"'](receipts)[\"']\s*,")
    offenders = [
        str(path.relative_to(REPO)) for path in (REPO / "tests").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
