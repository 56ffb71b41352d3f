"""The core (engine, loader, services, store, printing, desk, practice) never imports Textual."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORE = [
    "teller.procedures.engine",
    "teller.procedures.loader",
    "teller.operations",
    "teller.counter.commit",
    "teller.counter.void",
    "teller.store.db",
    "teller.printing.jobs",
    "teller.desk",
]


def core_modules() -> list[str]:
    mods = list(CORE)
    if importlib.util.find_spec("teller.practice") is not None:
        mods.append("teller.practice")
    return mods


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)


def test_core_does_not_import_textual():
    mods = core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {mods!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
        "print('ok', len(sys.modules))\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_the_check_itself_sees_textual():
    """Guard against a vacuous test: importing textual is noticed by the same check."""
    result = run_python("import sys, textual.app\nassert 'textual' not in sys.modules\n")
    assert result.returncode != 0
