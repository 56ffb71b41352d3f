"""teller-admin settle: shifts, cash moves, the blind count, sign-off and the day close."""

from __future__ import annotations

from typing import Annotated

import typer

from teller.cli.common import (
    CLERK_PIN_ENV, SUPERVISOR_PIN_ENV, ClerkOption, ClerkPinOption, CounterOption, Format, FormatOption, PinStdinOption,
    ask_pin, clerk_desk, emit, fail, noun, open_desk,
)
from teller.cli.params import DayOption, not_after, parse_amount, parse_counts

settle_app = noun("交班日结 / Shifts and daily settlement")
DateOption = DayOption("--date", "营业日 / Business day (default: today)")


def _clerk_pin(pin: str | None, pin_stdin: bool) -> str:
    return ask_pin(pin, "营业员密码 / Clerk's PIN", stdin=pin_stdin, env=CLERK_PIN_ENV)


AmountArgument = Annotated[int, typer.Argument(help="金额（元） / Amount in yuan", parser=parse_amount, metavar="AMOUNT", show_default=False)]


def _figures(closing) -> str:
    from teller.domain.money import money

    s = closing.settlement
    v = s.variance_fen
    variance = f"短款 short {money(-v)}" if v < 0 else f"长款 over {money(v)}" if v > 0 else money(0)
    return f"应有 expected {money(s.expected_fen)} · 实点 counted {money(s.counted_fen)} · 长短款 variance {variance}"


@settle_app.command("open")
def settle_open(
    ctx: typer.Context,
    clerk: ClerkOption,
    float_counts: Annotated[dict, typer.Option("--float", parser=parse_counts, metavar="YUAN=PIECES,...", help="备用金，面额=张数 / Float as yuan=pieces, e.g. 100=2,10=5,0.5=4", show_default=False)],
    pin: ClerkPinOption = None,
    pin_stdin: PinStdinOption = False,
    counter: CounterOption = None,
) -> None:
    """开班 / Open a shift with the float counted by denomination."""
    from teller.domain.money import money

    with clerk_desk(ctx, clerk, _clerk_pin(pin, pin_stdin), counter) as desk:
        shift = desk.open_shift(float_counts)
        typer.echo(f"已开班 / Shift {shift.id} open at counter {shift.counter}: float {money(shift.float_fen)}")


def _cash(ctx, kind: str, fen: int, reason: str, clerk: str, pin: str, counter: str | None) -> None:
    from teller.domain.money import money

    with clerk_desk(ctx, clerk, pin, counter) as desk:
        move = desk.cash_move(kind, fen, reason)
        typer.echo(f"{kind} {money(move.amount_fen)}: {move.reason} (shift {move.shift_id})")


ReasonOption = Annotated[str, typer.Option("--reason", help="原因 / Reason (required)", show_default=False)]


@settle_app.command("cash-in")
def settle_cash_in(
    ctx: typer.Context, amount: AmountArgument, reason: ReasonOption, clerk: ClerkOption,
    pin: ClerkPinOption = None, pin_stdin: PinStdinOption = False, counter: CounterOption = None,
) -> None:
    """存入现金 / Put cash into the drawer during the shift, with a reason."""
    _cash(ctx, "cash_in", amount, reason, clerk, _clerk_pin(pin, pin_stdin), counter)


@settle_app.command("cash-out")
def settle_cash_out(
    ctx: typer.Context, amount: AmountArgument, reason: ReasonOption, clerk: ClerkOption,
    pin: ClerkPinOption = None, pin_stdin: PinStdinOption = False, counter: CounterOption = None,
) -> None:
    """取出现金 / Take cash out of the drawer during the shift, with a reason."""
    _cash(ctx, "cash_out", amount, reason, clerk, _clerk_pin(pin, pin_stdin), counter)


@settle_app.command("close")
def settle_close(
    ctx: typer.Context,
    clerk: ClerkOption,
    pin: ClerkPinOption = None,
    pin_stdin: PinStdinOption = False,
    count: Annotated[dict | None, typer.Option("--count", parser=parse_counts, metavar="YUAN=PIECES,...", help="盲点现金，面额=张数 / Blind count as yuan=pieces", show_default=False)] = None,
    supervisor: Annotated[str | None, typer.Option("--supervisor", help="值班长工号 / Supervisor signing off a variance", show_default=False)] = None,
    supervisor_pin: Annotated[str | None, typer.Option("--supervisor-pin", help="值班长密码；不给时隐藏输入，或读 --supervisor-pin-stdin / $TELLER_SUPERVISOR_PIN / Supervisor's PIN; asked hidden when left out", show_default=False)] = None,
    supervisor_pin_stdin: Annotated[bool, typer.Option("--supervisor-pin-stdin", help="从标准输入读取值班长密码（在 --pin-stdin 之后一行）/ Read the supervisor's PIN from stdin (the line after --pin-stdin's)")] = False,
    note: Annotated[str, typer.Option("--note", help="长短款说明 / Note on the variance")] = "",
    counter: CounterOption = None,
) -> None:
    """交班 / Close the shift: the blind count first; a variance beyond the limit needs a supervisor."""
    counts = count
    with clerk_desk(ctx, clerk, _clerk_pin(pin, pin_stdin), counter) as desk:
        shift = desk.current_shift()
        if shift is None:
            fail("本台席没有未交班的班次 / No shift to close at this counter")
        closing = None
        if shift.status == "open":
            if counts is None:
                fail("请用 --count 输入盲点现金 / Give the blind count with --count")
            closing = desk.count_drawer(counts)
            typer.echo(_figures(closing))
            if closing.closed:
                typer.echo(f"已交班，日结单已打印 / Shift {closing.shift.id} closed; settlement slip printed")
                return
        if not supervisor:
            fail("长短款超出允许范围，须值班长审核：--supervisor S --supervisor-pin P --note N / "
                  "Variance beyond the limit: a supervisor must sign off")
        supervisor_pin = ask_pin(supervisor_pin, "值班长密码 / Supervisor PIN", option="--supervisor-pin",
                                 stdin=supervisor_pin_stdin, env=SUPERVISOR_PIN_ENV)
        closing = desk.sign_off_shift(supervisor, supervisor_pin, note)
        typer.echo(_figures(closing))
        typer.echo(f"已交班（{closing.shift.supervisor} 审核）/ Shift {closing.shift.id} closed, signed off by {closing.shift.supervisor}")


@settle_app.command("day")
def settle_day_cmd(
    ctx: typer.Context,
    clerk: ClerkOption,
    pin: ClerkPinOption = None,
    pin_stdin: PinStdinOption = False,
    day: DateOption = None,
    counter: CounterOption = None,
) -> None:
    """日结 / Close the counter's business day (all shifts closed first): no more transactions on it."""
    from teller.domain.money import money

    def not_future(desk) -> None:
        if day is not None:
            not_after(day, desk.now().date())

    with clerk_desk(ctx, clerk, _clerk_pin(pin, pin_stdin), counter, check=not_future) as desk:
        rec = desk.settle_day(day)
        typer.echo(f"已日结 / Day {rec.business_day} closed at counter {rec.counter}: {rec.shifts} shift(s), cash {money(rec.cash_fen)}")


@settle_app.command("hall")
def settle_hall_cmd(
    ctx: typer.Context,
    clerk: ClerkOption,
    pin: ClerkPinOption = None,
    pin_stdin: PinStdinOption = False,
    day: DateOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """全厅日结（值班长）/ The hall's day close by the supervisor on duty: every counter's settlement shown, refused while a counter is open."""
    from teller.domain.money import money

    def not_future(desk) -> None:
        if day is not None:
            not_after(day, desk.now().date())

    with clerk_desk(ctx, clerk, _clerk_pin(pin, pin_stdin), None, check=not_future) as desk:
        _emit_hall(desk.hall_day(day), fmt)
        rec, _counters = desk.settle_hall(day)
        typer.echo(f"已全厅日结 / Hall day {rec.business_day} closed: {rec.counters} counter(s), {rec.shifts} shift(s),"
                   f" cash {money(rec.cash_fen)}, variance {money(rec.variance_fen)}")


def _emit_hall(counters, fmt) -> None:
    from teller.domain.money import yuan

    rows = []
    for c in counters:
        row = {"counter": c.counter, "clerks": "/".join(c.clerks), "shifts": c.shifts, "open": c.open_shifts,
               "tx_count": c.tx_count, "day_closed": "yes" if c.day_closed else ""}
        for key in ("float", "expected", "counted", "variance", "amount"):
            row[f"{key}_fen"] = getattr(c, f"{key}_fen")
            row[f"{key}_yuan"] = yuan(row[f"{key}_fen"])
        rows.append(row)
    columns = {"counter": "台席 Counter", "clerks": "营业员 Clerks", "shifts": "班次 Shifts", "open": "未交班 Open",
               "tx_count": "笔数 Count", "amount_yuan": "金额 Amount", "expected_yuan": "应有 Expected",
               "counted_yuan": "实点 Counted", "variance_yuan": "长短款 Variance", "day_closed": "日结 Day closed"}
    fields = ["counter", "clerks", "shifts", "open", "tx_count", "amount_fen", "float_fen", "expected_fen", "counted_fen",
              "variance_fen", "day_closed"]
    emit(rows, columns, fmt, fields=fields, empty="没有台席营业 / No counter worked that day")


@settle_app.command("show")
def settle_show(
    ctx: typer.Context,
    day: DateOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """班次与日结 / The shifts of a business day: float, expected, counted, variance, sign-off."""
    from sqlmodel import Session

    from teller.domain.money import yuan
    from teller.store import shifts

    with open_desk(ctx) as desk, Session(desk.engine) as session:
        business_day = day or desk.now().date()
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
    emit(rows, columns, fmt, fields=fields, empty=f"没有班次 / No shifts on {business_day}",
         optional=("day_closed", "supervisor", "counter", "float_yuan"))
