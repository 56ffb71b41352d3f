"""teller-admin settle: shifts, cash moves, the blind count, sign-off and the day close."""

from __future__ import annotations

from typing import Annotated

import typer

from teller.cli.common import (
    CLERK_PIN_ENV, SUPERVISOR_PIN_ENV, ClerkOption, ClerkPinOption, CounterOption, Format, FormatOption, PinStdinOption,
    ask_pin, clerk_desk, emit, fail, noun, open_desk,
)
from teller.cli.params import DayOption, not_after, parse_amount, parse_counts
from teller.cli.texts import h
from teller.strings import t

settle_app = noun(h("cli.settle.shifts_and_daily_settlement"))
DateOption = DayOption("--date", h("cli.settle.business_day_default_today"))


def _clerk_pin(pin: str | None, pin_stdin: bool) -> str:
    return ask_pin(pin, t("cli.settle.clerk_s_pin"), stdin=pin_stdin, env=CLERK_PIN_ENV)


AmountArgument = Annotated[int, typer.Argument(help=h("cli.settle.amount_in_yuan"), parser=parse_amount, metavar="AMOUNT", show_default=False)]


def _figures(closing) -> str:
    from teller.domain.money import money

    s = closing.settlement
    v = s.variance_fen
    variance = t("cli.settle.short", money=money(-v)) if v < 0 else t("cli.settle.over", money=money(v)) if v > 0 else money(0)
    return t("cli.settle.expected_counted_variance", money=money(s.expected_fen), money2=money(s.counted_fen), variance=variance)


@settle_app.command("open", help=h("cli.settle.open_a_shift_with_the"))
def settle_open(
    ctx: typer.Context,
    clerk: ClerkOption,
    float_counts: Annotated[dict, typer.Option("--float", parser=parse_counts, metavar="YUAN=PIECES,...", help=h("cli.settle.float_as_yuan_pieces_e"), show_default=False)],
    pin: ClerkPinOption = None,
    pin_stdin: PinStdinOption = False,
    counter: CounterOption = None,
) -> None:
    from teller.domain.money import money

    with clerk_desk(ctx, clerk, _clerk_pin(pin, pin_stdin), counter) as desk:
        shift = desk.open_shift(float_counts)
        typer.echo(t("cli.settle.shift_open_at_counter_float", id=shift.id, counter=shift.counter, money=money(shift.float_fen)))


def _cash(ctx, kind: str, fen: int, reason: str, clerk: str, pin: str, counter: str | None) -> None:
    from teller.domain.money import money

    with clerk_desk(ctx, clerk, pin, counter) as desk:
        move = desk.cash_move(kind, fen, reason)
        typer.echo(t("cli.settle.cash_moved", kind=kind, money=money(move.amount_fen), reason=move.reason, shift=move.shift_id))


ReasonOption = Annotated[str, typer.Option("--reason", help=h("cli.settle.reason_required"), show_default=False)]


@settle_app.command("cash-in", help=h("cli.settle.put_cash_into_the_drawer"))
def settle_cash_in(
    ctx: typer.Context, amount: AmountArgument, reason: ReasonOption, clerk: ClerkOption,
    pin: ClerkPinOption = None, pin_stdin: PinStdinOption = False, counter: CounterOption = None,
) -> None:
    _cash(ctx, "cash_in", amount, reason, clerk, _clerk_pin(pin, pin_stdin), counter)


@settle_app.command("cash-out", help=h("cli.settle.take_cash_out_of_the"))
def settle_cash_out(
    ctx: typer.Context, amount: AmountArgument, reason: ReasonOption, clerk: ClerkOption,
    pin: ClerkPinOption = None, pin_stdin: PinStdinOption = False, counter: CounterOption = None,
) -> None:
    _cash(ctx, "cash_out", amount, reason, clerk, _clerk_pin(pin, pin_stdin), counter)


@settle_app.command("close", help=h("cli.settle.close_the_shift_the_blind"))
def settle_close(
    ctx: typer.Context,
    clerk: ClerkOption,
    pin: ClerkPinOption = None,
    pin_stdin: PinStdinOption = False,
    count: Annotated[dict | None, typer.Option("--count", parser=parse_counts, metavar="YUAN=PIECES,...", help=h("cli.settle.blind_count_as_yuan_pieces"), show_default=False)] = None,
    supervisor: Annotated[str | None, typer.Option("--supervisor", help=h("cli.settle.supervisor_signing_off_a_variance"), show_default=False)] = None,
    supervisor_pin: Annotated[str | None, typer.Option("--supervisor-pin", help=h("cli.settle.supervisor_s_pin_asked_hidden"), show_default=False)] = None,
    supervisor_pin_stdin: Annotated[bool, typer.Option("--supervisor-pin-stdin", help=h("cli.settle.read_the_supervisor_s_pin"))] = False,
    note: Annotated[str, typer.Option("--note", help=h("cli.settle.note_on_the_variance"))] = "",
    counter: CounterOption = None,
) -> None:
    counts = count
    with clerk_desk(ctx, clerk, _clerk_pin(pin, pin_stdin), counter) as desk:
        shift = desk.current_shift()
        if shift is None:
            fail(t("cli.settle.no_shift_to_close_at"))
        closing = None
        if shift.status == "open":
            if counts is None:
                fail(t("cli.settle.give_the_blind_count_with"))
            closing = desk.count_drawer(counts)
            typer.echo(_figures(closing))
            if closing.closed:
                typer.echo(t("cli.settle.shift_closed_settlement_slip_printed", id=closing.shift.id))
                return
        if not supervisor:
            fail(t("cli.settle.variance_beyond_the_limit_a"))
        supervisor_pin = ask_pin(supervisor_pin, t("cli.settle.supervisor_pin"), option="--supervisor-pin",
                                 stdin=supervisor_pin_stdin, env=SUPERVISOR_PIN_ENV)
        closing = desk.sign_off_shift(supervisor, supervisor_pin, note)
        typer.echo(_figures(closing))
        typer.echo(t("cli.settle.shift_closed_signed_off_by", supervisor=closing.shift.supervisor, id=closing.shift.id))


@settle_app.command("day", help=h("cli.settle.close_the_counter_s_business"))
def settle_day_cmd(
    ctx: typer.Context,
    clerk: ClerkOption,
    pin: ClerkPinOption = None,
    pin_stdin: PinStdinOption = False,
    day: DateOption = None,
    counter: CounterOption = None,
) -> None:
    from teller.domain.money import money

    def not_future(desk) -> None:
        if day is not None:
            not_after(day, desk.now().date())

    with clerk_desk(ctx, clerk, _clerk_pin(pin, pin_stdin), counter, check=not_future) as desk:
        rec = desk.settle_day(day)
        typer.echo(t("cli.settle.day_closed_at_counter_shift", business_day=rec.business_day, counter=rec.counter, shifts=rec.shifts, money=money(rec.cash_fen)))


@settle_app.command("hall", help=h("cli.settle.the_hall_s_day_close"))
def settle_hall_cmd(
    ctx: typer.Context,
    clerk: ClerkOption,
    pin: ClerkPinOption = None,
    pin_stdin: PinStdinOption = False,
    day: DateOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    from teller.domain.money import money

    def not_future(desk) -> None:
        if day is not None:
            not_after(day, desk.now().date())

    with clerk_desk(ctx, clerk, _clerk_pin(pin, pin_stdin), None, check=not_future) as desk:
        _emit_hall(desk.hall_day(day), fmt)
        rec, _counters = desk.settle_hall(day)
        typer.echo(t("cli.settle.hall_day_closed_counter_s", business_day=rec.business_day, counters=rec.counters, shifts=rec.shifts, money=money(rec.cash_fen), money2=money(rec.variance_fen)))


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
    columns = {"counter": t("cli.settle.counter"), "clerks": t("cli.settle.clerks"), "shifts": t("cli.settle.shifts"), "open": t("cli.settle.open"),
               "tx_count": t("cli.settle.count"), "amount_yuan": t("cli.settle.amount"), "expected_yuan": t("cli.settle.expected"),
               "counted_yuan": t("cli.settle.counted"), "variance_yuan": t("cli.settle.variance"), "day_closed": t("cli.settle.day_closed")}
    fields = ["counter", "clerks", "shifts", "open", "tx_count", "amount_fen", "float_fen", "expected_fen", "counted_fen",
              "variance_fen", "day_closed"]
    emit(rows, columns, fmt, fields=fields, empty=t("cli.settle.no_counter_worked_that_day"))


@settle_app.command("show", help=h("cli.settle.the_shifts_of_a_business"))
def settle_show(
    ctx: typer.Context,
    day: DateOption = None,
    fmt: FormatOption = Format.table,
) -> None:
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
    columns = {"shift": t("cli.settle.shift"), "counter": t("cli.settle.counter"), "clerk": t("cli.settle.clerk"), "status": t("cli.settle.status"),
               "float_yuan": t("cli.settle.float"), "expected_yuan": t("cli.settle.expected"), "counted_yuan": t("cli.settle.counted"),
               "variance_yuan": t("cli.settle.variance"), "supervisor": t("cli.settle.sign_off"), "note": t("cli.settle.note"), "day_closed": t("cli.settle.day_closed")}
    fields = ["shift", "counter", "clerk", "status", "mode", "float_fen", "expected_fen", "counted_fen", "variance_fen",
              "supervisor", "note", "slip", "day_closed"]
    emit(rows, columns, fmt, fields=fields, empty=t("cli.settle.no_shifts_on", business_day=business_day),
         optional=("day_closed", "supervisor", "counter", "float_yuan"))
