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
    from teller.crash import run_cli

    run_cli(app, prog_name="teller-admin")  # an unexpected error: one line with a reference, exit 70


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


def _procedure(ctx: typer.Context, ident: str):
    """A procedure by id (from the configured folder) or by file path; exit 1 if none."""
    from teller.errors import ProcedureError
    from teller.procedures.loader import load_file, load_folder

    path = Path(ident)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        try:
            return load_file(path)
        except ProcedureError as exc:
            _fail(str(exc))
    folder = _settings(ctx).procedures_dir
    good, _problems = load_folder(folder)
    found = next((p for p in good if p.id == ident), None)
    if found is None:
        known = ", ".join(sorted(p.id for p in good))
        _fail(f"没有业务流程 {ident} / No procedure {ident!r} in {folder} (known: {known}; broken files: teller-admin procedures validate)")
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
        output.write_text(text, encoding="utf-8")
        typer.echo(f"已写入 / Written: {output}")


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


# ---- clerks (issue 5) -------------------------------------------------------------------------
clerks_app = _noun("营业员与角色 / Clerks, roles and PINs")
audit_app = _noun("审计日志 / The audit trail (hash-chained)")
customers_app = _noun("客户资料 / Subscribers")
for _sub, _name in ((clerks_app, "clerks"), (audit_app, "audit"), (customers_app, "customers")):
    app.add_typer(_sub, name=_name)

ByOption = Annotated[str, typer.Option("--by", help="操作人，记入审计 / Who does it, for the audit log")]
PinOption = Annotated[str | None, typer.Option("--pin", help="PIN（脚本用；终端中不给则隐藏输入）/ PIN for scripts; prompted hidden at a terminal when left out", show_default=False)]


def _ask_pin(value: str | None, prompt: str, *, confirm: bool = False) -> str:
    """The PIN from --pin, else typed hidden at a terminal; never echoed, never in the audit."""
    if value is not None:
        return value
    if not sys.stdin.isatty():
        _fail("需要 PIN：请用 --pin 给出，或在终端中运行 / A PIN is needed: give --pin, or run at a terminal", 2)
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def _clerk_row(rec) -> dict:
    from teller.domain.staff import is_locked

    return {"staff_no": rec.staff_no, "name": rec.name, "role": rec.role, "active": rec.active,
            "failed_logins": rec.failed_logins, "locked": is_locked(rec)}


@clerks_app.command("list")
def clerks_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """列出员工 / Staff numbers with name, role, active, wrong-PIN count and lock (🔒)."""
    from teller.domain import staff
    from teller.store.db import session_scope

    with _desk(ctx) as desk, session_scope(desk.engine) as session:
        rows = [_clerk_row(rec) for rec in staff.list_clerks(session=session)]
    if fmt is Format.table:
        rows = [{**r, "active": "✓" if r["active"] else "✗", "locked": "🔒" if r["locked"] else ""} for r in rows]
    columns = {"staff_no": "工号 Staff", "name": "姓名 Name", "role": "角色 Role", "active": "在岗 Active",
               "failed_logins": "错误次数 Wrong PINs", "locked": "锁定 Locked"}
    emit(rows, columns, fmt, fields=list(columns), empty="没有员工 / No staff")


@clerks_app.command("add")
def clerks_add(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="工号 / Staff number", show_default=False)],
    name: Annotated[str, typer.Argument(help="姓名 / Name", show_default=False)],
    role: Annotated[str, typer.Option("--role", help="clerk | trainer | supervisor | ops")] = "clerk",
    pin: PinOption = None,
    by: ByOption = "admin",
) -> None:
    """新增员工 / Add a staff number with a role and a PIN (4–8 digits, not one digit repeated)."""
    from teller.domain import staff
    from teller.store.db import session_scope

    pin = _ask_pin(pin, "PIN", confirm=True)
    with _desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.add_clerk(session=session, staff_no=staff_no, name=name, role=role, pin=pin, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ 已新增 / Added {rec.staff_no} {rec.name} ({rec.role})")


@clerks_app.command("disable")
def clerks_disable(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="工号 / Staff number", show_default=False)],
    by: ByOption = "admin",
) -> None:
    """停用工号 / Disable a staff number (it can no longer log in or authorise)."""
    from teller.domain import staff
    from teller.store.db import session_scope

    with _desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_active(session=session, staff_no=staff_no, active=False, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ 已停用 / Disabled {rec.staff_no}")


@clerks_app.command("enable")
def clerks_enable(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="工号 / Staff number", show_default=False)],
    by: ByOption = "admin",
) -> None:
    """恢复工号 / Enable a disabled staff number again."""
    from teller.domain import staff
    from teller.store.db import session_scope

    with _desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_active(session=session, staff_no=staff_no, active=True, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ 已恢复 / Enabled {rec.staff_no}")


@clerks_app.command("set-pin")
def clerks_set_pin(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="工号 / Staff number", show_default=False)],
    pin: PinOption = None,
    by: ByOption = "admin",
) -> None:
    """重设 PIN / Set a new PIN (a locked number stays locked until a supervisor unlocks it)."""
    from teller.domain import staff
    from teller.store.db import session_scope

    pin = _ask_pin(pin, "新 PIN / New PIN", confirm=True)
    with _desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_pin(session=session, staff_no=staff_no, pin=pin, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ 已重设 PIN / New PIN set for {rec.staff_no}")


@clerks_app.command("set-role")
def clerks_set_role(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="工号 / Staff number", show_default=False)],
    role: Annotated[str, typer.Argument(help="clerk | trainer | supervisor | ops", show_default=False)],
    by: ByOption = "admin",
) -> None:
    """更改角色 / Change a staff number's role."""
    from teller.domain import staff
    from teller.store.db import session_scope

    with _desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_role(session=session, staff_no=staff_no, role=role, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ {rec.staff_no}: {rec.role}")


@clerks_app.command("unlock")
def clerks_unlock(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="被锁定的工号 / The locked staff number", show_default=False)],
    supervisor: Annotated[str, typer.Option("--supervisor", help="值班长工号 / Supervisor's staff number", show_default=False)],
    pin: Annotated[str | None, typer.Option("--pin", help="值班长 PIN / The supervisor's PIN (prompted hidden at a terminal)", show_default=False)] = None,
) -> None:
    """解锁工号 / Unlock a staff number after five wrong PINs: a supervisor's number and PIN."""
    from teller.domain import staff
    from teller.store.db import session_scope

    pin = _ask_pin(pin, "值班长 PIN / Supervisor PIN")
    with _desk(ctx) as desk:
        if supervisor.strip() == staff_no.strip():
            from teller.strings import t

            _fail(t("auth.same_person"))
        granted = desk.authorize(supervisor, pin, action="unlock", detail=staff_no.strip())
        with session_scope(desk.engine) as session:
            rec = staff.unlock(session=session, staff_no=staff_no, supervisor=granted.staff_no, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ 已解锁 / Unlocked {rec.staff_no} (by {granted.staff_no})")


# ---- audit ------------------------------------------------------------------------------------
@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    anchor: Annotated[str, typer.Option("--anchor", help="锚点（结算单上打印的 条号:哈希）/ An anchor printed earlier, ID:HASH")] = "",
) -> None:
    """校验审计链与账目 / Walk the hash chain and recompute the books from it; report the first break (exit 1)."""
    from sqlmodel import Session

    from teller.store import audit

    with _desk(ctx, seed_demo=False) as desk, Session(desk.engine) as session:
        report = audit.verify(session=session, anchor=anchor or None)
        now_anchor = audit.anchor_of(session)
    if not report.ok:
        _fail(f"✗ 审计链断裂 / Audit chain broken at entry {report.broken_at}: {report.reason} ({report.checked} entries checked before it)")
    typer.echo(f"✓ 审计链完整 / Audit chain intact: {report.checked} entries; anchor {now_anchor}")


AUDIT_COLUMNS = {"id": "序号 Id", "time": "时间 Time", "actor": "工号 Staff", "counter": "台席 Counter",
                 "action": "动作 Action", "detail": "内容 Detail", "tx_id": "交易 Tx", "hash": "哈希 Hash"}


@audit_app.command("show")
def audit_show(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="起始营业日 / From this business day on, YYYY-MM-DD", show_default=False)] = None,
    clerk: Annotated[str | None, typer.Option("--clerk", help="只看该工号 / Only this staff number", show_default=False)] = None,
    action: Annotated[str | None, typer.Option("--action", help="只看该动作 / Only this action (login, commit, lock, ...)", show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """列出审计记录 / Audit entries in order: time, staff, counter, action, detail, hash."""
    from sqlmodel import Session

    from teller.clock import hall_zone
    from teller.store import audit

    day = _parse_day(since)
    with _desk(ctx, seed_demo=False) as desk, Session(desk.engine) as session:
        start = audit.day_start(day, hall_zone(desk.settings.timezone)) if day else None
        rows = [
            {"id": e.id, "time": _local_time(e.at, desk.settings), "actor": e.actor, "counter": e.counter, "action": e.action,
             "detail": e.detail, "tx_id": e.tx_id if e.tx_id is not None else "",
             "hash": e.hash[:12] if fmt is Format.table else e.hash, "prev_hash": e.prev_hash}
            for e in audit.entries(session=session, since=start, actor=clerk, action=action)
        ]
    emit(rows, AUDIT_COLUMNS, fmt, fields=[*AUDIT_COLUMNS, "prev_hash"], empty="没有审计记录 / No audit entries")


# ---- data care: backup, check, customer import ---------------------------------------------------
@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="备份文件 / The backup file to write", dir_okay=False, show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / Overwrite an existing file")] = False,
) -> None:
    """在线备份 / A consistent copy of the database while counters keep working (SQLite online backup)."""
    from teller.store.backup import backup

    settings = _settings(ctx)
    try:
        report = backup(settings.database_url, path, overwrite=force)
    except TellerError as exc:
        _fail(exc.message)
    typer.echo(f"✓ 已备份 / Backed up to {report.path}: {report.size_bytes:,} bytes, integrity {report.integrity}")
    rows = [{"table": name, "rows": n} for name, n in report.row_counts.items()]
    emit(rows, {"table": "表 Table", "rows": "行数 Rows"}, Format.table, fields=["table", "rows"])
    if report.integrity != "ok":
        _fail("✗ 备份文件完整性检查未通过 / The copy failed its integrity check")


@db_app.command("check")
def db_check(ctx: typer.Context) -> None:
    """检查数据库 / PRAGMA integrity_check, foreign_key_check and the audit chain; exit 1 on a problem."""
    from teller.store.backup import check

    settings = _settings(ctx)
    try:
        report = check(settings.database_url)
    except TellerError as exc:
        _fail(exc.message)
    for line in report.lines():
        typer.echo(line)
    if not report.ok:
        _fail("✗ 数据库检查发现问题 / The database check found problems")
    typer.echo("✓ 数据库完好 / Database OK")


@customers_app.command("import")
def customers_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV 文件（UTF-8 或 GB18030）/ CSV file (UTF-8 or GB18030)", exists=True, dir_okay=False, show_default=False)],
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="只导入有效行 / Import the valid rows, report the others")] = False,
    by: ByOption = "admin",
) -> None:
    """导入客户 / Import subscribers from CSV; any invalid row stops the whole import (see --skip-invalid)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from teller.domain.customer_import import import_customers

    with _desk(ctx, seed_demo=False) as desk:
        console = Console(stderr=True)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=console, transient=True, disable=not console.is_terminal) as progress:
            tasks: dict[str, int] = {}

            def advance(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(stage, total=total)
                progress.update(tasks[stage], completed=done)

            result = import_customers(engine=desk.engine, path=file, skip_invalid=skip_invalid, actor=by,
                                      counter=desk.counter, now=desk.now(), progress=advance)
    for err in result.errors:
        typer.echo(f"第 {err.row} 行 / row {err.row}: {err.field}: {err.reason}", err=True)
    if result.errors and not skip_invalid:
        _fail(f"✗ {len(result.errors)} 处错误，{result.invalid_rows} 行无效，未导入任何数据 / "
              f"{len(result.errors)} error(s) in {result.invalid_rows} row(s): nothing imported (fix them, or use --skip-invalid)")
    typer.echo(f"✓ 已导入 {result.imported} 位客户 / Imported {result.imported} subscriber(s)"
               + (f"; 跳过 {result.invalid_rows} 行无效数据 / skipped {result.invalid_rows} invalid row(s)" if result.invalid_rows else ""))


if __name__ == "__main__":  # python -m teller.cli.main
    run()
# ---- the hall's books: shifts and settlement, voids, reports ----------------------------------
settle_app = _noun("交班日结 / Shifts and daily settlement")
app.add_typer(settle_app, name="settle")

ClerkOption = Annotated[str, typer.Option("--clerk", help="营业员工号 / Clerk's staff no", show_default=False)]
PinOption = Annotated[str, typer.Option("--pin", help="营业员密码 / Clerk's PIN", show_default=False)]
CounterOption = Annotated[str | None, typer.Option("--counter", help="台席 / Counter (default: from the settings)", show_default=False)]


@contextmanager
def _clerk_desk(ctx: typer.Context, clerk: str, pin: str, counter: str | None) -> Iterator["Desk"]:
    changes = {"counter": counter} if counter else {}
    with _desk(ctx, **changes) as desk:
        desk.login(clerk, pin)
        try:
            yield desk
        finally:
            desk.logout()


def _yuan_amount(text: str) -> int:
    from teller.domain.money import parse_yuan

    try:
        return parse_yuan(text)
    except TellerError as exc:
        raise typer.BadParameter(exc.message) from None


def _counts(text: str, hint: str) -> dict[int, int]:
    from teller.domain.books import parse_counts

    try:
        return parse_counts(text)
    except TellerError as exc:
        raise typer.BadParameter(exc.message, param_hint=hint) from None


def _figures(closing) -> str:
    from teller.domain.money import money

    s = closing.settlement
    return f"应有 expected {money(s.expected_fen)} · 实点 counted {money(s.counted_fen)} · 长短款 variance {money(s.variance_fen)}"


@settle_app.command("open")
def settle_open(
    ctx: typer.Context,
    clerk: ClerkOption,
    pin: PinOption,
    float_counts: Annotated[str, typer.Option("--float", help="备用金，面额=张数 / Float as yuan=pieces, e.g. 100=2,10=5,0.5=4", show_default=False)],
    counter: CounterOption = None,
) -> None:
    """开班 / Open a shift with the float counted by denomination."""
    from teller.domain.money import money

    counts = _counts(float_counts, "--float")
    with _clerk_desk(ctx, clerk, pin, counter) as desk:
        shift = desk.open_shift(counts)
        typer.echo(f"已开班 / Shift {shift.id} open at counter {shift.counter}: float {money(shift.float_fen)}")


def _cash(ctx, kind: str, amount: str, reason: str, clerk: str, pin: str, counter: str | None) -> None:
    from teller.domain.money import money

    fen = _yuan_amount(amount)
    with _clerk_desk(ctx, clerk, pin, counter) as desk:
        move = desk.cash_move(kind, fen, reason)
        typer.echo(f"{kind} {money(move.amount_fen)}: {move.reason} (shift {move.shift_id})")


ReasonOption = Annotated[str, typer.Option("--reason", help="原因 / Reason (required)", show_default=False)]


@settle_app.command("cash-in")
def settle_cash_in(ctx: typer.Context, amount: Annotated[str, typer.Argument(help="金额（元） / Amount in yuan")], reason: ReasonOption, clerk: ClerkOption, pin: PinOption, counter: CounterOption = None) -> None:
    """存入现金 / Put cash into the drawer during the shift, with a reason."""
    _cash(ctx, "cash_in", amount, reason, clerk, pin, counter)


@settle_app.command("cash-out")
def settle_cash_out(ctx: typer.Context, amount: Annotated[str, typer.Argument(help="金额（元） / Amount in yuan")], reason: ReasonOption, clerk: ClerkOption, pin: PinOption, counter: CounterOption = None) -> None:
    """取出现金 / Take cash out of the drawer during the shift, with a reason."""
    _cash(ctx, "cash_out", amount, reason, clerk, pin, counter)


@settle_app.command("close")
def settle_close(
    ctx: typer.Context,
    clerk: ClerkOption,
    pin: PinOption,
    count: Annotated[str | None, typer.Option("--count", help="盲点现金，面额=张数 / Blind count as yuan=pieces", show_default=False)] = None,
    supervisor: Annotated[str | None, typer.Option("--supervisor", help="值班长工号 / Supervisor signing off a variance", show_default=False)] = None,
    supervisor_pin: Annotated[str | None, typer.Option("--supervisor-pin", help="值班长密码 / Supervisor's PIN", show_default=False)] = None,
    note: Annotated[str, typer.Option("--note", help="长短款说明 / Note on the variance")] = "",
    counter: CounterOption = None,
) -> None:
    """交班 / Close the shift: the blind count first; a variance beyond the limit needs a supervisor."""
    counts = _counts(count, "--count") if count is not None else None
    with _clerk_desk(ctx, clerk, pin, counter) as desk:
        shift = desk.current_shift()
        if shift is None:
            _fail("本台席没有未交班的班次 / No shift to close at this counter")
        closing = None
        if shift.status == "open":
            if counts is None:
                _fail("请用 --count 输入盲点现金 / Give the blind count with --count")
            closing = desk.count_drawer(counts)
            typer.echo(_figures(closing))
            if closing.closed:
                typer.echo(f"已交班，日结单已打印 / Shift {closing.shift.id} closed; settlement slip printed")
                return
        if not (supervisor and supervisor_pin):
            _fail("长短款超出允许范围，须值班长审核：--supervisor S --supervisor-pin P --note N / "
                  "Variance beyond the limit: a supervisor must sign off")
        closing = desk.sign_off_shift(supervisor, supervisor_pin, note)
        typer.echo(_figures(closing))
        typer.echo(f"已交班（{closing.shift.supervisor} 审核）/ Shift {closing.shift.id} closed, signed off by {closing.shift.supervisor}")


@settle_app.command("day")
def settle_day_cmd(
    ctx: typer.Context,
    clerk: ClerkOption,
    pin: PinOption,
    day: Annotated[str | None, typer.Option("--date", help="营业日 / Business day (default: today)", show_default=False)] = None,
    counter: CounterOption = None,
) -> None:
    """日结 / Close the counter's business day (all shifts closed first): no more transactions on it."""
    from teller.domain.money import money

    with _clerk_desk(ctx, clerk, pin, counter) as desk:
        rec = desk.settle_day(_parse_day(day))
        typer.echo(f"已日结 / Day {rec.business_day} closed at counter {rec.counter}: {rec.shifts} shift(s), cash {money(rec.cash_fen)}")


@settle_app.command("show")
def settle_show(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="营业日 / Business day (default: today)", show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """班次与日结 / The shifts of a business day: float, expected, counted, variance, sign-off."""
    from sqlmodel import Session

    from teller.domain.money import yuan
    from teller.store import shifts

    with _desk(ctx) as desk, Session(desk.engine) as session:
        business_day = _parse_day(day) or desk.now().date()
        rows = []
        for s in shifts.shifts_of_day(session, day=business_day):
            closed = shifts.day_is_closed(session, counter=s.counter, mode=s.mode, day=business_day)
            row = {"shift": s.id, "counter": s.counter, "clerk": s.clerk, "status": s.status, "mode": s.mode,
                   "float_fen": s.float_fen, "float_yuan": yuan(s.float_fen)}
            for key in ("expected", "counted", "variance"):
                value = getattr(s, f"{key}_fen")
                row[f"{key}_fen"], row[f"{key}_yuan"] = value, "" if value is None else yuan(value)
            row.update({"supervisor": s.supervisor, "note": s.note, "slip": s.slip_status, "day_closed": "yes" if closed else ""})
            rows.append(row)
    columns = {"shift": "班次 Shift", "counter": "台席 Counter", "clerk": "营业员 Clerk", "status": "状态 Status",
               "float_yuan": "备用金 Float", "expected_yuan": "应有 Expected", "counted_yuan": "实点 Counted",
               "variance_yuan": "长短款 Variance", "supervisor": "审核 Sign-off", "note": "说明 Note", "day_closed": "日结 Day closed"}
    fields = ["shift", "counter", "clerk", "status", "mode", "float_fen", "expected_fen", "counted_fen", "variance_fen",
              "supervisor", "note", "slip", "day_closed"]
    emit(rows, columns, fmt, fields=fields, empty=f"没有班次 / No shifts on {business_day}")


@tx_app.command("void")
def tx_void(
    ctx: typer.Context,
    receipt_no: Annotated[str, typer.Argument(help="受理单号 / Receipt number", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="wrong_amount | customer_request | duplicate | system_fault", show_default=False)],
    supervisor: Annotated[str, typer.Option("--supervisor", help="授权值班长工号 / Supervisor's staff no", show_default=False)],
    pin: Annotated[str, typer.Option("--pin", help="值班长密码 / Supervisor's PIN", show_default=False)],
    by: Annotated[str | None, typer.Option("--by", help="经办人 / Who voids it (default: the clerk who took it)", show_default=False)] = None,
) -> None:
    """冲正 / Void a same-day transaction: customer effects reversed, cash paid back, void slip printed."""
    from sqlmodel import Session

    from teller.domain.money import money
    from teller.store.voids import find_tx

    with _desk(ctx) as desk:
        with Session(desk.engine) as session:
            tx = find_tx(session, receipt_no)
        void = desk.void(receipt_no, reason=reason, supervisor=supervisor, pin=pin, by=by or tx.clerk)
        typer.echo(f"已冲正 / {void.receipt_no} voided as {void.void_no} ({void.reason}) by {void.clerk}, authorised by {void.supervisor}; "
                   f"cash paid back {money(void.amount_fen)}")


@app.command("report")
def report_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="daily | period | prepay-arrears | procedures | bands | retention | complaints | exceptions", show_default=False)],
    start: Annotated[str | None, typer.Option("--from", help="起始营业日 / First business day (default: today)", show_default=False)] = None,
    end: Annotated[str | None, typer.Option("--to", help="截止营业日 / Last business day (default: --from)", show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """报表 / A report over business days: table, JSON or CSV (money in fen and yuan)."""
    from teller.store.reports import REPORTS

    if name not in REPORTS:
        raise typer.BadParameter(f"one of: {', '.join(REPORTS)}", param_hint="NAME")
    with _desk(ctx) as desk:
        first = _parse_day(start) or desk.now().date()
        last = _parse_day(end) or first
        report = desk.report(name, start=first, end=last)
    if report.note and fmt is Format.table:
        typer.echo(report.note)
    emit(report.rows, report.columns, fmt, fields=report.fields, empty="没有数据 / Nothing in this period")
    if fmt is Format.table and report.chart and report.rows:
        from rich.console import Console

        from teller.charts import bars

        label, value = report.chart
        Console(width=None if sys.stdout.isatty() else 240).print(
            bars([(row[label], row[value] / 100 if value.endswith("_fen") else row[value]) for row in report.rows])
        )
