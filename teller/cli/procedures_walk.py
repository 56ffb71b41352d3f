"""teller-admin procedures simulate and test: a procedure walked on a throwaway copy of the demo
data (teller.simulation), step by step or by its cases (scripts_yaml/cases/<id>.yaml)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import fail
from teller.cli.procedures import procedure_named, procedures_app
from teller.cli.texts import h
from teller.strings import t


def _hall(ctx: typer.Context):
    """The hall's settings when they can be read (hall name, counter, paper, payment limit), else None."""
    from teller.cli.common import Options
    from teller.cli.texts import settings_locale
    from teller.config import load_settings
    from teller.errors import TellerError
    from teller.strings import set_locale

    opts: Options = ctx.obj or Options()
    try:
        settings = load_settings(opts.config, home=opts.home)
    except TellerError:
        return None
    set_locale(settings_locale(opts.locale, settings.locale))
    return settings


def _layouts_for(path: Path, hall) -> Path:
    """The receipt layouts a simulated procedure prints with: beside its folder, else the hall's."""
    from teller.procedures.loader import default_context

    beside = default_context(path.parent).layouts_dir
    if beside is not None:
        return beside
    if hall is not None:
        return Path(hall.layouts_dir)
    fail(t("cli.procedures.no_receipt_layouts_receipts_beside", path=path))


def _answers(pairs: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(t("cli.procedures.write_field_value_not", pair=pair), param_hint="--answer")
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
        raise typer.BadParameter(t("cli.procedures.write_yyyy_mm_dd_hh", DEFAULT_AT=DEFAULT_AT, text=text), param_hint="--at") from None


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


@procedures_app.command("simulate", help=h("cli.procedures.walk_a_procedure_on_a"))
def procedures_simulate(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="FILE", help=h("cli.procedures.procedure_file_or_id"), show_default=False)],
    number: Annotated[str | None, typer.Option("--number", "-n", help=h("cli.procedures.the_customer_s_number_the"), show_default=False)] = None,
    answer: Annotated[list[str] | None, typer.Option("--answer", "-a", help=h("cli.procedures.field_value_repeatable_a_field"), show_default=False)] = None,
    at: Annotated[str | None, typer.Option("--at", help=h("cli.procedures.the_clock_yyyy_mm_dd"), show_default=False)] = None,
    waive: Annotated[str | None, typer.Option("--waive", help=h("cli.procedures.a_supervisor_waives_the_waivable"), show_default=False)] = None,
    interactive: Annotated[bool | None, typer.Option("--interactive/--scripted", help=h("cli.procedures.ask_for_missing_answers_default"), show_default=False)] = None,
) -> None:
    from teller.errors import TellerError
    from teller.simulation import Sandbox, report, walk

    hall = _hall(ctx)
    loaded = procedure_named(ctx, ident)
    layouts = _layouts_for(loaded.path, hall)
    answers = _answers(answer or [])
    when = _at(at, hall)
    if waive is not None and ":" not in waive:
        raise typer.BadParameter(t("cli.procedures.write_staff_pin"), param_hint="--waive")
    ask = _prompt if (interactive if interactive is not None else sys.stdin.isatty()) else None
    live = ask is not None

    def shown(event) -> None:  # interactive: the script as it happens
        for line in report_event(event):
            typer.echo(line)

    try:
        with Sandbox(layouts_dir=layouts, at=when, hall=hall) as box:
            walked = walk(box, loaded, answers, number=number, ask=ask, waive=waive, on_event=shown if live else None)
    except TellerError as exc:
        fail(t("cli.procedures.simulation_failed", message=exc.message))
    lines = report(walked)
    typer.echo("\n".join(lines[-1:] if live else lines))
    if walked.state in ("refused", "missing", "loop"):
        fail(t("cli.procedures.the_walk_did_not_finish", lstrip=lines[-1].lstrip('= ')))


def report_event(event) -> list[str]:
    from teller.simulation import Walk, report

    one = Walk("")
    one.events.append(event)
    return report(one)[:-1]


@procedures_app.command("test", help=h("cli.procedures.run_the_cases_of_procedures"))
def procedures_test(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(help=h("cli.procedures.a_procedures_folder_a_procedure"), show_default=False)] = None,
    name: Annotated[str | None, typer.Option("--name", "-k", help=h("cli.procedures.only_cases_whose_name_holds"), show_default=False)] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=h("cli.procedures.print_the_walk_of_a"))] = False,
) -> None:
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
            fail(t("cli.procedures.no_procedure_file_yaml_in", target=target, proc_id=proc_id, parent=target.parent.parent))
        pairs = [(found[0], target)]
    elif target.is_file():
        pairs = [(target, cases_path(target) if cases_path(target).is_file() else None)]
    else:
        raise typer.BadParameter(t("cli.procedures.no_such_file_or_folder", target=target), param_hint="PATH")
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
                typer.echo(t("cli.procedures.the_case_file_is_for", case_file=case_file, procedure=file.procedure, id=loaded.id), err=True)
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
        typer.echo(t("cli.procedures.no_cases", join=', '.join(without)))
    typer.echo(t("cli.procedures.passed_failed", passed=passed, failed=failed))
    if failed:
        raise typer.Exit(1)
