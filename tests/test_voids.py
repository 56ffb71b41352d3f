"""Voids (冲正): each kind of customer effect reversed in one DB transaction, with the refusals."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from teller.clock import FixedClock
from teller.domain import books
from teller.errors import AuthError, InputRefused, NotFound, TellerError
from teller.store import shifts
from teller.store.models import AuditRecord, CustomerRecord, NumberRecord, TransactionRecord
from tests.conftest import DAY, FLOAT, FLOAT_FEN, open_desk
from tests.support.escpos_decoder import decode
from tests.support.flows import LI, NEW_NUMBER, WANG, open_account, pay, replace_sim


def customer(desk, number):
    with Session(desk.engine) as s:
        return s.get(CustomerRecord, number)


def tx_status(desk, receipt_no):
    with Session(desk.engine) as s:
        return s.exec(select(TransactionRecord.status).where(TransactionRecord.receipt_no == receipt_no)).one()


def test_voiding_a_payment_restores_balance_and_status_and_pays_the_cash_back(desk, settings):
    before = customer(desk, LI)
    assert (before.balance_fen, before.status) == (-3050, "suspended_arrears")
    committed = pay(desk, LI, "李静", "50", "100")
    assert customer(desk, LI).status == "active"
    void = desk.void(committed.receipt_no, reason="wrong_amount", supervisor="9001", pin="9999")
    after = customer(desk, LI)
    assert (after.balance_fen, after.status) == (-3050, "suspended_arrears")
    assert tx_status(desk, committed.receipt_no) == "voided"
    assert (void.clerk, void.tx_clerk, void.supervisor, void.amount_fen) == ("1001", "1001", "9001", 5000)
    with Session(desk.engine) as s:
        moves = shifts.movements(s, shift_id=void.shift_id)
        audit = s.exec(select(AuditRecord).where(AuditRecord.action == "void")).one()
    assert [(m.kind, m.amount_fen, m.tx_id) for m in moves] == [(books.VOID_REFUND, 5000, committed.tx_id)]
    assert "1001" in audit.detail and "9001" in audit.detail and audit.tx_id == committed.tx_id
    # the cash owed back is in the settlement: 595 + 100 − 50 − 50
    closing = desk.count_drawer(FLOAT)
    assert closing.expected.void_refund_fen == 5000 and closing.expected.total_fen == FLOAT_FEN and closing.closed
    slip = decode(next(settings.spool_dir.rglob(f"{void.void_no}-void*.bin")).read_bytes()).text
    assert "冲正单" in slip and "金额错误" in slip and "￥50.00" in slip and "9001" in slip


def test_voiding_an_account_opening_removes_the_subscriber_and_frees_the_number(desk):
    committed = open_account(desk)
    assert customer(desk, NEW_NUMBER) is not None
    void = desk.void(committed.receipt_no, reason="customer_request", supervisor="9001", pin="9999")
    assert void.amount_fen == 11500
    assert customer(desk, NEW_NUMBER) is None
    with Session(desk.engine) as s:
        assert s.get(NumberRecord, NEW_NUMBER).free
    assert NEW_NUMBER in desk.free_numbers()
    assert open_account(desk).receipt_no.endswith("0002")  # the number can be taken again


def test_voiding_a_sim_replacement_restores_the_previous_serial(desk):
    old = customer(desk, WANG).sim_serial
    committed = replace_sim(desk)
    assert customer(desk, WANG).sim_serial != old
    desk.void(committed.receipt_no, reason="system_fault", supervisor="9001", pin="9999")
    assert customer(desk, WANG).sim_serial == old


def test_a_void_is_refused_without_a_supervisor_by_the_same_clerk_twice_or_with_a_bad_reason(desk, settings, clock):
    committed = pay(desk)
    balance = customer(desk, WANG).balance_fen
    with pytest.raises(AuthError, match="不正确"):
        desk.void(committed.receipt_no, reason="duplicate", supervisor="9001", pin="0000")
    with pytest.raises(AuthError, match="不是值班长"):
        desk.void(committed.receipt_no, reason="duplicate", supervisor="1002", pin="2345")
    with pytest.raises(AuthError, match="另一位"):  # the clerk authorising themself
        desk.void(committed.receipt_no, reason="duplicate", supervisor="1001", pin="1234")
    with pytest.raises(InputRefused):
        desk.void(committed.receipt_no, reason="felt_like_it", supervisor="9001", pin="9999")
    with pytest.raises(NotFound):
        desk.void("01-20261123-9999", reason="duplicate", supervisor="9001", pin="9999")
    assert tx_status(desk, committed.receipt_no) == "completed" and customer(desk, WANG).balance_fen == balance
    desk.void(committed.receipt_no, reason="duplicate", supervisor="9001", pin="9999")
    with pytest.raises(TellerError, match="已冲正"):
        desk.void(committed.receipt_no, reason="duplicate", supervisor="9001", pin="9999")
    assert customer(desk, WANG).balance_fen == balance - 1000


def test_a_supervisor_cannot_void_their_own_transaction(settings, clock):
    sup = open_desk(settings, clock, "9001", "9999")
    try:
        committed = pay(sup)
    finally:
        sup.close()
    desk = open_desk(settings, clock, "1002", "2345", shift=False)  # the supervisor's shift is still open
    try:
        with pytest.raises(AuthError, match="另一位"):
            desk.void(committed.receipt_no, reason="duplicate", supervisor="9001", pin="9999", by="1002")
    finally:
        desk.close()


def test_another_days_transaction_cannot_be_voided(desk):
    committed = pay(desk)
    desk.clock = FixedClock(DAY.replace(day=24))
    with pytest.raises(TellerError, match="只能冲正当日"):
        desk.void(committed.receipt_no, reason="duplicate", supervisor="9001", pin="9999")
    assert tx_status(desk, committed.receipt_no) == "completed"


def test_a_failed_reversal_leaves_nothing_changed(desk):
    first = open_account(desk)
    later = pay(desk, NEW_NUMBER, "赵小刚", "20")  # a later payment on the new number
    with pytest.raises(TellerError, match=later.receipt_no):
        desk.void(first.receipt_no, reason="duplicate", supervisor="9001", pin="9999")
    assert customer(desk, NEW_NUMBER).balance_fen == 12000
    assert tx_status(desk, first.receipt_no) == "completed"
    with Session(desk.engine) as s:
        assert s.exec(select(shifts.VoidRecord)).all() == []
        assert s.exec(select(shifts.CashMoveRecord)).all() == []


def test_a_cash_refund_opens_the_drawer_and_its_slip_is_journaled_with_the_void(desk, settings):
    """The void's slip jobs are written in the void's own transaction (a kill after the commit
    leaves a pending slip, never a void without paper); cash paid back opens the drawer once."""
    import dataclasses

    from teller.store.models import ReceiptJobRecord

    desk.settings = dataclasses.replace(settings, printer=dataclasses.replace(settings.printer, cash_drawer=True))
    committed = pay(desk, WANG, "王小明", "50", "50")
    printed = desk.print_void  # the slip printing after the commit is what a kill would cut off
    desk.print_void = lambda void_id: []
    try:
        void = desk.void(committed.receipt_no, reason="wrong_amount", supervisor="9001", pin="9999")
    finally:
        desk.print_void = printed
    with Session(desk.engine) as s:
        jobs = s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.void_id == void.id)).all()
    assert [(j.layout, j.copy_no, j.status) for j in jobs] == [("void", 1, "pending"), ("void", 2, "pending")]
    outcomes = desk.print_void(void.id)
    kicks = [decode(o.spooled.with_suffix(".bin").read_bytes()).commands.count("cash_drawer") for o in outcomes]
    assert kicks == [1, 0]  # once, with the first copy
