"""What every teller-admin command shares: the sub-app factory, global options, opening the
desk, the output formats, and the options several nouns take (--by, --clerk, --pin, --counter).

The database layer is imported inside the functions, so `--help` stays fast.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Iterator, NoReturn

import typer
from typer.core import TyperGroup

from teller.errors import TellerError
from teller.cli.texts import h
from teller.strings import locale, t

if TYPE_CHECKING:
    from teller.config import Settings
    from teller.desk import Desk


def one_line(message: str) -> str:
    """A message fit for one line of a terminal: control characters escaped, lines joined."""
    text = " ".join(str(message).splitlines())
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class AdminGroup(TyperGroup):
    """The root command: every usage error is one line on stderr (exit 2), naming the option;
    a TellerError is its message (exit 1), so is an OSError with its file name; Ctrl-C / end of
    input at a prompt is one line (exit 1).

    Typer would draw a boxed panel that wraps long reasons over several lines.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from typer._click import exceptions as click_exc

        from teller.cli.texts import choose_locale, localize
        from teller.strings import set_locale

        set_locale(choose_locale(list(sys.argv[1:] if args is None else args)))
        localize(self)  # the help texts, worded in that locale before Click reads them
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_exc.NoArgsIsHelpError as exc:  # the help is already printed
            if not standalone_mode:
                raise
            sys.exit(exc.exit_code)
        except click_exc.ClickException as exc:
            if not standalone_mode:
                raise
            where = ""
            ctx = getattr(exc, "ctx", None)
            if ctx is not None:
                where = f" ({ctx.command_path} --help)"
            typer.echo(t("cli.common.error", one_line=one_line(exc.format_message()), where=where), err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo(t("cli.common.aborted"), err=True)
            sys.exit(1)
        except TellerError as exc:
            if not standalone_mode:
                raise
            typer.echo(one_line(exc.message), err=True)
            sys.exit(1)
        except OSError as exc:  # a file the command could not read or write (a name too long, no room, no right)
            if not standalone_mode:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            typer.echo(one_line(f"{where}{exc.strerror or exc}"), err=True)
            sys.exit(1)
        if standalone_mode:
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv


def noun(help_text: str, *, completion: bool = False, **kwargs) -> typer.Typer:
    """A sub-app (or, with `completion`, the root app with shell completion: `--install-completion`,
    `--show-completion`): help on no arguments, never tracebacks with locals."""
    return typer.Typer(help=help_text, no_args_is_help=True, add_completion=completion, pretty_exceptions_show_locals=False, **kwargs)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help=h("cli.common.output_format"))]
ByOption = Annotated[str, typer.Option("--by", help=h("cli.common.who_does_it_for_the"))]
PinOption = Annotated[str | None, typer.Option("--pin", help=h("cli.common.the_new_pin_asked_twice"), show_default=False)]
ClerkOption = Annotated[str, typer.Option("--clerk", help=h("cli.common.clerk_s_staff_no"), show_default=False)]
ClerkPinOption = Annotated[str | None, typer.Option("--pin", help=h("cli.common.clerk_s_pin_asked_hidden"), show_default=False)]
SupervisorPinOption = Annotated[str | None, typer.Option("--pin", help=h("cli.common.supervisor_s_pin_asked_hidden"), show_default=False)]
PinStdinOption = Annotated[bool, typer.Option("--pin-stdin", help=h("cli.common.read_the_pin_from_the"))]
CounterOption = Annotated[str | None, typer.Option("--counter", help=h("cli.common.counter_default_from_the_settings"), show_default=False)]


@dataclass(frozen=True)
class Options:
    """The root app's options, kept on the Typer context for every command."""

    config: Path | None = None
    home: Path | None = None
    practice: bool = False
    locale: str | None = None  # --locale (teller.cli.texts.settings_locale)


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(one_line(message), err=True)
    raise typer.Exit(code)


def open_settings(ctx: typer.Context, **changes) -> "Settings":
    from teller.config import load_settings
    from teller.cli.texts import settings_locale
    from teller.strings import set_locale

    opts: Options = ctx.obj or Options()
    try:
        settings = load_settings(opts.config, home=opts.home)
        if opts.practice:
            settings = settings.for_practice()
        if changes:
            settings = dataclasses.replace(settings, **changes)
    except TellerError as exc:
        for problem in getattr(exc, "problems", [])[:-1]:  # every problem of the file, one a line
            typer.echo(t("cli.common.settings_2", one_line=one_line(problem)), err=True)
        fail(t("cli.common.settings", value=(getattr(exc, 'problems', None) or [exc.message])[-1]), 2)
    set_locale(settings_locale(opts.locale, settings.locale))
    return settings


@contextmanager
def open_desk(ctx: typer.Context, *, to_read: bool = False, **changes) -> Iterator["Desk"]:
    """An opened Desk (database created if missing); TellerErrors become a message and exit 1.
    `to_read`: for reports only (Desk.open_to_read: SQLAlchemy Core, no procedures loaded)."""
    from teller.desk import Desk

    settings = open_settings(ctx, **changes)
    desk = None
    try:
        desk = Desk(settings).open_to_read() if to_read else Desk(settings).open()
        yield desk
    except TellerError as exc:
        fail(exc.message)
    finally:
        if desk is not None:
            desk.close()


@contextmanager
def clerk_desk(ctx: typer.Context, clerk: str, pin: str, counter: str | None, *, check=None) -> Iterator["Desk"]:
    """A desk with the clerk logged in (logged out again at the end); `check(desk)` runs first,
    so a usage error it raises leaves not even a log-in in the audit."""
    changes = {"counter": counter} if counter else {}
    with open_desk(ctx, **changes) as desk:
        if check is not None:
            check(desk)
        desk.login(clerk, pin)
        try:
            yield desk
        finally:
            desk.logout()


# Where a PIN comes from. The environment holds a PIN that proves who is acting (never a new
# PIN being set): the clerk's own for `settle`, a supervisor's for voids, reprints, unlocks.
CLERK_PIN_ENV = "TELLER_PIN"
SUPERVISOR_PIN_ENV = "TELLER_SUPERVISOR_PIN"


def ask_pin(
    value: str | None, prompt: str, *, option: str = "--pin", stdin: bool = False, env: str | None = None, confirm: bool = False,
) -> str:
    """The PIN from `option`, else the next line of stdin (`--pin-stdin`), else `$env`, else typed
    hidden at a terminal. Without any of them, exit 2 naming the ways to give it. Never echoed."""
    if value is not None:
        if stdin:
            fail(t("cli.common.error_give_or_stdin_not", option=option), 2)
        return value
    if stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            fail(t("cli.common.error_stdin_no_pin_on", option=option), 2)
        return line
    if env and os.environ.get(env):
        return os.environ[env]
    if sys.stdin.isatty():
        return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    ways = f"{option}, {option}-stdin" + (f", ${env}" if env else "")
    fail(t("cli.common.error_a_pin_is_needed", option=option, ways=ways), 2)


def local_time(at: datetime, settings: "Settings", *, table: bool = False) -> str:
    """Hall time: ISO with its offset for JSON/CSV; `YYYY-MM-DD HH:MM:SS` in a table (the hall's own time)."""
    from teller.clock import hall_zone

    local = at.astimezone(hall_zone(settings.timezone))
    return local.strftime("%Y-%m-%d %H:%M:%S") if table else local.isoformat(sep=" ", timespec="seconds")


_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A CSV cell a spreadsheet will not run: text starting with = + - @ tab or CR gets a leading
    apostrophe; plain numbers (-2.00, -1200) and non-text values stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def output_width() -> int:
    """Columns to lay a table out in: $COLUMNS if set, else the terminal's, else 240 (a pipe)."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return 240


def shown_cell(value) -> str:
    """A table cell: nothing for a missing value (never `None`)."""
    return "" if value is None else str(value)


#: columns of free text: they wrap inside the width left to them (every other column shows its values whole)
TEXT_COLUMNS = ("detail", "error", "note", "title", "reason", "file", "problem")


def emit(
    rows: list[dict], columns: dict[str, str], fmt: Format, *, fields: list[str], empty: str = "",
    optional: tuple[str, ...] = (),
) -> None:
    """Rows out as a table (`columns`: key -> header), a JSON list, or CSV with a header (`fields`).

    The table fits the terminal (80 columns and up): a value is never cut (no `…`); headers wrap
    at their space (`实收 / Tendered`), free-text columns (TEXT_COLUMNS) wrap; while the table
    would still be too wide, the `optional` columns are left out in that order and a line says
    which (JSON and CSV always carry everything)."""
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt is Format.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)
        typer.echo(buf.getvalue(), nl=False)
    elif not rows and empty:
        typer.echo(empty)
    else:
        from rich.console import Console

        width = output_width()
        shown = dict(columns)
        left_out: list[str] = []
        for key in optional:
            if _needed(rows, shown) <= width:
                break
            if key in shown:
                left_out.append(shown.pop(key))
        Console(width=width, highlight=False).print(_table(rows, shown))
        if left_out:
            hidden = ", ".join(header.split(" ", 1)[-1] if locale() == "zh" else header for header in left_out)
            typer.echo(t("cli.common.hidden_format_csv", hidden=hidden))


def _is_text(key: str) -> bool:
    return key.endswith(TEXT_COLUMNS)


def _column_need(rows: list[dict], key: str, header: str) -> int:
    from rich.cells import cell_len

    head = max((cell_len(part) for part in header.split(" ", 1)), default=0)  # the header: two lines
    if _is_text(key):
        return max(head, 12)
    return max([head] + [cell_len(shown_cell(r.get(key))) for r in rows])


def _needed(rows: list[dict], columns: dict[str, str]) -> int:
    """The narrowest the table can be with every value whole: columns plus three cells between
    each (a cell of padding either side of the box's space)."""
    return sum(_column_need(rows, key, header) for key, header in columns.items()) + 3 * (len(columns) - 1)


def _table(rows: list[dict], columns: dict[str, str]):
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for key, header in columns.items():
        numeric = key.endswith(("_yuan", "_fen", "attempts", "version", "count", "rows"))
        text = _is_text(key)
        table.add_column(header.replace(" ", "\n", 1), justify="right" if numeric else "left", overflow="fold",
                         no_wrap=not text, min_width=None if text else _column_need(rows, key, header))
    for row in rows:
        table.add_row(*(shown_cell(row.get(key)) for key in columns))
    return table


def emit_verdict(verdict: dict, fmt: Format, *, lines: list[str]) -> None:
    """A command's verdict: `lines` in a table (as the command always said it), else one JSON
    object or one CSV row (nested lists and dicts as JSON text in their cell)."""
    if fmt is Format.table:
        for line in lines:
            typer.echo(line)
    elif fmt is Format.json:
        typer.echo(json.dumps(verdict, ensure_ascii=False, indent=2))
    else:
        flat = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in verdict.items()}
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(flat), lineterminator="\n")
        writer.writeheader()
        writer.writerow({k: safe_cell(v) for k, v in flat.items()})
        typer.echo(buf.getvalue(), nl=False)
