"""Receipts rendered per second, per layout and paper width (for the benchmark script).

    python -m tests.bench.receipts          # with the settings of the teller home

Each round is what a print costs before the printer: the layout rendered for one committed
demo transaction and turned into ESC/POS bytes. The transaction is written to a throwaway
database (or to the given desk's, in tests), never to the hall's.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import time
import sys
from pathlib import Path

if __package__ in (None, ""):  # python tests/bench/receipts.py: the checkout's teller first
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from teller.config import Settings

WIDTHS = (32, 48)


def _demo_transaction(desk) -> int:
    """A committed cash payment with a fee line, the procedure's paper lines and void values."""
    from teller.store.db import session_scope
    from teller.store.models import FeeLineRecord, TransactionRecord

    now = desk.now()
    with session_scope(desk.engine) as session:
        tx = TransactionRecord(
            receipt_no=f"B{desk.counter}-{now:%Y%m%d}-{int(time.time() * 1000) % 10**7:07d}",
            counter=desk.counter, business_day=now.date(), seq=0, clerk="1001", procedure_id="payment",
            procedure_digest="0" * 64, customer_number="13800138000", amount_due_fen=12000, tendered_fen=15000,
            change_fen=3000, answers_json=json.dumps({"_paper": [["缴费后余额", "￥155.20"], ["套餐", "全球通88元套餐"]],
                                                      "_receipt": {"original_receipt_no": "01-20261123-0001", "void_reason": "客户要求",
                                                                   "supervisor": "9001", "appointment": "2026-11-24 10:00"}},
                                                     ensure_ascii=False),
            visit_token=f"bench-{time.time_ns()}", created_at=now,
        )
        session.add(tx)
        session.flush()
        session.add(FeeLineRecord(tx_id=tx.id, code="amount", label="预存话费", amount_fen=12000))
        return tx.id


def measure_layouts(settings: Settings, seconds: float = 0.5, *, desk=None) -> list[tuple[str, int, float]]:
    """(layout, columns, receipts per second) for every layout in receipts/ at 32 and 48 columns.

    `seconds` is spent on each row. Without a desk, a temporary demo database is used.
    """
    from sqlmodel import Session

    from teller.printing import escpos
    from teller.printing.layouts import layout_names, load_layout, render
    from teller.printing.jobs import receipt_data, test_page_data
    from teller.store.models import TransactionRecord

    with tempfile.TemporaryDirectory(prefix="teller-bench-") as tmp:
        own = desk is None
        if own:
            from teller.desk import Desk

            from datetime import datetime, timezone

            from teller.store.db import create_database

            db = Path(tmp) / "bench.db"
            bench_settings = dataclasses.replace(settings, database_url=f"sqlite:///{db}", seed_demo=True, practice=False)
            create_database(bench_settings.database_url, seed_demo=True, now=datetime.now(timezone.utc))
            desk = Desk(bench_settings).open()
        try:
            tx_id = _demo_transaction(desk)
            with Session(desk.engine) as session:
                tx = session.get(TransactionRecord, tx_id)
                data = receipt_data(session, tx, settings, procedure_title="缴费")
        finally:
            if own:
                desk.close()
    rows: list[tuple[str, int, float]] = []
    for name in layout_names(settings.layouts_dir):
        layout = load_layout(str(settings.layouts_dir), name)
        shown = test_page_data(settings, tx.created_at) if name == "testpage" else data
        for columns in WIDTHS:
            n, start = 0, time.perf_counter()
            while True:
                escpos.to_bytes(render(layout, shown, columns), profile=settings.printer.profile)
                n += 1
                elapsed = time.perf_counter() - start
                if elapsed >= seconds:
                    break
            rows.append((name, columns, n / elapsed))
    return rows


if __name__ == "__main__":  # pragma: no cover - python -m tests.bench.receipts
    from teller.config import load_settings

    for layout, columns, per_second in measure_layouts(load_settings()):
        print(f"{layout:12} {columns:3} columns  {per_second:8.0f} receipts/s")
