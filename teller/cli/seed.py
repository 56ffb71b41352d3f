"""teller-admin seed: the demo hall."""

from __future__ import annotations

import typer

from teller.cli.common import noun, open_desk

seed_app = noun("演示数据 / Demo data")


@seed_app.command("demo")
def seed_demo_cmd(ctx: typer.Context) -> None:
    """添加演示营业厅数据 / Add the demo hall: plans, clerks, subscribers, free numbers (idempotent)."""
    from teller.store.seed import seed_demo

    with open_desk(ctx, seed_demo=False) as desk:
        added = seed_demo(desk.engine, now=desk.now())
        typer.echo(f"新增 {added} 行演示数据 / Added {added} demo rows ({desk.settings.database_url})")
