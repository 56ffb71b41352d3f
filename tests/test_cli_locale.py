"""teller-admin speaks the hall's locale (split9, issue 9): its help, messages and table headers come
from teller/locales/*.toml. zh (the default) is the CLI's bilingual wording, Chinese first; en is
English only. The locale: --locale, else $TELLER_LOCALE, else the settings' `locale`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller import strings
from teller.cli.main import app

runner = CliRunner()
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.delenv("TELLER_CONFIG", raising=False)
    monkeypatch.delenv("TELLER_HOME", raising=False)
    monkeypatch.delenv("TELLER_LOCALE", raising=False)
    yield
    strings.set_locale("zh")


def run(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})


def test_the_help_is_bilingual_by_default_and_english_with_locale_en(tmp_path):
    zh = run("--home", str(tmp_path), "procedures", "validate", "--help")
    assert zh.exit_code == 0
    assert "校验业务流程文件 / Check procedure files" in zh.stdout and "警告也算错误 / Warnings count as errors" in zh.stdout
    en = run("--home", str(tmp_path), "--locale", "en", "procedures", "validate", "--help")
    assert en.exit_code == 0
    assert "Check procedure files" in en.stdout and "Warnings count as errors" in en.stdout
    assert HAN.findall(en.stdout) == []
    root = run("--locale", "en", "--help")
    assert "Operator tools for the teller counter console" in root.stdout and HAN.findall(root.stdout) == []
    assert "--locale" in root.stdout
    again = run("--home", str(tmp_path), "--help")  # the next command line chooses again
    assert "营业厅柜台系统运维工具" in again.stdout


def test_the_locale_comes_from_the_environment_and_from_the_settings(tmp_path):
    by_env = run("--home", str(tmp_path), "clerks", "--help", env={"TELLER_LOCALE": "en"})
    assert by_env.exit_code == 0 and "Clerks, roles and PINs" in by_env.stdout and HAN.findall(by_env.stdout) == []
    (tmp_path / "teller.toml").write_text('locale = "en"\n', encoding="utf-8")
    by_settings = run("--home", str(tmp_path), "clerks", "--help")
    assert by_settings.exit_code == 0 and HAN.findall(by_settings.stdout) == []
    given = run("--home", str(tmp_path), "--locale", "zh", "clerks", "--help")  # --locale wins over the settings
    assert "营业员与角色 / Clerks, roles and PINs" in given.stdout


def test_messages_follow_the_locale(home: Path):
    zh = run("--home", str(home), "procedures", "show", "nosuch")
    assert zh.exit_code == 1 and "没有业务流程 nosuch / No procedure 'nosuch'" in zh.stderr
    en = run("--home", str(home), "--locale", "en", "procedures", "show", "nosuch")
    assert en.exit_code == 1 and "No procedure 'nosuch'" in en.stderr and HAN.findall(en.stderr) == []
    listed = run("--home", str(home), "--locale", "en", "procedures", "list")
    header = listed.stdout.splitlines()[:3]
    assert listed.exit_code == 0 and "Id" in " ".join(header) and HAN.findall(" ".join(header)) == []
    bad = run("--home", str(home), "--locale", "en", "tx", "list", "--date", "yesterday")
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: ") and HAN.findall(bad.stderr) == []


def test_an_unknown_locale_is_a_usage_error(tmp_path):
    result = run("--home", str(tmp_path), "--locale", "fr", "clerks", "list")
    assert result.exit_code == 2 and "--locale" in result.stderr
