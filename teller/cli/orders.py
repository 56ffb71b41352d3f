"""teller-admin orders: the orders and requests taken at the counter (record_order)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, local_time, noun, open_desk
from teller.cli.params import DayOption
from teller.cli.texts import h, headers
from teller.strings import t

orders_app = noun(h("cli.orders.orders_and_requests_taken_at"))

#: column -> the key of its header (worded when the table is shown: teller.cli.texts.headers)
ORDER_COLUMNS = {
    "order_no": "cli.orders.order", "time": "cli.orders.time", "kind": "cli.orders.kind", "name": "cli.orders.request",
    "number": "cli.orders.number", "status": "cli.orders.status", "details": "cli.orders.details",
}
DateOption = DayOption("--date", h("cli.orders.day_taken_yyyy_mm_dd"))


@orders_app.command("list", help=h("cli.orders.list_orders_number_time_kind"))
def orders_list(
    ctx: typer.Context,
    day: DateOption = None,
    kind: Annotated[str | None, typer.Option("--kind", help=h("cli.orders.only_this_kind_e_g"), show_default=False)] = None,
    number: Annotated[str | None, typer.Option("--number", help=h("cli.orders.only_this_number"), show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
    from sqlmodel import Session, select

    from teller.store.models import OrderRecord
    from teller.store.reports import utc_bounds

    with open_desk(ctx) as desk, Session(desk.engine) as session:
        stmt = select(OrderRecord).order_by(OrderRecord.id)
        if day is not None:
            from datetime import timezone

            from teller.clock import hall_zone

            lo, hi = (b.replace(tzinfo=timezone.utc) for b in utc_bounds(day, day, hall_zone(desk.settings.timezone)))
            stmt = stmt.where(OrderRecord.created_at >= lo, OrderRecord.created_at < hi)
        if kind:
            stmt = stmt.where(OrderRecord.kind == kind)
        if number:
            stmt = stmt.where(OrderRecord.number == number.strip())
        rows = []
        for order in session.exec(stmt):
            details = json.loads(order.details_json or "{}")
            rows.append({
                "order_no": order.order_no, "time": local_time(order.created_at, desk.settings), "kind": order.kind,
                "name": order.name, "number": order.number, "status": order.status,
                "details": "; ".join(f"{k}={v}" for k, v in details.items()) if fmt is Format.table else details,
            })
    emit(rows, headers(ORDER_COLUMNS), fmt, fields=list(ORDER_COLUMNS), empty=t("cli.orders.no_orders"))
