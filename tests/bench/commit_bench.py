"""The commit path, measured: payment visits committed, their receipts rendered and journaled.

    python -m tests.bench.commit_bench                    # small: 200 visits, 4 × 100 in processes
    python -m tests.bench.commit_bench --visits 2000 --procs 4 --proc-visits 500
    python -m tests.bench.commit_bench --db sqlite        # one database only

For each database (SQLite with synchronous=FULL in WAL, and PostgreSQL started here from the
machine's binaries with its default durability):
  * one process: visits/s through the real Desk of a counter that prints right after each
    commit (commit, then the invoice rendered to ESC/POS and spooled, its job journaled: claimed
    by the visit's commit, its printed mark written with the next visit's), the commit alone,
    and bare SQLAlchemy Core writing the same rows with the same commits (the floor); SQL
    statements, commits and connection checkouts per visit, counted with event listeners;
  * four counter processes at once on the same database: aggregate visits/s, p50/p99 commit
    latency, errors.
It prints figures; nothing is asserted on time (tests/test_commit_bench.py runs it small).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WANG = "13800138000"
CLERKS = [("01", "1001", "1234"), ("02", "1002", "2345"), ("03", "8001", "8888"), ("04", "9001", "9999")]


def make_hall(database_url: str | None, spool: str | None = None) -> Path:
    """A home with the demo hall in a new database (SQLite file, or the given PostgreSQL one);
    `spool`: the preview spool's folder (default the home's receipts/spool, on the database's disk)."""
    from teller.config import load_settings
    from teller.store import db
    from tests.conftest import DAY, make_home

    home = make_home(Path(tempfile.mkdtemp(prefix="commit-bench-")) / "home")
    lines = [f'database_url = "{database_url}"'] if database_url else []
    if spool:
        lines.append(f'spool_dir = "{Path(tempfile.mkdtemp(prefix="spool-", dir=spool))}"')
    if lines:
        (home / "teller.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db.create_database(load_settings(home=home).database_url, seed_demo=True, now=DAY)
    return home


def _desk(home: Path, counter: str, staff: str, pin: str):
    from teller.clock import FixedClock
    from teller.config import load_settings
    from tests.conftest import DAY, open_desk

    return open_desk(load_settings(home=home, counter=counter), FixedClock(DAY), staff, pin)


def _ready_run(desk):
    """A payment visit walked to its confirmation (the clerk's part, not timed)."""
    from tests.conftest import start, walk

    run = walk(start(desk, "payment"), WANG, "王小明")
    if run.step.id.startswith("account_"):
        run.submit()
    walk(run, "10", "10")
    return run


class Counter:
    """SQL statements, commits (each one a durable write: an fsync) and connection checkouts on
    an engine (event listeners)."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.statements = 0
        self.checkouts = 0
        self.commits = 0
        event.listen(engine, "before_cursor_execute", self._stmt)
        event.listen(engine, "commit", self._commit)
        event.listen(engine.pool, "checkout", self._checkout)

    def _stmt(self, *_a, **_k) -> None:
        self.statements += 1

    def _commit(self, *_a, **_k) -> None:
        self.commits += 1

    def _checkout(self, *_a, **_k) -> None:
        self.checkouts += 1


def teller_visits(home: Path, n: int, counter=CLERKS[0], *, at_once: bool = True) -> dict:
    """n payment visits through the Desk: commit, then print (render + spool + journal). With
    `at_once` the desk prints right after each commit as the console does (its commit claims
    the papers; the printed marks ride on the next commit, the last ones flushed at the end,
    inside the timing); without it every visit commits three times (the path before)."""
    from teller.printing import jobs

    desk = _desk(home, *counter)
    desk.prints_after_commit = at_once
    spooled = {"s": 0.0, "n": 0}
    real_spool = jobs.spool

    def timed_spool(*args, **kwargs) -> None:  # the preview printer's two files: the filesystem's share
        t = time.perf_counter()
        real_spool(*args, **kwargs)
        spooled["s"] += time.perf_counter() - t
        spooled["n"] += 1

    jobs.spool = timed_spool  # looked up at call time by the print paths (teller/printing/fresh.py)
    try:
        for _ in range(3):  # warm up: imports, layouts, caches
            run = _ready_run(desk)
            run.submit()
            desk.print_transaction(run.committed.tx_id)
        count = Counter(desk.engine)
        spooled.update(s=0.0, n=0)
        commit_s = print_s = cpu = 0.0
        latencies = []
        for _ in range(n):
            run = _ready_run(desk)
            c0 = time.process_time()
            t0 = time.perf_counter()
            run.submit()
            t1 = time.perf_counter()
            outcomes = desk.print_transaction(run.committed.tx_id)
            t2 = time.perf_counter()
            cpu += time.process_time() - c0
            assert run.committed is not None and all(o.ok for o in outcomes), outcomes
            commit_s += t1 - t0
            print_s += t2 - t1
            latencies.append(t1 - t0)
        t0 = time.perf_counter()
        desk.flush_papers()  # the last visit's printed mark
        print_s += time.perf_counter() - t0
        return {
            "visits": n, "visits_per_s": n / (commit_s + print_s), "commits_per_s": n / commit_s,
            "statements_per_visit": count.statements / n, "checkouts_per_visit": count.checkouts / n,
            "commits_per_visit": count.commits / n,
            "commit_ms_p50": statistics.median(latencies) * 1000, "cpu_ms_per_visit": cpu / n * 1000,
            "spool_ms_per_paper": spooled["s"] / max(1, spooled["n"]) * 1000,
        }
    finally:
        jobs.spool = real_spool
        desk.close()


def core_visits(home: Path, n: int) -> dict:
    """The floor: the same rows a payment visit writes, by bare SQLAlchemy Core, with the same
    durable commits: one transaction each (customer balance, transaction, fee line, reversal,
    summaries, the audit head read and locked, the entry and the head, the print job inserted
    claimed, and the previous visit's job marked printed); the last mark written at the end."""
    import hashlib
    from datetime import datetime, timezone

    import sqlalchemy as sa

    from teller.config import load_settings
    from teller.store import db
    from teller.store.models import AuditRecord, CustomerRecord, FeeLineRecord, MetaRecord, ReceiptJobRecord, TransactionRecord
    from teller.store.reports import _UPSERT_AMOUNT, _UPSERT_SUMMARY
    from teller.store.shifts import ReversalRecord

    engine = db.open_engine(load_settings(home=home).database_url)
    tx, fee, cust, aud, meta, job, rev = (m.__table__ for m in (TransactionRecord, FeeLineRecord, CustomerRecord, AuditRecord,
                                                                 MetaRecord, ReceiptJobRecord, ReversalRecord))
    now = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
    day = now.date()
    mark = job.update().where(job.c.id == sa.bindparam("job_id")).values(status="printed", error="", updated_at=sa.bindparam("at"))
    count = Counter(engine)
    start = time.perf_counter()
    cpu0 = time.process_time()
    printed: list[int] = []
    for i in range(n):
        with engine.begin() as con:
            if engine.dialect.name == "sqlite":
                pass  # pysqlite begins at the first statement, a write: the write lock at once
            else:
                con.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": db.HALL_WRITE_LOCK})
            con.execute(cust.update().where(cust.c.number == WANG).values(balance_fen=cust.c.balance_fen + 1000))
            tx_id = con.execute(tx.insert().values(
                receipt_no=f"C-{os.getpid()}-{i}", counter="99", business_day=day, seq=i + 1, clerk="1001", procedure_id="payment",
                procedure_version=1, procedure_digest="x" * 64, customer_number=WANG, amount_due_fen=1000, tendered_fen=1000,
                change_fen=0, status="completed", mode="live", answers_json="{}", visit_token=f"core-{os.getpid()}-{i}", created_at=now,
            ).returning(tx.c.id)).scalar_one()
            con.execute(fee.insert().values(tx_id=tx_id, code="amount", label="缴费", amount_fen=1000))
            con.execute(rev.insert().values(tx_id=tx_id, data_json='{"number": "%s"}' % WANG))
            con.execute(_UPSERT_SUMMARY, {"day": day, "counter": "99", "clerk": "1001", "proc": "payment", "mode": "live", "n": 1,
                                          "amount": 1000, "pn": 1, "pay": 1000, "an": 0, "arrears": 0, "vn": 0, "void": 0,
                                          "dn": 0, "dep": 0, "bn": 0, "back": 0})
            con.execute(_UPSERT_AMOUNT, {"day": day, "counter": "99", "mode": "live", "amount": 1000, "n": 1})
            digest = hashlib.sha256(str(i).encode()).hexdigest()
            head = con.execute(sa.select(meta.c.value).where(meta.c.key == "audit_head").with_for_update()).scalar_one()
            aid = int(head.split(":")[0]) + 1  # the chain's next id, as teller.store.audit.append takes it
            con.execute(aud.insert().values(id=aid, at=now, actor="1001", counter="99", action="commit", detail="core", tx_id=tx_id,
                                            prev_hash=digest, hash=digest, books=""))
            con.execute(meta.update().where(meta.c.key == "audit_head").values(value=f"{aid}:{digest}"))
            job_id = con.execute(job.insert().values(tx_id=tx_id, layout="invoice", copy_no=1, status="sending", bytes_sent=True,
                                                     attempts=1, reprints=0, error="", updated_at=now).returning(job.c.id)).scalar_one()
            if printed:  # the previous visit's paper came out: its mark rides on this commit
                con.execute(mark, [{"job_id": j, "at": now} for j in printed])
        printed = [job_id]
    with engine.begin() as con:
        con.execute(mark, [{"job_id": j, "at": now} for j in printed])
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    engine.dispose()
    return {"visits": n, "visits_per_s": n / elapsed, "statements_per_visit": count.statements / n, "cpu_ms_per_visit": cpu / n * 1000,
            "commits_per_visit": count.commits / n}


def disk_commits_per_s(url: str | None, n: int = 200) -> float:
    """The floor under every figure: bare one-row commits per second on this database now."""
    import sqlalchemy as sa

    from teller.store import db

    folder = None if url else tempfile.mkdtemp(prefix="fsync-")
    engine = db.open_engine(url or f"sqlite:///{folder}/f.db")
    with engine.begin() as con:
        con.execute(sa.text("CREATE TABLE IF NOT EXISTS bench_fsync (x INTEGER)"))
    t0 = time.perf_counter()
    for i in range(n):
        with engine.begin() as con:
            con.execute(sa.text("INSERT INTO bench_fsync VALUES (:x)"), {"x": i})
    rate = n / (time.perf_counter() - t0)
    with engine.begin() as con:
        con.execute(sa.text("DROP TABLE bench_fsync"))
    engine.dispose()
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    return rate


# ---- four counter processes ------------------------------------------------------------------------
def worker_main(home: str, counter: str, staff: str, pin: str, n: int) -> None:
    desk = _desk(Path(home), counter, staff, pin)
    desk.prints_after_commit = True  # a counter: its papers print right after each commit
    latencies, errors = [], 0
    print("ready", flush=True)
    sys.stdin.readline()  # all start together
    t0 = time.perf_counter()
    for _ in range(n):
        try:
            run = _ready_run(desk)
            s = time.perf_counter()
            run.submit()
            latencies.append(time.perf_counter() - s)
            desk.print_transaction(run.committed.tx_id)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors += 1
            print(f"error {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
    wall = time.perf_counter() - t0
    desk.close()
    print(json.dumps({"latencies": latencies, "errors": errors, "wall": wall}), flush=True)


def four_counters(home: Path, per_proc: int, procs: int) -> dict:
    env = {**os.environ}
    workers = [subprocess.Popen([sys.executable, "-m", "tests.bench.commit_bench", "--worker", str(home), c, s, p, str(per_proc)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
               for c, s, p in CLERKS[:procs]]
    for w in workers:
        assert w.stdout.readline().strip() == "ready", w.stderr.read()
    t0 = time.perf_counter()
    for w in workers:
        w.stdin.write("go\n")
        w.stdin.flush()
    results = []
    for w in workers:
        out, err = w.communicate(timeout=1800)
        line = [ln for ln in out.splitlines() if ln.startswith("{")]
        results.append(json.loads(line[-1]) if line else {"latencies": [], "errors": per_proc, "wall": 0})
    wall = time.perf_counter() - t0
    lat = sorted(x for r in results for x in r["latencies"])
    done = len(lat)
    return {
        "procs": procs, "visits": done, "visits_per_s": done / wall, "errors": sum(r["errors"] for r in results),
        "commit_ms_p50": lat[len(lat) // 2] * 1000 if lat else 0, "commit_ms_p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else 0,
    }


def run_db(kind: str, args, server=None) -> dict:
    url = server.create_database(f"bench_{os.getpid()}_{int(time.time())}") if kind == "postgresql" else None
    prev = os.environ.get("TELLER_DATABASE_URL")
    if url:
        os.environ["TELLER_DATABASE_URL"] = url
    try:
        home = make_hall(url, args.spool)
        out = {"disk": disk_commits_per_s(url), "teller": teller_visits(home, args.visits), "core": core_visits(home, args.visits),
               "spool": args.spool}
        if args.three_commits:  # the same visits with a commit for the papers' claim and one for their outcome
            out["three"] = teller_visits(home, args.visits, at_once=False)
        out["four"] = four_counters(home, args.proc_visits, args.procs)

        from teller.config import load_settings

        shutil.rmtree(load_settings(home=home).spool_dir, ignore_errors=True)
        shutil.rmtree(home.parent, ignore_errors=True)
        return out
    finally:
        if url:
            os.environ.pop("TELLER_DATABASE_URL") if prev is None else os.environ.update(TELLER_DATABASE_URL=prev)


def report(kind: str, r: dict) -> None:
    te, co, fo = r["teller"], r["core"], r["four"]
    where = f"the receipt spool in {r['spool']}" if r.get("spool") else "the receipt spool on the database's disk"
    print(f"{kind}: one process, {te['visits']} payment visits (bare one-row commits on this disk now: {r['disk']:.0f}/s; {where})")
    print(f"  teller  {te['visits_per_s']:7.1f} visits/s (commit + invoice rendered, spooled, journaled);"
          f" commit alone {te['commits_per_s']:7.1f}/s, p50 {te['commit_ms_p50']:.2f} ms; CPU {te['cpu_ms_per_visit']:.2f} ms per visit")
    print(f"          of which writing the preview's two files: {te['spool_ms_per_paper']:.2f} ms per paper"
          " (the filesystem's cost of creating files; see README, 'The commit path')")
    print(f"  core    {co['visits_per_s']:7.1f} visits/s (bare SQLAlchemy Core, the same rows and commits);"
          f" CPU {co['cpu_ms_per_visit']:.2f} ms per visit; ratio core/teller {co['visits_per_s'] / te['visits_per_s']:.2f}×")
    print(f"  SQL statements per visit: teller {te['statements_per_visit']:.1f} in {te['checkouts_per_visit']:.1f} connection checkouts;"
          f" core {co['statements_per_visit']:.1f}")
    print(f"  commits (fsyncs) per visit: teller {te['commits_per_visit']:.2f}; core {co['commits_per_visit']:.2f}")
    if "three" in r:
        th = r["three"]
        print(f"  teller, papers claimed and marked in commits of their own: {th['visits_per_s']:7.1f} visits/s,"
              f" {th['commits_per_visit']:.2f} commits and {th['statements_per_visit']:.1f} statements per visit")
    print(f"  {fo['procs']} counter processes: {fo['visits']} visits, {fo['visits_per_s']:.1f} visits/s together,"
          f" commit p50 {fo['commit_ms_p50']:.1f} ms p99 {fo['commit_ms_p99']:.1f} ms, errors {fo['errors']}")


def main(argv: list[str] | None = None, *, pg_server=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visits", type=int, default=200, help="visits in the one-process runs")
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--proc-visits", type=int, default=100, help="visits per counter process")
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    ap.add_argument("--spool", metavar="DIR", help="put the preview spool in DIR (e.g. /dev/shm: the receipt files off the database's disk)")
    ap.add_argument("--three-commits", action="store_true",
                    help="also run the visits of a desk that does not print at once (a commit each for the claim and the outcome)")
    args = ap.parse_args(argv)
    results = {}
    if args.db in ("sqlite", "both"):
        results["sqlite"] = run_db("sqlite", args)
        report("SQLite (WAL, synchronous=FULL)", results["sqlite"])
    if args.db in ("postgresql", "both"):
        server = pg_server
        own = None
        if server is None:
            from tests.support.pg import PgServer

            server = own = PgServer.start(fast=False)  # the server's own durability (fsync on)
        try:
            results["postgresql"] = run_db("postgresql", args, server)
            report("PostgreSQL (local socket)", results["postgresql"])
        finally:
            if own is not None:
                own.stop()
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
    else:
        raise SystemExit(main())
