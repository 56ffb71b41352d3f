"""Before Alembic: bring a database of teller 0.1 or older up to 0.1's newest shape.

Teller 0.1 made its tables with `SQLModel.metadata.create_all` (which creates missing tables
but never alters existing ones) and then added the columns listed here with a default, filled
in whatever they needed, and rebuilt the print journal. `to_release_0_1` does all of that once
for a database without an `alembic_version` table; teller.store.schema then stamps it at
revision 0001 and Alembic's migrations take it from there. Nothing here runs on a database
already under Alembic.
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


def to_release_0_1(engine) -> list[str]:
    """The tables of revision 0001 that are missing made, the columns added, the journal rebuilt,
    the chain sealed, the report indexes made; returns what was changed."""
    from sqlmodel import SQLModel

    import teller.store.db  # noqa: F401 - every table registered
    from teller.store import shifts, summary
    from teller.store.migrations.versions import TABLES_0001

    existing = set(inspect(engine).get_table_names())
    missing = [SQLModel.metadata.tables[name] for name in TABLES_0001 if name not in existing]
    if missing:
        SQLModel.metadata.create_all(engine, tables=missing)
    changed = [f"{t.name} (table)" for t in missing] + upgrade(engine)
    shifts.ensure_indexes(engine)
    summary.ensure_indexes(engine)
    return changed


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
    if "receipt_job" in tables and _rebuild_receipt_job(engine):
        added.append("receipt_job.void_id/shift_id/bytes_sent")
    if "audit.hash" in added:
        from sqlmodel import Session

        from teller.store.audit import seal_unchained

        with Session(engine) as session:  # not db.session_scope: db imports this module
            seal_unchained(session=session)
            session.commit()
    return added


def _rebuild_receipt_job(engine) -> bool:
    """The print journal before voids and shifts had papers in it: `tx_id` was NOT NULL and
    `void_id`, `shift_id`, `bytes_sent` did not exist. SQLite cannot relax a column, so the
    table is rebuilt in one transaction (nothing references it) and its rows copied over."""
    from teller.store.models import ReceiptJobRecord

    with engine.begin() as conn:
        cols = {c["name"]: c for c in inspect(conn).get_columns("receipt_job")}
        if cols["tx_id"]["nullable"] and "bytes_sent" in cols:
            return False
        for ix in inspect(conn).get_indexes("receipt_job"):
            conn.execute(text(f'DROP INDEX IF EXISTS "{ix["name"]}"'))
        conn.execute(text('ALTER TABLE "receipt_job" RENAME TO "receipt_job_old"'))
        ReceiptJobRecord.__table__.create(conn)
        common = ", ".join(f'"{c.name}"' for c in ReceiptJobRecord.__table__.columns if c.name in cols and c.name != "bytes_sent")
        # a job tried before this column existed may be on paper: its next copy is a 补打
        sent = '"bytes_sent"' if "bytes_sent" in cols else "CASE WHEN status = 'printed' OR attempts > 0 THEN 1 ELSE 0 END"
        conn.execute(text(f'INSERT INTO "receipt_job" ({common}, "bytes_sent") SELECT {common}, {sent} FROM "receipt_job_old"'))
        conn.execute(text('DROP TABLE "receipt_job_old"'))
    return True
