"""teller-admin report: the hall's reports over business days."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, open_desk
from teller.cli.params import DayOption, check_range

FromOption = DayOption("--from", "起始营业日 / First business day (default: today)")
ToOption = DayOption("--to", "截止营业日 / Last business day (default: --from)")


def report_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="daily | period | prepay-arrears | procedures | bands | deposits | retention | complaints | exceptions", show_default=False)],
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = Format.table,
    counter: Annotated[str | None, typer.Option("--counter", help="只看一个台席 / One counter only (default: the whole hall)", show_default=False)] = None,
) -> None:
    """报表 / A report over business days, the whole hall or one counter: table, JSON or CSV (money in fen and yuan)."""
    from teller.store.reports import REPORTS

    if name not in REPORTS:
        raise typer.BadParameter(f"one of: {', '.join(REPORTS)}", param_hint="NAME")
    with open_desk(ctx, to_read=True) as desk:
        first = start or desk.now().date()
        last = end or first
        check_range(first, last)
        report = desk.report(name, start=first, end=last, counter=counter)
    if report.note and fmt is Format.table:
        typer.echo(report.note)
    emit(report.rows, report.columns, fmt, fields=report.fields, empty="没有数据 / Nothing in this period")
    if fmt is Format.table and report.chart and report.rows:
        from rich.console import Console

        from teller.charts import bars, money_bars

        label, value = report.chart
        items = [(row[label], row[value]) for row in report.rows]
        Console(width=None if sys.stdout.isatty() else 240).print(money_bars(items) if value.endswith("_fen") else bars(items))
