"""Domain operations inside one database transaction: atomicity, receipt numbering, times."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event
from sqlmodel import Session, func, select

from teller.clock import FixedClock, hall_zone
from teller.desk import Desk
from teller import operations
from teller.errors import AuthError, InputRefused, NotFound, TellerError
from teller.store.models import (
    AuditRecord,
    CustomerRecord,
    FeeLineRecord,
    NumberRecord,
    ReceiptJobRecord,
    TransactionRecord,
)
from tests.conftest import open_desk, start, walk

WANG = "13800138000"
NEW_ID = "11010519491231002X"
NEW_NUMBER = "13477771314"


def count(engine, model, *where) -> int:
    with Session(engine) as s:
        stmt = select(func.count()).select_from(model)
        for w in where:
            stmt = stmt.where(w)
        return int(s.exec(stmt).one())


def snapshot(engine, number):
    with Session(engine) as s:
        rec = s.get(CustomerRecord, number)
        return None if rec is None else rec.model_dump()


def pay(desk, number=WANG, name="王小明", amount="10"):
    run = walk(start(desk, "payment"), number, name)
    if run.step.id.startswith("account_"):
        run.submit()
    walk(run, amount, amount)
    assert run.step.id == "confirm"
    run.submit()
    return run.committed


# ---- atomicity -------------------------------------------------------------------------------


def test_open_account_on_a_taken_number_leaves_nothing(desk):
    run = walk(start(desk, "open_account"), "yes", NEW_ID, "赵小刚", "local", "jiayuan", None,
               NEW_NUMBER, "135790", "135790", "", "100", "115")
    assert run.step.id == "confirm"
    # someone else takes the number between choosing it and committing
    with Session(desk.engine) as s:
        slot = s.get(NumberRecord, NEW_NUMBER)
        slot.free = False
        s.add(slot)
        s.commit()
    audits = count(desk.engine, AuditRecord)
    with pytest.raises(InputRefused) as exc:
        run.submit()
    assert NEW_NUMBER in exc.value.message
    assert run.committed is None and run.step.id == "confirm"
    assert count(desk.engine, TransactionRecord) == 0
    assert count(desk.engine, FeeLineRecord) == 0
    assert count(desk.engine, ReceiptJobRecord) == 0
    assert count(desk.engine, AuditRecord) == audits
    assert snapshot(desk.engine, NEW_NUMBER) is None


def test_failure_after_the_effect_rolls_the_effect_back(desk):
    """The balance is raised inside the transaction, then the transaction row cannot be written."""
    before = snapshot(desk.engine, WANG)
    with Session(desk.engine) as s:  # a row that already owns the next receipt number (another counter's)
        s.add(TransactionRecord(
            receipt_no="01-20261123-0001", counter="99", business_day=date(2026, 11, 23), seq=1, clerk="1002",
            procedure_id="payment", procedure_digest="x", visit_token="other-visit",
            created_at=datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)))
        s.commit()
    audits = count(desk.engine, AuditRecord)
    run = walk(start(desk, "payment"), WANG, "王小明", None, "100", "100")
    with pytest.raises(TellerError):
        run.submit()
    assert run.committed is None
    assert snapshot(desk.engine, WANG) == before
    assert count(desk.engine, TransactionRecord) == 1  # only the one planted above
    assert count(desk.engine, FeeLineRecord) == 0
    assert count(desk.engine, ReceiptJobRecord) == 0
    assert count(desk.engine, AuditRecord) == audits


def test_services_apply_refuses_unknown_customers_and_effects(desk):
    with Session(desk.engine) as s:
        with pytest.raises(NotFound):
            operations.get("pay").apply(s, {"number": "13000000000", "amount": 100}, desk.now())
        with pytest.raises(NotFound):
            operations.get("teleport")
        with pytest.raises(InputRefused):
            operations.get("replace_sim").apply(s, {"number": WANG, "id_number": NEW_ID}, desk.now())


def test_id_quota_of_five_numbers(desk):
    now = desk.now()
    free = desk.free_numbers()
    with Session(desk.engine) as s:
        for n in free[:5]:
            operations.get("open_account").apply(s, dict(new_number=n, name="赵小刚", id_number=NEW_ID, plan="jiayuan",
                                                  password="135790", prepay=5000), now)
        s.flush()
        with pytest.raises(InputRefused) as exc:
            operations.get("open_account").apply(s, dict(new_number=free[5], name="赵小刚", id_number=NEW_ID, plan="jiayuan",
                                                  password="135790", prepay=5000), now)
        assert "5" in exc.value.message
        s.rollback()


def test_two_counters_paying_the_same_number_at_once(settings, clock):
    a = open_desk(settings, clock)
    b = open_desk(dataclasses.replace(settings, counter="02"), FixedClock(clock.now()), "1002", "2345")
    try:
        ra = walk(start(a, "payment"), WANG, "王小明", None, "100", "100")
        rb = walk(start(b, "payment"), WANG, "王小明", None, "200", "200")
        meet = threading.Barrier(2, timeout=2)

        def both_have_read(conn, cursor, statement, *args):
            if statement.startswith("UPDATE customer"):
                try:
                    meet.wait()  # each has read the balance before either writes it
                except threading.BrokenBarrierError:
                    pass

        for d in (a, b):
            event.listen(d.engine, "before_cursor_execute", both_have_read)
        errors = []

        def go(run):
            try:
                run.submit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=go, args=(r,)) for r in (ra, rb)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        assert not errors
        assert ra.committed and rb.committed
        assert a.find_customer(WANG).balance_fen == 3520 + 10000 + 20000
    finally:
        a.close()
        b.close()


# ---- receipt numbers ------------------------------------------------------------------------------


def test_receipt_numbers_sequential_per_counter_and_day(desk, clock):
    assert [pay(desk).receipt_no for _ in range(3)] == [
        "01-20261123-0001", "01-20261123-0002", "01-20261123-0003"]
    clock.advance(days=1)
    assert pay(desk).receipt_no == "01-20261124-0001"
    assert pay(desk).receipt_no == "01-20261124-0002"
    with Session(desk.engine) as s:
        rows = s.exec(select(TransactionRecord).order_by(TransactionRecord.id)).all()
    assert [(r.business_day, r.seq) for r in rows] == [
        (date(2026, 11, 23), 1), (date(2026, 11, 23), 2), (date(2026, 11, 23), 3),
        (date(2026, 11, 24), 1), (date(2026, 11, 24), 2)]


def test_receipt_numbers_differ_per_counter(desk, settings, clock):
    other = open_desk(dataclasses.replace(settings, counter="02"), clock, "1002", "2345")
    try:
        assert pay(desk).receipt_no == "01-20261123-0001"
        assert pay(other).receipt_no == "02-20261123-0001"
        assert pay(desk).receipt_no == "01-20261123-0002"
        assert pay(other).receipt_no == "02-20261123-0002"
        with Session(desk.engine) as s:
            rows = s.exec(select(TransactionRecord).order_by(TransactionRecord.id)).all()
        assert [(r.counter, r.clerk) for r in rows] == [("01", "1001"), ("02", "1002"), ("01", "1001"), ("02", "1002")]
        assert len({r.receipt_no for r in rows}) == 4
        assert desk.find_customer(WANG).balance_fen == 3520 + 4 * 1000
    finally:
        other.close()


def test_business_day_is_the_halls_local_day(desk, clock):
    clock.at = datetime(2026, 11, 24, 7, 30, tzinfo=hall_zone())  # 23:30 UTC on the 23rd
    committed = pay(desk)
    assert committed.receipt_no == "01-20261124-0001"
    with Session(desk.engine) as s:
        tx = s.get(TransactionRecord, committed.tx_id)
    assert tx.business_day == date(2026, 11, 24)
    assert tx.created_at == datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc)


def test_practice_desk_has_its_own_series_and_database(settings, clock):
    practice = settings.for_practice()
    assert practice.database_url != settings.database_url
    pd = open_desk(practice, clock)
    live = open_desk(settings, clock)
    try:
        committed = pay(pd)
        assert committed.receipt_no == "P01-20261123-0001"
        with Session(pd.engine) as s:
            tx = s.get(TransactionRecord, committed.tx_id)
            assert tx.mode == "practice"
        assert count(live.engine, TransactionRecord) == 0
        assert live.find_customer(WANG).balance_fen == 3520
        assert pd.find_customer(WANG).balance_fen == 3520 + 1000
    finally:
        pd.close()
        live.close()


def test_practice_desk_refuses_the_live_database_and_real_printers(settings):
    practice = settings.for_practice()
    with pytest.raises(TellerError):
        Desk(dataclasses.replace(practice, database_url=settings.database_url))
    with pytest.raises(TellerError):
        Desk(dataclasses.replace(practice, printer=dataclasses.replace(practice.printer, backend="network")))


# ---- times ----------------------------------------------------------------------------------------------


def test_times_are_stored_aware_in_utc(desk, clock):
    committed = pay(desk)
    with Session(desk.engine) as s:
        tx = s.get(TransactionRecord, committed.tx_id)
        audit = s.exec(select(AuditRecord).where(AuditRecord.tx_id == tx.id)).one()
        job = s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.tx_id == tx.id)).one()
    for value in (tx.created_at, audit.at, job.updated_at):
        assert value.tzinfo is not None
        assert value.utcoffset().total_seconds() == 0
        assert value == clock.now()
    assert tx.created_at.hour == 2  # 10:00 in Shanghai


def test_naive_times_are_refused_by_the_store(desk):
    with Session(desk.engine) as s:
        s.add(AuditRecord(at=datetime(2026, 11, 23, 10, 0), actor="1001", counter="01", action="x"))
        with pytest.raises(Exception) as exc:
            s.commit()
    assert "naive" in str(exc.value)


def test_supervisor_authorisation_is_maker_checker(settings, clock):
    from teller.store.models import AuditRecord as Audit

    desk = open_desk(settings, clock)  # clerk 1001
    with pytest.raises(AuthError, match="不正确"):
        desk.authorize("9001", "0000", action="reprint")
    with pytest.raises(AuthError, match="不是值班长"):
        desk.authorize("1002", "2345", action="reprint")
    granted = desk.authorize("9001", "9999", action="reprint", detail="01-20261123-0001")
    assert granted.role == "supervisor"
    supervisor = open_desk(settings, clock, "9001", "9999")
    with pytest.raises(AuthError, match="另一位"):
        supervisor.authorize("9001", "9999", action="void")
    with Session(desk.engine) as s:
        actions = [a.action for a in s.exec(select(Audit).order_by(Audit.id))]
    assert actions.count("authorize") == 1 and actions.count("authorize_failed") == 1
