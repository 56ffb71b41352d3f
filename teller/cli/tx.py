"""teller-admin tx: list and void transactions."""

from __future__ import annotations

from typing import Annotated

import typer

from teller.cli.common import SUPERVISOR_PIN_ENV, Format, FormatOption, PinStdinOption, SupervisorPinOption, ask_pin, emit, local_time, noun, open_desk
from teller.cli.params import VOID_REASONS, DayOption, one_of

tx_app = noun("交易记录 / Transactions")


TX_COLUMNS = {
    "receipt_no": "受理单号 Receipt", "time": "时间 Time", "clerk": "营业员 Clerk", "procedure": "业务 Procedure",
    "number": "号码 Number", "amount_due_yuan": "应收 Due", "tendered_yuan": "实收 Tendered",
    "change_yuan": "找零 Change", "status": "状态 Status", "mode": "模式 Mode",
}
TX_FIELDS = [
    "receipt_no", "time", "clerk", "procedure", "number", "amount_due_fen", "amount_due_yuan",
    "tendered_fen", "tendered_yuan", "change_fen", "change_yuan", "status", "mode",
]
DateOption = DayOption("--date", "营业日 / Business day, YYYY-MM-DD (default: all)")


@tx_app.command("list")
def tx_list(
    ctx: typer.Context,
    day: DateOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """列出交易 / List transactions: receipt no, local time, clerk, procedure, number, amounts, status, mode."""
    from sqlmodel import Session

    from teller.domain.money import yuan
    from teller.store.queries import transactions

    with open_desk(ctx) as desk, Session(desk.engine) as session:
        rows = [
            {
                "receipt_no": tx.receipt_no, "time": _when(tx.created_at, desk.settings, one_day=day is not None, table=fmt is Format.table),
                "clerk": tx.clerk,
                "procedure": tx.procedure_id, "number": tx.customer_number or "",
                "amount_due_fen": tx.amount_due_fen, "amount_due_yuan": yuan(tx.amount_due_fen),
                "tendered_fen": tx.tendered_fen, "tendered_yuan": yuan(tx.tendered_fen),
                "change_fen": tx.change_fen, "change_yuan": yuan(tx.change_fen), "status": tx.status, "mode": tx.mode,
            }
            for tx in transactions(session, day=day)
        ]
    # at 80 columns: receipt, time and amount whole; mode, change, tendered, clerk left out first
    emit(rows, TX_COLUMNS, fmt, fields=TX_FIELDS, empty="没有交易 / No transactions",
         optional=("mode", "change_yuan", "tendered_yuan", "clerk", "procedure", "status"))


def _when(at, settings, *, one_day: bool, table: bool) -> str:
    """The time column: in a table of one business day just HH:MM:SS; JSON/CSV the full local time."""
    text = local_time(at, settings, table=table)
    return text[11:] if table and one_day else text


@tx_app.command("void")
def tx_void(
    ctx: typer.Context,
    receipt_no: Annotated[str, typer.Argument(help="受理单号 / Receipt number", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="wrong_amount | customer_request | duplicate | system_fault", show_default=False,
                                        parser=one_of(VOID_REASONS))],
    supervisor: Annotated[str, typer.Option("--supervisor", help="授权值班长工号 / Supervisor's staff no", show_default=False)],
    pin: SupervisorPinOption = None,
    pin_stdin: PinStdinOption = False,
    by: Annotated[str | None, typer.Option("--by", help="经办人 / Who voids it (default: the clerk who took it)", show_default=False)] = None,
) -> None:
    """冲正 / Void a same-day transaction: customer effects reversed, cash paid back, void slip printed."""
    from sqlmodel import Session

    from teller.domain.money import money
    from teller.store.voids import find_tx

    with open_desk(ctx) as desk:
        with Session(desk.engine) as session:
            tx = find_tx(session, receipt_no)
        pin = ask_pin(pin, "值班长密码 / Supervisor PIN", stdin=pin_stdin, env=SUPERVISOR_PIN_ENV)
        void = desk.void(receipt_no, reason=reason, supervisor=supervisor, pin=pin, by=by or tx.clerk)
        typer.echo(f"已冲正 / {void.receipt_no} voided as {void.void_no} ({void.reason}) by {void.clerk}, authorised by {void.supervisor}; "
                   f"cash paid back {money(void.amount_fen)}")
