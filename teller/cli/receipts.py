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

if TYPE_CHECKING:
    from teller.config import Settings

receipts_app = noun("票据 / Receipts")


@receipts_app.command("validate")
def receipts_validate(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="版式文件或文件夹 / Layout files or folders (default: the configured receipts folder)", show_default=False)] = None,
) -> None:
    """校验票据版式 / Check receipt layouts (receipts/*.yaml): unknown keys and blocks, placeholders,
    characters a printer cannot print; every problem as file:line: field: message."""
    from teller.layout_file import validate_paths

    targets = paths or [Path(open_settings(ctx).layouts_dir)]
    files, problems = validate_paths(targets)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        bad = len({p.path for p in problems})
        fail(f"{len(problems)} 个问题，{bad}/{files} 个文件 / {len(problems)} problem(s) in {bad} of {files} file(s)")
    typer.echo(f"OK {files} files")


@receipts_app.command("reprint")
def receipts_reprint(
    ctx: typer.Context,
    receipt_no: Annotated[str, typer.Argument(help="受理单号 / Receipt number, e.g. 01-20261123-0001", show_default=False)],
    by: Annotated[str, typer.Option("--by", help="操作人，记入审计 / Who asks, for the audit log")] = "admin",
    supervisor: Annotated[str, typer.Option("--supervisor", help="值班长工号（补打收费凭证须授权）/ Supervisor staff no (an invoice reprint needs one)")] = "",
    pin: SupervisorPinOption = None,
    pin_stdin: PinStdinOption = False,
    layout: Annotated[str | None, typer.Option("--layout", help="只补打这种票据 / Only this paper, e.g. slip", show_default=False)] = None,
    copy_no: Annotated[int | None, typer.Option("--copy", min=1, help="只补打第几联 / Only this copy (1 customer, 2 hall)", show_default=False)] = None,
) -> None:
    """补打票据 / Print a transaction's papers again, marked 补打 (reprint) with the count."""
    with open_desk(ctx) as desk:
        if desk.reprint_needs_supervisor(receipt_no, layout=layout, copy_no=copy_no):
            if not supervisor and sys.stdin.isatty():
                supervisor = typer.prompt("值班长工号 / Supervisor staff no")
            if not supervisor:
                fail("补打收费凭证须值班长授权：--supervisor STAFF --pin PIN / An invoice reprint needs --supervisor STAFF --pin PIN")
            pin = ask_pin(pin, "值班长密码 / Supervisor PIN", stdin=pin_stdin, env=SUPERVISOR_PIN_ENV)
        outcomes = desk.reprint(receipt_no.strip(), actor=by, supervisor=supervisor, pin=pin or "", layout=layout, copy_no=copy_no)
    if not outcomes:
        typer.echo("该交易没有票据 / This transaction has no papers to print")
    for o in outcomes:
        name = f"{o.layout}#{o.copy_no}"
        if o.ok:
            where = f" → {o.spooled.with_suffix('.txt')}" if o.spooled else ""
            typer.echo(f"✓ {name}: 已打印 / printed{where}")
        else:
            typer.echo(f"✗ {name}: {o.error}", err=True)
    if any(not o.ok for o in outcomes):
        fail("打印失败；交易已保存，可再次补打 / Printing failed; the transaction is safe and the reprint can be retried")


@receipts_app.command("test-page")
def receipts_test_page(
    ctx: typer.Context,
    paper: Annotated[int | None, typer.Option("--paper", help="纸宽 mm（58 或 80），默认取设置 / Paper width in mm (58 or 80); default: the settings", show_default=False)] = None,
) -> None:
    """打印测试页 / Print a test page (Chinese text, 58/80 mm rulers, QR) to the configured printer."""
    changes = {}
    if paper is not None:
        if paper not in (58, 80):
            raise typer.BadParameter("纸宽只能是 58 或 80 / paper must be 58 or 80", param_hint="--paper")
        settings = open_settings(ctx)
        changes["printer"] = dataclasses.replace(settings.printer, paper_mm=paper)
    with open_desk(ctx, **changes) as desk:
        outcome = desk.print_test_page()
        target = escpos_target(desk.settings)
    if not outcome.ok:
        fail(f"✗ 测试页未打印 / Test page not printed: {outcome.error}")
    where = f" → {outcome.spooled.with_suffix('.txt')}" if outcome.spooled else ""
    typer.echo(f"✓ 测试页已打印 / Test page printed: {target}{where}")


def escpos_target(settings: "Settings") -> str:
    from teller.printing.escpos import describe

    return f"{describe(settings.printer)}, {settings.printer.paper_mm} mm / {settings.printer.columns}"


@receipts_app.command("pending")
def receipts_pending(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """未打印的票据 / Transactions whose receipts are not printed yet (pending or failed)."""
    from sqlmodel import Session

    from teller.store.queries import unprinted

    with open_desk(ctx) as desk, Session(desk.engine) as session:
        rows = [
            {"receipt_no": tx.receipt_no, "time": local_time(tx.created_at, desk.settings, table=fmt is Format.table),
             "procedure": tx.procedure_id,
             "layout": job.layout, "copy": job.copy_no, "status": job.status, "attempts": job.attempts, "error": job.error}
            for tx, job in unprinted(session)
        ]
    columns = {"receipt_no": "受理单号 Receipt", "time": "时间 Time", "procedure": "业务 Procedure", "layout": "票据 Paper", "copy": "联 Copy",
               "status": "状态 Status", "attempts": "次数 Attempts", "error": "原因 Error"}
    emit(rows, columns, fmt, fields=list(columns), empty="没有未打印的票据 / Every receipt is printed",
         optional=("attempts", "procedure", "time", "copy"))
