"""teller-admin customers: import subscribers from CSV."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import ByOption, Format, FormatOption, emit, emit_verdict, fail, noun, open_desk
from teller.errors import InputRefused, TellerError
from teller.cli.texts import h
from teller.strings import t

customers_app = noun(h("cli.customers.subscribers"))


@customers_app.command("import", help=h("cli.customers.import_subscribers_from_csv_any"))
def customers_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=h("cli.customers.csv_file_utf_8_or"), exists=True, dir_okay=False, show_default=False)],
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help=h("cli.customers.import_the_valid_rows_report"))] = False,
    by: ByOption = "admin",
    fmt: FormatOption = Format.table,
) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from teller.counter.customer_import import import_customers

    with open_desk(ctx, seed_demo=False) as desk:
        console = Console(stderr=True)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=console, transient=True, disable=not console.is_terminal) as progress:
            tasks: dict[str, int] = {}

            def advance(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(stage, total=total)
                progress.update(tasks[stage], completed=done)

            try:
                result = import_customers(engine=desk.engine, path=file, skip_invalid=skip_invalid, actor=by,
                                          counter=desk.counter, now=desk.now(), progress=advance)
            except csv.Error as exc:  # a field beyond the csv module's limit, a NUL byte, ...
                fail(t("cli.customers.not_a_readable_csv_nothing", file=file, exc=exc), 2)
            except OverflowError:  # a figure too large for the database; the transaction rolled back
                fail(t("cli.customers.a_figure_is_out_of", file=file), 2)
            except TellerError as exc:  # the file itself (its encoding) is bad: a usage error; others (a busy database) are not
                fail(f"{file}: {exc.message}", 2 if type(exc) in (TellerError, InputRefused) else 1)
    if fmt is not Format.table:  # the verdict and every problem, for a script
        ok = not (result.errors and not skip_invalid)
        errors = [{"row": e.row, "field": e.field, "reason": e.reason} for e in result.errors]
        if fmt is Format.json:
            emit_verdict({"ok": ok, "imported": result.imported, "invalid_rows": result.invalid_rows, "errors": errors}, fmt, lines=[])
        else:
            emit([{"imported": result.imported, "invalid_rows": result.invalid_rows, **e} for e in errors]
                 or [{"imported": result.imported, "invalid_rows": result.invalid_rows}],
                 {}, fmt, fields=["imported", "invalid_rows", "row", "field", "reason"])
        if not ok:
            raise typer.Exit(1)
        return
    for err in result.errors:
        typer.echo(t("cli.customers.row", row=err.row, field=err.field, reason=err.reason), err=True)
    if result.errors and not skip_invalid:
        fail(t("cli.customers.error_s_in_row_s", len=len(result.errors), invalid_rows=result.invalid_rows))
    typer.echo(t("cli.customers.imported_subscriber_s", imported=result.imported)
               + (t("cli.customers.skipped_invalid_row_s", invalid_rows=result.invalid_rows) if result.invalid_rows else ""))
