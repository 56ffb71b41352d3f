"""teller-admin procedures: list, validate, show, diagram and export the schema of procedure files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, fail, noun, open_settings

procedures_app = noun("业务流程文件 / Procedure files (scripts_yaml)")


@procedures_app.command("list")
def procedures_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """列出业务流程 / List the procedures of the scripts folder; files with problems come after, marked ✗."""
    from teller.procedures.loader import load_folder
    from teller.strings import pick

    settings = open_settings(ctx)
    good, problems = load_folder(settings.procedures_dir)
    rows = [
        {"id": p.id, "title": pick(p.procedure.title.as_dict()), "version": p.procedure.version,
         "time_limit": f"{p.procedure.time_limit_s} s", "file": p.path.name}
        for p in sorted(good, key=lambda p: (p.procedure.order, p.id))  # as the clerk's picker
    ]
    columns = {"id": "编号 Id", "title": "名称 Title", "version": "版本 Version", "time_limit": "时限 Limit", "file": "文件 File"}
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.path] = counts.get(problem.path, 0) + 1
    if fmt is not Format.table:  # broken files are rows too, with their problem count
        rows = [{**r, "ok": True, "problems": 0} for r in rows]
        rows += [{"id": "", "title": "", "version": "", "time_limit": "", "file": Path(path).name, "ok": False, "problems": n}
                 for path, n in counts.items()]
        emit(rows, columns, fmt, fields=[*columns, "ok", "problems"])
        return
    emit(rows, columns, Format.table, fields=list(columns), empty=f"没有业务流程 / No procedures in {settings.procedures_dir}",
         optional=("version", "time_limit"))
    for path, n in counts.items():
        typer.echo(f"✗ {Path(path).name}: {n} 个问题，未加载 / {n} problem(s), not loaded (teller-admin procedures validate)")


@procedures_app.command("validate")
def procedures_validate(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="文件或文件夹 / Files or folders (default: the configured scripts folder)", show_default=False)] = None,
) -> None:
    """校验业务流程文件 / Check procedure files; print every problem as file:line: field: message."""
    from teller.errors import ProcedureError
    from teller.procedures.loader import load_file, load_folder, procedure_files

    targets = paths or [open_settings(ctx).procedures_dir]
    problems, files = [], 0
    for target in targets:
        if target.is_dir():
            files += len(procedure_files(target))
            problems += load_folder(target)[1]
            continue
        files += 1
        try:
            load_file(target)
        except ProcedureError as exc:
            problems += exc.problems
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        bad = len({p.path for p in problems})
        fail(f"{len(problems)} 个问题，{bad}/{files} 个文件 / {len(problems)} problem(s) in {bad} of {files} file(s)")
    typer.echo(f"OK {files} files")


def _procedure(ctx: typer.Context, ident: str):
    """A procedure by id (from the configured folder) or by file path; exit 1 if none."""
    from teller.errors import ProcedureError
    from teller.procedures.loader import load_file, load_folder

    path = Path(ident)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        try:
            return load_file(path)
        except ProcedureError as exc:
            fail(str(exc))
    folder = open_settings(ctx).procedures_dir
    good, _problems = load_folder(folder)
    found = next((p for p in good if p.id == ident), None)
    if found is None:
        known = ", ".join(sorted(p.id for p in good))
        fail(f"没有业务流程 {ident} / No procedure {ident!r} in {folder} (known: {known}; broken files: teller-admin procedures validate)")
    return found


@procedures_app.command("show")
def procedures_show(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help="业务编号或文件 / Procedure id (or a .yaml file)", show_default=False)],
) -> None:
    """显示业务步骤与话术 / Print a procedure's steps, spoken lines, inputs, checks and branches."""
    from rich.console import Console

    from teller.procedures.describe import show_lines

    loaded = _procedure(ctx, ident)
    console = Console(width=None if sys.stdout.isatty() else 120, highlight=False)
    for line in show_lines(loaded.procedure, path=str(loaded.path)):
        console.print(line)


@procedures_app.command("diagram")
def procedures_diagram(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help="业务编号或文件 / Procedure id (or a .yaml file)", show_default=False)],
) -> None:
    """流程图（Mermaid） / Print the procedure's flow with its branches as a Mermaid flowchart."""
    from teller.procedures.describe import mermaid

    typer.echo(mermaid(_procedure(ctx, ident).procedure), nl=False)


@procedures_app.command("schema")
def procedures_schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件 / Write to this file instead of stdout", dir_okay=False)] = None,
) -> None:
    """导出 JSON Schema / Print (or write) the JSON Schema of procedure files, from the models."""
    from teller.procedures.describe import json_schema_text

    text = json_schema_text()
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"--output {output}: 无法写入 / cannot write ({exc.strerror or exc})", 2)
        typer.echo(f"已写入 / Written: {output}")
