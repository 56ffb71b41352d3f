"""The reports count each transaction by its operation's report category, not by its name:
only a prepayment is a payment; a sale of goods, a fee or a non-cash service is not."""

from __future__ import annotations

import json

from sqlmodel import Session

from teller import operations
from teller.domain import books
from teller.store.models import TransactionRecord
from tests.test_void_every_procedure import VISITS


def prepay(desk):
    report = desk.report("prepay-arrears", start=desk.now().date(), end=desk.now().date())
    return {row["kind"]: (row["count"], row["amount_fen"]) for row in report.rows}


def bands(desk):
    report = desk.report("bands", start=desk.now().date(), end=desk.now().date())
    return sum(row["count"] for row in report.rows)


def test_each_shipped_operation_has_the_category_the_books_expect():
    expected = {"pay": books.PREPAYMENT, "sell_handset": books.SALE, "replace_sim": books.FEE,
                "record_complaint": books.NON_CASH, "reserve_cross_region": books.NON_CASH,
                "take_deposit": books.DEPOSIT, "return_deposit": books.DEPOSIT, "open_service": books.NON_CASH,
                "record_order": books.NON_CASH}
    for name, category in expected.items():
        assert operations.get(name).category == category


def test_only_prepayments_count_as_payments_and_a_void_takes_them_out(desk):
    sale = VISITS["handset_sale"][1](desk)  # ¥1,299 of goods: not a payment
    assert prepay(desk) == {} and bands(desk) == 0
    paid = VISITS["payment"][1](desk)  # ¥50 to a number owing ¥30.50: 30.50 arrears, 19.50 prepayment
    assert sorted(prepay(desk).values()) == [(0, 1950), (1, 3050)]
    assert bands(desk) == 1
    with Session(desk.engine) as s:
        kept = {tx_id: json.loads(s.get(TransactionRecord, tx_id).answers_json)["_category"] for tx_id in (sale.tx_id, paid.tx_id)}
    assert kept == {sale.tx_id: books.SALE, paid.tx_id: books.PREPAYMENT}
    desk.void(paid.receipt_no, reason="wrong_amount", supervisor="9001", pin="9999")
    assert prepay(desk) == {} and bands(desk) == 0
