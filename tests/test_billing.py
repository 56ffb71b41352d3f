"""Billing rules: first-month proration, the daily fee rounded once, and the dates that follow."""

from __future__ import annotations

from datetime import date

import pytest

from teller.domain.billing import (
    daily_fee_fen,
    fee_for_days_fen,
    first_month_fee_fen,
    first_of_next_month,
    refund_payable_from,
)


@pytest.mark.parametrize("day, fee", [(1, 8800), (15, 8800), (16, 4400), (31, 4400)])
def test_first_month_is_full_until_the_15th_then_half(day, fee):
    assert first_month_fee_fen(8800, date(2026, 1, day)) == fee


def test_half_a_month_rounds_half_a_fen_up():
    assert first_month_fee_fen(1501, date(2026, 11, 16)) == 751
    assert first_month_fee_fen(0, date(2026, 11, 30)) == 0


@pytest.mark.parametrize("monthly, daily", [(5000, 164), (1500, 49), (800, 26), (8800, 289), (0, 0)])
def test_daily_fee_is_monthly_times_12_over_365(monthly, daily):
    assert daily_fee_fen(monthly) == daily


def test_a_span_of_days_is_rounded_once_not_per_day():
    assert fee_for_days_fen(5000, 30) == 4932  # 5000 × 12 × 30 / 365 = 4931.51
    assert daily_fee_fen(5000) * 30 == 4920  # what rounding every day would have charged
    assert fee_for_days_fen(5000, 365) == 60000  # a year of days is twelve months


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        fee_for_days_fen(5000, -1)
    with pytest.raises(ValueError):
        daily_fee_fen(-100)


@pytest.mark.parametrize("day, first", [(date(2026, 11, 23), date(2026, 12, 1)), (date(2026, 12, 31), date(2027, 1, 1)),
                                        (date(2027, 1, 1), date(2027, 2, 1))])
def test_first_of_next_month(day, first):
    assert first_of_next_month(day) == first
    assert refund_payable_from(day) == first.replace(day=3)
