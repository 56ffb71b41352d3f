"""teller-admin report: the hall's reports over business days."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, open_desk
from teller.cli.params import DayOption, check_range
from teller.cli.texts import h
from teller.strings import t

FromOption = DayOption("--from", h("cli.report.first_business_day_default_today"))
ToOption = DayOption("--to", h("cli.report.last_business_day_default_from"))


def report_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="daily | period | prepay-arrears | procedures | bands | deposits | retention | complaints | exceptions", show_default=False)],
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = Format.table,
    counter: Annotated[str | None, typer.Option("--counter", help=h("cli.report.one_counter_only_default_the"), show_default=False)] = None,
) -> None:
    from teller.store.reports import REPORTS

    if name not in REPORTS:
        raise typer.BadParameter(t("cli.report.one_of", names=", ".join(REPORTS)), param_hint="NAME")
    with open_desk(ctx, to_read=True) as desk:
        first = start or desk.now().date()
        last = end or first
        check_range(first, last)
        report = desk.report(name, start=first, end=last, counter=counter)
    if report.note and fmt is Format.table:
        typer.echo(report.note)
    emit(report.rows, report.columns, fmt, fields=report.fields, empty=t("cli.report.nothing_in_this_period"))
    if fmt is Format.table and report.chart and report.rows:
        from rich.console import Console

        from teller.charts import bars, money_bars

        label, value = report.chart
        items = [(row[label], row[value]) for row in report.rows]
        Console(width=None if sys.stdout.isatty() else 240).print(money_bars(items) if value.endswith("_fen") else bars(items))
