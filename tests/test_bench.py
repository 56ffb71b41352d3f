"""The benchmark's own sections at their smallest size: they measure what they say (figures
present, the console's teller is the checkout's), never how fast (that is the bench's output)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def bench(tmp_path, monkeypatch):
    from tests.bench.bench import Bench

    (tmp_path / "cache").mkdir()
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    b = Bench(quick=True, root=tmp_path, source=REPO)
    b.deadline = time.perf_counter() + 600
    yield b
    for app in b.spawned:
        app.stop()


def test_children_run_the_checkouts_teller_and_write_byte_code(bench):
    env = bench.child_env(bench.root)
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(REPO)
    assert "PYTHONDONTWRITEBYTECODE" not in env


def test_keys_while_the_database_opens_are_timed(bench):
    bench.keys_during_load(bench.markers())
    r = bench.results
    assert r["load_keys_n"] > 0 and r["load_keys_missed"] == 0
    assert 0 < r["load_keys_median_ms"] <= r["load_keys_p95_ms"] <= r["load_keys_max_ms"]


def test_the_report_command_is_timed_as_a_whole_process(bench):
    bench.report_rows = 2000
    bench.reports()
    r = bench.results
    from teller.store.reports import REPORTS

    assert r["reports_rows"] == 2000 and r["report_cmd_runs"] == len(REPORTS)  # every report, once (quick)
    assert 0 < r["report_cmd_median_s"] <= r["report_cmd_slowest_s"]
    assert r["report_cmd_cpu_median_s"] > 0


def test_the_bench_runs_from_its_file_as_well_as_as_a_module(tmp_path):
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, str(REPO / "tests" / "bench" / "bench.py"), "--help"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--report-rows" in out.stdout
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_each_bench_script_defines_everything_before_it_runs():
    """Run as a script (`python -m tests.bench.bench`), a module executes `main()` where its
    `if __name__ == "__main__":` block stands: a helper defined below it does not exist yet
    (the bench once failed every section that made a hall, NameError, while its tests passed)."""
    import ast

    for path in sorted((REPO / "tests" / "bench").glob("*.py")):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        mains = [i for i, node in enumerate(body) if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)]
        assert mains in ([], [len(body) - 1]), f"{path.name}: statements after its __main__ block"
