"""teller-admin receipts: validate layouts, reprint, pending papers, the test page."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from teller.cli.common import (
    SUPERVISOR_PIN_ENV, Format, FormatOption, PinStdinOption, SupervisorPinOption, ask_pin, emit, fail, local_time, noun, open_desk,
    open_settings,
)
from teller.cli.texts import h
from teller.strings import t

if TYPE_CHECKING:
    from teller.config import Settings

receipts_app = noun(h("cli.receipts.receipts"))


@receipts_app.command("validate", help=h("cli.receipts.check_receipt_layouts_receipts_yaml"))
def receipts_validate(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help=h("cli.receipts.layout_files_or_folders_default"), show_default=False)] = None,
) -> None:
    from teller.layout_file import validate_paths

    targets = paths or [Path(open_settings(ctx).layouts_dir)]
    files, problems = validate_paths(targets)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        bad = len({p.path for p in problems})
        fail(t("cli.receipts.problem_s_in_of_file", len=len(problems), bad=bad, files=files))
    typer.echo(t("cli.receipts.ok_files", files=files))


@receipts_app.command("reprint", help=h("cli.receipts.print_a_transaction_s_papers"))
def receipts_reprint(
    ctx: typer.Context,
    receipt_no: Annotated[str, typer.Argument(help=h("cli.receipts.receipt_number_e_g_01"), show_default=False)],
    by: Annotated[str, typer.Option("--by", help=h("cli.receipts.who_asks_for_the_audit"))] = "admin",
    supervisor: Annotated[str, typer.Option("--supervisor", help=h("cli.receipts.supervisor_staff_no_an_invoice"))] = "",
    pin: SupervisorPinOption = None,
    pin_stdin: PinStdinOption = False,
    layout: Annotated[str | None, typer.Option("--layout", help=h("cli.receipts.only_this_paper_e_g"), show_default=False)] = None,
    copy_no: Annotated[int | None, typer.Option("--copy", min=1, help=h("cli.receipts.only_this_copy_1_customer"), show_default=False)] = None,
) -> None:
    with open_desk(ctx) as desk:
        if desk.reprint_needs_supervisor(receipt_no, layout=layout, copy_no=copy_no):
            if not supervisor and sys.stdin.isatty():
                supervisor = typer.prompt(t("cli.receipts.supervisor_staff_no"))
            if not supervisor:
                fail(t("cli.receipts.an_invoice_reprint_needs_supervisor"))
            pin = ask_pin(pin, t("cli.receipts.supervisor_pin"), stdin=pin_stdin, env=SUPERVISOR_PIN_ENV)
        outcomes = desk.reprint(receipt_no.strip(), actor=by, supervisor=supervisor, pin=pin or "", layout=layout, copy_no=copy_no)
    if not outcomes:
        typer.echo(t("cli.receipts.this_transaction_has_no_papers"))
    for o in outcomes:
        name = f"{o.layout}#{o.copy_no}"
        if o.ok:
            where = f" → {o.spooled.with_suffix('.txt')}" if o.spooled else ""
            typer.echo(t("cli.receipts.printed", name=name, where=where))
        else:
            typer.echo(f"✗ {name}: {o.error}", err=True)
    if any(not o.ok for o in outcomes):
        fail(t("cli.receipts.printing_failed_the_transaction_is"))


@receipts_app.command("test-page", help=h("cli.receipts.print_a_test_page_chinese"))
def receipts_test_page(
    ctx: typer.Context,
    paper: Annotated[int | None, typer.Option("--paper", help=h("cli.receipts.paper_width_in_mm_58"), show_default=False)] = None,
) -> None:
    changes = {}
    if paper is not None:
        if paper not in (58, 80):
            raise typer.BadParameter(t("cli.receipts.paper_must_be_58_or"), param_hint="--paper")
        settings = open_settings(ctx)
        changes["printer"] = dataclasses.replace(settings.printer, paper_mm=paper)
    with open_desk(ctx, **changes) as desk:
        outcome = desk.print_test_page()
        target = escpos_target(desk.settings)
    if not outcome.ok:
        fail(t("cli.receipts.test_page_not_printed", error=outcome.error))
    where = f" → {outcome.spooled.with_suffix('.txt')}" if outcome.spooled else ""
    typer.echo(t("cli.receipts.test_page_printed", target=target, where=where))


def escpos_target(settings: "Settings") -> str:
    from teller.printing.escpos import describe

    return f"{describe(settings.printer)}, {settings.printer.paper_mm} mm / {settings.printer.columns}"


@receipts_app.command("pending", help=h("cli.receipts.transactions_whose_receipts_are_not"))
def receipts_pending(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    from sqlmodel import Session

    from teller.store.queries import unprinted

    with open_desk(ctx) as desk, Session(desk.engine) as session:
        rows = [
            {"receipt_no": tx.receipt_no, "time": local_time(tx.created_at, desk.settings, table=fmt is Format.table),
             "procedure": tx.procedure_id,
             "layout": job.layout, "copy": job.copy_no, "status": job.status, "attempts": job.attempts, "error": job.error}
            for tx, job in unprinted(session)
        ]
    columns = {"receipt_no": t("cli.receipts.receipt"), "time": t("cli.receipts.time"), "procedure": t("cli.receipts.procedure"), "layout": t("cli.receipts.paper"), "copy": t("cli.receipts.copy"),
               "status": t("cli.receipts.status"), "attempts": t("cli.receipts.attempts"), "error": t("cli.receipts.error")}
    emit(rows, columns, fmt, fields=list(columns), empty=t("cli.receipts.every_receipt_is_printed"),
         optional=("attempts", "procedure", "time", "copy"))
