"""A year of transactions for the report timings, and the report benchmark.

    python -m tests.bench.reports --bench 1000000    # generates a year, times each report
    python tests/bench/reports.py --bench 1000000 --dir /tmp/year   # keeps the database

`generate_load` bulk-inserts transactions with their daily summary rows (what the commit path
keeps up to date) straight into a teller database; `bench` times every report over it.
The console benchmark (tests/bench/bench.py) uses both, and times `teller-admin report`
as a whole process over the same data.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

if __package__ in (None, ""):  # python tests/bench/reports.py: the checkout's teller first
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa

from teller.store.reports import _UPSERT_AMOUNT, _UPSERT_SUMMARY, REPORTS, run_report


def generate_load(
    engine,
    n_transactions: int,
    *,
    end_day: date = date(2026, 11, 23),
    days: int = 365,
    counters: tuple[str, ...] = ("01", "02", "03", "04", "05", "06"),
    clerks: int = 12,
    seed: int = 7,
    mode: str = "live",
) -> int:
    """Bulk-insert a realistic year of transactions (with receipt jobs that failed or are
    pending, voids, and the daily summary), fast: plain executemany, not the ORM.

    Amounts follow a hall's mix: mostly payments of round sums, some with arrears; a few
    account openings and SIM replacements. Returns the number of transactions inserted.
    """
    rnd = random.Random(seed)
    staff = [f"L{i:03d}" for i in range(1, clerks + 1)]
    procs = (("payment", 0.86), ("open_account", 0.06), ("replace_sim", 0.08))
    pay_amounts = (2000, 3000, 5000, 5000, 10000, 10000, 10000, 20000, 30000, 50000, 3050, 8800, 12000)
    day0 = end_day - timedelta(days=days - 1)
    tx_rows, job_rows, void_rows = [], [], []
    summary: dict[tuple, list[int]] = {}
    amounts: dict[tuple, int] = {}
    seqs: dict[tuple, int] = {}
    with engine.begin() as con:
        first_id = con.execute(sa.text('SELECT COALESCE(MAX(id), 0) FROM "transaction"')).scalar() + 1
        known = {r[0] for r in con.execute(sa.text("SELECT staff_no FROM clerk"))}
        missing = [{"s": s, "n": f"load {s}"} for s in staff if s not in known]
        if missing:  # staff for the load, with an unusable PIN hash
            con.execute(sa.text("INSERT INTO clerk (staff_no, name, role, pin_hash, active, failed_logins) VALUES (:s, :n, 'clerk', '!', 1, 0)"), missing)
        for i in range(n_transactions):
            tx_id = first_id + i
            day = day0 + timedelta(days=i * days // max(1, n_transactions))
            counter = rnd.choice(counters)
            clerk = staff[(counters.index(counter) * 2 + rnd.randrange(2)) % len(staff)]
            r = rnd.random()
            proc = procs[0][0] if r < procs[0][1] else procs[1][0] if r < procs[0][1] + procs[1][1] else procs[2][0]
            arrears = 0
            if proc == "payment":
                amount = rnd.choice(pay_amounts)
                if rnd.random() < 0.15:
                    arrears = min(amount, rnd.choice((1250, 3050, 5000, 8000)))
            elif proc == "open_account":
                amount = rnd.choice((5000, 10000, 20000))
            else:
                amount = 0
            tendered = amount if amount == 0 or rnd.random() < 0.5 else ((amount + 9999) // 10000) * 10000
            key = (counter, day)
            seqs[key] = seqs.get(key, 0) + 1
            seq = seqs[key]
            at = datetime.combine(day, clock_time(1, 0)) + timedelta(seconds=(seq * 37) % 32000)
            receipt = f"{'P' if mode == 'practice' else ''}{counter}-{day:%Y%m%d}-{seq:04d}"
            voided = rnd.random() < 0.002
            tx_rows.append({
                "id": tx_id, "receipt_no": receipt, "counter": counter, "business_day": day.isoformat(), "seq": seq,
                "clerk": clerk, "procedure_id": proc, "procedure_version": 1, "procedure_digest": "load",
                "customer_number": f"139{rnd.randrange(10**8):08d}", "amount_due_fen": amount, "tendered_fen": tendered,
                "change_fen": tendered - amount, "status": "voided" if voided else "completed", "mode": mode,
                "answers_json": "{}", "visit_token": f"load-{tx_id}", "created_at": at.isoformat(sep=" "),
            })
            q = rnd.random()
            if q < 0.01:
                job_rows.append({"tx_id": tx_id, "layout": "invoice", "status": "failed" if q < 0.006 else "pending",
                                 "error": "load" if q < 0.006 else "", "updated_at": at.isoformat(sep=" ")})
            s = summary.setdefault((day.isoformat(), counter, clerk, proc), [0] * 8)
            is_pay = proc == "payment"
            if voided:
                s[6] += 1
                s[7] += amount
                void_rows.append({"tx_id": tx_id, "receipt_no": receipt, "counter": counter, "business_day": day.isoformat(),
                                  "clerk": clerk, "tx_clerk": clerk, "supervisor": "9001", "reason": "wrong_amount",
                                  "amount_fen": amount, "at": at.isoformat(sep=" ")})
                continue
            s[0] += 1
            s[1] += amount
            if is_pay:
                s[2] += 1
                s[3] += amount
                s[4] += 1 if arrears else 0
                s[5] += arrears
                akey = (day.isoformat(), counter, amount)
                amounts[akey] = amounts.get(akey, 0) + 1
        cols = list(tx_rows[0]) if tx_rows else []
        if tx_rows:
            con.execute(sa.text(f'INSERT INTO "transaction" ({", ".join(cols)}) VALUES ({", ".join(":" + c for c in cols)})'), tx_rows)
        if job_rows:
            con.execute(sa.text("INSERT INTO receipt_job (tx_id, layout, copy_no, status, attempts, reprints, error, updated_at)"
                                " VALUES (:tx_id, :layout, 1, :status, 1, 0, :error, :updated_at)"), job_rows)
        if void_rows:
            con.execute(sa.text("INSERT INTO void (tx_id, receipt_no, counter, business_day, clerk, tx_clerk, supervisor, reason, amount_fen, at, slip_status)"
                                " VALUES (:tx_id, :receipt_no, :counter, :business_day, :clerk, :tx_clerk, :supervisor, :reason, :amount_fen, :at, '')"), void_rows)
        if summary:
            con.execute(_UPSERT_SUMMARY, [
                {"day": date.fromisoformat(d), "counter": c, "clerk": k, "proc": p, "mode": mode, "n": v[0], "amount": v[1], "pn": v[2], "pay": v[3],
                 "an": v[4], "arrears": v[5], "vn": v[6], "void": v[7], "dn": 0, "dep": 0, "bn": 0, "back": 0}
                for (d, c, k, p), v in summary.items()
            ])
        if amounts:
            con.execute(_UPSERT_AMOUNT, [{"day": date.fromisoformat(d), "counter": c, "mode": mode, "amount": a, "n": n} for (d, c, a), n in amounts.items()])
    return len(tx_rows)


def bench(n: int, *, path: str | None = None) -> dict[str, float]:
    """Generate n transactions in a fresh SQLite file and time each report over the whole year."""
    from teller.store import db

    folder = Path(path) if path else Path(tempfile.mkdtemp(prefix="teller-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = db.open_engine(url)
    db.init_schema(engine)
    t0 = time.perf_counter()
    generate_load(engine, n)
    print(f"generated {n} transactions in {time.perf_counter() - t0:.1f} s ({url})")
    end = date(2026, 11, 23)
    start = end - timedelta(days=364)
    times: dict[str, float] = {}
    for name in REPORTS:
        t0 = time.perf_counter()
        report = run_report(engine, name, start=start, end=end)
        times[name] = time.perf_counter() - t0
        print(f"{name:16s} {times[name] * 1000:8.1f} ms  {len(report.rows)} rows")
    engine.dispose()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.reports", description="Report benchmark over a generated data set")
    parser.add_argument("--bench", type=int, metavar="N", required=True, help="transactions to generate (e.g. 1000000)")
    parser.add_argument("--dir", help="folder for the benchmark database (default: a new temporary folder)")
    args = parser.parse_args(argv)
    bench(args.bench, path=args.dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
