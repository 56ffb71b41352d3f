"""No traceback reaches the clerk and no secret is written anywhere, when something unexpected breaks.

The console (a Pilot run): an unexpected error in the middle of a password change, after the
new password and the ID number were typed. The CLI: a real failure (a database file that is
not a database) in a teller-admin process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from teller import crash
from teller.domain import catalog
from tests.conftest import REPO
from tests.test_ui import answer, login, make_app, start, until

ZHANG = "13700001111"
ZHANG_ID = catalog.demo_id("44030619751120361")
NEW_PW = "258036"


def _holder_name(home: Path) -> str:

    from tests.support.sql import db_connect

    with db_connect(home) as con:
        (name,) = con.execute("select name from customer where number=?", (ZHANG,)).fetchone()
    con.close()
    return name


async def test_an_error_in_a_password_step_shows_a_reference_and_no_secret(home: Path, capfd) -> None:
    name = _holder_name(home)
    app = make_app(home)
    screens: list[str] = []

    def commit_that_breaks(run):
        holder, answers = name, dict(run.answers)  # locals Textual's crash screen used to print
        raise RuntimeError(f"database is locked while saving {answers} for {holder}")

    with pytest.raises(Exception, match="database is locked"):  # Pilot re-raises what closed the app
        async with app.run_test(size=(100, 32)) as pilot:
            await login(app, pilot)
            app.desk.commit = commit_that_breaks  # the commit fails unexpectedly, after the password was typed
            await start(app, pilot, "密码")
            await answer(pilot, app, ZHANG)
            await pilot.press("2")  # forgot it: reset with the ID card
            await pilot.pause()
            await answer(pilot, app)
            await answer(pilot, app, ZHANG_ID)
            await answer(pilot, app, NEW_PW)
            await answer(pilot, app, NEW_PW)
            assert app.screen.run.step.id == "confirm"
            screens.append(app.export_screenshot())
            await pilot.press("enter")  # commit: the worker raises
            await until(pilot, lambda: app.return_code is not None)
            screens.append(app.export_screenshot())
    out, err = capfd.readouterr()
    assert app.return_code == crash.EXIT_CRASH != 0
    ref = app.crash_ref
    assert re.fullmatch(r"E-[2-9A-Z]{6}", ref)
    # the clerk reads one line in Chinese with the reference, and no traceback
    assert ref in err and "意外错误" in err
    assert "Traceback" not in err and "RuntimeError" not in err and "locals" not in err
    log = (home / "logs" / crash.LOG_NAME).read_text(encoding="utf-8")
    assert f"==== {ref} " in log and "RuntimeError" in log and "commit_that_breaks" in log
    for where, text in (("screen", "\n".join(screens)), ("stderr", out + err), ("log", log)):
        assert NEW_PW not in text, where
        assert ZHANG_ID not in text, where
        assert name not in text, where


def test_masking_covers_ids_passwords_named_values_and_sql_parameters() -> None:
    text = (
        "OperationalError: database is locked\n[SQL: UPDATE customer SET password_hash=? WHERE number=?]\n"
        "[parameters: ('scrypt$abc', '13700001111')]\n(Background on this error at: https://sqlalche.me/e/20/e3q8)\n"
        "id 11010519491231002X pin=1234 {'old_password': '9071'} 258036 王小明 line 87"
    )
    masked = crash.mask(text, {"王小明"})
    for secret in ("scrypt$abc", "11010519491231002X", "1234", "9071", "258036", "王小明"):
        assert secret not in masked
    assert "line 87" in masked and "[parameters: (hidden)]" in masked and "UPDATE customer" in masked


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TELLER_HOME", "TELLER_CONFIG")}
    code = "import sys; from teller.cli.main import run; sys.argv[0] = 'teller-admin'; run()"
    return subprocess.run(
        [sys.executable, "-c", code, "--home", str(home), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.sqlite_only  # garbage written over the SQLite file
def test_the_cli_shows_one_line_with_a_reference_and_exits_non_zero(home: Path, tmp_path: Path) -> None:
    """A real failure: the database file is not a database. The CSV holds an ID and a password."""
    (home / "db" / "teller.db").write_bytes(b"this is not a database " * 200)
    for leftover in ("teller.db-wal", "teller.db-shm"):
        (home / "db" / leftover).unlink(missing_ok=True)
    csv = tmp_path / "people.csv"
    csv.write_text(f"number,name,id_number,plan,password\n13900009999,钱多多,{ZHANG_ID},szx_fashion,{NEW_PW}\n", encoding="utf-8")
    done = _cli(home, "customers", "import", str(csv))
    assert done.returncode == crash.EXIT_CRASH, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr
    ref = re.search(r"E-[2-9A-Z]{6}", lines[0]).group(0)
    log = (home / "logs" / crash.LOG_NAME).read_text(encoding="utf-8")
    assert f"==== {ref} " in log and "DatabaseError" in log
    for text in (done.stdout, done.stderr, log):
        assert ZHANG_ID not in text and NEW_PW not in text
