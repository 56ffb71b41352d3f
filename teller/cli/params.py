"""Parsing of the values teller-admin reads from its arguments: days, yuan amounts, counts.

Each parser is given to Typer (`typer.Option(..., parser=...)`) and raises `typer.BadParameter`
with a one-line reason; Typer names the option that was given (`--from`, `--float`, `AMOUNT`),
and the command exits 2 before anything is opened. Ranges and "not in the future" need two
values or the clock, so they are checked in the command with `check_range` / `not_after`.

Bounds: a day between 1970-01-01 and 2999-12-31 (far from the ends of the calendar, where
report arithmetic — a day before, a month after, a year ago — would overflow); an amount up to
¥10,000,000.00; a count up to 99,999 pieces of a denomination (the console's count box).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

import typer

from teller.errors import TellerError
from teller.strings import t

MIN_DAY = date(1970, 1, 1)
MAX_DAY = date(2999, 12, 31)
MAX_AMOUNT_FEN = 10_000_000_00
MAX_PIECES = 99_999
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def shown(value: str, limit: int = 40) -> str:
    """A typed value as it may be quoted in a one-line message: escaped, and cut when long."""
    text = value if len(value) <= limit else value[:limit] + "…"
    return repr(text)


def shown_message(message: str, limit: int = 200) -> str:
    """A message on one line, cut when long."""
    text = " ".join(message.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _digits(text: str) -> str:
    """Full-width digits (an input method left in full-width mode) read like ASCII ones."""
    return "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in text)


def parse_day(value: str | date | None) -> date | None:
    """YYYY-MM-DD, a real day between MIN_DAY and MAX_DAY."""
    if value is None or isinstance(value, date):
        return value
    m = _DAY.match(_digits(value).strip())
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        day = None
    if day is None:
        raise typer.BadParameter(t("cli.params.expected_a_date_as_yyyy", shown=shown(value)))
    if not MIN_DAY <= day <= MAX_DAY:
        raise typer.BadParameter(t("cli.params.the_date_must_be_between", MIN_DAY=MIN_DAY, MAX_DAY=MAX_DAY, strip=value.strip()))
    return day


def parse_amount(value: str | int) -> int:
    """A yuan amount ("120", "120.50", "¥120") -> fen, above zero and at most MAX_AMOUNT_FEN."""
    if isinstance(value, int):
        return value
    from teller.domain.money import parse_yuan

    if len(value) > 32:
        raise typer.BadParameter(t("cli.params.not_an_amount", shown=shown(value)))
    try:
        fen = parse_yuan(value, what=t("cli.params.amount"))
    except TellerError as exc:
        raise typer.BadParameter(f"{exc.message} ({shown(value)})") from None
    if fen > MAX_AMOUNT_FEN:
        raise typer.BadParameter(t("cli.params.the_amount_is_above_the", value=MAX_AMOUNT_FEN // 100))
    return fen


def parse_counts(value: str | dict) -> dict[int, int]:
    """`100=3,50=1,0.5=2` (yuan=pieces) -> {denomination in fen: pieces}, at most MAX_PIECES each."""
    if isinstance(value, dict):
        return value
    from teller.domain import books

    text = _digits(value)
    try:
        counts = books.parse_counts(text)
    except TellerError as exc:
        raise typer.BadParameter(shown_message(exc.message)) from None
    except (ValueError, OverflowError):  # a denomination like 1e400 or nan
        raise typer.BadParameter(t("cli.params.expected_yuan_pieces_got", shown=shown(value))) from None
    if any(n > MAX_PIECES for n in counts.values()):
        raise typer.BadParameter(t("cli.params.at_most_pieces_of_a", MAX_PIECES=MAX_PIECES))
    return counts


def check_range(first: date, last: date, *, first_hint: str = "--from", last_hint: str = "--to") -> None:
    """A reversed range is a usage error naming the second option."""
    if last < first:
        raise typer.BadParameter(t("cli.params.is_before", last=last, first=first, first_hint=first_hint), param_hint=f"'{last_hint}'")


def not_after(day: date, today: date, *, hint: str = "--date") -> None:
    """A business day that has not come yet cannot be closed."""
    if day > today:
        raise typer.BadParameter(t("cli.params.is_in_the_future_today", day=day, today=today), param_hint=f"'{hint}'")


def DayOption(name: str, help_text: str):  # noqa: N802 - reads like the Annotated aliases it builds
    """An optional `--name YYYY-MM-DD` option parsed by `parse_day`."""
    return Annotated[date | None, typer.Option(name, parser=parse_day, metavar="YYYY-MM-DD", help=help_text, show_default=False)]



#: the staff roles and void reasons, as the domain has them (kept here so `--help` imports no database layer;
#: tests/test_cli_ops.py checks they match teller.domain.staff.ROLES and teller.domain.books.VOID_REASONS)
ROLES = ("clerk", "trainer", "supervisor", "ops")
VOID_REASONS = ("wrong_amount", "customer_request", "duplicate", "system_fault")


def one_of(choices: tuple[str, ...]):
    """A parser accepting one of `choices` (exit 2 naming the option and the choices otherwise)."""

    def parse(value: str) -> str:
        text = (value or "").strip()
        if text not in choices:
            raise typer.BadParameter(t("cli.params.one_of_got", join=' | '.join(choices), shown=shown(value)))
        return text

    return parse
