"""The checks after each campaign run: balances, receipt numbers, summary, audit chain; and for
the mixed four-counter run, the number pool and the handset stock (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

WANG = "13800138000"


def check(home: Path, wang_start_fen: int, claimed: set[str], *, opened: dict[str, list[str]] | None = None,
          sold: list[str] | None = None, stock_start: int | None = None, handset: str = "mi_14") -> tuple[list[str], int]:
    """Problems found and how many claimed receipts are missing (data lost).

    `opened`: number -> receipts that claimed to open it (more than one is a double sale);
    `sold`: receipts of handset sales; `stock_start`: the model's stock before the run."""
    from sqlmodel import Session

    from teller.config import load_settings
    from teller.store import audit
    from teller.store.db import open_engine
    from tests.support.sql import db_connect

    problems: list[str] = []
    with db_connect(home) as con:
        have = {r[0] for r in con.execute('SELECT receipt_no FROM "transaction"')}
        lost = len(claimed - have)
        dup = con.execute('SELECT COUNT(*) - COUNT(DISTINCT receipt_no) FROM "transaction"').fetchone()[0]
        if dup:
            problems.append(f"{dup} duplicate receipt numbers")
        paid = con.execute("SELECT COALESCE(SUM(amount_due_fen),0) FROM \"transaction\" WHERE customer_number=? AND status='completed'"
                           " AND procedure_id='payment'", (WANG,)).fetchone()[0]
        balance = con.execute("SELECT balance_fen FROM customer WHERE number=?", (WANG,)).fetchone()[0]
        if balance != wang_start_fen + paid:
            problems.append(f"balance {balance} != {wang_start_fen} + {paid}")
        for counter, day, n, lo, hi in con.execute('SELECT counter, business_day, COUNT(*), MIN(seq), MAX(seq) FROM "transaction" GROUP BY 1, 2'):
            if lo != 1 or hi != n:
                problems.append(f"receipt numbers of {counter} {day}: {n} rows, seq {lo}..{hi}")
        if opened is not None:
            for number, receipts in opened.items():
                if len(receipts) > 1:
                    problems.append(f"number {number} sold {len(receipts)} times: {receipts}")
                rows = con.execute("SELECT COUNT(*) FROM customer WHERE number=?", (number,)).fetchone()[0]
                free = con.execute("SELECT free FROM number_pool WHERE number=?", (number,)).fetchone()
                if rows != 1 or (free is not None and free[0]):
                    problems.append(f"number {number}: {rows} subscribers, pool free={free}")
        if stock_start is not None:
            stock = con.execute("SELECT stock FROM handset WHERE code=?", (handset,)).fetchone()[0]
            sales = con.execute("SELECT COUNT(*) FROM handset_sale WHERE handset_code=?", (handset,)).fetchone()[0]
            if stock < 0 or stock != stock_start - sales or sales != len(sold or []):
                problems.append(f"handset {handset}: stock {stock} from {stock_start}, {sales} sales recorded, {len(sold or [])} committed")
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
    from tests.support.sql import db_connect

    with db_connect(home) as con:
        return con.execute("SELECT balance_fen FROM customer WHERE number=?", (WANG,)).fetchone()[0]


def stock_of(home: Path, handset: str = "mi_14") -> int:
    from tests.support.sql import db_connect

    with db_connect(home) as con:
        return con.execute("SELECT stock FROM handset WHERE code=?", (handset,)).fetchone()[0]
