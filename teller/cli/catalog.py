"""teller-admin catalog: a real hall's catalogue loaded from CSV files (plans, numbers,
handsets, services, clerks), all or nothing, with a report line per refused row."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import ByOption, fail, noun, open_desk

catalog_app = noun("营业厅资料 / The hall's catalogue")


@catalog_app.command("import")
def catalog_import(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="CSV 文件：plans.csv numbers.csv handsets.csv services.csv clerks.csv / CSV files named by their kind", dir_okay=False, show_default=False)],
    kind: Annotated[str | None, typer.Option("--kind", help="一个文件时指定类别 / The kind of a single file: plans | numbers | handsets | services | clerks", show_default=False)] = None,
    by: ByOption = "admin",
) -> None:
    """导入营业厅资料 / Load plans (with tariffs), the number pool, handsets and stock, value-added services and clerks: every file in one transaction; any refused row and nothing is written."""
    from teller.counter.catalog_import import check_files_exist, import_catalog, kind_of
    from teller.errors import InputRefused, TellerError

    try:
        if kind is not None and len(files) != 1:
            raise InputRefused("--kind 只用于单个文件 / --kind names the kind of one file only")
        check_files_exist(files)
        pairs = [(f, kind_of(f, kind)) for f in files]
    except TellerError as exc:
        fail(exc.message, 2)
    with open_desk(ctx) as desk:
        try:
            result = import_catalog(engine=desk.engine, files=pairs, actor=by, counter=desk.counter, now=desk.now())
        except TellerError as exc:
            fail(f"{exc.message}", 2 if type(exc) in (TellerError, InputRefused) else 1)
    for path, err in result.errors:
        typer.echo(f"{path.name} 第 {err.row} 行 / row {err.row}: {err.field}: {err.reason}", err=True)
    if not result.written:
        fail(f"✗ {len(result.errors)} 处错误，未导入任何资料 / {len(result.errors)} error(s): nothing imported")
    for report in result.files:
        typer.echo(f"✓ {report.path.name}: 已导入 {report.rows} 条 / imported {report.rows} {report.kind}")
