"""Parsing of the values teller-admin reads from its arguments: days, yuan amounts, counts."""

from __future__ import annotations

from datetime import date, datetime

import typer

from teller.errors import TellerError


def parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"日期应为 YYYY-MM-DD / expected a date as YYYY-MM-DD, got {value!r}", param_hint="--date") from None


def yuan_amount(text: str) -> int:
    from teller.domain.money import parse_yuan

    try:
        return parse_yuan(text)
    except TellerError as exc:
        raise typer.BadParameter(exc.message) from None


def parse_counts_option(text: str, hint: str) -> dict[int, int]:
    from teller.domain.books import parse_counts

    try:
        return parse_counts(text)
    except TellerError as exc:
        raise typer.BadParameter(exc.message, param_hint=hint) from None
