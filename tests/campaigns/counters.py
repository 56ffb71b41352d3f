"""Four counter processes share one database (SQLite file or PostgreSQL server) while a large
`customers import` runs. Each counter's visits rotate: a payment to the same subscriber, a
sale of the same handset model (stock for fewer sales than are tried) and an account opened
on the same free numbers, tried by every counter in the same order. Every busy moment must
be retried; nothing lost, nothing sold twice.

    python -m tests.campaigns.counters --runs 3 --visits 60 --rows 30000
    python -m tests.campaigns.counters --db postgresql --runs 3 --visits 60   # a server started here

prints `runs · failures · data lost` (a failure: a worker error reaching the clerk, a
duplicate or missing receipt number, a number opened twice, a handset sold below zero,
books that do not reconcile, an audit break).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLERKS = [("01", "1001", "1234"), ("02", "1002", "2345"), ("03", "8001", "8888"), ("04", "9001", "9999")]


def one_run(home: Path, visits: int, rows: int, env: dict[str, str] | None = None) -> tuple[bool, int, dict]:
    from tests.campaigns.books_check import check, stock_of, wang_balance
    from tests.campaigns.data import big_csv

    start_fen = wang_balance(home)
    stock_start = stock_of(home)
    csv_path = big_csv(home / "big.csv", rows, prefix="157")
    env = {**os.environ, **(env or {})}
    t0 = time.monotonic()
    workers = [subprocess.Popen([sys.executable, str(HERE / "worker.py"), str(home), c, s, p, str(visits), "mixed"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for c, s, p in CLERKS]
    importer = subprocess.Popen([sys.executable, "-m", "teller.cli.main", "--home", str(home), "customers", "import", str(csv_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=HERE.parents[1], env=env)
    claimed: set[str] = set()
    opened: dict[str, list[str]] = {}
    sold: list[str] = []
    refused = 0
    errors = []
    for w in workers:
        out, err = w.communicate(timeout=900)
        for line in out.splitlines():
            parts = line.split()
            if parts and parts[0] == "committed":
                claimed.add(parts[1])
                if parts[2] == "open":
                    opened.setdefault(parts[3], []).append(parts[1])
                elif parts[2] == "handset":
                    sold.append(parts[1])
            elif parts and parts[0] == "refused":
                refused += 1
        if w.returncode != 0:
            errors.append(err.strip().splitlines()[-1:] or ["exit"])
    out, err = importer.communicate(timeout=900)
    elapsed = time.monotonic() - t0
    if importer.returncode != 0:
        errors.append(["import: " + (err or out).strip()[-300:]])
    problems, lost = check(home, start_fen, claimed, opened=opened, sold=sold, stock_start=stock_start)
    if len(claimed) + refused != visits * len(CLERKS):
        problems.append(f"{len(claimed)} commits + {refused} refused of {visits * len(CLERKS)} visits")
    handset_tries = len(CLERKS) * sum(1 for i in range(visits) if i % 3 == 1)
    numbers_tried = len({i // 3 for i in range(visits) if i % 3 == 2})
    if len(sold) != min(stock_start, handset_tries):  # every handset in stock sold, never one more
        problems.append(f"{len(sold)} handsets sold from a stock of {stock_start} ({handset_tries} tries)")
    if len(opened) != numbers_tried:  # every number tried opened, by exactly one counter
        problems.append(f"{len(opened)} numbers opened of the {numbers_tried} every counter tried")
    for e in errors + [[p] for p in problems]:
        print("  ", e, file=sys.stderr)
    figures = {"commits": len(claimed), "refused": refused, "opened": len(opened), "sold": len(sold), "elapsed_s": elapsed}
    return bool(errors or problems), lost, figures


def fresh_home(database_url: str | None = None) -> Path:
    """A demo hall in a new home: its SQLite file, or the given (empty) PostgreSQL database."""
    import tempfile

    from teller.clock import FixedClock
    from teller.config import load_settings
    from teller.store import db
    from tests.conftest import DAY, make_home

    home = make_home(Path(tempfile.mkdtemp(prefix="counters-")) / "home")
    settings = load_settings(home=home, **({"database_url": database_url} if database_url else {}))
    db.create_database(settings.database_url, seed_demo=True, now=FixedClock(DAY).now())
    return home


def main(argv: list[str] | None = None, *, pg_server=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--visits", type=int, default=15)
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = ap.parse_args(argv)
    server = None
    if args.db == "postgresql" and pg_server is None:
        from tests.support.pg import PgServer

        server = pg_server = PgServer.start()
    failures = lost = 0
    try:
        for n in range(args.runs):
            url = pg_server.create_database(f"counters_{os.getpid()}_{n}") if args.db == "postgresql" else None
            home = fresh_home(url)
            before = os.environ.get("TELLER_DATABASE_URL")
            if url:  # this process's checks and the workers open the same database
                os.environ["TELLER_DATABASE_URL"] = url
            try:
                failed, missing, fig = one_run(home, args.visits, args.rows)
            finally:
                if url:
                    os.environ.pop("TELLER_DATABASE_URL") if before is None else os.environ.update(TELLER_DATABASE_URL=before)
            print(f"  run {n + 1} ({args.db}): {fig['commits']} commits, {fig['refused']} refused, {fig['opened']} numbers opened,"
                  f" {fig['sold']} handsets sold, {fig['elapsed_s']:.1f} s", file=sys.stderr)
            import shutil

            shutil.rmtree(home.parent, ignore_errors=True)
            if url:
                from tests.support.pg import dbname_of

                pg_server.drop_database(dbname_of(url))
            failures += failed
            lost += missing
    finally:
        if server is not None:
            server.stop()
    print(f"runs {args.runs} · failures {failures} · data lost {lost}")
    return 1 if failures or lost else 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    raise SystemExit(main())
