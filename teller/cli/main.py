"""teller-admin: the operator's command line, one Typer sub-app per noun (one module each).

Commands work through the same Desk, store and printing code as the console. The database
layer (SQLModel) and the YAML loader are imported inside the commands, so `--help` stays
fast. Errors go to stderr with a non-zero exit; tracebacks never show locals (customer data).
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from teller.cli.audit import audit_app
from teller.cli.catalog import catalog_app
from teller.cli.clerks import clerks_app
from teller.cli.common import AdminGroup, Options, noun, one_line
from teller.cli.customers import customers_app
from teller.cli.db import db_app
from teller.cli.deposits import deposits_app
from teller.cli.orders import orders_app
from teller.cli.practice import practice_app
from teller.cli.procedures import procedures_app
from teller.cli.receipts import receipts_app
from teller.cli.report import report_cmd
from teller.cli.seed import seed_app
from teller.cli.settle import settle_app
from teller.cli.tx import tx_app
from teller.errors import TellerError
from teller.cli.texts import h

app = noun(h("cli.main.operator_tools_for_the_teller"), cls=AdminGroup, completion=True)
for _sub, _name in (
    (db_app, "db"), (seed_app, "seed"), (procedures_app, "procedures"), (tx_app, "tx"), (receipts_app, "receipts"),
    (clerks_app, "clerks"), (audit_app, "audit"), (customers_app, "customers"), (settle_app, "settle"),
    (orders_app, "orders"), (deposits_app, "deposits"), (practice_app, "practice"),
    (catalog_app, "catalog"),
):
    app.add_typer(_sub, name=_name)
app.command("report", help=h("cli.report.help"))(report_cmd)


class Locale(str, Enum):
    zh = "zh"
    en = "en"


def _show_version(value: bool) -> None:
    if value:
        from teller import __version__

        typer.echo(f"teller-admin {__version__}")
        raise typer.Exit(0)


@app.callback(help=h("cli.main.operator_tools_for_the_teller_2"))
def main(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", help=h("cli.main.settings_file_default_teller_toml"), dir_okay=False)] = None,
    home: Annotated[Path | None, typer.Option("--home", help=h("cli.main.teller_home_folder_default"), file_okay=False)] = None,
    practice: Annotated[bool, typer.Option("--practice", help=h("cli.main.work_on_the_practice_database"))] = False,
    locale: Annotated[Locale | None, typer.Option("--locale", help=h("cli.main.locale"), show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", help=h("cli.main.show_the_version_and_exit"), is_eager=True,
                                          callback=_show_version)] = False,
) -> None:
    ctx.obj = Options(config, home, practice, locale.value if locale else None)


def _app_with_messages(**kwargs) -> None:
    """The app, with a stray TellerError turned into its one-line message (exit 1)."""
    try:
        app(**kwargs)
    except TellerError as exc:
        typer.echo(one_line(exc.message), err=True)
        sys.exit(1)


def run() -> None:
    """Entry point of the `teller-admin` script (and `python -m teller.cli.main`): the one place
    where the crash handler (teller.crash) wraps the app: an unexpected error prints one line
    with a reference, the details without locals go to the error log, exit 70."""
    from teller.crash import run_cli

    run_cli(_app_with_messages, prog_name="teller-admin")


if __name__ == "__main__":  # python -m teller.cli.main
    run()
