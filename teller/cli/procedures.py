"""teller-admin procedures: list, validate, show, diagram and export the schema of procedure files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, fail, noun, open_settings
from teller.cli.texts import h
from teller.strings import t

procedures_app = noun(h("cli.procedures.procedure_files_scripts_yaml"))


@procedures_app.command("list", help=h("cli.procedures.list_the_procedures_of_the"))
def procedures_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    from teller.procedures.loader import load_folder
    from teller.strings import pick

    settings = open_settings(ctx)
    good, problems = load_folder(settings.procedures_dir)
    rows = [
        {"id": p.id, "title": pick(p.procedure.title.as_dict()), "version": p.procedure.version,
         "time_limit": f"{p.procedure.time_limit_s} s", "file": p.path.name}
        for p in sorted(good, key=lambda p: (p.procedure.order, p.id))  # as the clerk's picker
    ]
    columns = {"id": t("cli.procedures.id"), "title": t("cli.procedures.title"), "version": t("cli.procedures.version"), "time_limit": t("cli.procedures.limit"), "file": t("cli.procedures.file")}
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.path] = counts.get(problem.path, 0) + 1
    if fmt is not Format.table:  # broken files are rows too, with their problem count
        rows = [{**r, "ok": True, "problems": 0} for r in rows]
        rows += [{"id": "", "title": "", "version": "", "time_limit": "", "file": Path(path).name, "ok": False, "problems": n}
                 for path, n in counts.items()]
        emit(rows, columns, fmt, fields=[*columns, "ok", "problems"])
        return
    emit(rows, columns, Format.table, fields=list(columns), empty=t("cli.procedures.no_procedures_in", procedures_dir=settings.procedures_dir),
         optional=("version", "time_limit"))
    for path, n in counts.items():
        typer.echo(t("cli.procedures.problem_s_not_loaded_teller", name=Path(path).name, n=n))


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


@procedures_app.command("validate", help=h("cli.procedures.check_procedure_files_structure_references"))
def procedures_validate(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help=h("cli.procedures.files_or_folders_default_the"), show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help=h("cli.procedures.warnings_count_as_errors_exit"))] = False,
) -> None:
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
        more = t("cli.procedures.warning_s", len=len(warnings)) if warnings and not strict else ""
        fail(t("cli.procedures.problem_s_in_of_file", len=len(counted), bad=bad, files=files, more=more))
    if warnings:
        typer.echo(t("cli.procedures.ok_files_warning_s_strict", files=files, len=len(warnings)))
        return
    typer.echo(t("cli.procedures.ok_files", files=files))


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


def procedure_named(ctx: typer.Context, ident: str):
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
        fail(t("cli.procedures.no_procedure_in_known_broken", ident=ident, folder=folder, known=known))
    return found


@procedures_app.command("show", help=h("cli.procedures.print_a_procedure_s_steps"))
def procedures_show(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help=h("cli.procedures.procedure_id_or_a_yaml"), show_default=False)],
) -> None:
    from rich.console import Console

    from teller.procedures.describe import show_lines

    loaded = procedure_named(ctx, ident)
    console = Console(width=None if sys.stdout.isatty() else 120, highlight=False)
    for line in show_lines(loaded.procedure, path=str(loaded.path)):
        console.print(line)


@procedures_app.command("diagram", help=h("cli.procedures.print_the_procedure_s_flow"))
def procedures_diagram(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help=h("cli.procedures.procedure_id_or_a_yaml"), show_default=False)],
) -> None:
    from teller.procedures.describe import mermaid

    typer.echo(mermaid(procedure_named(ctx, ident).procedure), nl=False)


@procedures_app.command("schema", help=h("cli.procedures.print_or_write_the_json"))
def procedures_schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help=h("cli.procedures.write_to_this_file_instead"), dir_okay=False)] = None,
) -> None:
    from teller.procedures.describe import json_schema_text

    text = json_schema_text()
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(t("cli.procedures.output_cannot_write", output=output, value=exc.strerror or exc), 2)
        typer.echo(t("cli.procedures.written_2", output=output))


@procedures_app.command("new", help=h("cli.procedures.write_a_skeleton_procedure_for"))
def procedures_new(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help=h("cli.procedures.the_new_procedure_s_id"), show_default=False)],
    operation: Annotated[str, typer.Option("--operation", "-e", help=h("cli.procedures.the_operation_it_applies_teller"), show_default=False)],
    title: Annotated[str | None, typer.Option("--title", help=h("cli.procedures.its_title_in_chinese"), show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=h("cli.procedures.write_here_default_scripts_folder"), dir_okay=False, show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help=h("cli.procedures.replace_a_file_that_exists"))] = False,
) -> None:
    import re

    from teller import operations
    from teller.errors import ProcedureError
    from teller.procedures.loader import parse
    from teller.procedures.semantics import suggest
    from teller.procedures.skeleton import skeleton

    if not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
        raise typer.BadParameter(t("cli.procedures.lowercase_letters_digits_and_starting"), param_hint="ID")
    ops = {name: op for name, op in operations.registry().items() if not op.internal}
    op = ops.get(operation)
    if op is None:
        raise typer.BadParameter(t("cli.procedures.no_operation_known", operation=operation, suggest=suggest(operation, ops), join=', '.join(sorted(ops))), param_hint="--operation")
    target = output or Path(open_settings(ctx).procedures_dir) / f"{ident}.yaml"
    if target.exists() and not force:
        fail(t("cli.procedures.already_exists_force_replaces_it", target=target))
    from teller.procedures.skeleton import GENERIC

    generic = op.params is not None
    if generic and op.name not in GENERIC:
        fail(t("cli.procedures.no_skeleton_for_this_generic", name=op.name))
    text = skeleton(ident, op.name, fields=op.fields, category=op.category, title=title, summary=op.summary, generic=generic)
    try:
        parse(text, target)
    except ProcedureError as exc:  # the skeleton of an operation the generator does not know well
        fail(t("cli.procedures.the_skeleton_does_not_validate", exc=exc))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(t("cli.procedures.cannot_write", target=target, value=exc.strerror or exc))
    schema = target.parent / "procedure.schema.json"
    if not schema.exists():
        from teller.procedures.describe import json_schema_text

        try:
            schema.write_text(json_schema_text(), encoding="utf-8")
        except OSError:
            pass  # the editor line then names a file that is not there: validate still works
    typer.echo(t("cli.procedures.written", target=target))
    typer.echo(t("cli.procedures.next_edit_it_then_teller", target=target))


from teller.cli import procedures_walk  # noqa: E402, F401 - simulate and test, on procedures_app
