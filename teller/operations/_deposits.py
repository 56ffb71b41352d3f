"""Helpers of the deposit operations (take_deposit, return_deposit) and of close_account: the
parameters, the deposits a number holds, and handing them back / undoing that."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from teller.operations._base import VoidRefused
from teller.operations._params import Code, Label, Params
from teller.strings import t

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel import Session

    from teller.store.models import DepositRecord


class TakeDepositParams(Params):
    purpose: Code  # what it secures (the service code: intl_roaming); return_deposit names it too
    name: Label  # as printed: 国际漫游押金
    fee: Code  # the procedure's fee line whose amount is the deposit (the cash taken for it)

    def references(self) -> list[tuple[tuple, str, str]]:
        return [(("fee",), "fee", self.fee)]


class ReturnDepositParams(Params):
    purpose: Code
    to: Literal["balance", "refund"] = "balance"  # onto the account, or a refund claim (with the ID, from the 3rd of next month)


def held(session: "Session", number: str, purpose: str | None = None) -> list["DepositRecord"]:
    """The deposits the number holds (of one purpose, or all), oldest first."""
    from sqlmodel import select

    from teller.store.models import DepositRecord

    stmt = select(DepositRecord).where(DepositRecord.number == number, DepositRecord.status == "held")
    if purpose is not None:
        stmt = stmt.where(DepositRecord.purpose == purpose)
    return list(session.exec(stmt.order_by(DepositRecord.id)))


def hand_back(session: "Session", deposits: list["DepositRecord"], *, to: str, now: "datetime") -> int:
    """Mark the deposits returned (to: balance | refund | closing); returns their total."""
    for dep in deposits:
        dep.status, dep.returned_at, dep.returned_to = "returned", now, to
        session.add(dep)
    return sum(dep.amount_fen for dep in deposits)


def hold_again(session: "Session", ids: list[int]) -> None:
    """Undo hand_back: each deposit held again; refused if one is no longer as it was left."""
    from teller.store.models import DepositRecord

    for dep_id in ids:
        dep = session.get(DepositRecord, dep_id)
        if dep is None or dep.status != "returned":
            raise VoidRefused(t("void.cannot_reverse", why=t("paper.deposit")))
        dep.status, dep.returned_at, dep.returned_to = "held", None, ""
        session.add(dep)
