"""Load procedure files: yaml safe loading, strict validation, every problem with file:line:field."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from teller import safe_yaml
from teller.errors import ProcedureError, Problem
from teller.procedures.schema import Procedure
from teller.procedures.semantics import Context, suggest

#: Steps one procedure may have (the shipped ones have at most 18).
MAX_STEPS = 200
#: Problems reported for one file; the rest are counted in a last line.
MAX_PROBLEMS = 50
#: Procedure files one folder may hold, and their total size: the console loads them all
#: before the log-in screen takes a PIN, so the whole folder is bounded, not only each file.
MAX_FILES = 200
MAX_FOLDER_BYTES = 2 * 1024 * 1024

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

#: Placeholders every spoken line may use, besides the procedure's own input fields and fee codes.
BUILTIN_PLACEHOLDERS = frozenset(
    {
        "greeting", "hall", "counter", "clerk", "total", "tendered", "change", "receipt_no",
        "customer.title", "customer.name", "customer.number", "customer.balance",
        "customer.arrears", "customer.month_charges", "customer.prepaid_1st",
        "customer.last_unpaid", "customer.points", "customer.plan", "customer.brand",
        "customer.status", "plan.name", "plan.monthly_fee", "plan.tariff", "plan.first_month_fee",
        "customer.services", "customer.reply_hours",
    }
)
#: Fields conditions may test, besides the procedure's own input fields.
BUILTIN_FIELDS = frozenset(
    {
        "customer.status", "customer.brand", "customer.plan_code", "customer.balance_fen",
        "customer.arrears_fen", "customer.points", "customer.local", "customer.exists", "total_fen",
        "customer.family_linked", "customer.family_role",
        "customer.subscription_count",
    }
)


def account_names(field: str, names: frozenset[str]) -> set[str]:
    """The `customer.*` names read for another party's account: `secondary.status`, `secondary.title`."""
    return {f"{field}.{n.removeprefix('customer.')}" for n in names if n.startswith("customer.")}


@dataclass(frozen=True)
class LoadedProcedure:
    procedure: Procedure
    path: Path
    digest: str  # sha256 of the file, recorded with every transaction it ran
    warnings: tuple[Problem, ...] = ()  # what validate reports as warnings (the file loads)

    @property
    def id(self) -> str:
        return self.procedure.id


class _Lines:
    """The line of a field path (pydantic's `loc`) in the node tree; each mapping indexed once."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root
        self._index: dict[int, dict] = {}

    def _keys(self, node: yaml.MappingNode) -> dict:
        index = self._index.get(id(node))
        if index is None:
            index = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    index.setdefault(key.value, (key, value))
            self._index[id(node)] = index
        return index

    def __call__(self, loc: tuple) -> int | None:
        return self._walk(loc)[0]

    def node(self, loc: tuple) -> yaml.Node | None:
        """The node at `loc` exactly, or None when the path does not lead to one."""
        line, node, whole = self._walk(loc)
        return node if whole else None

    def _walk(self, loc: tuple):
        node = self.root
        line = (node.start_mark.line + 1) if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                hit = self._keys(node).get(part) if isinstance(part, str) else None
                if hit is None:
                    return line, node, False
                line = hit[0].start_mark.line + 1
                node = hit[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line, node, False
        return line, node, True


def _loc_to_line(root: yaml.Node | None, loc: tuple) -> int | None:
    return _Lines(root)(loc)


def _capped(problems: list[Problem], name: str) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem(name, None, "", f"... and {more} more problems in this file")]


def _duplicate_keys(node, path: tuple = ()):
    """(line, field) of every key given twice in one mapping: YAML itself keeps the last silently."""
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    yield key.start_mark.line + 1, _field_name((*path, key.value))
                seen.add(key.value)
            yield from _duplicate_keys(value, (*path, key.value if isinstance(key, yaml.ScalarNode) else "?"))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*path, i))


def _field_name(loc: tuple) -> str:
    out = ""
    for part in loc:
        if not isinstance(part, int):
            part = str(part)
            part = part if len(part) <= 60 else part[:57] + "..."  # a hostile 100 KB key stays one short line
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_YAML_TRUE = frozenset({"yes", "y", "on", "true"})
_YAML_FALSE = frozenset({"no", "n", "off", "false"})


@functools.lru_cache(maxsize=8)
def _known_keys(root=Procedure) -> frozenset[str]:
    """Every key a file format knows (for "did you mean" on an unknown one)."""
    from pydantic import BaseModel

    seen: set[type] = set()
    keys: set[str] = set()

    def walk(model) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
            for arg in _types_in(info.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    walk(arg)

    walk(root)
    return frozenset(keys)


def _types_in(annotation):
    from typing import get_args

    yield annotation
    for arg in get_args(annotation):
        yield from _types_in(arg)


def _pydantic_message(err: dict, node: yaml.Node | None = None, root=Procedure) -> str:
    """Pydantic's message, with how to fix the usual YAML slips (`yes` read as true, a number
    where text is meant, a misspelt key)."""
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(err["loc"][-1]) if err["loc"] else ""
        return "unknown key" + suggest(key, _known_keys(root))
    if kind == "missing":
        return "required field is missing"
    msg = err["msg"].removeprefix("Value error, ")
    if isinstance(node, yaml.ScalarNode) and not node.style and kind in ("string_type", "literal_error", "enum", "bool_type", "int_type"):
        word = node.value
        if word.lower() in _YAML_TRUE | _YAML_FALSE and kind != "bool_type":
            read = "true" if word.lower() in _YAML_TRUE else "false"
            return f'{msg}: `{word}` is read as {read}: quote it ("{word}")'
        if kind == "string_type" and re.fullmatch(r"[-+]?[0-9][0-9_.:eE+-]*", word):
            return f'{msg}: `{word}` is read as a number: quote it ("{word}")'
    return msg


_TYPE_TAGS = frozenset({"str", "int", "bool", "float", "none", "list", "dict"})


def clean_errors(errors: list[dict]) -> list[dict]:
    """Pydantic's errors with the member tags of a union (`str`, `list[str]`, `Text`) taken out of
    their paths, one error per path (the first: "a string" rather than "a list")."""
    out, seen = [], set()
    for e in errors:
        loc = list(e["loc"])
        last = loc.pop() if e["type"] == "extra_forbidden" and loc else None
        loc = [p for p in loc if not (isinstance(p, str) and (p in _TYPE_TAGS or "[" in p or p[:1].isupper() or p.startswith("function-")))]
        if last is not None:
            loc.append(last)
        key = tuple(loc)
        if key in seen:
            continue
        seen.add(key)
        out.append({**e, "loc": key})
    return out


def parse(text: str, path: str | Path = "<text>", *, context: Context | None = None) -> LoadedProcedure:
    """Validate one procedure's text; raise ProcedureError listing every problem.

    Structure first (the schema), then references (names that must exist), then what the
    procedure does (teller.procedures.semantics, with the hall's `context`): its errors
    refuse the file, its warnings are kept on the result (`LoadedProcedure.warnings`)."""
    name = str(path)
    try:
        root, data = safe_yaml.parse(text)
    except safe_yaml.YamlRefused as exc:
        raise ProcedureError([Problem(name, exc.line, "", exc.message)]) from None
    duplicates = list(_duplicate_keys(root))
    if duplicates:
        raise ProcedureError(_capped([Problem(name, line, field, "duplicate key (the later one would win silently)") for line, field in duplicates], name))
    if not isinstance(data, dict):
        raise ProcedureError([Problem(name, 1, "", "a procedure file is a mapping (id, title, steps, ...)")])
    lines = _Lines(root)
    steps = data.get("steps")
    if isinstance(steps, list) and len(steps) > MAX_STEPS:
        raise ProcedureError([Problem(name, lines(("steps",)), "steps", f"too many steps ({len(steps)}; the limit is {MAX_STEPS})")])
    try:
        proc = Procedure.model_validate(data)
    except ValidationError as exc:
        errors = clean_errors(exc.errors())
        problems = [  # only those shown are worded (a hint looks at the node, a suggestion compares names)
            Problem(name, lines(e["loc"]), _field_name(e["loc"]), _pydantic_message(e, lines.node(e["loc"])))
            for e in errors[: MAX_PROBLEMS + 1]
        ]
        problems += [Problem(name, None, "", "") for _ in errors[MAX_PROBLEMS + 1:]]  # counted by _capped
        raise ProcedureError(_capped(problems, name)) from None
    problems = [
        Problem(name, lines(loc), _field_name(loc), msg) for loc, msg in _semantic_problems(proc)
    ]
    if problems:
        raise ProcedureError(_capped(problems, name))
    from teller.procedures import semantics

    try:
        findings = semantics.check(proc, context or Context())
    except Exception as exc:  # noqa: BLE001 - a file the checks did not foresee is refused, never a crash
        findings = [semantics.Finding((), f"the checks of what this procedure does failed ({type(exc).__name__}: {str(exc)[:120]}); please report it")]
    found = [Problem(name, lines(f.loc), _field_name(f.loc), f.message, f.severity) for f in findings]
    errors = [p for p in found if not p.is_warning]
    if errors:
        raise ProcedureError(_capped(errors, name))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedProcedure(proc, Path(path), digest, tuple(p for p in found if p.is_warning))


def _semantic_problems(proc: Procedure) -> list[tuple[tuple, str]]:
    """What a schema cannot see: duplicates, dangling references, unknown names."""
    from teller.domain.checks import CHECKS

    out: list[tuple[tuple, str]] = []
    step_ids: dict[str, int] = {}
    for i, step in enumerate(proc.steps):
        if step.id in step_ids:
            out.append((("steps", i, "id"), f"duplicate step id {step.id!r} (first at steps[{step_ids[step.id]}])"))
        else:
            step_ids[step.id] = i
    fields = {s.input.field for s in proc.steps if s.input}
    fee_codes = {f.code for f in proc.fees}
    placeholders = BUILTIN_PLACEHOLDERS | fields | fee_codes
    cond_fields = BUILTIN_FIELDS | fields
    lookups = {s.input.field for s in proc.steps if s.input and s.input.lookup}
    for name in {s.input.field for s in proc.steps if s.input and s.input.lookup == "account"}:
        placeholders |= account_names(name, BUILTIN_PLACEHOLDERS)
        cond_fields |= account_names(name, BUILTIN_FIELDS)

    def check_text(loc: tuple, text) -> None:
        if text is None:
            return
        for lang, value in (("zh", text.zh), ("en", text.en)):
            for name in _PLACEHOLDER.findall(value or ""):
                if name not in placeholders:
                    out.append(((*loc, lang), f"unknown placeholder {{{name}}}{suggest(name, placeholders, braces=True)}"))

    def check_target(loc: tuple, target: str | None) -> None:
        if target and target not in step_ids:
            out.append((loc, f"goto names no step: {target!r}{suggest(target, step_ids)}"))

    def check_cond(loc: tuple, cond) -> None:
        if cond is None:
            return
        for key, parts in (("all", cond.all_), ("any", cond.any_)):
            for j, part in enumerate(parts or []):
                check_cond((*loc, key, j), part)
        if cond.not_ is not None:
            check_cond((*loc, "not"), cond.not_)
        if cond.field is not None and cond.field not in cond_fields:
            out.append(((*loc, "field"), f"unknown field {cond.field!r} in condition{suggest(cond.field, cond_fields)}"))
        if cond.equals_field is not None and cond.equals_field not in cond_fields:
            out.append(((*loc, "equals_field"), f"unknown field {cond.equals_field!r} in condition{suggest(cond.equals_field, cond_fields)}"))

    for i, step in enumerate(proc.steps):
        base = ("steps", i)
        for attr in ("say", "title", "note"):
            check_text((*base, attr), getattr(step, attr))
        check_target((*base, "goto"), step.goto)
        check_cond((*base, "when"), step.when)
        for name in step.checks:
            if name not in CHECKS:
                out.append(((*base, "check"), f"unknown check {name!r}{suggest(name, CHECKS)} (known: {', '.join(sorted(CHECKS))})"))
        if step.input:
            if step.input.kind == "cash" and step.input.field != "tendered":
                out.append(((*base, "input", "field"), "the cash input's field is `tendered` (receipts and the ledger read it)"))
            if step.input.of is not None and step.input.of not in lookups:
                out.append(((*base, "input", "of"), f"`of` names no phone input with `lookup`: {step.input.of!r}"))
            if step.input.same_as and step.input.same_as not in fields:
                out.append(((*base, "input", "same_as"), f"same_as names no input field: {step.input.same_as!r}"))
            for j, choice in enumerate(step.input.choices or []):
                check_target((*base, "input", "choices", j, "goto"), choice.goto)
                check_text((*base, "input", "choices", j, "label"), choice.label)
    for name, text in proc.refusals.items():
        check_text(("refusals", name), text)
    for i, fee in enumerate(proc.fees):
        if fee.input and fee.code not in fields:
            out.append((("fees", i, "input"), f"no input step has field {fee.code!r} for this fee"))
        check_cond(("fees", i, "when"), fee.when)
    from teller import operations

    if proc.effect and operations.fields_of(proc.effect) is None:
        out.append((("effect",), f"unknown effect {proc.effect!r}{suggest(proc.effect, operations.registry())} (known: {', '.join(sorted(operations.registry()))})"))
    elif proc.effect:
        missing = operations.fields_of(proc.effect) - fields
        if missing:
            out.append((("effect",), f"effect {proc.effect!r} needs input fields: {', '.join(sorted(missing))}"))
    kinds = [s.kind for s in proc.steps]
    if proc.effect and "commit" not in kinds:
        out.append((("effect",), "a procedure with an effect needs a commit step"))
    if "commit" in kinds and not proc.effect:
        out.append((("effect",), "a commit step needs the procedure's `effect`"))
    if kinds.count("commit") > 1:
        out.append((("steps",), "only one commit step per procedure"))
    if proc.print and not proc.effect:
        out.append((("print",), "receipts print after a commit: set `effect`"))
    out += _reference_problems(proc)
    return out


#: Option sources whose options carry a price (a fee may take it with `price_of`).
PRICED_OPTIONS = frozenset({"handsets"})


def _reference_problems(proc: Procedure) -> list[tuple[tuple, str]]:
    """Fields named by `after`, `staff_field` and a fee's `price_of` must be inputs of the right kind."""
    out: list[tuple[tuple, str]] = []
    specs = {}
    for i, step in enumerate(proc.steps):
        spec = step.input
        if spec is None:
            continue
        base = ("steps", i, "input")
        if spec.after:
            earlier = specs.get(spec.after)
            if earlier is None or earlier.kind not in ("date", "datetime"):
                out.append(((*base, "after"), f"after names no earlier date input: {spec.after!r}"))
        if spec.staff_field and spec.staff_field not in specs:
            out.append(((*base, "staff_field"), f"staff_field names no earlier input: {spec.staff_field!r}"))
        specs.setdefault(spec.field, spec)
    for i, fee in enumerate(proc.fees):
        if fee.price_of:
            spec = specs.get(fee.price_of)
            if spec is None or spec.options not in PRICED_OPTIONS:
                out.append((("fees", i, "price_of"), f"price_of needs a choice input with priced options ({', '.join(sorted(PRICED_OPTIONS))}): {fee.price_of!r}"))
    return out


def default_context(folder: str | Path) -> Context:
    """The context of a procedures folder read without settings: the receipt layouts beside it
    (`receipts/` next to `scripts_yaml/`, as in a teller home) when there are any."""
    layouts = Path(folder).resolve().parent / "receipts"
    return Context(layouts_dir=layouts if layouts.is_dir() else None)


def load_file(path: str | Path, *, context: Context | None = None) -> LoadedProcedure:
    p = Path(path)
    context = context or default_context(p.parent)
    try:
        text = safe_yaml.read_text(p)
    except FileNotFoundError:
        raise ProcedureError([Problem(str(p), None, "", "file not found")]) from None
    except safe_yaml.YamlRefused as exc:
        raise ProcedureError([Problem(str(p), exc.line, "", exc.message)]) from None
    return parse(text, p, context=context)


def procedure_files(folder: str | Path) -> list[Path]:
    return sorted(Path(folder).glob("*.yaml")) + sorted(Path(folder).glob("*.yml"))


def load_folder(folder: str | Path, *, context: Context | None = None) -> tuple[list[LoadedProcedure], list[Problem]]:
    """Every good procedure of a folder, and every problem of the bad ones (never all-or-nothing).

    Bounded: at most MAX_FILES files and MAX_FOLDER_BYTES in all are read (each file within
    safe_yaml's limits), so a crowded or hostile folder cannot hold the log-in screen.
    The problems are the errors that kept files out; a loaded file's warnings are on it.
    """
    context = context or default_context(folder)
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
            loaded = load_file(path, context=context)
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
