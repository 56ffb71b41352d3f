"""Load procedure files: yaml safe loading, strict validation, every problem with file:line:field."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from teller.errors import ProcedureError, Problem
from teller.procedures.schema import Procedure

try:  # the C loader is the same safe loader, several times faster
    _SafeLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _SafeLoader = yaml.SafeLoader

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

    @property
    def id(self) -> str:
        return self.procedure.id


def _loc_to_line(root: yaml.Node | None, loc: tuple) -> int | None:
    node, line = root, (root.start_mark.line + 1) if root is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    line = key.start_mark.line + 1
                    node = value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _duplicate_keys(node, path: tuple = ()):
    """(line, field) of every key given twice in one mapping: YAML itself keeps the last silently."""
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key, value in node.value:
            if key.value in seen:
                yield key.start_mark.line + 1, _field_name((*path, key.value))
            seen.add(key.value)
            yield from _duplicate_keys(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*path, i))


def _field_name(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _pydantic_message(err: dict) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    msg = err["msg"]
    return msg.removeprefix("Value error, ")


def parse(text: str, path: str | Path = "<text>") -> LoadedProcedure:
    """Validate one procedure's text; raise ProcedureError listing every problem."""
    name = str(path)
    try:
        loader = _SafeLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProcedureError([Problem(name, line, "", f"YAML syntax: {problem}")]) from None
    duplicates = list(_duplicate_keys(root))
    if duplicates:
        raise ProcedureError([Problem(name, line, field, "duplicate key (the later one would win silently)") for line, field in duplicates])
    if not isinstance(data, dict):
        raise ProcedureError([Problem(name, 1, "", "a procedure file is a mapping (id, title, steps, ...)")])
    try:
        proc = Procedure.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(name, _loc_to_line(root, e["loc"]), _field_name(e["loc"]), _pydantic_message(e))
            for e in exc.errors()
        ]
        raise ProcedureError(problems) from None
    problems = [
        Problem(name, _loc_to_line(root, loc), _field_name(loc), msg) for loc, msg in _semantic_problems(proc)
    ]
    if problems:
        raise ProcedureError(problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedProcedure(proc, Path(path), digest)


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
                    out.append(((*loc, lang), f"unknown placeholder {{{name}}}"))

    def check_target(loc: tuple, target: str | None) -> None:
        if target and target not in step_ids:
            out.append((loc, f"goto names no step: {target!r}"))

    def check_cond(loc: tuple, cond) -> None:
        if cond is not None and cond.field not in cond_fields:
            out.append(((*loc, "field"), f"unknown field {cond.field!r} in condition"))
        if cond is not None and cond.equals_field is not None and cond.equals_field not in cond_fields:
            out.append(((*loc, "equals_field"), f"unknown field {cond.equals_field!r} in condition"))

    for i, step in enumerate(proc.steps):
        base = ("steps", i)
        for attr in ("say", "title", "note"):
            check_text((*base, attr), getattr(step, attr))
        check_target((*base, "goto"), step.goto)
        check_cond((*base, "when"), step.when)
        for name in step.checks:
            if name not in CHECKS:
                out.append(((*base, "check"), f"unknown check {name!r} (known: {', '.join(sorted(CHECKS))})"))
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
    for i, fee in enumerate(proc.fees):
        if fee.input and fee.code not in fields:
            out.append((("fees", i, "input"), f"no input step has field {fee.code!r} for this fee"))
        check_cond(("fees", i, "when"), fee.when)
    from teller import operations

    if proc.effect and operations.fields_of(proc.effect) is None:
        out.append((("effect",), f"unknown effect {proc.effect!r} (known: {', '.join(sorted(operations.registry()))})"))
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


def load_file(path: str | Path) -> LoadedProcedure:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProcedureError([Problem(str(p), None, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ProcedureError([Problem(str(p), None, "", f"not UTF-8 text ({exc.reason})")]) from None
    return parse(text, p)


def procedure_files(folder: str | Path) -> list[Path]:
    return sorted(Path(folder).glob("*.yaml")) + sorted(Path(folder).glob("*.yml"))


def load_folder(folder: str | Path) -> tuple[list[LoadedProcedure], list[Problem]]:
    """Every good procedure of a folder, and every problem of the bad ones (never all-or-nothing)."""
    good: list[LoadedProcedure] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for path in procedure_files(folder):
        try:
            loaded = load_file(path)
        except ProcedureError as exc:
            problems.extend(exc.problems)
            continue
        if loaded.id in seen:
            problems.append(Problem(str(path), 1, "id", f"id {loaded.id!r} is also used by {seen[loaded.id].name}"))
            continue
        seen[loaded.id] = path
        good.append(loaded)
    return good, problems
