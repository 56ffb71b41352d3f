"""What a schema cannot see in a procedure: duplicate step ids, dangling references (goto, fields,
placeholders, checks), an unknown or ill-fed operation, papers without a commit, layouts that do
not exist. Each problem is (location, message); the loader words it with file:line:field."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from teller.procedures.schema import Procedure
from teller.procedures.semantics import suggest
from teller.procedures.yaml_problems import pydantic_message

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

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



def reference_problems_of(proc: Procedure) -> list[tuple[tuple, str]]:
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
            for name in PLACEHOLDER.findall(value or ""):
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
    if isinstance(proc.effect, str):  # one operation by name; a list is checked by operation_problems
        from teller import operations

        if operations.fields_of(proc.effect) is None or operations.registry()[proc.effect].internal:
            out.append((("effect",), f"unknown effect {proc.effect!r}{suggest(proc.effect, public_operations())} (known: {', '.join(public_operations())})"))
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
    out += input_reference_problems(proc)
    return out


#: Option sources whose options carry a price (a fee may take it with `price_of`).
PRICED_OPTIONS = frozenset({"handsets"})


def input_reference_problems(proc: Procedure) -> list[tuple[tuple, str]]:
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



def public_operations() -> list[str]:
    from teller import operations

    return sorted(name for name, op in operations.registry().items() if not op.internal)



def operation_problems(proc: Procedure, layouts: Path | None) -> list[tuple[tuple, str]]:
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
                out.append(((*loc, "op"), f"unknown operation {call.op!r} (known: {', '.join(public_operations())})"))
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
                    out.append(((*loc, "params", *e["loc"]), pydantic_message(e)))
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
