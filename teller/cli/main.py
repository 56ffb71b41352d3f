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
) -> None:
    """补打票据 / Print a transaction's papers again, marked 补打 (reprint)."""
    with _desk(ctx) as desk:
        outcomes = desk.reprint(receipt_no.strip(), actor=by)
    if not outcomes:
        typer.echo("该交易没有票据 / This transaction has no papers to print")
    for o in outcomes:
        if o.ok:
            where = f" → {o.spooled.with_suffix('.txt')}" if o.spooled else ""
            typer.echo(f"✓ {o.layout}: 已打印 / printed{where}")
        else:
            typer.echo(f"✗ {o.layout}: {o.error}", err=True)
    if any(not o.ok for o in outcomes):
        _fail("打印失败；交易已保存，可再次补打 / Printing failed; the transaction is safe and the reprint can be retried")


@receipts_app.command("pending")
def receipts_pending(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """未打印的票据 / Transactions whose receipts are not printed yet (pending or failed)."""
    from sqlmodel import Session

    from teller.store.queries import unprinted

    with _desk(ctx) as desk, Session(desk.engine) as session:
        rows = [
            {"receipt_no": tx.receipt_no, "time": _local_time(tx.created_at, desk.settings), "procedure": tx.procedure_id,
             "layout": job.layout, "status": job.status, "attempts": job.attempts, "error": job.error}
            for tx, job in unprinted(session)
        ]
    columns = {"receipt_no": "受理单号 Receipt", "time": "时间 Time", "procedure": "业务 Procedure", "layout": "票据 Paper",
               "status": "状态 Status", "attempts": "次数 Attempts", "error": "原因 Error"}
    emit(rows, columns, fmt, fields=list(columns), empty="没有未打印的票据 / Every receipt is printed")


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
        typer.echo(f"已冲正 / {void.receipt_no} voided ({void.reason}) by {void.clerk}, authorised by {void.supervisor}; "
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
