"""teller-admin seed: the demo hall."""

from __future__ import annotations

import typer

from teller.cli.common import noun, open_desk
from teller.cli.texts import h
from teller.strings import t

seed_app = noun(h("cli.seed.demo_data"))


@seed_app.command("demo", help=h("cli.seed.add_the_demo_hall_plans"))
def seed_demo_cmd(ctx: typer.Context) -> None:
    from teller.store.seed import seed_demo

    with open_desk(ctx, seed_demo=False) as desk:
        added = seed_demo(desk.engine, now=desk.now())
        typer.echo(t("cli.seed.added_demo_rows", added=added, database_url=desk.settings.database_url))
