"""teller-admin deposits: the deposit ledger (押金): taken by take_deposit, returned by
return_deposit or with a closing's refund."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, local_time, noun, open_desk
from teller.cli.texts import h, headers
from teller.strings import t

deposits_app = noun(h("cli.deposits.the_deposit_ledger"))


class Status(str, Enum):
    held = "held"
    returned = "returned"
    all = "all"


#: column -> the key of its header (worded when the table is shown: teller.cli.texts.headers)
DEPOSIT_COLUMNS = {
    "number": "cli.deposits.number", "name": "cli.deposits.deposit", "purpose": "cli.deposits.purpose", "amount_yuan": "cli.deposits.amount",
    "status": "cli.deposits.status", "taken": "cli.deposits.taken", "returned": "cli.deposits.returned", "returned_to": "cli.deposits.to",
}
DEPOSIT_FIELDS = ["number", "name", "purpose", "amount_fen", "amount_yuan", "status", "taken", "returned", "returned_to"]


@deposits_app.command("list", help=h("cli.deposits.list_deposits_held_ones_by"))
def deposits_list(
    ctx: typer.Context,
    status: Annotated[Status, typer.Option("--status", help="held | returned | all")] = Status.held,
    number: Annotated[str | None, typer.Option("--number", help=h("cli.deposits.only_this_number"), show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
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
    emit(rows, headers(DEPOSIT_COLUMNS), fmt, fields=DEPOSIT_FIELDS, empty=t("cli.deposits.no_deposits"))
