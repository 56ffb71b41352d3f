"""Reports against a hand-computed data set made of real commits, a void and a failed print;
the load generator and the benchmark entry point with a small n."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from teller.clock import FixedClock
from teller.store import db
from teller.store.reports import REPORTS, run_report
from tests.bench.reports import bench, generate_load
from tests.conftest import DAY, open_desk
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


def _visit(session, n: int, procedure_id: str, answers: dict, *, day=D, status="completed") -> None:
    """A transaction row as a 销户 / 退订 visit leaves it (only what the report reads is real here)."""
    import json

    from teller.store.models import TransactionRecord

    session.add(TransactionRecord(
        receipt_no=f"R-{n}", counter="09", business_day=day, seq=n, clerk="1001", procedure_id=procedure_id,
        procedure_digest="x", customer_number=WANG, answers_json=json.dumps(answers), visit_token=f"t{n}",
        status=status, created_at=DAY,
    ))


def test_retention_outcomes_and_complaint_tickets_are_counted(books_desk):
    from teller.store.models import ComplaintRecord

    assert report(books_desk, "retention").rows == [] and report(books_desk, "complaints").rows == []
    with Session(books_desk.engine) as s:
        _visit(s, 1, "close_account", {"retention": "retained"})
        _visit(s, 2, "close_account", {"retention": "closed"})
        _visit(s, 3, "close_account", {"retention": "retained"})
        _visit(s, 4, "close_account", {"retention": "closed"}, day=D - timedelta(days=30))  # out of the period
        _visit(s, 5, "cancel_service", {"retention": "declined"})
        _visit(s, 6, "cancel_service", {"retention": "retained"}, status="voided")  # voided: not counted
        _visit(s, 7, "payment", {"amount": 100})  # not a retention procedure
        at = lambda h: DAY + timedelta(hours=h)  # noqa: E731
        for n, (outcome, created, due) in enumerate([
            ("ticket", at(-1), at(-0.5)),  # open and overdue at DAY
            ("ticket", at(-1), at(24)),  # open
            ("resolved", at(-2), None),  # closed on the spot
            ("ticket", at(-48), at(-24)),  # registered the day before: out of the period
        ]):
            s.add(ComplaintRecord(ticket_no=f"TS{n}", kind="service", number=WANG, outcome=outcome, reply_due=due, created_at=created))
        s.commit()
    got = pick(report(books_desk, "retention").rows, "procedure", "retained", "lost", "retained_share")
    assert got == [("cancel_service", 0, 1, 0.0), ("close_account", 2, 1, 66.7)]
    assert pick(report(books_desk, "complaints").rows, "state", "count") == [("处理中", 2), ("已超时", 1), ("已办结", 1)]


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
