"""Bring an older database up to the current tables: columns added since it was created.

`SQLModel.metadata.create_all` creates missing tables but never alters existing ones; the
columns listed here are added with a default, then whatever they need is filled in.
"""

from __future__ import annotations

from sqlalchemy import inspect, text


#: (table, column) -> SQL type and default, as ALTER TABLE ... ADD COLUMN takes it
ADDED_COLUMNS: dict[tuple[str, str], str] = {
    ("audit", "prev_hash"): "VARCHAR NOT NULL DEFAULT ''",
    ("audit", "hash"): "VARCHAR NOT NULL DEFAULT ''",
    ("void", "void_no"): "VARCHAR NOT NULL DEFAULT ''",
    ("audit", "books"): "VARCHAR DEFAULT ''",
}


def upgrade(engine) -> list[str]:
    """Add the missing columns; returns `table.column` for each one added."""
    insp = inspect(engine)
    tables = set(insp.get_table_names())
    added: list[str] = []
    with engine.begin() as conn:
        for (table, column), ddl in ADDED_COLUMNS.items():
            if table not in tables:
                continue
            if column in {c["name"] for c in inspect(conn).get_columns(table)}:
                continue
            conn.execute(text(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {ddl}'))
            added.append(f"{table}.{column}")
    if "audit.hash" in added:
        from sqlmodel import Session

        from teller.store.audit import seal_unchained

        with Session(engine) as session:  # not db.session_scope: db imports this module
            seal_unchained(session=session)
            session.commit()
    return added
