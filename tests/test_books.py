"""The drawer's books: pure arithmetic with every kind of movement, then shifts in the store."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import Session, select

from teller.clock import FixedClock
from teller.domain import books
from teller.domain.books import CASH_IN, CASH_OUT, VOID_REFUND, Movement, Sale
from teller.errors import AuthError, InputRefused, TellerError
from teller.store import shifts
from teller.store.models import AuditRecord
from tests.conftest import DAY, FLOAT, FLOAT_FEN, open_desk
from tests.support.escpos_decoder import decode
from tests.support.flows import LI, pay, replace_sim

# ---- pure arithmetic -------------------------------------------------------------------------


def test_denominations_are_the_eight_notes_and_coins():
    assert books.DENOMINATIONS == (10000, 5000, 2000, 1000, 500, 100, 50, 10)
    assert [books.denomination_label(d) for d in books.DENOMINATIONS] == ["100元", "50元", "20元", "10元", "5元", "1元", "5角", "1角"]


def test_count_total_and_parse_counts():
    assert books.count_total(FLOAT) == FLOAT_FEN == 59500
    assert books.count_total({"10000": "1", 10: 3}) == 10030
    assert books.parse_counts("100=2, 0.5=3，0.1=4") == {**dict.fromkeys(books.DENOMINATIONS, 0), 10000: 2, 50: 3, 10: 4}
    for bad in ({300: 1}, {100: -1}, {100: "x"}):
        with pytest.raises(InputRefused):
            books.count_total(bad)
    with pytest.raises(InputRefused):
        books.parse_counts("100:2")


def test_expected_cash_with_every_kind_of_movement():
    sales = [Sale(15000, 3000), Sale(2000, 500), Sale(0, 0), Sale(10000, 0)]  # 120 + 15 + nothing + 100 kept
    moves = [Movement(CASH_IN, 20000), Movement(CASH_OUT, 5000), Movement(VOID_REFUND, 1500), Movement(CASH_IN, 10)]
    exp = books.expected_cash(59500, sales, moves)
    assert (exp.float_fen, exp.taken_fen, exp.change_fen) == (59500, 27000, 3500)
    assert (exp.cash_in_fen, exp.cash_out_fen, exp.void_refund_fen, exp.sales) == (20010, 6500, 1500, 4)
    # float + taken − change − cash out (void refunds included) + cash in
    assert exp.total_fen == 59500 + 27000 - 3500 - 6500 + 20010 == 96510


def test_expected_cash_of_an_idle_shift_is_the_float():
    assert books.expected_cash(12345, [], []).total_fen == 12345


def test_movements_refuse_zero_negative_and_unknown_kinds():
    with pytest.raises(InputRefused):
        Movement(CASH_IN, 0)
    with pytest.raises(InputRefused):
        Movement(CASH_OUT, -100)
    with pytest.raises(ValueError):
        Movement("tip", 100)


@pytest.mark.parametrize(
    ("expected", "counted", "threshold", "variance", "signoff"),
    [
        (59500, {10000: 5, 5000: 1, 2000: 2, 500: 1}, 0, 0, False),  # exact
        (59500, {10000: 5, 5000: 1, 2000: 2, 100: 5}, 0, 0, False),
        (59500, {10000: 5, 5000: 1, 2000: 2, 100: 4}, 0, -100, True),  # 1 yuan short
        (59500, {10000: 5, 5000: 1, 2000: 2, 100: 4}, 100, -100, False),  # within a 1-yuan tolerance
        (59500, {10000: 5, 5000: 1, 2000: 2, 100: 6, 10: 1}, 100, 110, True),  # over beyond it
    ],
)
def test_settle_variance_and_threshold(expected, counted, threshold, variance, signoff):
    result = books.settle(expected, counted, threshold)
    assert result.variance_fen == variance
    assert result.needs_signoff is signoff


def test_report_arithmetic():
    assert books.arrears_part(-3050, 5000) == 3050
    assert books.arrears_part(-3050, 2000) == 2000
    assert books.arrears_part(3520, 5000) == 0
    bands = books.bands([10000, 5000])
    assert [(b.low_fen, b.high_fen) for b in bands] == [(0, 5000), (5000, 10000), (10000, None)]
    assert [books.band_of(a, bands) for a in (1, 4999, 5000, 9999, 10000, 10**9)] == [0, 0, 1, 1, 2, 2]
    assert [b.label for b in bands] == ["0–50", "50–100", "≥100"]
    assert books.share(1, 3) == 33.3 and books.share(1, 0) == 0.0
    assert books.average(1000, 3) == 333 and books.average(1001, 2) == 501 and books.average(5, 0) == 0
    assert books.change_pct(150, 100) == 50.0 and books.change_pct(50, 100) == -50.0 and books.change_pct(1, 0) is None


# ---- shifts in the store ---------------------------------------------------------------------


def shift_row(desk):
    with Session(desk.engine) as s:
        return shifts.open_shift_at(s, counter=desk.counter, mode=desk.mode)


def test_no_transaction_without_an_open_shift(settings, clock):
    desk = open_desk(settings, clock, shift=False)
    try:
        assert desk.needs_shift()
        with pytest.raises(TellerError, match="尚未开班"):
            pay(desk)
        desk.open_shift(FLOAT)
        assert not desk.needs_shift()
        assert pay(desk).receipt_no == "01-20261123-0001"
    finally:
        desk.close()


def test_another_clerk_cannot_take_transactions_in_someone_elses_shift(desk, settings, clock):
    other = open_desk(settings, clock, "1002", "2345", shift=False)
    try:
        with pytest.raises(TellerError, match="1001"):
            pay(other)
        with pytest.raises(TellerError, match="未交班"):
            other.open_shift(FLOAT)
    finally:
        other.close()


def test_practice_opens_a_practice_shift_by_itself(settings, clock):
    desk = open_desk(settings.for_practice(), clock)
    try:
        assert not desk.needs_shift()
        pay(desk)
        shift = shift_row(desk)
        assert shift.mode == "practice" and shift.float_fen == 0
    finally:
        desk.close()


def test_a_shift_from_open_to_close_within_the_threshold(desk, settings):
    pay(desk, amount="120", tendered="150")  # +150 −30
    desk.cash_move("cash_in", 10000, "备用金补充")
    desk.cash_move("cash_out", 2000, "上缴")
    with pytest.raises(InputRefused):
        desk.cash_move("cash_out", 100, "   ")
    # expected: 595 + 150 − 30 − 20 + 100 = 795
    counts = {10000: 7, 5000: 1, 2000: 2, 500: 1}
    assert books.count_total(counts) == 79500
    closing = desk.count_drawer(counts)
    assert closing.closed and closing.settlement.variance_fen == 0
    assert closing.expected.total_fen == 79500
    with Session(desk.engine) as s:
        shift = s.get(shifts.ShiftRecord, closing.shift.id)
        assert (shift.status, shift.expected_fen, shift.counted_fen, shift.variance_fen) == ("closed", 79500, 79500, 0)
        assert shift.slip_status == "printed"
        actions = [a.action for a in s.exec(select(AuditRecord).order_by(AuditRecord.id))]
    assert {"shift_open", "cash_in", "cash_out", "shift_count"} <= set(actions)
    # a closed shift takes no more transactions
    with pytest.raises(TellerError, match="尚未开班"):
        pay(desk)
    slip = next(settings.spool_dir.rglob("shift*-settlement.bin")).read_bytes()
    text = decode(slip).text
    assert "交班日结单" in text and "￥795.00" in text and "100元 × 7" in text and "上缴" in text


def test_a_variance_beyond_the_threshold_needs_a_supervisor_and_a_note(desk):
    pay(desk, LI, "李静", "50", "100")
    closing = desk.count_drawer({10000: 6})  # expected 595 + 100 − 50 = 645; counted 600
    assert not closing.closed and closing.settlement.variance_fen == -4500
    assert shift_row(desk).status == "counted"
    with pytest.raises(TellerError, match="已清点"):
        desk.count_drawer({10000: 6, 5000: 1})  # no recount once the expected figure is known
    with pytest.raises(TellerError, match="正在交班"):
        pay(desk)
    with pytest.raises(InputRefused):
        desk.sign_off_shift("9001", "9999", " ")
    with pytest.raises(AuthError, match="不是值班长"):
        desk.sign_off_shift("1002", "2345", "少收")
    with pytest.raises(AuthError, match="不正确"):
        desk.sign_off_shift("9001", "0000", "少收")
    closing = desk.sign_off_shift("9001", "9999", "找零多付45元")
    assert closing.closed and closing.shift.supervisor == "9001" and closing.shift.note == "找零多付45元"
    assert shift_row(desk) is None


def test_a_closed_day_takes_no_new_transactions_at_that_counter(desk, settings, clock):
    with pytest.raises(TellerError, match="未交班"):
        desk.settle_day()
    desk.count_drawer(FLOAT)
    rec = desk.settle_day()
    assert (rec.shifts, rec.cash_fen) == (1, FLOAT_FEN)
    with pytest.raises(TellerError, match="已日结"):
        desk.open_shift(FLOAT)
    with pytest.raises(TellerError, match="已日结"):
        desk.settle_day()
    other = open_desk(dataclasses.replace(settings, counter="02"), clock, "1002", "2345")  # another counter still works
    try:
        assert pay(other).receipt_no.startswith("02-")
    finally:
        other.close()
    tomorrow = FixedClock(DAY.replace(day=24))
    desk.clock = tomorrow
    desk.open_shift(FLOAT)  # the next day opens as usual
    assert replace_sim(desk).receipt_no == "01-20261124-0001"
