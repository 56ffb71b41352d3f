"""teller-admin orders: the orders and requests taken at the counter (record_order)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, local_time, noun, open_desk
from teller.cli.params import DayOption

orders_app = noun("业务工单 / Orders and requests taken at the counter")

ORDER_COLUMNS = {
    "order_no": "工单号 Order", "time": "时间 Time", "kind": "类别 Kind", "name": "事项 Request",
    "number": "号码 Number", "status": "状态 Status", "details": "内容 Details",
}
DateOption = DayOption("--date", "受理日 / Day taken, YYYY-MM-DD, in the hall's time zone (default: all)")


@orders_app.command("list")
def orders_list(
    ctx: typer.Context,
    day: DateOption = None,
    kind: Annotated[str | None, typer.Option("--kind", help="类别 / Only this kind (e.g. billing_info)", show_default=False)] = None,
    number: Annotated[str | None, typer.Option("--number", help="号码 / Only this number", show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """列出工单 / List orders: number, time, kind, request, phone number, status and the answers kept (IDs masked)."""
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
    emit(rows, ORDER_COLUMNS, fmt, fields=list(ORDER_COLUMNS), empty="没有工单 / No orders")
