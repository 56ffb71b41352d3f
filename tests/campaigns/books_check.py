"""The checks after each campaign run: balances, receipt numbers, summary, audit chain."""

from __future__ import annotations

import sqlite3
from pathlib import Path

WANG = "13800138000"


def check(home: Path, wang_start_fen: int, claimed: set[str]) -> tuple[list[str], int]:
    """Problems found and how many claimed receipts are missing (data lost)."""
    from sqlmodel import Session

    from teller.config import load_settings
    from teller.store import audit
    from teller.store.db import open_engine

    problems: list[str] = []
    con = sqlite3.connect(home / "db" / "teller.db")
    have = {r[0] for r in con.execute('SELECT receipt_no FROM "transaction"')}
    lost = len(claimed - have)
    paid = con.execute('SELECT COALESCE(SUM(amount_due_fen),0) FROM "transaction" WHERE customer_number=? AND status="completed"', (WANG,)).fetchone()[0]
    balance = con.execute("SELECT balance_fen FROM customer WHERE number=?", (WANG,)).fetchone()[0]
    if balance != wang_start_fen + paid:
        problems.append(f"balance {balance} != {wang_start_fen} + {paid}")
    for counter, day, n, lo, hi in con.execute('SELECT counter, business_day, COUNT(*), MIN(seq), MAX(seq) FROM "transaction" GROUP BY 1, 2'):
        if lo != 1 or hi != n:
            problems.append(f"receipt numbers of {counter} {day}: {n} rows, seq {lo}..{hi}")
    con.close()
    engine = open_engine(load_settings(home=home).database_url)
    with Session(engine) as session:
        if audit.summary_differences(session):
            problems.append("daily summary differs")
        report = audit.verify(session=session)
        if not report.ok:
            problems.append(f"audit: {report.reason}")
    engine.dispose()
    return problems, lost


def wang_balance(home: Path) -> int:
    con = sqlite3.connect(home / "db" / "teller.db")
    try:
        return con.execute("SELECT balance_fen FROM customer WHERE number=?", (WANG,)).fetchone()[0]
    finally:
        con.close()
