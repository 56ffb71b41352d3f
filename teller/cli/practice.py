"""teller-admin practice: scenarios (list, show, validate), results, a trainee's report, assigning
drill sets and exams. Always on the practice database, whatever --practice says."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Iterator

import typer

from teller.cli.common import Format, FormatOption, emit, fail, noun, open_settings
from teller.cli.texts import h
from teller.strings import t

if TYPE_CHECKING:
    from teller.config import Settings
    from teller.desk import Desk

practice_app = noun(h("cli.practice.practice_scenarios_results_trainee_reports"))
scenarios_app = noun(h("cli.practice.scenario_files_scripts_yaml_scenarios"))
practice_app.add_typer(scenarios_app, name="scenarios")

#: practice output fits a terminal of this width when it is not a terminal (a pipe, a file)
WIDTH = 80


def _settings(ctx: typer.Context) -> "Settings":
    settings = open_settings(ctx)
    return settings if settings.mode.is_practice else settings.for_practice()


@contextmanager
def _desk(ctx: typer.Context) -> Iterator["Desk"]:
    from teller.desk import Desk
    from teller.errors import TellerError

    desk = None
    try:
        desk = Desk(_settings(ctx)).open()
        yield desk
    except TellerError as exc:
        fail(exc.message)
    finally:
        if desk is not None:
            desk.close()


def _console():
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else WIDTH, highlight=False)


def _procedures(settings: "Settings") -> dict:
    from teller.procedures.loader import load_folder

    good, _problems = load_folder(settings.procedures_dir, layouts=settings.layouts_dir)
    return {p.id: p for p in good}


def _clock(seconds: float) -> str:
    from teller.practice.scoring import clock

    return clock(seconds)


# ---- scenarios -------------------------------------------------------------------------------------
@scenarios_app.command("list", help=h("cli.practice.list_the_scenarios_files_with"))
def scenarios_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    from teller.practice.scenario import load_folder
    from teller.strings import pick

    settings = _settings(ctx)
    procedures = _procedures(settings)
    good, problems = load_folder(settings.scenarios_dir, procedures) if settings.scenarios_dir.is_dir() else ([], [])
    order = {pid: p.procedure.order for pid, p in procedures.items()}
    rows = [
        {"id": s.id, "procedure": s.scenario.procedure, "title": pick(s.scenario.title.as_dict()), "level": s.scenario.level,
         "expect": s.scenario.expect.kind, "traps": ",".join(s.scenario.traps), "file": s.path.name}
        for s in sorted(good, key=lambda s: (order.get(s.scenario.procedure, 999), s.scenario.level, s.id))
    ]
    columns = {"id": t("cli.practice.id"), "procedure": t("cli.practice.procedure"), "title": t("cli.practice.title"), "level": t("cli.practice.level"), "expect": t("cli.practice.expect")}
    emit(rows, columns, fmt, fields=["id", "procedure", "title", "level", "expect", "traps", "file"],
         empty=t("cli.practice.no_scenarios_in", scenarios_dir=settings.scenarios_dir))
    files = {p.path for p in problems}
    for path in sorted(files):
        n = sum(1 for p in problems if p.path == path)
        typer.echo(t("cli.practice.problem_s_not_loaded_teller", name=Path(path).name, n=n))


def _scenario(ctx: typer.Context, ident: str):
    from teller.errors import ProcedureError
    from teller.practice.scenario import load_file, load_folder

    settings = _settings(ctx)
    procedures = _procedures(settings)
    path = Path(ident)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        try:
            return load_file(path, procedures), procedures
        except ProcedureError as exc:
            fail(str(exc))
    good, _problems = load_folder(settings.scenarios_dir, procedures) if settings.scenarios_dir.is_dir() else ([], [])
    found = next((s for s in good if s.id == ident), None)
    if found is None:
        fail(t("cli.practice.no_scenario_in_teller_admin", ident=ident, scenarios_dir=settings.scenarios_dir))
    return found, procedures


@scenarios_app.command("show", help=h("cli.practice.print_a_scenario_the_situation"))
def scenarios_show(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help=h("cli.practice.scenario_id_or_a_yaml"), show_default=False)],
) -> None:
    from rich.markup import escape

    from teller.strings import pick

    loaded, procedures = _scenario(ctx, ident)
    sc = loaded.scenario
    proc = procedures.get(sc.procedure)
    console = _console()
    title = pick(proc.procedure.title.as_dict()) if proc else sc.procedure
    console.print(f"[b]{escape(sc.id)}[/b]  {escape(pick(sc.title.as_dict()))}  ({escape(title)}, {'★' * sc.level})")
    if proc:
        console.print(t("cli.practice.standard", clock=_clock(proc.procedure.time_limit_s), escape=escape(str(loaded.path))))
    if sc.traps:
        console.print(t("cli.practice.traps", join=', '.join(sc.traps)))
    console.print(escape(pick(sc.brief.as_dict())))
    for key, party in {"customer": sc.customer, **sc.others}.items():
        if party.subscriber:
            who = f"subscriber {party.subscriber} (practice data)"
        elif party.creates:
            c = party.creates
            who = f"creates {c.number} {c.name} {c.status} balance {c.balance / 100:.2f} plan {c.plan}"
        else:
            p = party.person
            who = f"person {p.name}" + (f", ID holds {p.numbers_held} numbers" if p.numbers_held else "")
        console.print(f"  {key}: {escape(who)}")
    steps = {s.id: s for s in proc.procedure.steps} if proc else {}
    for ln in sc.script:
        step = steps.get(ln.step)
        kind = step.input.kind if step is not None and step.input else (step.kind if step else "?")
        given = ln.answer if ln.answer is not None else ("(any)" if ln.choose else "")
        extra = []
        if ln.first is not None:
            extra.append(f"first {ln.first!r}")
        if ln.refused:
            extra.append("refused")
        if ln.document:
            extra.append(f"document {ln.document}")
        console.print(f"[cyan]{escape(ln.step)}[/cyan] [dim]{kind}[/dim] {escape(given)} {escape(' · '.join(extra))}".rstrip())
        for attr in ("says", "hands"):
            text = getattr(ln, attr)
            if text is not None:
                console.print(f"    {attr}: {escape(pick(text.as_dict()))}")
    exp = sc.expect
    if exp.committed:
        c = exp.committed
        parts = []
        if c.total is not None:
            parts.append(f"total {c.total / 100:.2f}")
        if c.change is not None:
            parts.append(f"change {c.change / 100:.2f}")
        if c.papers is not None:
            parts.append("papers " + ",".join(c.papers))
        if c.changes is not None:
            parts.append("changes " + json.dumps(c.changes.model_dump(exclude_none=True), ensure_ascii=False))
        console.print(f"[b]expect committed[/b] {escape('; '.join(parts))}")
    elif exp.stopped:
        console.print(f"[b]expect stopped[/b] at gate {escape(exp.stopped.gate)}")
    else:
        console.print(f"[b]expect declined[/b] at step {escape(exp.declined.step)}")


@scenarios_app.command("validate", help=h("cli.practice.check_scenario_files_file_line"))
def scenarios_validate(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help=h("cli.practice.files_or_folders_default_the"), show_default=False)] = None,
    run: Annotated[bool, typer.Option("--run/--no-run", help=h("cli.practice.also_run_each_scenario_through"))] = True,
) -> None:
    from teller.errors import ProcedureError
    from teller.practice.headless import run_all
    from teller.practice.scenario import load_file, load_folder, scenario_files

    settings = _settings(ctx)
    procedures = _procedures(settings)
    problems, good, files = [], [], 0
    for target in paths or [settings.scenarios_dir]:
        if target.is_dir():
            files += len(scenario_files(target))
            ok, bad = load_folder(target, procedures)
            good += ok
            problems += bad
            continue
        files += 1
        try:
            good.append(load_file(target, procedures))
        except ProcedureError as exc:
            problems += exc.problems
    ran = 0
    if run and good:
        for verdict in run_all(good, settings.procedures_dir, layouts_dir=settings.layouts_dir):
            ran += 1
            problems += verdict.problems
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        bad = len({p.path for p in problems})
        fail(t("cli.practice.problem_s_in_of_file", len=len(problems), bad=bad, files=files))
    how = t("cli.practice.run_through_the_engine", ran=ran) if run else ""
    typer.echo(t("cli.practice.ok_files", files=files, how=how))


# ---- results and reports -----------------------------------------------------------------------------
@practice_app.command("results", help=h("cli.practice.every_drill_trainee_scenario_attempt"))
def results_cmd(
    ctx: typer.Context,
    trainee: Annotated[str | None, typer.Option("--trainee", help=h("cli.practice.a_trainee_s_staff_no"), show_default=False)] = None,
    scenario: Annotated[str | None, typer.Option("--scenario", help=h("cli.practice.one_scenario"), show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
    from teller.practice.records import results

    with _desk(ctx) as desk:
        rows = results(desk.engine, trainee=trainee, zone=desk.clock.zone)
    if scenario:
        rows = [r for r in rows if r["scenario"] == scenario]
    for r in rows:
        r["time"] = f"{_clock(r['elapsed_s'])}/{_clock(r['limit_s'])}"
        r["result"] = ("✓" if r["passed"] else "✗") + (" E" if r["kind"] == "exam" else "")
    if fmt is Format.table:
        if not rows:
            typer.echo(t("cli.practice.no_drills_yet"))
            return
        from rich.table import Table

        table = Table(pad_edge=False, box=None)
        for key, head, justify in (("started", t("cli.practice.start"), "left"), ("trainee", t("cli.practice.trainee"), "left"), ("scenario", t("cli.practice.scenario"), "left"),
                                   ("attempt", "#", "right"), ("time", t("cli.practice.time_standard"), "right"), ("score", t("cli.practice.score"), "right"),
                                   ("result", t("cli.practice.pass"), "left"), ("mistakes", t("cli.practice.mistakes"), "right")):
            table.add_column(head, justify=justify, no_wrap=key != "scenario")
        for r in rows:
            table.add_row(r["started"][5:16], r["trainee"], r["scenario"], str(r["attempt"]), r["time"], str(r["score"]), r["result"], str(r["mistakes"]))
        _console().print(table)
        return
    fields = ["id", "trainee", "name", "scenario", "procedure", "attempt", "kind", "set_id", "started", "elapsed_s", "limit_s",
              "score", "passed", "ending", "outcome_ok", "mistakes", "receipt_no"]
    if fmt is Format.csv:
        emit(rows, {}, fmt, fields=fields)
    else:
        emit([{k: r[k] for k in [*fields, "mistake_list"]} for r in rows], {}, fmt, fields=fields)


@practice_app.command("report", help=h("cli.practice.one_trainee_best_and_last"))
def report_cmd(
    ctx: typer.Context,
    trainee: Annotated[str, typer.Argument(metavar="STAFF", help=h("cli.practice.the_trainee_s_staff_no"), show_default=False)],
    fmt: Annotated[Format, typer.Option("--format", "-f", help=h("cli.practice.table_or_json"))] = Format.table,
) -> None:
    from sqlmodel import Session

    from teller.practice import records, report
    from teller.store.models import ClerkRecord

    if fmt is Format.csv:
        raise typer.BadParameter(t("cli.practice.table_or_json_only"), param_hint="--format")
    with _desk(ctx) as desk:
        with Session(desk.engine) as session:
            clerk = session.get(ClerkRecord, trainee)
        if clerk is None:
            fail(t("cli.practice.no_staff_number", trainee=trainee))
        rows = records.results(desk.engine, trainee=trainee, zone=desk.clock.zone)
        sets = records.all_sets(desk.engine, trainee=trainee)
        procs = {pid: (desk.procedure_title(pid), p.procedure.time_limit_s) for pid, p in desk.procedures.items()}
    built = report.build(trainee, clerk.name, rows, procedures=procs, sets=sets)
    if fmt is Format.json:
        typer.echo(json.dumps(built.to_dict(), ensure_ascii=False, indent=2))
        return
    console = _console()
    for part in report.renderables(built, width=console.width):
        console.print(part)


@practice_app.command("assign", help=h("cli.practice.give_a_trainee_a_drill"))
def assign_cmd(
    ctx: typer.Context,
    trainee: Annotated[str, typer.Argument(metavar="STAFF", help=h("cli.practice.the_trainee_s_staff_no"), show_default=False)],
    scenarios: Annotated[list[str], typer.Argument(metavar="SCENARIO...", help=h("cli.practice.scenario_ids"), show_default=False)],
    exam: Annotated[bool, typer.Option("--exam", help=h("cli.practice.as_an_exam_no_hints"))] = False,
    title: Annotated[str, typer.Option("--title", help=h("cli.practice.a_name_for_the_set"))] = "",
    by: Annotated[str, typer.Option("--by", help=h("cli.practice.the_trainer_for_the_audit"))] = "admin",
) -> None:
    from teller.practice.records import assign, load_scenarios

    with _desk(ctx) as desk:
        known = {s.id for s in load_scenarios(desk.settings, desk.procedures)[0]}
        unknown = [s for s in scenarios if s not in known]
        if unknown:
            raise typer.BadParameter(t("cli.practice.no_scenario_named", names=", ".join(unknown)), param_hint="SCENARIO")
        set_id = assign(desk, trainee=trainee, kind="exam" if exam else "drill", scenarios=scenarios, title=title, by=by)
        mark = t("cli.practice.pass_mark", mark=desk.settings.practice_pass_mark) if exam else ""
    kind = t("cli.practice.exam") if exam else t("cli.practice.drill")
    typer.echo(t("cli.practice.assigned", kind=kind, set_id=set_id, trainee=trainee, n=len(scenarios), mark=mark))
