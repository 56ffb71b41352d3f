"""Campaign: a TCP fake printer failing every way, N committed sales per way.

For each failure mode (refuse, stall, reset mid-job, reset after data, offline, paper out
before and during the job, silent, too slow to confirm) and each of N sales:
  * the sale is committed once and stays committed (status, amount, one row);
  * every job ends `printed` or `failed` with a reason: never lost, never `pending`/`sending`;
  * the reprint afterwards (printer back) is marked 补打 exactly when bytes may have reached
    the printer, and then needs a supervisor for an invoice;
  * the bytes the printer received decode to the right receipt (QR = receipt number, amount).

    python -m tests.campaigns.printer_faults            # one sale per mode (CI size)
    python -m tests.campaigns.printer_faults --runs 50  # fifty per mode

Prints `runs · failures · data lost`; exits 1 when anything failed or was lost.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: (fake printer mode, its options, whether bytes may reach the printer, words the reason has)
MODES = [
    ("refuse", {}, False, "拒绝连接"),
    ("stall", {}, False, "不回应"),
    ("silent", {}, False, "不回应"),
    ("offline", {}, False, "脱机"),
    ("paper_out", {}, False, "缺纸"),
    ("paper_out", {"fault_after": 200}, True, "缺纸"),
    ("close_mid_job", {"close_after": 64}, True, "断开"),
    ("reset_after_data", {}, True, "断开"),
    ("slow", {"delay": 2.0}, True, "未确认"),
]


@dataclass
class Tally:
    runs: int = 0
    failures: list[str] = field(default_factory=list)
    lost: int = 0

    def line(self) -> str:
        return f"{self.runs} runs · {len(self.failures)} failures · {self.lost} data lost"


def _commit_payment(desk, amount_yuan: int):
    from tests.conftest import start, walk

    run = walk(start(desk, "payment"), "13800138000", "王小明", None, str(amount_yuan), str(amount_yuan))
    run.submit()
    return run.committed


def run_campaign(desk, *, runs: int = 1, seed: int = 7, timeout: float = 0.4, at_once: bool = True) -> Tally:
    """Every mode × `runs` sales on an open, logged-in desk; returns the tally. `at_once`: the
    desk prints right after each commit as the console does (the commit claims the papers)."""
    from sqlmodel import Session, select

    from tests.conftest import network_settings
    from tests.support.escpos_decoder import decode
    from tests.support.fake_printer import FakePrinter
    from teller.store.models import ReceiptJobRecord, TransactionRecord

    rnd = random.Random(seed)
    tally = Tally()
    base = desk.settings
    desk.prints_after_commit = at_once
    committed_before = _count(desk, TransactionRecord)
    expected_sales: list[tuple[str, int]] = []
    for n in range(runs):
        for mode, options, may_reach, reason in MODES:
            tally.runs += 1
            where = f"{mode}{options or ''} #{n + 1}"
            amount = rnd.randint(1, 300)
            with FakePrinter(mode, **{"delay": 2.0, **options}) as fp:
                desk.settings = network_settings(base, fp, timeout=timeout)
                try:
                    committed = _commit_payment(desk, amount)
                except Exception as exc:  # the printer must never stop a sale
                    tally.failures.append(f"{where}: commit raised {exc!r}")
                    tally.lost += 1
                    continue
                expected_sales.append((committed.receipt_no, amount * 100))
                (outcome,) = desk.print_transaction(committed.tx_id)
            with Session(desk.engine) as s:
                jobs = s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.tx_id == committed.tx_id)).all()
            if len(jobs) != 1:
                tally.failures.append(f"{where}: {len(jobs)} jobs")
                tally.lost += 1
                continue
            job = jobs[0]
            if outcome.ok or job.status != "failed" or not job.error or reason not in job.error:
                tally.failures.append(f"{where}: job {job.status} {job.error!r}, outcome ok={outcome.ok}")
            if bool(job.bytes_sent) != may_reach:
                tally.failures.append(f"{where}: bytes_sent={job.bytes_sent}, expected {may_reach}")
            # the printer is back: the next copy
            with FakePrinter("accept") as fp:
                desk.settings = network_settings(base, fp, timeout=2.0)
                needs = desk.reprint_needs_supervisor(committed.receipt_no)
                if needs != may_reach:
                    tally.failures.append(f"{where}: supervisor needed={needs}")
                (again,) = desk.reprint(committed.receipt_no, supervisor="9001" if needs else "", pin="9999" if needs else "")
                if not again.ok:
                    tally.failures.append(f"{where}: reprint failed {again.error}")
                    continue
                fp.wait_closed(1)
                got = decode(fp.jobs[0])
            marked = any("补打" in ln for ln in got.lines)
            if marked != may_reach:
                tally.failures.append(f"{where}: 补打 on the copy={marked}, bytes may have reached={may_reach}")
            if got.qr_data != [committed.receipt_no] or not any(f"￥{amount}.00" in ln for ln in got.lines):
                tally.failures.append(f"{where}: the copy decodes to {got.qr_data} without ￥{amount}.00")
    desk.settings = base
    # nothing lost: every sale there once, with its amount; no job left pending or sending
    with Session(desk.engine) as s:
        rows = {tx.receipt_no: tx for tx in s.exec(select(TransactionRecord))}
        stuck = s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.status.in_(("pending", "sending")))).all()
    for receipt_no, fen in expected_sales:
        tx = rows.get(receipt_no)
        if tx is None or tx.amount_due_fen != fen or tx.status != "completed":
            tally.lost += 1
            tally.failures.append(f"{receipt_no}: not committed as taken")
    if len(rows) != committed_before + len(expected_sales):
        tally.lost += abs(len(rows) - committed_before - len(expected_sales))
        tally.failures.append(f"{len(rows) - committed_before} transactions for {len(expected_sales)} sales")
    if stuck:
        tally.failures.append(f"{len(stuck)} jobs stuck pending/sending")
    return tally


def _count(desk, table) -> int:
    from sqlmodel import Session, func, select

    with Session(desk.engine) as s:
        return s.exec(select(func.count()).select_from(table)).one()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="sales per failure mode (default 1)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    from teller.clock import FixedClock
    from teller.config import load_settings
    from tests.conftest import DAY, make_home, open_desk

    with tempfile.TemporaryDirectory() as tmp:
        from teller.store import db

        home = make_home(Path(tmp) / "home")
        db.create_database(load_settings(home=home).database_url, seed_demo=True, now=DAY)
        desk = open_desk(load_settings(home=home), FixedClock(DAY))
        try:
            tally = run_campaign(desk, runs=args.runs, seed=args.seed)
        finally:
            desk.close()
    for failure in tally.failures[:20]:
        print("  ✗", failure)
    print(tally.line())
    return 1 if tally.failures or tally.lost else 0


if __name__ == "__main__":
    sys.exit(main())
