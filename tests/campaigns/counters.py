"""Four counter processes commit visits on one SQLite file (same subscriber, same day) while
a large `customers import` runs; every busy moment must be retried, nothing lost.

    python -m tests.campaigns.counters --runs 3 --visits 60 --rows 30000
prints `runs · failures · data lost` (a failure: a worker error reaching the clerk, a
duplicate or missing receipt number, books that do not reconcile, an audit break).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLERKS = [("01", "1001", "1234"), ("02", "1002", "2345"), ("03", "8001", "8888"), ("04", "9001", "9999")]


def one_run(home: Path, visits: int, rows: int) -> tuple[bool, int]:
    from tests.campaigns.books_check import check, wang_balance
    from tests.campaigns.data import big_csv

    start_fen = wang_balance(home)
    csv_path = big_csv(home / "big.csv", rows, prefix="157")
    workers = [subprocess.Popen([sys.executable, str(HERE / "worker.py"), str(home), c, s, p, str(visits)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c, s, p in CLERKS]
    importer = subprocess.Popen([sys.executable, "-m", "teller.cli.main", "--home", str(home), "customers", "import", str(csv_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=HERE.parents[1])
    claimed: set[str] = set()
    errors = []
    for w in workers:
        out, err = w.communicate(600)
        claimed |= {line.split()[1] for line in out.splitlines() if line.startswith("committed")}
        if w.returncode != 0:
            errors.append(err.strip().splitlines()[-1:] or ["exit"])
    out, err = importer.communicate(600)
    if importer.returncode != 0:
        errors.append(["import: " + (err or out).strip()[-300:]])
    problems, lost = check(home, start_fen, claimed)
    if len(claimed) != visits * len(CLERKS):
        problems.append(f"{len(claimed)} commits of {visits * len(CLERKS)}")
    for e in errors + [[p] for p in problems]:
        print("  ", e, file=sys.stderr)
    return bool(errors or problems), lost


def main(argv: list[str] | None = None) -> int:
    from tests.campaigns.kill9 import fresh_home

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--visits", type=int, default=15)
    ap.add_argument("--rows", type=int, default=3000)
    args = ap.parse_args(argv)
    failures = lost = 0
    for _ in range(args.runs):
        home = fresh_home()
        failed, missing = one_run(home, args.visits, args.rows)
        failures += failed
        lost += missing
    print(f"runs {args.runs} · failures {failures} · data lost {lost}")
    return 1 if failures or lost else 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    raise SystemExit(main())
