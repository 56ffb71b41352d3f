"""What every teller-admin command shares: the sub-app factory, global options, opening the
desk, the output formats, and the options several nouns take (--by, --clerk, --pin, --counter).

The database layer is imported inside the functions, so `--help` stays fast.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Iterator, NoReturn

import typer

from teller.errors import TellerError

if TYPE_CHECKING:
    from teller.config import Settings
    from teller.desk import Desk


def noun(help_text: str) -> typer.Typer:
    """A sub-app (or the root app): help on no arguments, never tracebacks with locals."""
    return typer.Typer(help=help_text, no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="输出格式 / Output format")]
ByOption = Annotated[str, typer.Option("--by", help="操作人，记入审计 / Who does it, for the audit log")]
PinOption = Annotated[str | None, typer.Option("--pin", help="PIN（脚本用；终端中不给则隐藏输入）/ PIN for scripts; prompted hidden at a terminal when left out", show_default=False)]
ClerkOption = Annotated[str, typer.Option("--clerk", help="营业员工号 / Clerk's staff no", show_default=False)]
ClerkPinOption = Annotated[str, typer.Option("--pin", help="营业员密码 / Clerk's PIN", show_default=False)]
CounterOption = Annotated[str | None, typer.Option("--counter", help="台席 / Counter (default: from the settings)", show_default=False)]


@dataclass(frozen=True)
class Options:
    """The root app's options, kept on the Typer context for every command."""

    config: Path | None = None
    home: Path | None = None
    practice: bool = False


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def open_settings(ctx: typer.Context, **changes) -> "Settings":
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
        fail(f"设置错误 / Settings: {exc.message}", 2)
    set_locale(settings.locale)
    return settings


@contextmanager
def open_desk(ctx: typer.Context, **changes) -> Iterator["Desk"]:
    """An opened Desk (database created if missing); TellerErrors become a message and exit 1."""
    from teller.desk import Desk

    settings = open_settings(ctx, **changes)
    desk = None
    try:
        desk = Desk(settings).open()
        yield desk
    except TellerError as exc:
        fail(exc.message)
    finally:
        if desk is not None:
            desk.close()


@contextmanager
def clerk_desk(ctx: typer.Context, clerk: str, pin: str, counter: str | None) -> Iterator["Desk"]:
    """A desk with the clerk logged in (logged out again at the end)."""
    changes = {"counter": counter} if counter else {}
    with open_desk(ctx, **changes) as desk:
        desk.login(clerk, pin)
        try:
            yield desk
        finally:
            desk.logout()


def ask_pin(value: str | None, prompt: str, *, confirm: bool = False) -> str:
    """The PIN from --pin, else typed hidden at a terminal; never echoed, never in the audit."""
    if value is not None:
        return value
    if not sys.stdin.isatty():
        fail("需要 PIN：请用 --pin 给出，或在终端中运行 / A PIN is needed: give --pin, or run at a terminal", 2)
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def local_time(at: datetime, settings: "Settings") -> str:
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
