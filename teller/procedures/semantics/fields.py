"""Field-flow checks: duplicate choices, one field written twice, condition values no answer can
have, secrets in conditions or lines, and placeholders or conditions that read a field before it
is set (or when it can be empty)."""

from __future__ import annotations

from teller.procedures.schema import Condition, Procedure, Step
from teller.procedures.semantics.findings import (
    PLACEHOLDER,
    WARNING,
    Finding,
    step_named,
    suggest,
)
from teller.procedures.semantics.flow import Flow, comparisons, fails_if
from teller.procedures.semantics.language import (
    BOOLEAN_FIELDS,
    KNOWN_VALUES,
    NUMBER_FIELDS,
    NUMBER_KINDS,
    SECRET_KINDS,
)


def check_choices_and_fields(proc: Procedure, flow: Flow) -> list[Finding]:
    out: list[Finding] = []
    specs: dict[str, list[int]] = {}
    for i, step in enumerate(proc.steps):
        spec = step.input
        if spec is None:
            continue
        specs.setdefault(spec.field, []).append(i)
        seen: dict[str, int] = {}
        for j, choice in enumerate(spec.choices or []):
            if choice.value in seen:
                out.append(Finding(("steps", i, "input", "choices", j, "value"), step_named(step) + f"duplicate choice value {choice.value!r} (also choices[{seen[choice.value]}]): the clerk could not tell them apart and only the first is ever taken; give each choice its own value"))
            seen.setdefault(choice.value, j)
    # one field written by two inputs: only when the two can never run in one visit
    for name, where in specs.items():
        for a, b in zip(where, where[1:]):
            sa, sb = proc.steps[a], proc.steps[b]
            if _exclusive(sa.when, sb.when) or not _follows(flow, a, b):
                continue
            out.append(Finding(("steps", b, "input", "field"), step_named(sb) + f"field {name!r} is also written by step `{sa.id}`: the later answer silently replaces the earlier; give each input its own field (or make the two steps exclusive with `when`)"))
    # a condition value no choice can produce; a secret in a condition
    kinds = {s.input.field: s.input for s in proc.steps if s.input}
    for loc, cond, step in _conditions(proc):
        where = step_named(step) if step else (f"fee `{proc.fees[loc[1]].code}`: " if loc[0] == "fees" else f"effect[{loc[1]}]: ")
        spec = kinds.get(cond.field)
        if spec is not None and spec.kind in SECRET_KINDS:
            out.append(Finding((*loc, "field"), where + f"condition reads {cond.field!r}, a {spec.kind}: secrets are never kept to compare; test the choice that led to it instead"))
            continue
        out += [Finding((*loc, key), where + msg) for key, msg in _condition_values(cond, spec, flow)]
    return out



def _conditions(proc: Procedure):
    for i, step in enumerate(proc.steps):
        for loc, cond in comparisons(("steps", i, "when"), step.when):
            yield loc, cond, step
        for j, alt in enumerate(step.instead):
            for loc, cond in comparisons(("steps", i, "instead", j, "when"), alt.when):
                yield loc, cond, step
    if isinstance(proc.effect, list):
        for i, call in enumerate(proc.effect):
            for loc, cond in comparisons(("effect", i, "when"), call.when):
                yield loc, cond, None
    for i, fee in enumerate(proc.fees):
        for loc, cond in comparisons(("fees", i, "when"), fee.when):
            yield loc, cond, None


def _values(cond: Condition) -> list[tuple[str, object]]:
    out = []
    if cond.equals is not None:
        out.append(("equals", cond.equals))
    if cond.not_equals is not None:
        out.append(("not_equals", cond.not_equals))
    for v in cond.in_ or []:
        out.append(("in", v))
    return out


def _condition_values(cond: Condition, spec, flow: Flow) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    name = cond.field
    attr = name.partition(".")[2] if "." in name and name.partition(".")[0] in ({"customer"} | flow.secondary) else None
    numeric = attr in NUMBER_FIELDS or name == "total_fen" or (spec is not None and spec.kind in NUMBER_KINDS)
    if (cond.lt is not None or cond.gt is not None) and not numeric:
        what = f"a {spec.kind}" if spec is not None else "not a number"
        out.append(("lt" if cond.lt is not None else "gt", f"`lt`/`gt` compare numbers; {name!r} is {what}: use `equals` or `in`"))
    values = _values(cond)
    if spec is not None and spec.kind == "choice" and spec.choices:
        allowed = [c.value for c in spec.choices]
        for key, v in values:
            if isinstance(v, bool):
                out.append((key, f"{_yaml_word(v)} is read as {str(v).lower()}, not as text: quote it ({_quoted(v, allowed)})"))
            elif str(v) not in allowed:
                out.append((key, f"no choice of {name!r} is {v!r} (its values: {', '.join(allowed)}){suggest(str(v), allowed)}: the condition {'never holds' if key != 'not_equals' else 'always holds'}"))
    elif attr in KNOWN_VALUES:
        allowed = sorted(KNOWN_VALUES[attr])
        for key, v in values:
            if str(v) not in KNOWN_VALUES[attr]:
                shown = ", ".join(a or '""' for a in allowed)
                out.append((key, f"{name!r} is never {v!r} (its values: {shown}){suggest(str(v), allowed)}"))
    elif attr in BOOLEAN_FIELDS:
        for key, v in values:
            if not isinstance(v, bool):
                out.append((key, f"{name!r} is true or false: write `{key}: {str(v).lower() in ('true', 'yes', '1') and 'true' or 'false'}` unquoted (the text {v!r} never matches)"))
    return out


def _yaml_word(v: bool) -> str:
    return "`yes`" if v else "`no`"


def _quoted(v: bool, allowed: list[str]) -> str:
    words = ("yes", "true", "on", "y") if v else ("no", "false", "off", "n")
    hit = next((a for a in allowed if a.lower() in words), words[0])
    return f'"{hit}"'


def _exclusive(a: Condition | None, b: Condition | None) -> bool:
    """Two conditions that can never both hold: one field, disjoint values (or exists true/false)."""
    if a is None or b is None or a.field is None or b.field is None or a.field != b.field:
        return False
    if a.exists is not None and b.exists is not None:
        return a.exists != b.exists

    def allowed(c: Condition):
        if c.equals is not None:
            return {str(c.equals)}, False
        if c.in_ is not None:
            return {str(v) for v in c.in_}, False
        if c.not_equals is not None:
            return {str(c.not_equals)}, True
        return None, False

    va, na = allowed(a)
    vb, nb = allowed(b)
    if va is None or vb is None:
        return False
    if not na and not nb:
        return not (va & vb)
    if na and not nb:
        return vb <= va
    if nb and not na:
        return va <= vb
    return False


def _follows(flow: Flow, a: int, b: int) -> bool:
    """Whether step b can run after step a in one visit (not across `again`)."""
    return ("exec", b) in flow.reachable(("exec", a), through_reset=False)



def _texts(flow: Flow, step: Step, base: tuple):
    """(loc, text, facts its being said implies) of every text of a step: the main `say` is said
    when no `instead` holds, an `instead` line when its condition holds."""
    unless = frozenset()
    for alt in step.instead:
        unless |= {flow.fact_of(name) for name, op, value in fails_if(alt.when) if op in ("eq", "in") or (op == "exists" and value)} - {None}
    for attr in ("say", "title", "note"):
        text = getattr(step, attr)
        if text is not None:
            yield (*base, attr), text, unless if attr == "say" else frozenset()
    for j, alt in enumerate(step.instead):
        yield (*base, "instead", j, "say"), alt.say, flow.cond_facts(alt.when)
    for j, choice in enumerate(step.input.choices or [] if step.input else []):
        yield (*base, "input", "choices", j, "label"), choice.label, frozenset()


def check_facts_read(proc: Procedure, flow: Flow) -> list[Finding]:
    """Placeholders and conditions that read a field before it is set, or that can be empty."""
    must, may = flow.facts(must=True), flow.facts(must=False)
    specs = {s.input.field: s.input for s in proc.steps if s.input}
    setters = {}
    for s in proc.steps:
        if s.input:
            for fact in flow.input_facts(s.input):
                setters.setdefault(fact, s.id)
    setters.setdefault("receipt_no", next((s.id for s in proc.steps if s.kind == "commit"), None))
    out: list[Finding] = []
    reported: set[tuple] = set()

    def gate_facts(i: int, node: tuple, table: dict) -> frozenset:
        base = table.get(node, frozenset())
        step = proc.steps[i]
        return base | flow.cond_facts(step.when) if step.kind == "gate" and step.when is not None else base

    for i, step in enumerate(proc.steps):
        node = ("at", i) if step.kind == "gate" else ("exec", i)
        if node not in may:
            continue  # unreachable: reported once, above
        must_here, may_here = gate_facts(i, node, must), gate_facts(i, node, may)
        base = ("steps", i)
        for loc, text, implied in _texts(flow, step, base):
            for lang, value in (("zh", text.zh), ("en", text.en)):
                for name in PLACEHOLDER.findall(value or ""):
                    spec = specs.get(name)
                    if spec is not None and spec.kind in SECRET_KINDS:
                        key = (i, name, "secret")
                        if key not in reported:
                            reported.add(key)
                            out.append(Finding((*loc, lang), step_named(step) + f"{{{name}}} is a {spec.kind}: a secret is never said or shown (it would read empty); remove it"))
                        continue
                    fact = flow.fact_of(name)
                    if fact is None or fact in must_here or fact in implied:
                        continue
                    key = (i, name)
                    if key in reported:
                        continue
                    reported.add(key)
                    if fact not in may_here:
                        out.append(Finding((*loc, lang), step_named(step) + f"{{{name}}} is read before any step sets it{_set_by(fact, setters, step.id)}: it would be said empty; move the line after that step"))
                    else:
                        where_empty = _empty_path(flow, node, fact)
                        if where_empty is not None:  # None: no path on which it is empty can really be taken
                            out.append(Finding((*loc, lang), step_named(step) + f"{{{name}}} can be empty here{where_empty}: say it only on the path that sets it (a step with `when`), or ask for it first", WARNING))
        # a condition reads its fields when the run arrives at the step
        here = may.get(("at", i), frozenset())
        for loc, cond in comparisons((*base, "when"), step.when):
            for key, name in (("field", cond.field), ("equals_field", cond.equals_field)):
                fact = flow.fact_of(name) if name else None
                if fact is not None and fact not in here:
                    out.append(Finding((*loc, key), step_named(step) + f"the condition reads {name!r} before any step sets it{_set_by(fact, setters, step.id)}: it never holds (or always, for not_equals); move the step after it"))
    return out


def _set_by(fact: str, setters: dict, here: str) -> str:
    who = setters.get(fact)
    if fact == "customer" and who is None:
        return " (no step looks up the customer: `input: {kind: phone, lookup: customer}`)"
    if who and who != here:
        return f" (step `{who}` sets it, later)"
    if who == here:
        return " (this step sets it: the line is said before the answer)"
    return ""


def _empty_path(flow: Flow, node: tuple, fact: str) -> str | None:
    """` (on the path a → b → c)` along which `fact` is not set on arrival at node."""
    # a path from the start to `node` along no edge that sets the fact (nor starts a new visit)
    path = flow.feasible_path(("at", 0), lambda n: n == node, edge_ok=lambda e: fact not in e.sets and not e.reset)
    if path is None:
        return None
    return f" (on the path {flow.steps_on(path[:-1]) or 'from the start'})"
