"""teller-admin catalog: a real hall's catalogue loaded from CSV files (plans, numbers,
handsets, services, clerks), all or nothing, with a report line per refused row."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import ByOption, fail, noun, open_desk
from teller.cli.texts import h
from teller.strings import t

catalog_app = noun(h("cli.catalog.the_hall_s_catalogue"))


@catalog_app.command("import", help=h("cli.catalog.load_plans_with_tariffs_the"))
def catalog_import(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help=h("cli.catalog.csv_files_named_by_their"), dir_okay=False, show_default=False)],
    kind: Annotated[str | None, typer.Option("--kind", help=h("cli.catalog.the_kind_of_a_single"), show_default=False)] = None,
    by: ByOption = "admin",
) -> None:
    from teller.counter.catalog_import import check_files_exist, import_catalog, kind_of
    from teller.errors import InputRefused, TellerError

    try:
        if kind is not None and len(files) != 1:
            raise InputRefused(t("cli.catalog.kind_names_the_kind_of"))
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
        typer.echo(t("cli.catalog.row", name=path.name, row=err.row, field=err.field, reason=err.reason), err=True)
    if not result.written:
        fail(t("cli.catalog.error_s_nothing_imported", len=len(result.errors)))
    for report in result.files:
        typer.echo(t("cli.catalog.imported", name=report.path.name, rows=report.rows, kind=report.kind))
