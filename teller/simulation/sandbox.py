"""The sandbox a simulation walks in: a counter of its own on a throwaway copy of the demo data
(seeded once per process), and the business tables read before and after a commit."""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from teller.clock import FixedClock, hall_zone
from teller.config import PrinterSettings, Settings
from teller.procedures.loader import LoadedProcedure

#: Tables that keep the books of a visit rather than what the operation changed: shown apart.
BOOKKEEPING = frozenset({
    "meta", "clerk", "transaction", "fee_line", "audit", "receipt_job", "shift", "cash_move", "day_close",
    "void", "reversal", "daily_summary", "payment_amount", "alembic_version",
})

#: The float the sandbox's shift opens with (2×100, 4×50, 5×20, 5×10, 4×5, 20×1, 10×0.5 yuan).
FLOAT = {10000: 2, 5000: 4, 2000: 5, 1000: 5, 500: 4, 100: 20, 50: 10}


# ---- the sandbox ------------------------------------------------------------------------------------

_TEMPLATE: Path | None = None


def demo_template(at: datetime | None = None) -> Path:
    """A demo-seeded database file, made once per process (a temporary folder removed at exit)."""
    global _TEMPLATE
    if _TEMPLATE is not None and _TEMPLATE.is_file():
        return _TEMPLATE
    from teller.store import db

    folder = Path(tempfile.mkdtemp(prefix="teller-demo-"))
    atexit.register(shutil.rmtree, folder, True)
    settings = Settings(home=folder, procedures_dir=folder / "scripts_yaml")
    db.create_database(settings.database_url, seed_demo=True, now=at or datetime(2026, 11, 23, 10, 0, tzinfo=hall_zone()))  # as `db init`
    _TEMPLATE = folder / "db" / "teller.db"
    return _TEMPLATE


def copy_database(src: Path, dest: Path) -> None:
    """A consistent copy of a SQLite file (the backup API; safe with WAL)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    s, d = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        with d:
            s.backup(d)
    finally:
        s.close()
        d.close()


def demo_clerk() -> tuple[str, str]:
    from teller.domain.catalog import CLERKS

    staff_no, _name, _role, pin = next(c for c in CLERKS if c[2] == "clerk")
    return staff_no, pin


class Sandbox:
    """A counter of its own on a throwaway copy of the demo data (use as a context manager)."""

    def __init__(
        self, *, layouts_dir: Path, at: datetime, hall: Settings | None = None, template: Path | None = None,
    ) -> None:
        self.layouts_dir = Path(layouts_dir)
        self.at = at
        self.hall = hall
        self.template = template
        self.folder: Path | None = None
        self.desk = None

    def __enter__(self) -> "Sandbox":
        from teller.desk import Desk

        self.folder = Path(tempfile.mkdtemp(prefix="teller-sim-"))
        try:
            copy_database(self.template or demo_template(self.at), self.folder / "db" / "teller.db")
            (self.folder / "scripts_yaml").mkdir()
            hall = self.hall
            printer = PrinterSettings(backend="preview", paper_mm=hall.printer.paper_mm if hall else 80)
            keep = {k: getattr(hall, k) for k in ("hall_name", "counter", "locale", "timezone", "payment_limit_fen")} if hall else {}
            settings = Settings(
                home=self.folder, procedures_dir=self.folder / "scripts_yaml", layouts_dir=self.layouts_dir,
                spool_dir=self.folder / "spool", printer=printer, seed_demo=False, idle_lock_s=0, **keep,
            )
            self.desk = Desk(settings, clock=FixedClock(self.at)).open()
            self.desk.login(*demo_clerk())
            self.desk.open_shift(FLOAT)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.desk is not None:
            self.desk.close()
            self.desk = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    @property
    def database(self) -> Path:
        assert self.folder is not None
        return self.folder / "db" / "teller.db"

    def adopt(self, loaded: LoadedProcedure) -> None:
        """The procedure simulated is this counter's (its title on the papers)."""
        self.desk.procedures = {loaded.id: loaded}


# ---- the demo data before and after ----------------------------------------------------------------------


def snapshot(database: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The business tables (not the books of the visit): table -> key -> row."""
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for table in sorted(set(tables) - BOOKKEEPING):
            info = con.execute(f'PRAGMA table_info("{table}")').fetchall()
            cols = [c[1] for c in info]
            pk = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]]
            select = ", ".join(f'"{c}"' for c in cols)
            rows = {}
            for row in con.execute(f'SELECT rowid, {select} FROM "{table}"'):
                values = dict(zip(cols, row[1:]))
                key = "/".join(str(values[k]) for k in pk) if pk else f"#{row[0]}"
                rows[key] = values
            out[table] = rows
    finally:
        con.close()
    return out


def _shown(column: str, value: Any) -> str:
    if value is None:
        return "null"
    if "hash" in column or column.endswith("pin"):
        return "(secret)"
    if "id_number" in column and isinstance(value, str):
        from teller.domain.rules import mask_id

        return mask_id(value)
    return str(value)


def diff(before: dict, after: dict) -> list[str]:
    """The changes as lines: `customer 138…: balance_fen 3520 → 4520`, `+ table key: ...`, `- table key`."""
    out: list[str] = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        for key in sorted(set(old) | set(new)):
            if key not in old:
                cols = ", ".join(f"{c}={_shown(c, v)}" for c, v in new[key].items() if v is not None)
                out.append(f"+ {table} {key}: {cols}")
            elif key not in new:
                out.append(f"- {table} {key}")
            else:
                for col in new[key]:
                    a, b = old[key].get(col), new[key][col]
                    if a != b:
                        if "hash" in col or col.endswith("pin"):
                            out.append(f"{table} {key}: {col} changed")
                        else:
                            out.append(f"{table} {key}: {col} {_shown(col, a)} → {_shown(col, b)}")
    return out
