"""kill -9 campaign: a counter process committing, printing and voiding is killed with SIGKILL
at a random moment; after each kill the books must hold (balances, gap-free receipt numbers,
daily summary, audit chain) and no receipt the process announced may be missing.

    python -m tests.campaigns.kill9 --runs 200
prints `runs · failures · data lost`.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def campaign(home: Path, runs: int, seed: int = 1) -> tuple[int, int, int]:
    from tests.campaigns.books_check import check, wang_balance

    rnd = random.Random(seed)
    start_fen = wang_balance(home)
    claimed: set[str] = set()
    failures = lost = 0
    for _ in range(runs):
        proc = subprocess.Popen([sys.executable, str(HERE / "worker.py"), str(home), "01", "1001", "1234", "1000"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
        reader.start()
        time.sleep(rnd.uniform(0.8, 2.5))  # start-up takes ~0.7 s: kill anywhere in the visits after it
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.join(5)
        claimed |= {line.split()[1] for line in lines if line.startswith("committed")}
        problems, missing = check(home, start_fen, claimed)
        problems += papers_check(home)
        failures += bool(problems)
        lost += missing
        if problems:
            print("  ", problems, file=sys.stderr)
    return runs, failures, lost


def papers_check(home: Path) -> list[str]:
    """Every transaction's papers are in the journal, claimed by its commit: `sending` (a kill
    before the printed mark was written: may be on paper, a later copy is a 补打) or `printed`;
    none `pending` (a paper that may be out but reads as never printed) and none missing."""
    from tests.support.sql import db_connect

    with db_connect(home) as con:
        bare = con.execute('SELECT COUNT(*) FROM "transaction" t WHERE NOT EXISTS (SELECT 1 FROM receipt_job j WHERE j.tx_id = t.id)').fetchone()[0]
        states = dict(con.execute("SELECT status, COUNT(*) FROM receipt_job WHERE tx_id IS NOT NULL GROUP BY status").fetchall())
        unsent = con.execute("SELECT COUNT(*) FROM receipt_job WHERE tx_id IS NOT NULL AND status = 'sending' AND NOT bytes_sent").fetchone()[0]
    problems = [f"{bare} transactions without papers"] if bare else []
    if states.get("pending") or states.get("failed"):
        problems.append(f"papers of transactions: {states}")
    if unsent:
        problems.append(f"{unsent} papers sending without bytes_sent")
    return problems


def fresh_home() -> Path:
    from tests.conftest import DAY, make_home
    from teller.clock import FixedClock
    from teller.config import load_settings

    from teller.store import db

    home = make_home(Path(tempfile.mkdtemp(prefix="kill9-")) / "home")
    db.create_database(load_settings(home=home).database_url, seed_demo=True, now=FixedClock(DAY).now())
    return home


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    home = fresh_home()
    failures = lost = None
    try:
        runs, failures, lost = campaign(home, args.runs, args.seed)
    finally:
        if failures == 0 and lost == 0:
            import shutil

            shutil.rmtree(home.parent, ignore_errors=True)
        else:  # a failure (or an error in the campaign itself): the home is evidence
            print(f"kill9: the campaign's home is kept for a look: {home}", file=sys.stderr)
    print(f"runs {runs} · failures {failures} · data lost {lost}")
    return 1 if failures or lost else 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    raise SystemExit(main())
