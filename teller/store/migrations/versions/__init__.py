"""The revisions (Alembic loads the files by path; this module only names 0001's tables)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_teller_0001", Path(__file__).with_name("0001_release_0_1.py"))
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)  # (only sets constants: the op calls run inside its functions)
TABLES_0001: tuple[str, ...] = _mod.TABLES
