"""The settings file is checked like a procedure file: every unknown key, wrong type or value out
of range is refused with file and line, and no value reaches the program unchecked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller.cli.main import app
from teller.config import SettingsError, check_settings, key_lines, load_settings
from tests.support.homes import REPO, copy_sources

BAD = [
    ('counter = 1\n', "teller.toml:1: counter: must be text in quotes"),
    ('hall_name = "x"\n\n[printer]\nport = "nine"\n', 'teller.toml:4: printer.port: must be a whole number (a TCP port, 1-65535), not "nine"'),
    ('[printer]\npaper_mm = 70\n', "teller.toml:2: printer.paper_mm: must be 58 (32 columns) or 80 (48 columns), not 70"),
    ('payment_limit_yuan = "lots"\n', 'teller.toml:1: payment_limit_yuan: must be a number'),
    ('payment_limit_yuan = 0\n', "payment_limit_yuan: must be yuan above 0"),
    ('payment_limit_yuan = 12.345\n', "two decimals at most"),
    ('payment_bands_yuan = [100, 50]\n', "payment_bands_yuan: must be a list of yuan bounds, rising"),
    ('payment_bands_yuan = ["50"]\n', "payment_bands_yuan: must be a list of numbers"),
    ('locale = "fr"\n', 'locale: must be "zh" or "en", not "fr"'),
    ('timezone = "Mars/Olympus"\n', "timezone: must be a time zone name"),
    ('idle_lock_s = -1\n', "idle_lock_s: must be seconds"),
    ('idle_lock_s = true\n', "idle_lock_s: must be a whole number"),
    ('seed_demo = "yes"\n', "seed_demo: must be true or false"),
    ('spool_dir = 5\n', "spool_dir: must be text in quotes"),
    ('settle_variance_fen = 1.5\n', "settle_variance_fen: must be a whole number"),
    ('[printer]\nbackend = "bluetooth"\n', "printer.backend: must be preview | network"),
    ('[printer]\ntimeout = "5"\n', "printer.timeout: must be a number"),
    ('[printer]\ncash_drawer = 1\n', "printer.cash_drawer: must be true or false"),
    ('[printer]\nvendor_id = 70000\n', "printer.vendor_id: must be a USB id"),
    ('printer = "usb"\n', "printer: must be a table"),
    ('colour = "red"\n', "teller.toml:1: colour: unknown setting"),
    ('[printer]\ncolour = "red"\n', "teller.toml:2: printer.colour: unknown setting"),
    ('[scanner]\nport = 1\n', "teller.toml:1: scanner: unknown setting"),
]


@pytest.mark.parametrize("text,expected", BAD)
def test_a_bad_setting_is_refused_naming_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "teller.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(home=tmp_path)
    assert expected in caught.value.message, caught.value.message
    assert str(tmp_path / "teller.toml") in caught.value.message


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    (tmp_path / "teller.toml").write_text('counter = 1\nlocale = "fr"\n[printer]\nport = "nine"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(home=tmp_path)
    assert [p.split(": ")[1] for p in caught.value.problems] == ["counter", "locale", "printer.port"]
    assert [p.split(":")[1] for p in caught.value.problems] == ["1", "2", "4"]


def test_the_readme_example_is_accepted_with_its_values(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Configuration", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "teller.toml").write_text(example, encoding="utf-8")
    settings = load_settings(home=tmp_path)
    assert settings.counter == "01" and settings.payment_limit_fen == 500_000
    assert settings.printer.port == 9100 and settings.printer.vendor_id == 0x0416 and settings.printer.timeout == 5.0


def test_good_values_arrive_as_the_program_keeps_them(tmp_path: Path) -> None:
    (tmp_path / "teller.toml").write_text(
        'payment_limit_yuan = 1234.5\npayment_bands_yuan = [20, 50.5]\n[printer]\ntimeout = 3\npaper_mm = 58\n', encoding="utf-8"
    )
    s = load_settings(home=tmp_path)
    assert s.payment_limit_fen == 123_450 and s.payment_bands_fen == (2000, 5050)
    assert s.printer.timeout == 3.0 and isinstance(s.printer.timeout, float) and s.printer.columns == 32


def test_key_lines_follow_tables_and_quoted_keys() -> None:
    text = 'a = 1\n# c\n"b" = 2\n[printer]\n  port = 3\n[ other ]\nport = 4\n'
    assert key_lines(text) == {"a": 1, "b": 3, "printer": 4, "printer.port": 5, "other": 6, "other.port": 7}


def test_a_new_field_of_the_settings_is_checked_by_its_type() -> None:
    """The kinds come from the dataclasses: a key added to Settings is checked without a new rule."""
    problems = check_settings({"idle_lock_s": "300", "database_url": 3}, 'idle_lock_s = "300"\ndatabase_url = 3\n', "f.toml")
    assert problems == [
        'f.toml:1: idle_lock_s: must be a whole number (seconds, 0 (never lock) to 86400), not "300"',
        "f.toml:2: database_url: must be text in quotes, not 3",
    ]


def test_the_admin_tool_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    home = copy_sources(tmp_path / "home")
    (home / "teller.toml").write_text('counter = 1\n[printer]\npaper_mm = 70\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["--home", str(home), "db", "init"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "teller.toml:1: counter" in lines[0] and "teller.toml:3: printer.paper_mm" in lines[1]
    assert "Traceback" not in result.output and not (home / "db").exists()


def test_the_console_refuses_a_bad_file_before_anything_opens(tmp_path: Path) -> None:
    home = copy_sources(tmp_path / "home")
    (home / "teller.toml").write_text('payment_limit_yuan = "lots"\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "teller", "--home", str(home)], capture_output=True, text=True, timeout=60,
                          cwd=REPO)
    assert proc.returncode == 2
    assert "teller.toml:1: payment_limit_yuan: must be a number" in proc.stderr and "Traceback" not in proc.stderr
    assert not (home / "db").exists()
