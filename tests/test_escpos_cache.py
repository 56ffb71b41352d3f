"""The printer driver's capabilities cache: a damaged file (a kill mid-write) never breaks printing.

Each case runs in a fresh process, since python-escpos reads its cache once, at import.
"""

from __future__ import annotations

import os
import pickle
import platform
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PRINT = """
from teller.printing import escpos
from teller.printing.layouts import Line, Cut, Qr
data = escpos.to_bytes([Line("缴费 100.00"), Qr("T-1"), Cut()])
assert data.startswith(b"\\x1b@"), data[:10]
print("PRINTED", len(data))
"""


def _print_in_new_process(cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ESCPOS_CAPABILITIES_PICKLE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", PRINT], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def _pickle_file(cache: Path) -> Path:
    return cache / f"{platform.python_version()}.capabilities.pickle"


def _assert_whole(path: Path) -> None:
    with open(path, "rb") as fh:
        data = pickle.load(fh)
    assert "profiles" in data and "default" in data["profiles"]


def test_first_print_builds_a_whole_cache(tmp_path):
    cache = tmp_path / "cache"
    done = _print_in_new_process(cache)
    assert done.returncode == 0, done.stderr
    assert "PRINTED" in done.stdout
    _assert_whole(_pickle_file(cache))
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]  # no temp file left behind


@pytest.mark.parametrize("damage", ["empty", "truncated", "garbage"])
def test_damaged_cache_is_rebuilt_and_printing_works(tmp_path, damage):
    cache = tmp_path / "cache"
    assert _print_in_new_process(cache).returncode == 0
    target = _pickle_file(cache)
    whole = target.read_bytes()
    # what a kill after python-escpos's open(..., "wb") leaves: an empty or a half-written file,
    # newer than the library's own database (so the library alone would trust it)
    target.write_bytes({"empty": b"", "truncated": whole[: len(whole) // 2], "garbage": b"not a pickle"}[damage])
    done = _print_in_new_process(cache)
    assert done.returncode == 0, done.stderr
    assert "PRINTED" in done.stdout
    assert "EOFError" not in done.stderr
    _assert_whole(target)
    assert target.stat().st_size == len(whole)


def test_cache_folder_is_per_install(monkeypatch, tmp_path):
    from teller.printing import escpos

    monkeypatch.delenv("ESCPOS_CAPABILITIES_PICKLE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = escpos.capabilities_dir()
    assert folder.parent == tmp_path / "teller" / "escpos"
    assert len(folder.name) == 12  # named by this install's copy of the library
