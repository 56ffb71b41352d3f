"""teller-admin deposits: the deposit ledger (押金): taken by take_deposit, returned by
return_deposit or with a closing's refund."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, local_time, noun, open_desk

deposits_app = noun("押金台账 / The deposit ledger")


class Status(str, Enum):
    held = "held"
    returned = "returned"
    all = "all"


DEPOSIT_COLUMNS = {
    "number": "号码 Number", "name": "押金 Deposit", "purpose": "用途 Purpose", "amount_yuan": "金额 Amount",
    "status": "状态 Status", "taken": "收取 Taken", "returned": "退还 Returned", "returned_to": "退往 To",
}
DEPOSIT_FIELDS = ["number", "name", "purpose", "amount_fen", "amount_yuan", "status", "taken", "returned", "returned_to"]


@deposits_app.command("list")
def deposits_list(
    ctx: typer.Context,
    status: Annotated[Status, typer.Option("--status", help="held | returned | all")] = Status.held,
    number: Annotated[str | None, typer.Option("--number", help="号码 / Only this number", show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """列出押金 / List deposits (held ones by default) with amount, purpose, when taken and returned."""
    from sqlmodel import Session, select

    from teller.domain.money import yuan
    from teller.store.models import DepositRecord

    with open_desk(ctx) as desk, Session(desk.engine) as session:
        stmt = select(DepositRecord).order_by(DepositRecord.id)
        if status is not Status.all:
            stmt = stmt.where(DepositRecord.status == status.value)
        if number:
            stmt = stmt.where(DepositRecord.number == number.strip())
        rows = [
            {"number": d.number, "name": d.name, "purpose": d.purpose, "amount_fen": d.amount_fen, "amount_yuan": yuan(d.amount_fen),
             "status": d.status, "taken": local_time(d.taken_at, desk.settings),
             "returned": local_time(d.returned_at, desk.settings) if d.returned_at else "", "returned_to": d.returned_to}
            for d in session.exec(stmt)
        ]
    emit(rows, DEPOSIT_COLUMNS, fmt, fields=DEPOSIT_FIELDS, empty="没有押金 / No deposits")
