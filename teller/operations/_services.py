"""Helpers of the service-flag operations (open_service, close_service): the parameters and
the subscription row of a service on a number. A service is a row of `subscription` (the same
table as the value-added services 彩铃, 手机报, ...), so the customer panel, `{customer.services}`,
the `subscriptions` catalogue and `customer.service.<code>` conditions all see it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from teller.operations._params import Amount, Code, Label, Params

if TYPE_CHECKING:
    from sqlmodel import Session

    from teller.store.models import SubscriptionRecord


class OpenServiceParams(Params):
    service: Code  # the code kept on the number (intl_roaming); conditions read customer.service.<code>
    name: Label  # what the panel, the slip and the audit show
    monthly_fee: Amount = 0  # the service's monthly fee, printed on the slip (billing charges it)


class CloseServiceParams(Params):
    service: Code
    name: Label
    effective: Literal["now", "next_month"] = "now"  # off at once, or from the 1st of next month


def latest(session: "Session", number: str, code: str) -> "SubscriptionRecord | None":
    """The number's most recent row for the service, whatever its status."""
    from sqlmodel import select

    from teller.store.models import SubscriptionRecord

    stmt = (
        select(SubscriptionRecord)
        .where(SubscriptionRecord.number == number, SubscriptionRecord.service_code == code)
        .order_by(SubscriptionRecord.id.desc())  # type: ignore[union-attr]
    )
    return session.exec(stmt).first()


def state(sub: "SubscriptionRecord") -> dict:
    """What a reversal puts back."""
    return {"status": sub.status, "retention": sub.retention, "name": sub.name, "monthly_fee_fen": sub.monthly_fee_fen,
            "cancel_effective": sub.cancel_effective.isoformat() if sub.cancel_effective else None}


def restore(sub: "SubscriptionRecord", before: dict) -> None:
    from datetime import date

    sub.status, sub.retention, sub.name = before["status"], before["retention"], before["name"]
    sub.monthly_fee_fen = int(before["monthly_fee_fen"])
    sub.cancel_effective = date.fromisoformat(before["cancel_effective"]) if before["cancel_effective"] else None
