"""Alembic's migrations of the teller database (both SQLite and PostgreSQL); run them with
`teller-admin db upgrade` (teller.store.schema.upgrade). `env.py` takes the connection
teller.store.schema hands it; there is no alembic.ini."""
