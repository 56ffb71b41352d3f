"""teller-admin procedures: list, validate, show, diagram and export the schema of procedure files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import Format, emit, fail, noun, open_settings

procedures_app = noun("业务流程文件 / Procedure files (scripts_yaml)")


@procedures_app.command("list")
def procedures_list(ctx: typer.Context) -> None:
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
    emit(rows, columns, Format.table, fields=list(columns), empty=f"没有业务流程 / No procedures in {settings.procedures_dir}")
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.path] = counts.get(problem.path, 0) + 1
    for path, n in counts.items():
        typer.echo(f"✗ {Path(path).name}: {n} 个问题，未加载 / {n} problem(s), not loaded (teller-admin procedures validate)")


def procedure_context(ctx: typer.Context):
    """The hall's payment limit and receipt layouts, for the checks of what a procedure does;
    the defaults (layouts beside the folder) when the settings cannot be read."""
    from teller.errors import TellerError
    from teller.procedures.semantics import Context

    from teller.config import load_settings
    from teller.cli.common import Options

    opts: Options = ctx.obj or Options()
    try:
        settings = load_settings(opts.config, home=opts.home)
    except TellerError:
        return None
    return Context(payment_limit_fen=settings.payment_limit_fen, layouts_dir=settings.layouts_dir)


@procedures_app.command("validate")
def procedures_validate(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="文件或文件夹 / Files or folders (default: the configured scripts folder)", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="警告也算错误 / Warnings count as errors (exit 1)")] = False,
) -> None:
    """校验业务流程文件 / Check procedure files: structure, references and what each procedure does
    (steps never reached, loops, fields read before they are set, money without a cash step, ...).
    Every problem as file:line: field: message; errors refuse the file, warnings are marked `warning:`."""
    from teller.errors import ProcedureError
    from teller.procedures.loader import load_file, load_folder, procedure_files

    targets = paths or [open_settings(ctx).procedures_dir]
    context = procedure_context(ctx) if not paths else _context_for(ctx, paths)
    problems, warnings, files = [], [], 0
    for target in targets:
        if target.is_dir():
            files += len(procedure_files(target))
            good, bad = load_folder(target, context=context)
            problems += bad
            warnings += [w for loaded in good for w in loaded.warnings]
            continue
        files += 1
        try:
            warnings += load_file(target, context=context).warnings
        except ProcedureError as exc:
            problems += exc.problems
    for problem in sorted(problems + warnings, key=lambda p: (p.path, p.line or 0)):
        typer.echo(str(problem), err=True)
    counted = problems + (warnings if strict else [])
    if counted:
        bad = len({p.path for p in counted})
        more = f", {len(warnings)} 个警告 / warning(s)" if warnings and not strict else ""
        fail(f"{len(counted)} 个问题，{bad}/{files} 个文件 / {len(counted)} problem(s) in {bad} of {files} file(s){more}")
    if warnings:
        typer.echo(f"OK {files} files, {len(warnings)} 个警告 / warning(s) (--strict refuses them)")
        return
    typer.echo(f"OK {files} files")


def _context_for(ctx: typer.Context, paths: list[Path]):
    """Files named on the command line: the hall's payment limit, the layouts of the configured
    home when the settings can be read and the file is in it, else the layouts beside the file."""
    from dataclasses import replace

    from teller.procedures.loader import default_context

    hall = procedure_context(ctx)
    first = paths[0] if paths[0].is_dir() else paths[0].parent
    beside = default_context(first)
    if hall is None:
        return beside
    if beside.layouts_dir is not None:
        return replace(hall, layouts_dir=beside.layouts_dir)
    return hall


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
