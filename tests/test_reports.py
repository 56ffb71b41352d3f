"""Reports against a hand-computed data set made of real commits, a void and a failed print;
the load generator and the benchmark entry point with a small n."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from teller.clock import FixedClock
from teller.store import db
from teller.store.reports import REPORTS, bench, generate_load, run_report
from tests.conftest import DAY, FLOAT, open_desk
from tests.support.flows import LI, WANG, pay, replace_sim

D = DAY.date()
ZHANG = "13700001111"


@pytest.fixture
def books_desk(settings, clock):
    """A month ago: one payment of 30 at counter 01. Today: counter 01 (clerk 1001) pays 100,
    50 (clearing 30.50 of arrears), 10 (voided), replaces a SIM (15); counter 02 (clerk 1002,
    printer off) pays 200."""
    month_ago = open_desk(settings, FixedClock(DAY.replace(month=10)))
    pay(month_ago, amount="30")
    month_ago.count_drawer({})  # whatever it finds; sign-off is not what this tests
    month_ago.sign_off_shift("9001", "9999", "test")
    month_ago.close()
    desk = open_desk(settings, clock)
    for committed in (pay(desk, amount="100"), pay(desk, LI, "李静", "50"), replace_sim(desk, "15")):
        desk.print_transaction(committed.tx_id)
    voided = pay(desk, amount="10")
    desk.print_transaction(voided.tx_id)
    desk.void(voided.receipt_no, reason="duplicate", supervisor="9001", pin="9999")
    off = dataclasses.replace(settings, counter="02", printer=dataclasses.replace(settings.printer, backend="network", host="127.0.0.1", port=9, timeout=1))
    other = open_desk(off, clock, "1002", "2345")
    other.print_transaction(pay(other, ZHANG, "张伟", "200").tx_id)
    other.close()
    yield desk
    desk.close()


def report(desk, name, start=D, end=D):
    return desk.report(name, start=start, end=end)


def pick(rows, *keys):
    return [tuple(row[k] for k in keys) for row in rows]


def test_daily_by_hall_counter_and_clerk(books_desk):
    r = report(books_desk, "daily")
    assert pick(r.rows, "key", "count", "amount_fen", "avg_fen") == [
        ("城东示范营业厅", 4, 36500, 9125),
        ("01", 3, 16500, 5500),
        ("02", 1, 20000, 20000),
        ("1001", 3, 16500, 5500),
        ("1002", 1, 20000, 20000),
    ]
    assert r.rows[0]["amount_yuan"] == "365.00" and r.rows[0]["avg_yuan"] == "91.25"


def test_period_ranks_counters_and_clerks_against_the_month_before(books_desk):
    r = report(books_desk, "period")
    assert pick(r.rows, "level", "rank", "key", "amount_fen", "prev_amount_fen", "change_pct") == [
        ("台席", 1, "02", 20000, 0, None),
        ("台席", 2, "01", 16500, 3000, 450.0),
        ("营业员", 1, "1002", 20000, 0, None),
        ("营业员", 2, "1001", 16500, 3000, 450.0),
    ]
    assert r.note == "2026-10-23..2026-10-23"


def test_prepayment_and_arrears_shares(books_desk):
    r = report(books_desk, "prepay-arrears")
    # payments 100 + 50 + 200 = 350; the 50 cleared 30.50 of arrears
    assert pick(r.rows, "count", "amount_fen", "count_share", "amount_share") == [(2, 31950, 66.7, 91.3), (1, 3050, 33.3, 8.7)]


def test_counts_and_amounts_by_procedure(books_desk):
    r = report(books_desk, "procedures")
    assert pick(r.rows, "procedure", "title", "count", "amount_fen", "count_share") == [
        ("payment", "缴费", 3, 35000, 75.0), ("replace_sim", "补卡", 1, 1500, 25.0),
    ]


def test_payments_by_amount_band(books_desk, settings):
    r = report(books_desk, "bands")
    assert pick(r.rows, "band", "count", "amount_fen") == [
        ("0–50", 0, 0), ("50–100", 1, 5000), ("100–200", 1, 10000), ("200–500", 1, 20000), ("≥500", 0, 0),
    ]
    books_desk.settings = dataclasses.replace(settings, payment_bands_fen=(10000,))  # configurable
    assert pick(report(books_desk, "bands").rows, "band", "count") == [("0–100", 1), ("≥100", 2)]


def test_failed_or_unprinted_receipts_and_voids_by_clerk(books_desk):
    r = report(books_desk, "exceptions")
    assert pick(r.rows, "clerk", "failed", "pending", "voids", "void_amount_fen") == [("1001", 0, 0, 1, 1000), ("1002", 1, 0, 0, 0)]


def test_retention_and_complaints_are_empty_without_their_tables_then_counted(books_desk):
    assert report(books_desk, "retention").rows == [] and report(books_desk, "complaints").rows == []
    assert report(books_desk, "retention").note
    utc = lambda h: (DAY.astimezone(timezone.utc) + timedelta(hours=h)).replace(tzinfo=None)  # noqa: E731
    with books_desk.engine.begin() as con:
        con.execute(sa.text("CREATE TABLE retention_outcome (id INTEGER PRIMARY KEY, business_day DATE, procedure_id TEXT, outcome TEXT)"))
        con.execute(sa.text("INSERT INTO retention_outcome (business_day, procedure_id, outcome) VALUES (:d, :p, :o)"), [
            {"d": D.isoformat(), "p": "close_account", "o": "retained"}, {"d": D.isoformat(), "p": "close_account", "o": "lost"},
            {"d": D.isoformat(), "p": "close_account", "o": "retained"}, {"d": "2026-10-01", "p": "close_account", "o": "lost"},
        ])
        con.execute(sa.text("CREATE TABLE complaint_ticket (id INTEGER PRIMARY KEY, status TEXT, opened_at DATETIME, due_at DATETIME)"))
        con.execute(sa.text("INSERT INTO complaint_ticket (status, opened_at, due_at) VALUES (:s, :o, :d)"), [
            {"s": "open", "o": utc(-1), "d": utc(-0.5)},  # overdue
            {"s": "open", "o": utc(-1), "d": utc(24)},
            {"s": "closed", "o": utc(-2), "d": utc(24)},
            {"s": "open", "o": utc(-48), "d": utc(-24)},  # opened the day before: out of the period
        ])
    assert pick(report(books_desk, "retention").rows, "procedure", "retained", "lost", "retained_share") == [("close_account", 2, 1, 66.7)]
    assert pick(report(books_desk, "complaints").rows, "count") == [(2,), (1,), (1,)]


def test_an_empty_period_gives_empty_reports(books_desk):
    for name in REPORTS:
        r = report(books_desk, name, date(2025, 1, 1), date(2025, 1, 31))
        assert all(row["count"] == 0 for row in r.rows[:1]) if name == "daily" else r.rows == [], name


def test_generated_load_matches_its_transactions(tmp_path):
    engine = db.open_engine(f"sqlite:///{tmp_path / 'load.db'}")
    db.init_schema(engine)
    assert generate_load(engine, 3000, days=60) == 3000
    with Session(engine) as s:
        direct = s.execute(sa.text('SELECT COUNT(*), SUM(amount_due_fen) FROM "transaction" WHERE status = \'completed\'')).one()
        voids = s.execute(sa.text('SELECT COUNT(*) FROM "transaction" WHERE status = \'voided\'')).scalar()
    end = date(2026, 11, 23)
    daily = run_report(engine, "daily", start=end - timedelta(days=59), end=end)
    assert (daily.rows[0]["count"], daily.rows[0]["amount_fen"]) == tuple(direct)
    exc = run_report(engine, "exceptions", start=end - timedelta(days=59), end=end)
    assert sum(r["voids"] for r in exc.rows) == voids
    bands = run_report(engine, "bands", start=end - timedelta(days=59), end=end)
    procs = run_report(engine, "procedures", start=end - timedelta(days=59), end=end)
    assert sum(r["count"] for r in bands.rows) == next(r["count"] for r in procs.rows if r["procedure"] == "payment")
    engine.dispose()


def test_benchmark_entry_point_times_every_report(tmp_path, capsys):
    times = bench(500, path=str(tmp_path))
    assert set(times) == set(REPORTS)
    out = capsys.readouterr().out
    assert "generated 500 transactions" in out and all(name in out for name in REPORTS)
