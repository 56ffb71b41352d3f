"""Alembic's environment: the connection comes from teller.store.schema (config.attributes),
the target is SQLModel's metadata (every table module imported by teller.store.db)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import teller.store.db  # noqa: F401 - registers every table on SQLModel.metadata

try:
    config = context.config
except AttributeError:  # imported outside Alembic (the layer tests import every module)
    config = None


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("teller's migrations run through teller.store.schema (teller-admin db upgrade)")
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if config is not None:
    run()
