"""Layers that hold by construction.

1. Every non-UI module of teller imports on its own, in a fresh process, without Textual: each
   module is imported in its own forked child of one interpreter that has loaded only the
   third-party libraries (so a module that only loads after another one, or one that pulls in
   Textual, is caught, and the whole check stays a few seconds).
2. The import contract, read from the source (lazy imports inside functions included, imports
   only for type checking left out): the domain imports no store and nothing above it; the store
   imports nothing above it; the procedure engine
   imports no store; the operations import no counter, desk, printing, UI or CLI; the counter
   imports no UI or CLI; nothing outside teller/ui imports Textual.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "teller"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def non_ui_modules() -> list[str]:
    return sorted(
        module_name(p) for p in PACKAGE.rglob("*.py")
        if "ui" not in p.relative_to(PACKAGE).parts[:1] and p.name != "__main__.py"
    )


CHILD = r"""
import importlib, os, sys
for lib in ("sqlmodel", "sqlalchemy", "pydantic", "yaml", "typer", "rich", "escpos.printer"):
    try:
        importlib.import_module(lib)
    except Exception:
        pass
assert not any(m.startswith("teller") for m in sys.modules)
failed = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            importlib.import_module(name)
            if any(m == "textual" or m.startswith("textual.") for m in sys.modules):
                code = 3
        except BaseException as exc:
            sys.stderr.write(f"{name}: {type(exc).__name__}: {exc}\n")
            code = 4
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status):
        failed.append((name, "textual" if os.waitstatus_to_exitcode(status) == 3 else "import error"))
print(failed)
sys.exit(1 if failed else 0)
"""


def test_every_non_ui_module_imports_alone_without_textual():
    mods = non_ui_modules()
    assert "teller.counter.void" in mods and "teller.operations.pay" in mods and len(mods) > 40
    result = subprocess.run([sys.executable, "-c", CHILD, *mods], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alone_check_sees_a_module_that_pulls_textual():
    result = subprocess.run([sys.executable, "-c", CHILD, "teller.ui.app"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "textual" in result.stdout


def imports_of(path: Path) -> set[str]:
    """Every teller module `path` imports, at the top or inside functions, but not under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for child in node.body for n in ast.walk(child)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def offenders(folder: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    out = []
    for path in sorted((PACKAGE / folder).rglob("*.py")) if (PACKAGE / folder).is_dir() else [PACKAGE / folder]:
        for name in imports_of(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden) and not any(
                name == a or name.startswith(a + ".") for a in allowed
            ):
                out.append(f"{path.relative_to(REPO)} imports {name}")
    return out


ABOVE_STORE = ("teller.desk", "teller.desk_parts", "teller.counter", "teller.operations", "teller.procedures", "teller.printing",
               "teller.ui", "teller.cli", "teller.practice", "teller.charts")


def test_the_store_imports_nothing_above_it():
    assert offenders("store", ABOVE_STORE) == []


def test_the_engine_imports_no_store_and_no_counter():
    assert offenders("procedures", ("teller.store", "teller.counter", "teller.desk", "teller.desk_parts", "teller.printing")) == []


def test_the_operations_import_no_counter_desk_printing_ui_or_cli():
    assert offenders("operations", ("teller.counter", "teller.desk", "teller.printing", "teller.ui", "teller.cli",
                                    "teller.procedures")) == []


def test_the_domain_is_pure():
    """The business rules import nothing that stores, prints, shows or composes: no store, counter,
    desk, operations, procedures, printing, practice, UI or CLI (and so no database session)."""
    assert offenders("domain", ABOVE_STORE + ("teller.store", "sqlmodel", "sqlalchemy")) == []


def test_the_counter_imports_no_ui_or_cli():
    assert offenders("counter", ("teller.ui", "teller.cli", "teller.desk", "teller.desk_parts", "textual")) == []


def test_nothing_outside_the_ui_imports_textual():
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] == "ui":
            continue
        found += [f"{path.relative_to(REPO)} imports {n}" for n in imports_of(path) if n == "textual" or n.startswith("textual.")]
    assert found == []


def test_the_contract_check_sees_an_offence(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from teller.desk import Desk\n", encoding="utf-8")
    assert "teller.desk" in imports_of(bad)
    typed = tmp_path / "typed.py"
    typed.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from teller.desk import Desk\n", encoding="utf-8")
    assert "teller.desk" not in imports_of(typed)


def test_the_loader_reads_the_operations_fields_without_the_database_layer():
    code = (
        "import sys\n"
        "from teller.procedures.loader import load_folder\n"
        "good, bad = load_folder('scripts_yaml')\n"
        "assert good and not bad, bad\n"
        "assert 'sqlalchemy' not in sys.modules and 'sqlmodel' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


#: no module grows past this many lines (issue 9, item 6)
MAX_LINES = 400
OVERSIZED: set[str] = set()  # every module split by its parts (issue 9); keep it empty


def test_modules_are_sized_by_what_they_are():
    over = {
        path.relative_to(REPO).as_posix()
        for path in PACKAGE.rglob("*.py")
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    }
    assert over - OVERSIZED == set()
    for split in ("teller/desk.py", "teller/procedures/engine.py"):  # issue 9: split by their parts
        assert split not in over


def test_every_module_can_be_named_in_an_import_statement():
    """`import teller.x.y` must work for every module (a file named `0001_x.py` imports only
    through importlib: Alembic's default revision names were such files)."""
    bad = [name for name in non_ui_modules() if not all(part.isidentifier() for part in name.split("."))]
    assert bad == []
