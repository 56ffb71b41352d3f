"""Load procedure files: yaml safe loading, strict validation, every problem with file:line:field."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, replace
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
        "customer.services", "customer.reply_hours", "customer.deposit", "hall.opens", "hall.closes",
    }
)
#: Fields conditions may test, besides the procedure's own input fields.
BUILTIN_FIELDS = frozenset(
    {
        "customer.status", "customer.brand", "customer.plan_code", "customer.balance_fen",
        "customer.arrears_fen", "customer.points", "customer.local", "customer.exists", "total_fen",
        "customer.family_linked", "customer.family_role",
        "customer.subscription_count", "customer.deposit_fen",
        "change",  # the change of the cash step (0: exact cash, 收您…元整好)
    }
)
#: Conditions may also test `customer.service.<code>`: present (true) while the number holds that
#: service (a value-added service or a flag opened by open_service), absent otherwise.
SERVICE_FIELD = re.compile(r"^customer\.service\.[a-z][a-z0-9_]*$")
#: Layouts of receipts/ that a void or a shift prints, never a procedure's commit.
RESERVED_LAYOUTS = frozenset({"void", "settlement"})


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


def parse(text: str, path: str | Path = "<text>", *, layouts: str | Path | None = None, context: Context | None = None) -> LoadedProcedure:
    """Validate one procedure's text; raise ProcedureError listing every problem.

    Structure first (the schema), then references (names that must exist), then what the
    procedure does (teller.procedures.semantics, with the hall's `context`): its errors
    refuse the file, its warnings are kept on the result (`LoadedProcedure.warnings`).
    `layouts`: the receipts folder `print:` names layouts of (default: the context's, else
    see `layouts_folder`)."""
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
        errors = clean_errors(_effect_branch(exc.errors(), data.get("effect")))
        problems = [  # only those shown are worded (a hint looks at the node, a suggestion compares names)
            Problem(name, lines(e["loc"]), _field_name(e["loc"]), _pydantic_message(e, lines.node(e["loc"])))
            for e in errors[: MAX_PROBLEMS + 1]
        ]
        problems += [Problem(name, None, "", "") for _ in errors[MAX_PROBLEMS + 1:]]  # counted by _capped
        raise ProcedureError(_capped(problems, name)) from None
    folder = layouts_folder(path, layouts if layouts is not None else (context.layouts_dir if context is not None else None))
    context = replace(context or Context(), layouts_dir=folder)
    found = _semantic_problems(proc) + _generic_problems(proc, folder)
    problems = [
        Problem(name, lines(loc), _field_name(loc), msg) for loc, msg in found
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
        if cond.field is not None and cond.field not in cond_fields and not SERVICE_FIELD.match(cond.field):
            out.append(((*loc, "field"), f"unknown field {cond.field!r} in condition{suggest(cond.field, cond_fields)}"))
        if cond.equals_field is not None and cond.equals_field not in cond_fields:
            out.append(((*loc, "equals_field"), f"unknown field {cond.equals_field!r} in condition{suggest(cond.equals_field, cond_fields)}"))

    for i, step in enumerate(proc.steps):
        base = ("steps", i)
        for attr in ("say", "title", "note"):
            check_text((*base, attr), getattr(step, attr))
        for j, alt in enumerate(step.instead):
            check_text((*base, "instead", j, "say"), alt.say)
            check_cond((*base, "instead", j, "when"), alt.when)
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
    for group in ("all_of", "any_of"):
        for j, doc in enumerate(getattr(proc.documents, group)):
            if not isinstance(doc, str):
                check_cond(("documents", group, j, "when"), doc.when)
    for i, fee in enumerate(proc.fees):
        if fee.input and fee.code not in fields:
            out.append((("fees", i, "input"), f"no input step has field {fee.code!r} for this fee"))
        check_cond(("fees", i, "when"), fee.when)
    if isinstance(proc.effect, str):  # one operation by name; a list is checked by _generic_problems
        from teller import operations

        if operations.fields_of(proc.effect) is None or operations.registry()[proc.effect].internal:
            out.append((("effect",), f"unknown effect {proc.effect!r}{suggest(proc.effect, _public_operations())} (known: {', '.join(_public_operations())})"))
        elif operations.registry()[proc.effect].params is not None:
            out.append((("effect",), f"effect {proc.effect!r} takes params: write it as a list, `effect: [{{op: {proc.effect}, params: {{...}}}}]`"))
        else:
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
    if proc.paper and not proc.effect:
        out.append((("paper",), "paper lines print after a commit: set `effect`"))
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


def load_file(path: str | Path, *, layouts: str | Path | None = None, context: Context | None = None) -> LoadedProcedure:
    p = Path(path)
    try:
        text = safe_yaml.read_text(p)
    except FileNotFoundError:
        raise ProcedureError([Problem(str(p), None, "", "file not found")]) from None
    except safe_yaml.YamlRefused as exc:
        raise ProcedureError([Problem(str(p), exc.line, "", exc.message)]) from None
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


# ---- issue 9 (genops): generic operations, paper lines, any layout ------------------------------


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


def _public_operations() -> list[str]:
    from teller import operations

    return sorted(name for name, op in operations.registry().items() if not op.internal)


def _effect_branch(errors: list, effect) -> list:
    """Pydantic reports a union field's errors for each branch (`effect` is a name or a list):
    keep the branch the file wrote, without the branch tag in the location."""
    out = []
    for err in errors:
        loc = tuple(err["loc"])
        if loc[:1] == ("effect",) and len(loc) > 1 and isinstance(loc[1], str):
            wrote_list = isinstance(effect, list)
            if loc[1].startswith("list[") != wrote_list:
                continue
            if not wrote_list and not isinstance(effect, str):
                err = {**err, "type": "value_error", "msg": "an operation name, or a list of {op, params, when}"}
            err = {**err, "loc": (loc[0], *loc[2:])}
            if err in out:
                continue
        out.append(err)
    return out


def _generic_problems(proc: Procedure, layouts: Path | None) -> list[tuple[tuple, str]]:
    """The effect's list (operations, params, fields they need, reversibility), paper lines and layouts."""
    from teller import operations

    out: list[tuple[tuple, str]] = []
    specs = {s.input.field: s.input for s in proc.steps if s.input}
    fields, fee_codes = set(specs), {f.code for f in proc.fees}
    known = operations.registry()
    secret = {"password", "new_password"}
    cond_fields = BUILTIN_FIELDS | fields
    for name in {f for f, spec in specs.items() if spec.lookup == "account"}:
        cond_fields |= account_names(name, BUILTIN_FIELDS)
    if isinstance(proc.effect, list):
        if not proc.effect:
            out.append((("effect",), "an empty list: name at least one operation"))
        for i, call in enumerate(proc.effect):
            loc = ("effect", i)
            op = known.get(call.op)
            if op is None or op.internal:
                out.append(((*loc, "op"), f"unknown operation {call.op!r} (known: {', '.join(_public_operations())})"))
                continue
            for attr in ("field", "equals_field"):
                name = getattr(call.when, attr, None) if call.when is not None else None
                if name is not None and name not in cond_fields and not SERVICE_FIELD.match(name):
                    out.append(((*loc, "when", attr), f"unknown field {name!r} in condition"))
            missing = op.fields - fields
            if missing:
                out.append(((*loc, "op"), f"operation {call.op!r} needs input fields: {', '.join(sorted(missing))}"))
            if op.params is None:
                if call.params:
                    out.append(((*loc, "params"), f"operation {call.op!r} takes no params"))
                continue
            try:
                params = op.params.model_validate(call.params or {})
            except ValidationError as exc:
                for e in exc.errors():
                    out.append(((*loc, "params", *e["loc"]), _pydantic_message(e)))
                continue
            for where, kind, name in params.references():
                if kind == "fee" and name not in fee_codes:
                    out.append(((*loc, "params", *where), f"no fee has code {name!r}"))
                elif kind == "field" and name not in fields:
                    out.append(((*loc, "params", *where), f"no input step has field {name!r}"))
                elif kind == "field" and specs[name].kind in secret:
                    out.append(((*loc, "params", *where), f"{name!r} is a secret ({specs[name].kind}): it is never kept"))
    if proc.reversible == "required":
        for i, call in enumerate(proc.calls):
            op = known.get(call.op)
            if op is not None and op.reverse is None:
                from teller.strings import t

                loc = ("effect",) if isinstance(proc.effect, str) else ("effect", i, "op")
                out.append((loc, f"operation {call.op!r} cannot be reversed ({t(op.irreversible)}) and this procedure says `reversible: required`"))
    for i, line in enumerate(proc.paper):
        spec = specs.get(line.field)
        if spec is None and line.field not in fee_codes:
            out.append((("paper", i, "field"), f"no input step or fee has field {line.field!r}"))
        elif spec is not None and spec.kind in secret:
            out.append((("paper", i, "field"), f"{line.field!r} is a secret ({spec.kind}): it never prints"))
    for i, name in enumerate(proc.print):
        if name in RESERVED_LAYOUTS:
            out.append((("print", i), f"layout {name!r} is printed by a {'void' if name == 'void' else 'shift settlement'}, not by a procedure"))
        elif layouts is not None and not (layouts / f"{name}.yaml").is_file():
            have = ", ".join(sorted(p.stem for p in layouts.glob("*.yaml") if p.stem not in RESERVED_LAYOUTS))
            out.append((("print", i), f"no layout {name!r} in {layouts} (have: {have})"))
    return out
