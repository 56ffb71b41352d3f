"""Load procedure files: yaml safe loading, strict validation, every problem with file:line:field."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import ValidationError

from teller import safe_yaml
from teller.errors import Problem, ProcedureError
from teller.procedures.references import (  # noqa: F401 - re-exported: callers import them from the loader
    BUILTIN_FIELDS,
    BUILTIN_PLACEHOLDERS,
    PRICED_OPTIONS,
    RESERVED_LAYOUTS,
    SERVICE_FIELD,
    account_names,
    operation_problems,
    reference_problems_of,
)
from teller.procedures.schema import Procedure
from teller.procedures.semantics import Context
from teller.procedures.yaml_problems import (
    MAX_PROBLEMS,
    Lines,
    capped,
    clean_errors,
    duplicate_keys,
    effect_branch,
    field_name,
    parse_mapping,
    pydantic_message,
    read_source,
)

#: Steps one procedure may have (the shipped ones have at most 18).
MAX_STEPS = 200
#: Procedure files one folder may hold, and their total size: the console loads them all
#: before the log-in screen takes a PIN, so the whole folder is bounded, not only each file.
MAX_FILES = 200
MAX_FOLDER_BYTES = 2 * 1024 * 1024

# the names the loader had before its parts moved out (tests and older callers read them here)
_Lines, _duplicate_keys, _field_name, _capped, _pydantic_message = Lines, duplicate_keys, field_name, capped, pydantic_message


@dataclass(frozen=True)
class LoadedProcedure:
    procedure: Procedure
    path: Path
    digest: str  # sha256 of the file, recorded with every transaction it ran
    warnings: tuple[Problem, ...] = ()  # what validate reports as warnings (the file loads)

    @property
    def id(self) -> str:
        return self.procedure.id


def parse(text: str, path: str | Path = "<text>", *, layouts: str | Path | None = None, context: Context | None = None) -> LoadedProcedure:
    """Validate one procedure's text; raise ProcedureError listing every problem.

    Structure first (the schema), then references (names that must exist), then what the
    procedure does (teller.procedures.semantics, with the hall's `context`): its errors
    refuse the file, its warnings are kept on the result (`LoadedProcedure.warnings`).
    `layouts`: the receipts folder `print:` names layouts of (default: the context's, else
    see `layouts_folder`)."""
    name = str(path)
    root, data, lines = parse_mapping(text, name, "a procedure file is a mapping (id, title, steps, ...)")
    steps = data.get("steps")
    if isinstance(steps, list) and len(steps) > MAX_STEPS:
        raise ProcedureError([Problem(name, lines(("steps",)), "steps", f"too many steps ({len(steps)}; the limit is {MAX_STEPS})")])
    try:
        proc = Procedure.model_validate(data)
    except ValidationError as exc:
        errors = clean_errors(effect_branch(exc.errors(), data.get("effect")))
        problems = [  # only those shown are worded (a hint looks at the node, a suggestion compares names)
            Problem(name, lines(e["loc"]), field_name(e["loc"]), pydantic_message(e, lines.node(e["loc"])))
            for e in errors[: MAX_PROBLEMS + 1]
        ]
        problems += [Problem(name, None, "", "") for _ in errors[MAX_PROBLEMS + 1:]]  # counted by capped
        raise ProcedureError(capped(problems, name)) from None
    folder = layouts_folder(path, layouts if layouts is not None else (context.layouts_dir if context is not None else None))
    context = replace(context or Context(), layouts_dir=folder)
    found = reference_problems_of(proc) + operation_problems(proc, folder)
    problems = [
        Problem(name, lines(loc), field_name(loc), msg) for loc, msg in found
    ]
    if problems:
        raise ProcedureError(capped(problems, name))
    from teller.procedures import semantics

    try:
        findings = semantics.check(proc, context or Context())
    except Exception as exc:  # noqa: BLE001 - a file the checks did not foresee is refused, never a crash
        findings = [semantics.Finding((), f"the checks of what this procedure does failed ({type(exc).__name__}: {str(exc)[:120]}); please report it")]
    found = [Problem(name, lines(f.loc), field_name(f.loc), f.message, f.severity) for f in findings]
    errors = [p for p in found if not p.is_warning]
    if errors:
        raise ProcedureError(capped(errors, name))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedProcedure(proc, Path(path), digest, tuple(p for p in found if p.is_warning))


def default_context(folder: str | Path) -> Context:
    """The context of a procedures folder read without settings: the receipt layouts beside it
    (`receipts/` next to `scripts_yaml/`, as in a teller home) when there are any."""
    layouts = Path(folder).resolve().parent / "receipts"
    return Context(layouts_dir=layouts if layouts.is_dir() else None)


def load_file(path: str | Path, *, layouts: str | Path | None = None, context: Context | None = None) -> LoadedProcedure:
    text, p = read_source(path)
    return parse(text, p, layouts=layouts, context=context)


def procedure_files(folder: str | Path) -> list[Path]:
    return sorted(Path(folder).glob("*.yaml")) + sorted(Path(folder).glob("*.yml"))


def load_folder(folder: str | Path, *, layouts: str | Path | None = None, context: Context | None = None) -> tuple[list[LoadedProcedure], list[Problem]]:
    """Every good procedure of a folder, and every problem of the bad ones (never all-or-nothing).

    Bounded: at most MAX_FILES files and MAX_FOLDER_BYTES in all are read (each file within
    safe_yaml's limits), so a crowded or hostile folder cannot hold the log-in screen.
    The problems are the errors that kept files out; a loaded file's warnings are on it.
    """
    good: list[LoadedProcedure] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    budget = MAX_FOLDER_BYTES
    for count, path in enumerate(procedure_files(folder), 1):
        if count > MAX_FILES:
            problems.append(Problem(str(path), None, "", f"not loaded: the folder holds more than {MAX_FILES} procedure files"))
            continue
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # load_file reports it
        if size <= safe_yaml.LIMITS.max_bytes:  # a larger file is refused unread (load_file says so)
            if size > budget:
                problems.append(Problem(str(path), None, "", f"not loaded: the folder's procedure files exceed {MAX_FOLDER_BYTES:,} bytes in all"))
                continue
            budget -= size
        try:
            loaded = load_file(path, layouts=layouts, context=context)
        except ProcedureError as exc:
            problems.extend(exc.problems)
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file never keeps the others (or the log-in) from loading
            problems.append(Problem(str(path), None, "", f"unexpected error reading this file ({type(exc).__name__}: {str(exc)[:120]})"))
            continue
        if loaded.id in seen:
            problems.append(Problem(str(path), 1, "id", f"id {loaded.id!r} is also used by {seen[loaded.id].name}"))
            continue
        seen[loaded.id] = path
        good.append(loaded)
    return good, problems


def layouts_folder(path: str | Path, layouts: str | Path | None) -> Path | None:
    """The receipts folder `print:` is checked against: the one given (the console passes its
    settings' layouts folder), else `receipts/` beside the procedures folder (a teller home),
    else the checkout's `receipts/`; None when there is none to check against."""
    if layouts is not None:
        return Path(layouts)
    for candidate in (Path(path).parent.parent / "receipts", Path(__file__).resolve().parents[2] / "receipts"):
        if candidate.is_dir():
            return candidate
    return None
