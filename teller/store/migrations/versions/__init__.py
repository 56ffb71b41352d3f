"""The revisions (Alembic loads the files by path; their names start with a letter so that each
also imports alone as a module). This module only names 0001's tables."""

from teller.store.migrations.versions.rev_0001_release_0_1 import TABLES as TABLES_0001

__all__ = ["TABLES_0001"]
