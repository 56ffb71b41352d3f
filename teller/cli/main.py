"""teller-admin: the operator's command line, one Typer sub-app per noun.

Commands work through the same Desk, store and printing code as the console. The database
layer (SQLModel) and the YAML loader are imported inside the commands, so `--help` stays
fast. Errors go to stderr with a non-zero exit; tracebacks never show locals (customer data).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Iterator, NoReturn

import typer

from teller.errors import TellerError

if TYPE_CHECKING:
    from teller.config import Settings
    from teller.desk import Desk


def _noun(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)


app = _noun("营业厅柜台系统运维工具 / Operator tools for the teller counter console")
db_app = _noun("数据库 / Database")
seed_app = _noun("演示数据 / Demo data")
procedures_app = _noun("业务流程文件 / Procedure files (scripts_yaml)")
tx_app = _noun("交易记录 / Transactions")
receipts_app = _noun("票据 / Receipts")
for _sub, _name in ((db_app, "db"), (seed_app, "seed"), (procedures_app, "procedures"), (tx_app, "tx"), (receipts_app, "receipts")):
    app.add_typer(_sub, name=_name)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="输出格式 / Output format")]


@dataclass(frozen=True)
class Options:
    config: Path | None = None
    home: Path | None = None
    practice: bool = False


@app.callback()
def main(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", help="设置文件 / Settings file (default: teller.toml in the home folder)", dir_okay=False)] = None,
    home: Annotated[Path | None, typer.Option("--home", help="teller 主目录 / Teller home folder (default: $TELLER_HOME)", file_okay=False)] = None,
    practice: Annotated[bool, typer.Option("--practice", help="使用练习数据库 / Work on the practice database")] = False,
) -> None:
    """营业厅柜台系统运维工具 / Operator tools for the teller counter console."""
    ctx.obj = Options(config, home, practice)


def run() -> None:
    """Entry point of the `teller-admin` script."""
    app(prog_name="teller-admin")


# ---- helpers ---------------------------------------------------------------------------
def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _settings(ctx: typer.Context, **changes) -> "Settings":
    from teller.config import load_settings
    from teller.strings import set_locale

    opts: Options = ctx.obj or Options()
    try:
        settings = load_settings(opts.config, home=opts.home)
        if opts.practice:
            settings = settings.for_practice()
        if changes:
            settings = dataclasses.replace(settings, **changes)
    except TellerError as exc:
        _fail(f"设置错误 / Settings: {exc.message}", 2)
    set_locale(settings.locale)
    return settings


@contextmanager
def _desk(ctx: typer.Context, **changes) -> Iterator["Desk"]:
    """An opened Desk (database created if missing); TellerErrors become a message and exit 1."""
    from teller.desk import Desk

    settings = _settings(ctx, **changes)
    desk = None
    try:
        desk = Desk(settings).open()
        yield desk
    except TellerError as exc:
        _fail(exc.message)
    finally:
        if desk is not None:
            desk.close()


def _local_time(at: datetime, settings: "Settings") -> str:
    from teller.clock import hall_zone

    return at.astimezone(hall_zone(settings.timezone)).isoformat(sep=" ", timespec="seconds")


def emit(rows: list[dict], columns: dict[str, str], fmt: Format, *, fields: list[str], empty: str = "") -> None:
    """Rows out as a rich table (`columns`: key -> header), a JSON list, or CSV with a header (`fields`)."""
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt is Format.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(buf.getvalue(), nl=False)
    elif not rows and empty:
        typer.echo(empty)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table()
        for key, header in columns.items():
            numeric = key.endswith(("_yuan", "_fen", "attempts", "version"))
            table.add_column(header, justify="right" if numeric else "left", no_wrap=key in ("receipt_no", "time"))
        for row in rows:
            table.add_row(*(str(row.get(key, "")) for key in columns))
        Console(width=None if sys.stdout.isatty() else 240).print(table)


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"日期应为 YYYY-MM-DD / expected a date as YYYY-MM-DD, got {value!r}", param_hint="--date") from None


# ---- db, seed -----------------------------------------------------------------------------
@db_app.command("init")
def db_init(ctx: typer.Context) -> None:
    """初始化数据库 / Create the database tables (no demo data)."""
    with _desk(ctx, seed_demo=False) as desk:
        typer.echo(f"数据库已就绪 / Database ready: {desk.settings.database_url}")


@seed_app.command("demo")
def seed_demo_cmd(ctx: typer.Context) -> None:
    """添加演示营业厅数据 / Add the demo hall: plans, clerks, subscribers, free numbers (idempotent)."""
    from teller.store.seed import seed_demo

    with _desk(ctx, seed_demo=False) as desk:
        added = seed_demo(desk.engine, now=desk.now())
        typer.echo(f"新增 {added} 行演示数据 / Added {added} demo rows ({desk.settings.database_url})")


# ---- procedures ---------------------------------------------------------------------------
@procedures_app.command("list")
def procedures_list(ctx: typer.Context) -> None:
    """列出业务流程 / List the procedures of the scripts folder; files with problems come after, marked ✗."""
    from teller.procedures.loader import load_folder
    from teller.strings import pick

    settings = _settings(ctx)
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


@procedures_app.command("validate")
def procedures_validate(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="文件或文件夹 / Files or folders (default: the configured scripts folder)", show_default=False)] = None,
) -> None:
    """校验业务流程文件 / Check procedure files; print every problem as file:line: field: message."""
    from teller.errors import ProcedureError
    from teller.procedures.loader import load_file, load_folder, procedure_files

    targets = paths or [_settings(ctx).procedures_dir]
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
        _fail(f"{len(problems)} 个问题，{bad}/{files} 个文件 / {len(problems)} problem(s) in {bad} of {files} file(s)")
    typer.echo(f"OK {files} files")


# ---- transactions -------------------------------------------------------------------------
TX_COLUMNS = {
    "receipt_no": "受理单号 Receipt", "time": "时间 Time", "clerk": "营业员 Clerk", "procedure": "业务 Procedure",
    "number": "号码 Number", "amount_due_yuan": "应收 Due", "tendered_yuan": "实收 Tendered",
    "change_yuan": "找零 Change", "status": "状态 Status", "mode": "模式 Mode",
}
TX_FIELDS = [
    "receipt_no", "time", "clerk", "procedure", "number", "amount_due_fen", "amount_due_yuan",
    "tendered_fen", "tendered_yuan", "change_fen", "change_yuan", "status", "mode",
]


@tx_app.command("list")
def tx_list(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="营业日 / Business day, YYYY-MM-DD (default: all)", show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """列出交易 / List transactions: receipt no, local time, clerk, procedure, number, amounts, status, mode."""
    from sqlmodel import Session

    from teller.domain.money import yuan
    from teller.store.queries import transactions

    business_day = _parse_day(day)
    with _desk(ctx) as desk, Session(desk.engine) as session:
        rows = [
            {
                "receipt_no": tx.receipt_no, "time": _local_time(tx.created_at, desk.settings), "clerk": tx.clerk,
                "procedure": tx.procedure_id, "number": tx.customer_number or "",
                "amount_due_fen": tx.amount_due_fen, "amount_due_yuan": yuan(tx.amount_due_fen),
                "tendered_fen": tx.tendered_fen, "tendered_yuan": yuan(tx.tendered_fen),
                "change_fen": tx.change_fen, "change_yuan": yuan(tx.change_fen), "status": tx.status, "mode": tx.mode,
            }
            for tx in transactions(session, day=business_day)
        ]
    emit(rows, TX_COLUMNS, fmt, fields=TX_FIELDS, empty="没有交易 / No transactions")


# ---- receipts -----------------------------------------------------------------------------
@receipts_app.command("reprint")
def receipts_reprint(
    ctx: typer.Context,
    receipt_no: Annotated[str, typer.Argument(help="受理单号 / Receipt number, e.g. 01-20261123-0001", show_default=False)],
    by: Annotated[str, typer.Option("--by", help="操作人，记入审计 / Who asks, for the audit log")] = "admin",
    supervisor: Annotated[str, typer.Option("--supervisor", help="值班长工号（补打收费凭证须授权）/ Supervisor staff no (an invoice reprint needs one)")] = "",
    pin: Annotated[str, typer.Option("--pin", help="值班长密码；不给时在终端上隐藏输入 / Supervisor PIN; asked hidden on a terminal when not given")] = "",
    layout: Annotated[str | None, typer.Option("--layout", help="只补打这种票据 / Only this paper, e.g. slip", show_default=False)] = None,
    copy_no: Annotated[int | None, typer.Option("--copy", min=1, help="只补打第几联 / Only this copy (1 customer, 2 hall)", show_default=False)] = None,
) -> None:
    """补打票据 / Print a transaction's papers again, marked 补打 (reprint) with the count."""
    with _desk(ctx) as desk:
        if desk.reprint_needs_supervisor(receipt_no, layout=layout, copy_no=copy_no):
            if not supervisor and sys.stdin.isatty():
                supervisor = typer.prompt("值班长工号 / Supervisor staff no")
            if supervisor and not pin and sys.stdin.isatty():
                pin = typer.prompt("值班长密码 / Supervisor PIN", hide_input=True)
            if not supervisor or not pin:
                _fail("补打收费凭证须值班长授权：--supervisor STAFF --pin PIN / An invoice reprint needs --supervisor STAFF --pin PIN")
        outcomes = desk.reprint(receipt_no.strip(), actor=by, supervisor=supervisor, pin=pin, layout=layout, copy_no=copy_no)
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
        _fail("打印失败；交易已保存，可再次补打 / Printing failed; the transaction is safe and the reprint can be retried")


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
        settings = _settings(ctx)
        changes["printer"] = dataclasses.replace(settings.printer, paper_mm=paper)
    with _desk(ctx, **changes) as desk:
        outcome = desk.print_test_page()
        target = escpos_target(desk.settings)
    if not outcome.ok:
        _fail(f"✗ 测试页未打印 / Test page not printed: {outcome.error}")
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

    with _desk(ctx) as desk, Session(desk.engine) as session:
        rows = [
            {"receipt_no": tx.receipt_no, "time": _local_time(tx.created_at, desk.settings), "procedure": tx.procedure_id,
             "layout": job.layout, "copy": job.copy_no, "status": job.status, "attempts": job.attempts, "error": job.error}
            for tx, job in unprinted(session)
        ]
    columns = {"receipt_no": "受理单号 Receipt", "time": "时间 Time", "procedure": "业务 Procedure", "layout": "票据 Paper", "copy": "联 Copy",
               "status": "状态 Status", "attempts": "次数 Attempts", "error": "原因 Error"}
    emit(rows, columns, fmt, fields=list(columns), empty="没有未打印的票据 / Every receipt is printed")
