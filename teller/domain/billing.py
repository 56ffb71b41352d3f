"""Billing rules of the hall: monthly fee proration, the daily fee, and the dates that follow.

Pure functions on integer fen and calendar dates; nothing here reads a clock or a database.

- **First month** (a plan started part-way through a month): started on the 1st-15th, the
  full monthly fee; on the 16th or later, half of it (half a fen rounds up).
- **Daily fee**: the monthly fee is charged by the day at ``monthly × 12 / 365``. A charge
  for ``n`` days is ``monthly × 12 × n / 365`` computed exactly and **rounded once**, half up,
  to the fen, so 30 days of a 50-yuan plan is ¥49.32, not 30 × a rounded daily fee.
- A plan change takes effect on the 1st of next month; a closed account's remaining balance
  is refunded from the 3rd of next month.
"""

from __future__ import annotations

from datetime import date

FULL_MONTH_UNTIL_DAY = 15  # started on or before this day of the month: a full month's fee


def _round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest integer, halves away from zero (inputs >= 0)."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("fees are non-negative")
    return (2 * numerator + denominator) // (2 * denominator)


def first_month_fee_fen(monthly_fee_fen: int, started: date) -> int:
    """The monthly fee due for the month a plan starts in: full on the 1st-15th, half from the 16th."""
    if started.day <= FULL_MONTH_UNTIL_DAY:
        return monthly_fee_fen
    return _round_half_up(monthly_fee_fen, 2)


def fee_for_days_fen(monthly_fee_fen: int, days: int) -> int:
    """The monthly fee charged for `days` days: monthly × 12 × days / 365, rounded once (half up)."""
    if days < 0:
        raise ValueError("days cannot be negative")
    return _round_half_up(monthly_fee_fen * 12 * days, 365)


def daily_fee_fen(monthly_fee_fen: int) -> int:
    """One day of the monthly fee: monthly × 12 / 365 in fen, rounded half up."""
    return fee_for_days_fen(monthly_fee_fen, 1)


def first_of_next_month(day: date) -> date:
    """The 1st of the month after `day`: when a plan change or a cancellation takes effect."""
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def refund_payable_from(closed_on: date) -> date:
    """A closed account's balance is refunded (with the ID) from the 3rd of the next month."""
    return first_of_next_month(closed_on).replace(day=3)


def month_charges(
    month_start: date, plan_fee_fen: int, opened_on: date | None, services: list[tuple[str, int, date | None]]
) -> tuple[int, list[tuple[str, int]]]:
    """What a month's bill charges: (the plan's monthly fee, [(service name, fee), ...]).

    The monthly fee follows the first-month rule in the month the account opened (full from the
    1st-15th, half from the 16th) and is nothing for a month before it opened. `services` are
    (name, monthly fee, the date a cancellation took effect or None): a service is charged in
    the months before its cancellation took effect, and not for a month the account had not
    yet opened.
    """
    next_month = first_of_next_month(month_start)
    if opened_on is not None and opened_on >= next_month:
        return 0, []
    fee = plan_fee_fen
    if opened_on is not None and opened_on >= month_start:
        fee = first_month_fee_fen(plan_fee_fen, opened_on)
    charged = [(name, fen) for name, fen, ends in services if fen and (ends is None or ends > month_start)]
    return fee, charged
