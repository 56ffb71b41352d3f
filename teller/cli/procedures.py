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


# ---- simulate, test: a procedure walked on a throwaway copy of the demo data (teller.simulation) ----


def _hall(ctx: typer.Context):
    """The hall's settings when they can be read (hall name, counter, paper, payment limit), else None."""
    from teller.cli.common import Options
    from teller.config import load_settings
    from teller.errors import TellerError
    from teller.strings import set_locale

    opts: Options = ctx.obj or Options()
    try:
        settings = load_settings(opts.config, home=opts.home)
    except TellerError:
        return None
    set_locale(settings.locale)
    return settings


def _layouts_for(path: Path, hall) -> Path:
    """The receipt layouts a simulated procedure prints with: beside its folder, else the hall's."""
    from teller.procedures.loader import default_context

    beside = default_context(path.parent).layouts_dir
    if beside is not None:
        return beside
    if hall is not None:
        return Path(hall.layouts_dir)
    fail(f"{path}: 找不到票据版式 / no receipt layouts (receipts/) beside the procedures folder or in the settings")


def _answers(pairs: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"写作 field=value / write field=value, not {pair!r}", param_hint="--answer")
        out.setdefault(name.strip(), []).append(value)
    return out


def _at(text: str | None, hall):
    from teller.clock import hall_zone
    from teller.procedures.cases import DEFAULT_AT, parse_at

    zone = hall_zone(hall.timezone if hall else "Asia/Shanghai")
    if text is None:  # now, in the hall's zone
        from datetime import datetime

        return datetime.now(zone).replace(second=0, microsecond=0)
    try:
        return parse_at(text, zone)
    except ValueError:
        raise typer.BadParameter(f"写作 / write YYYY-MM-DD HH:MM (e.g. {DEFAULT_AT}), not {text!r}", param_hint="--at") from None


def _prompt(run, step):
    """Ask the operator for one step's answer at the terminal (choices by number or value)."""
    from teller.procedures.engine import SECRET_KINDS
    from teller.strings import pick

    spec = step.input
    label = pick(spec.label.as_dict()) if spec.label else spec.field
    try:
        if spec.kind == "choice":
            options = run.options()
            for n, option in enumerate(options, 1):
                typer.echo(f"      {n}. {option.label}  [{option.value}]")
            raw = typer.prompt(f"    {label} ({spec.field}, 1-{len(options)})")
            if raw.strip().isdigit() and 1 <= int(raw) <= len(options):
                return options[int(raw) - 1].value
            return raw.strip()
        hidden = spec.kind in SECRET_KINDS
        return typer.prompt(f"    {label} ({spec.field}, {spec.kind})", default="" if spec.optional else None, hide_input=hidden, show_default=False)
    except (typer.Abort, EOFError):
        return None


@procedures_app.command("simulate")
def procedures_simulate(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="FILE", help="业务流程文件或编号 / Procedure file (or id)", show_default=False)],
    number: Annotated[str | None, typer.Option("--number", "-n", help="客户号码（查询客户的那一步）/ The customer's number (the look-up step)", show_default=False)] = None,
    answer: Annotated[list[str] | None, typer.Option("--answer", "-a", help="字段=答案，可重复 / field=value, repeatable (a field given twice answers a second visit)", show_default=False)] = None,
    at: Annotated[str | None, typer.Option("--at", help="模拟时间 / The clock, YYYY-MM-DD HH:MM (default: now)", show_default=False)] = None,
    waive: Annotated[str | None, typer.Option("--waive", help="值班长减免 工号:密码 / A supervisor waives the waivable fees: STAFF:PIN (demo 9001:9999)", show_default=False)] = None,
    interactive: Annotated[bool | None, typer.Option("--interactive/--scripted", help="缺答案时逐步询问（终端默认）/ Ask for missing answers (default at a terminal)", show_default=False)] = None,
) -> None:
    """模拟办理 / Walk a procedure on a throwaway copy of the demo data: no live database, printer or shift.

    Prints every spoken line with its placeholders filled, each gate passed or taken, the fee
    table, the transaction, the operation's changes to the demo data and the papers as the
    preview prints them. Answers missing are asked for at a terminal (or with --interactive)."""
    from teller.errors import TellerError
    from teller.simulation import Sandbox, report, walk

    hall = _hall(ctx)
    loaded = _procedure(ctx, ident)
    layouts = _layouts_for(loaded.path, hall)
    answers = _answers(answer or [])
    when = _at(at, hall)
    if waive is not None and ":" not in waive:
        raise typer.BadParameter("写作 工号:密码 / write STAFF:PIN", param_hint="--waive")
    ask = _prompt if (interactive if interactive is not None else sys.stdin.isatty()) else None
    live = ask is not None

    def shown(event) -> None:  # interactive: the script as it happens
        for line in report_event(event):
            typer.echo(line)

    try:
        with Sandbox(layouts_dir=layouts, at=when, hall=hall) as box:
            walked = walk(box, loaded, answers, number=number, ask=ask, waive=waive, on_event=shown if live else None)
    except TellerError as exc:
        fail(f"模拟失败 / Simulation failed: {exc.message}")
    lines = report(walked)
    typer.echo("\n".join(lines[-1:] if live else lines))
    if walked.state in ("refused", "missing", "loop"):
        fail(f"模拟未走完 / The walk did not finish: {lines[-1].lstrip('= ')}")


def report_event(event) -> list[str]:
    from teller.simulation import Walk, report

    one = Walk("")
    one.events.append(event)
    return report(one)[:-1]


@procedures_app.command("test")
def procedures_test(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(help="文件夹、业务文件或案例文件 / A procedures folder, a procedure file or a case file (default: the configured folder)", show_default=False)] = None,
    name: Annotated[str | None, typer.Option("--name", "-k", help="只运行名称含此文字的案例 / Only cases whose name holds this", show_default=False)] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="失败时打印模拟过程 / Print the walk of a failing case")] = False,
) -> None:
    """运行测试案例 / Run the cases of procedures (scripts_yaml/cases/<id>.yaml) on throwaway copies
    of the demo data: each case's stop, or its total, changes, papers and words said."""
    from teller.errors import ProcedureError
    from teller.procedures.cases import CASES_FOLDER, cases_path, read_cases
    from teller.procedures.loader import load_file, procedure_files
    from teller.simulation import report, run_case, sibling_procedures

    hall = _hall(ctx)
    target = path or (Path(hall.procedures_dir) if hall else Path("scripts_yaml"))
    pairs: list[tuple[Path, Path | None]] = []  # (procedure file, its case file)
    if target.is_dir():
        pairs = [(p, cases_path(p) if cases_path(p).is_file() else None) for p in procedure_files(target)]
    elif target.parent.name == CASES_FOLDER:
        try:
            proc_id = read_cases(target).procedure
        except ProcedureError as exc:
            fail(str(exc))
        found = [p for p in procedure_files(target.parent.parent) if p.stem == proc_id]
        if not found:
            fail(f"{target}: 没有业务流程 {proc_id} / no procedure file {proc_id}.yaml in {target.parent.parent}")
        pairs = [(found[0], target)]
    elif target.is_file():
        pairs = [(target, cases_path(target) if cases_path(target).is_file() else None)]
    else:
        raise typer.BadParameter(f"{target}: 没有此文件或文件夹 / no such file or folder", param_hint="PATH")
    passed = failed = 0
    without: list[str] = []
    for proc_file, case_file in pairs:
        try:
            loaded = load_file(proc_file)
        except ProcedureError as exc:
            typer.echo(str(exc), err=True)
            failed += 1
            continue
        if case_file is None:
            without.append(loaded.id)
            continue
        try:
            file = read_cases(case_file)
        except ProcedureError as exc:
            typer.echo(str(exc), err=True)
            failed += 1
            continue
        layouts = _layouts_for(proc_file, hall)
        for i, case in enumerate(file.cases):
            if name and name not in case.name:
                continue
            if file.procedure != loaded.id:
                typer.echo(f"✗ {case_file}: 案例文件属于 {file.procedure} / the case file is for {file.procedure!r}, not {loaded.id!r}", err=True)
                failed += 1
                break
            result = run_case(loaded, file, case, layouts_dir=layouts, hall=hall, others=sibling_procedures(proc_file.parent))
            if result.ok:
                passed += 1
                typer.echo(f"✓ {loaded.id}: {case.name}")
                continue
            failed += 1
            from teller.procedures.cases import case_line

            where = f"{case_file}:{case_line(case_file, i) or ''}"
            typer.echo(f"✗ {loaded.id}: {case.name}  ({where})")
            for failure in result.failures:
                typer.echo(f"    - {failure}")
            if verbose and result.walk is not None:
                typer.echo("\n".join(f"      {ln}" for ln in report(result.walk)))
    if without:
        typer.echo(f"没有案例 / no cases: {', '.join(without)}")
    typer.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


@procedures_app.command("new")
def procedures_new(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help="新业务编号 / The new procedure's id (a-z, 0-9, _)", show_default=False)],
    operation: Annotated[str, typer.Option("--operation", "-e", help="办理的操作（effect）/ The operation it applies (teller-admin procedures list shows the shipped ones; scripts_yaml/README.md lists all)", show_default=False)],
    title: Annotated[str | None, typer.Option("--title", help="中文名称 / Its title in Chinese", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件 / Write here (default: <scripts folder>/ID.yaml)", dir_okay=False, show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / Replace a file that exists")] = False,
) -> None:
    """新建业务流程 / Write a skeleton procedure for an operation: its input fields, a documents block,
    a cash step where money moves, commit and end steps and the schema line; it passes validate."""
    import re

    from teller import operations
    from teller.errors import ProcedureError
    from teller.procedures.loader import parse
    from teller.procedures.semantics import suggest
    from teller.procedures.skeleton import skeleton

    if not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
        raise typer.BadParameter("小写字母开头，只含 a-z 0-9 _ / lowercase letters, digits and _, starting with a letter", param_hint="ID")
    ops = {name: op for name, op in operations.registry().items() if not op.internal}
    op = ops.get(operation)
    if op is None:
        raise typer.BadParameter(f"没有此操作 / no operation {operation!r}{suggest(operation, ops)} (known: {', '.join(sorted(ops))})", param_hint="--operation")
    target = output or Path(open_settings(ctx).procedures_dir) / f"{ident}.yaml"
    if target.exists() and not force:
        fail(f"{target}: 文件已存在 / already exists (--force replaces it)")
    from teller.procedures.skeleton import GENERIC

    generic = op.params is not None
    if generic and op.name not in GENERIC:
        fail(f"{op.name}: 这个通用操作没有骨架，请参照 scripts_yaml/README.md 手写 params / no skeleton for this generic operation: write its params by hand (scripts_yaml/README.md)")
    text = skeleton(ident, op.name, fields=op.fields, category=op.category, title=title, summary=op.summary, generic=generic)
    try:
        parse(text, target)
    except ProcedureError as exc:  # the skeleton of an operation the generator does not know well
        fail(f"骨架未通过校验 / the skeleton does not validate, please report: {exc}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{target}: 无法写入 / cannot write ({exc.strerror or exc})")
    schema = target.parent / "procedure.schema.json"
    if not schema.exists():
        from teller.procedures.describe import json_schema_text

        try:
            schema.write_text(json_schema_text(), encoding="utf-8")
        except OSError:
            pass  # the editor line then names a file that is not there: validate still works
    typer.echo(f"已写入 / Written: {target}")
    typer.echo(f"下一步 / Next: edit it, then teller-admin procedures validate {target} && teller-admin procedures simulate {target}")
