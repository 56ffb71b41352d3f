"""teller-admin customers: import subscribers from CSV."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import ByOption, Format, FormatOption, emit, emit_verdict, fail, noun, open_desk
from teller.errors import InputRefused, TellerError

customers_app = noun("客户资料 / Subscribers")


@customers_app.command("import")
def customers_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV 文件（UTF-8 或 GB18030）/ CSV file (UTF-8 or GB18030)", exists=True, dir_okay=False, show_default=False)],
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="只导入有效行 / Import the valid rows, report the others")] = False,
    by: ByOption = "admin",
    fmt: FormatOption = Format.table,
) -> None:
    """导入客户 / Import subscribers from CSV; any invalid row stops the whole import (see --skip-invalid)."""
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
                fail(f"{file}: 不是可读的 CSV，未导入任何数据 / not a readable CSV ({exc}); nothing imported", 2)
            except OverflowError:  # a figure too large for the database; the transaction rolled back
                fail(f"{file}: 数值超出范围（余额？），未导入任何数据 / a figure is out of range (a balance?); nothing imported", 2)
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
        typer.echo(f"第 {err.row} 行 / row {err.row}: {err.field}: {err.reason}", err=True)
    if result.errors and not skip_invalid:
        fail(f"✗ {len(result.errors)} 处错误，{result.invalid_rows} 行无效，未导入任何数据 / "
              f"{len(result.errors)} error(s) in {result.invalid_rows} row(s): nothing imported (fix them, or use --skip-invalid)")
    typer.echo(f"✓ 已导入 {result.imported} 位客户 / Imported {result.imported} subscriber(s)"
               + (f"; 跳过 {result.invalid_rows} 行无效数据 / skipped {result.invalid_rows} invalid row(s)" if result.invalid_rows else ""))
