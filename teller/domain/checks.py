"""Named checks a procedure step may ask for (`check: holder_name_matches`).

Each takes the run's facts and the value just typed and raises InputRefused with the
reason, or returns None. They are looked up by name, so files never carry code.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

from teller.domain.money import spoken_yuan
from teller.domain.views import CustomerView
from teller.errors import InputRefused
from teller.strings import t


class Facts(Protocol):
    customer: CustomerView | None
    answers: dict[str, Any]


def holder_name_matches(run: Facts, value: Any) -> None:
    if run.customer is None or str(value).strip() != run.customer.name:
        raise InputRefused(t("rule.name_mismatch"))


def id_matches_holder(run: Facts, value: Any) -> None:
    if run.customer is None or str(value).upper() != run.customer.id_number.upper():
        raise InputRefused(t("rule.id_mismatch"))


def covers_arrears(run: Facts, value: Any) -> None:
    arrears = run.customer.arrears_fen if run.customer else 0
    if int(value) < arrears:
        raise InputRefused(t("money.arrears_first", arrears=spoken_yuan(arrears)))


CHECKS: dict[str, Callable[[Facts, Any], None]] = {
    "holder_name_matches": holder_name_matches,
    "id_matches_holder": id_matches_holder,
    "covers_arrears": covers_arrears,
}


# ---- checks of the account procedures -----------------------------------------------------------


def id_quota(run: Facts, value: Any) -> None:
    """One ID may hold at most 5 numbers: told at the ID step, not only at the commit."""
    from teller.domain.rules import MAX_NUMBERS_PER_ID

    held = run.desk.numbers_held(str(value))  # type: ignore[attr-defined]
    if held >= MAX_NUMBERS_PER_ID:
        raise InputRefused(t("rule.id_quota", n=held))


def id_is_not_holder(run: Facts, value: Any) -> None:
    """A new owner is someone else: a transfer to the holder's own ID changes nothing."""
    if run.customer is not None and str(value).upper() == run.customer.id_number.upper():
        raise InputRefused(t("rule.transfer_same_owner"))


def plan_is_new(run: Facts, value: Any) -> None:
    if run.customer is not None and str(value) == run.customer.plan_code:
        raise InputRefused(t("rule.same_plan"))


def password_is_new(run: Facts, value: Any) -> None:
    from teller.domain.secrets import verify_secret

    if run.customer is not None and run.customer.password_hash and verify_secret(str(value), run.customer.password_hash):
        raise InputRefused(t("rule.same_password"))


CHECKS.update(
    {
        "id_quota": id_quota,
        "id_is_not_holder": id_is_not_holder,
        "plan_is_new": plan_is_new,
        "password_is_new": password_is_new,
    }
)
# ---- issue 3 (i3b): bills and points ----------------------------------------------------------
def bill_month_not_printed(run: Facts, value: Any) -> None:
    """Each month's bill prints once at the counter."""
    if run.customer is not None and str(value) in run.customer.printed_bill_months:
        raise InputRefused(t("bill.already_printed", month=value))


def points_cover_reward(run: Facts, value: Any) -> None:
    """A reward costs points; the balance never goes below zero."""
    from teller.domain.catalog import reward

    found = reward(str(value))
    have = run.customer.points if run.customer else 0
    if found is None:
        raise InputRefused(t("rule.choice"))
    if found[2] > have:
        raise InputRefused(t("points.short", need=found[2], have=have))


CHECKS.update({"bill_month_not_printed": bill_month_not_printed, "points_cover_reward": points_cover_reward})


# ---- the paper (issue 13): the handset's IMEI on the invoice and the agreement --------------------
def imei_valid(run: Facts, value: Any) -> None:
    """The IMEI (串号) keyed from the box and the handset: 15 digits with its check digit."""
    from teller.domain.rules import check_imei

    check_imei(str(value))


CHECKS.update({"imei_valid": imei_valid})
