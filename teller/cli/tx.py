"""teller-admin tx: list and void transactions."""

from __future__ import annotations

from typing import Annotated

import typer

from teller.cli.common import SUPERVISOR_PIN_ENV, Format, FormatOption, PinStdinOption, SupervisorPinOption, ask_pin, emit, local_time, noun, open_desk
from teller.cli.params import VOID_REASONS, DayOption, one_of
from teller.cli.texts import h, headers
from teller.strings import t

tx_app = noun(h("cli.tx.transactions"))


#: column -> the key of its header (worded when the table is shown: teller.cli.texts.headers)
TX_COLUMNS = {
    "receipt_no": "cli.tx.receipt", "time": "cli.tx.time", "clerk": "cli.tx.clerk", "procedure": "cli.tx.procedure",
    "number": "cli.tx.number", "amount_due_yuan": "cli.tx.due", "tendered_yuan": "cli.tx.tendered",
    "change_yuan": "cli.tx.change", "status": "cli.tx.status", "mode": "cli.tx.mode",
}
TX_FIELDS = [
    "receipt_no", "time", "clerk", "procedure", "number", "amount_due_fen", "amount_due_yuan",
    "tendered_fen", "tendered_yuan", "change_fen", "change_yuan", "status", "mode",
]
DateOption = DayOption("--date", h("cli.tx.business_day_yyyy_mm_dd"))


@tx_app.command("list", help=h("cli.tx.list_transactions_receipt_no_local"))
def tx_list(
    ctx: typer.Context,
    day: DateOption = None,
    fmt: FormatOption = Format.table,
) -> None:
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
    emit(rows, headers(TX_COLUMNS), fmt, fields=TX_FIELDS, empty=t("cli.tx.no_transactions"),
         optional=("mode", "change_yuan", "tendered_yuan", "clerk", "procedure", "status"))


def _when(at, settings, *, one_day: bool, table: bool) -> str:
    """The time column: in a table of one business day just HH:MM:SS; JSON/CSV the full local time."""
    text = local_time(at, settings, table=table)
    return text[11:] if table and one_day else text


@tx_app.command("void", help=h("cli.tx.void_a_same_day_transaction"))
def tx_void(
    ctx: typer.Context,
    receipt_no: Annotated[str, typer.Argument(help=h("cli.tx.receipt_number"), show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="wrong_amount | customer_request | duplicate | system_fault", show_default=False,
                                        parser=one_of(VOID_REASONS))],
    supervisor: Annotated[str, typer.Option("--supervisor", help=h("cli.tx.supervisor_s_staff_no"), show_default=False)],
    pin: SupervisorPinOption = None,
    pin_stdin: PinStdinOption = False,
    by: Annotated[str | None, typer.Option("--by", help=h("cli.tx.who_voids_it_default_the"), show_default=False)] = None,
) -> None:
    from sqlmodel import Session

    from teller.domain.money import money
    from teller.store.voids import find_tx

    with open_desk(ctx) as desk:
        with Session(desk.engine) as session:
            tx = find_tx(session, receipt_no)
        pin = ask_pin(pin, t("cli.tx.supervisor_pin"), stdin=pin_stdin, env=SUPERVISOR_PIN_ENV)
        void = desk.void(receipt_no, reason=reason, supervisor=supervisor, pin=pin, by=by or tx.clerk)
        typer.echo(t("cli.tx.voided_as_by_authorised_by", receipt_no=void.receipt_no, void_no=void.void_no, reason=void.reason, clerk=void.clerk, supervisor=void.supervisor, money=money(void.amount_fen)))
