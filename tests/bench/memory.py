"""Where the console's memory goes: resident set after each phase of a payment, and per import.

    python -m tests.bench.memory              # phases of a console session, then imports
    python -m tests.bench.memory --trace      # also tracemalloc's top allocating files per phase
    python -m tests.bench.memory --json

The bench (tests/bench/bench.py) measures one figure, the console's peak resident set (VmHWM)
once a payment is done, under a pseudo-terminal. This script says where it comes from, in
three fresh processes sharing a temporary home with the demo hall's database and an open shift:

1. phases: the real console (TellerApp, headless through Textual's Pilot, garbage collection
   off until the desk is open as `teller` does it) from start-up through a payment back to the
   picker. After each phase: VmRSS, VmHWM (a transient peak between two phases shows as HWM
   above RSS), the file-backed part of the resident set (shared libraries, extension modules)
   and the top-level packages that phase imported. The desk's opening runs in its worker
   thread behind the log-in screen; its phases are marked from that thread (`teller.desk`
   itself, 0.1 MB, is imported a little earlier than in the console, to put the marks in).
2. imports: the packages the console loads, imported one after another in a fresh process,
   with the resident set each adds (each figure excludes what the ones before it loaded).
3. the floor without the ORM layer: the same parts (Textual and the console's modules,
   SQLAlchemy Core reading the database, pydantic's procedures, the printer driver) with no
   ORM, SQLModel or table model loaded: what a console committing through Core would hold
   before drawing a screen.

`--trace` runs the phases under tracemalloc and lists the source files that allocated the
most in each phase (tracemalloc's own bookkeeping inflates the resident figures of that run).
It never fails on a figure; it exits 1 when the session could not be driven.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

ROOT = Path(__file__).resolve().parents[2]
STAFF, PIN = "1001", "1234"
PAYMENT = ("13800138000", "王小明", None, "50", "50")  # number, holder, account line, amount, cash

#: imported in this order by the imports breakdown: each figure is what that import adds
IMPORTS = (
    "textual.app",
    "teller.ui.app",
    "yaml",
    "sqlalchemy",
    "pydantic",
    "pydantic.main",  # pydantic's own __init__ is lazy: its machinery loads with BaseModel
    "teller.procedures.schema",
    "sqlalchemy.orm",
    "sqlmodel",
    "teller.store.models",
    "teller.store.db",
    "teller.store.audit",
    "teller.procedures.loader",
    "teller.procedures.semantics",
    "teller.procedures.engine",
    "teller.desk",
    "teller.counter.commit",
    "teller.printing.jobs",
    "teller.printing.escpos",
    "escpos.printer",
    "teller.ui.screens.home",
    "teller.ui.screens.run",
)


def status(*names: str) -> tuple[float, ...]:
    """Fields of /proc/self/status in MB: (VmRSS, VmHWM) unless named."""
    text = Path("/proc/self/status").read_text()

    def field(name: str) -> float:
        m = re.search(rf"^{name}:\s+(\d+)\s+kB", text, re.M)
        return int(m.group(1)) / 1024 if m else float("nan")

    return tuple(field(n) for n in (names or ("VmRSS", "VmHWM")))


# ---- the child: phases of a console session ------------------------------------------------------
class Phases:
    def __init__(self, trace: bool) -> None:
        self.rows: list[dict] = []
        self.seen = set(self._packages())
        self.trace = trace
        self.snapshot = None
        if trace:
            import tracemalloc

            tracemalloc.start()
            self.snapshot = tracemalloc.take_snapshot()

    @staticmethod
    def _packages() -> list[str]:
        return sorted({name.split(".")[0] for name in list(sys.modules) if not name.startswith("_")})

    def mark(self, phase: str) -> None:
        rss, hwm, anon, files = status("VmRSS", "VmHWM", "RssAnon", "RssFile")
        now = set(self._packages())
        row = {"phase": phase, "rss_mb": round(rss, 1), "hwm_mb": round(hwm, 1), "anon_mb": round(anon, 1),
               "file_mb": round(files, 1), "modules": len(sys.modules),
               "new_packages": sorted(now - self.seen)}
        self.seen = now
        if self.trace:
            import tracemalloc

            snap = tracemalloc.take_snapshot()
            top = snap.compare_to(self.snapshot, "filename")[:8]
            row["top_files"] = [(str(s.traceback[0].filename).replace(sys.prefix, "<venv>"), round(s.size_diff / 2**20, 2)) for s in top]
            row["traced_mb"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 1)
            self.snapshot = snap
        self.rows.append(row)


def child(home: Path, trace: bool) -> int:
    import gc

    gc.disable()  # as teller.__main__ does; the desk's opening turns it back on
    phases = Phases(trace)
    phases.mark("python and this script")
    import textual.app  # noqa: F401

    phases.mark("Textual imported")
    from teller.config import load_settings
    from teller.ui.app import TellerApp

    phases.mark("the console's module imported")
    _instrument(phases)
    import asyncio

    settings = load_settings(home / "teller.toml", home=home)
    app = TellerApp(settings)
    asyncio.run(_session(app, phases))
    print("MEMORY-PHASES " + json.dumps({"rows": phases.rows, "modules": sorted(sys.modules),
                                          "loaded": sorted(_executed_modules())}, ensure_ascii=False))
    return 0


def _executed_modules() -> set[str]:
    """Modules in sys.modules that have really run (importlib's lazy modules not yet touched are left out)."""
    import importlib.util

    lazy = getattr(importlib.util, "_LazyModule", None)
    return {name for name, mod in list(sys.modules.items()) if mod is not None and not (lazy and type(mod) is lazy)}


def _instrument(phases: Phases) -> None:
    """Marks inside the desk's opening (it runs in the app's worker thread)."""
    from teller.desk import Desk

    real_open, real_reload, real_warm = Desk.open, Desk.reload_procedures, Desk.warm_printer

    def open_(self):
        phases.mark("log-in screen drawn (desk not open)")
        from teller.store import db  # noqa: F401

        phases.mark("database layer imported")
        return real_open(self)

    def reload(self):
        phases.mark("database opened")
        real_reload(self)
        phases.mark("procedures loaded")

    def warm(self):
        real_warm(self)
        phases.mark("printer driver loaded")

    Desk.open, Desk.reload_procedures, Desk.warm_printer = open_, reload, warm


async def _until(pilot, predicate, what: str, tries: int = 1000) -> None:
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.02)
    raise RuntimeError(f"never reached: {what}")


async def _session(app, phases: Phases) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: app.desk is not None and app._desk_ready.is_set(), "the desk open")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        phases.mark("log-in screen, desk open")
        await pilot.press(*STAFF, "enter")
        await pilot.pause()
        await pilot.press(*PIN, "enter")
        await _until(pilot, lambda: type(app.screen).__name__ == "HomeScreen" and bool(app.screen.query("#filter")), "the picker")
        await pilot.pause(0.1)
        phases.mark("logged in: the picker")
        await pilot.press("enter")  # the first procedure: 缴费
        await _until(pilot, lambda: type(app.screen).__name__ == "RunScreen" and bool(app.screen.query("#answer")), "the wizard")
        await pilot.pause(0.1)
        phases.mark("payment wizard, first step")
        for value in PAYMENT:
            if value:
                app.screen.query_one("#answer").value = value
            await pilot.press("enter")
            await pilot.pause(0.05)
        phases.mark("payment, confirm step")
        await pilot.press("enter")
        await _until(pilot, lambda: not app.screen.busy and app.screen.run.committed is not None, "the commit")
        await _until(pilot, lambda: not app.papers.busy, "the receipt printed")
        await pilot.pause(0.1)
        phases.mark("committed, receipt printed")
        for _ in range(3):  # paid, another number? (no), farewell
            await pilot.press("enter")
            await pilot.pause(0.05)
        await _until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "the picker after the payment")
        await pilot.pause(0.1)
        phases.mark("back at the picker")


# ---- the child: imports one after another ----------------------------------------------------
def child_imports() -> int:
    import importlib

    rows = []
    rss0, _ = status()
    rows.append({"import": "(python)", "rss_mb": round(rss0, 1), "adds_mb": round(rss0, 1)})
    prev = rss0
    for name in IMPORTS:
        importlib.import_module(name)
        if name == "teller.printing.escpos":
            importlib.import_module(name).to_bytes([])  # the driver as the console loads it (no image stack)
            name += " (driver loaded)"
        rss, _ = status()
        rows.append({"import": name, "rss_mb": round(rss, 1), "adds_mb": round(rss - prev, 1)})
        prev = rss
    print("MEMORY-IMPORTS " + json.dumps(rows))
    return 0


# ---- the child: the console's parts without the ORM ----------------------------------------------
#: what an ORM-free console could not do without: the parts below load, the ORM layer must not
ORM_LAYER = ("sqlmodel", "sqlalchemy.orm", "teller.store.models", "teller.store.db")


def child_floor(home: Path) -> int:
    """The console's start-up and a visit's work without the ORM layer, measured: Textual and
    the console's screens imported, SQLAlchemy Core with the database read through it, the
    procedures loaded (pydantic models), the printer driver loaded and a receipt's ops encoded.
    What a console that commits through Core would still hold before its screens are drawn."""
    import gc

    gc.disable()
    phases = Phases(False)
    phases.mark("python and this script")
    import textual.app  # noqa: F401

    phases.mark("Textual imported")
    from teller.config import load_settings
    from teller.ui import app as _app  # noqa: F401
    from teller.ui.screens import home as _home, login as _login, run as _run  # noqa: F401

    phases.mark("the console's modules and screens imported")
    settings = load_settings(home / "teller.toml", home=home)
    import sqlalchemy as sa

    engine = sa.create_engine(settings.database_url)
    with engine.connect() as con:
        con.execute(sa.text("SELECT * FROM customer WHERE number = :n"), {"n": PAYMENT[0]}).all()
    phases.mark("SQLAlchemy Core, the database read")
    from teller.procedures import schema as _schema  # noqa: F401 - pydantic's models of a procedure

    phases.mark("pydantic, the procedure schema imported")
    from teller.procedures.loader import load_folder

    good, _problems = load_folder(settings.procedures_dir, layouts=settings.layouts_dir)
    phases.mark("procedures loaded")
    from teller.printing import escpos
    from teller.printing.layouts import Cut, Line

    escpos.to_bytes([Line("收费凭证"), Cut()])
    phases.mark("printer driver, a receipt encoded")
    gc.enable()
    print("MEMORY-FLOOR " + json.dumps({"rows": phases.rows, "procedures": len(good),
                                         "orm_loaded": [m for m in ORM_LAYER if m in sys.modules]}))
    return 0


# ---- the parent ------------------------------------------------------------------------------
def make_home(root: Path) -> Path:
    """A home with the demo hall's database (as db init makes it) and the demo clerk's shift open."""
    from teller.config import load_settings
    from tests.bench.bench import open_demo_shift
    from tests.support.homes import copy_sources

    home = copy_sources(root / "home")
    (home / "teller.toml").write_text("# tests/bench/memory.py: all defaults\n", encoding="utf-8")
    # the home's own SQLite file, whatever TELLER_DATABASE_URL says (the children never see it)
    open_demo_shift(load_settings(home / "teller.toml", home=home, database_url=f"sqlite:///{home / 'db' / 'teller.db'}"))
    return home


def child_env(root: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL_", "TELLER_", "ESCPOS_"))}
    env.update(TELLER_HOME=str(home), TELLER_CONFIG=str(home / "teller.toml"), XDG_CACHE_HOME=str(root / "cache"),
               TMPDIR=str(root / "tmp"), PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]))
    return env


def run_child(args: list[str], root: Path, home: Path, tag: str, timeout: float = 300) -> dict | list:
    result = subprocess.run([sys.executable, "-m", "tests.bench.memory", *args], cwd=ROOT, env=child_env(root, home),
                            capture_output=True, text=True, timeout=timeout)
    for line in result.stdout.splitlines():
        if line.startswith(tag + " "):
            return json.loads(line[len(tag) + 1:])
    raise RuntimeError(f"{' '.join(args)}: exit {result.returncode}\n{result.stderr[-3000:]}")


def measure(*, trace: bool = False, imports: bool = True, floor: bool = True, root: Path | None = None) -> dict:
    """Both breakdowns, each in a fresh process (a temporary home unless `root` is given)."""
    own = root is None
    root = Path(tempfile.mkdtemp(prefix="teller-memory-")) if own else root
    try:
        (root / "cache").mkdir(exist_ok=True)
        (root / "tmp").mkdir(exist_ok=True)
        home = make_home(root)
        out = {"phases": run_child(["--child", str(home)] + (["--trace"] if trace else []), root, home, "MEMORY-PHASES")}
        if imports:
            out["imports"] = run_child(["--child-imports"], root, home, "MEMORY-IMPORTS")
        if floor:
            out["floor"] = run_child(["--child-floor", str(home)], root, home, "MEMORY-FLOOR")
        return out
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)


def report(data: dict) -> str:
    lines = ["The console, phase by phase (MB; each phase's new top-level packages)", ""]
    lines.append(f"{'phase':40s} {'VmRSS':>7s} {'+':>6s} {'VmHWM':>7s} {'files':>6s}  new packages")
    prev = None
    for row in data["phases"]["rows"]:
        delta = "" if prev is None else f"{row['rss_mb'] - prev:+.1f}"
        pkgs = ", ".join(row["new_packages"])
        if len(pkgs) > 60:
            pkgs = pkgs[:57] + "…"
        traced = f"  (traced {row['traced_mb']:.1f} MB)" if "traced_mb" in row else ""
        lines.append(f"{row['phase']:40s} {row['rss_mb']:7.1f} {delta:>6s} {row['hwm_mb']:7.1f} {row['file_mb']:6.1f}  {pkgs}{traced}")
        for file, mb in row.get("top_files", []):
            lines.append(f"{'':44s}{mb:+6.2f} MB  {file}")
        prev = row["rss_mb"]
    if "imports" in data:
        lines += ["", "Imports, one after another in a fresh process (MB added by each)", ""]
        for row in data["imports"]:
            lines.append(f"{row['import']:40s} {row['adds_mb']:+7.1f}   {row['rss_mb']:6.1f}")
    if "floor" in data:
        floor = data["floor"]
        lines += ["", "Without the ORM layer: the same parts through SQLAlchemy Core, no screen drawn"
                  f" (ORM modules loaded: {', '.join(floor['orm_loaded']) or 'none'})", ""]
        for row in floor["rows"]:
            lines.append(f"{row['phase']:44s} {row['rss_mb']:7.1f}   VmHWM {row['hwm_mb']:6.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.memory", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--trace", action="store_true", help="tracemalloc's top allocating files per phase")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--child", metavar="HOME", help=argparse.SUPPRESS)
    parser.add_argument("--child-imports", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-floor", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(Path(args.child), args.trace)
    if args.child_imports:
        return child_imports()
    if args.child_floor:
        return child_floor(Path(args.child_floor))
    try:
        data = measure(trace=args.trace)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"memory: {exc}", file=sys.stderr)
        return 1
    print(report(data))
    if args.json:
        print(json.dumps({k: v for k, v in data.items()}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
