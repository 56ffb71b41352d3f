"""What a procedure *does*, checked before a clerk ever runs it.

The schema (teller.procedures.schema) says what a file may hold and the loader's reference
checks that every name it uses exists. This module walks the flow the engine will walk and
reports what would move money wrongly, hide a step, loop forever, read a field before it is
set, or print a blank paper. Each finding is an **error** (the file is refused) or a
**warning** (the file loads, and `validate` says so; `--strict` refuses it too).

The flow is a graph over two nodes per step, as the engine (`Run._arrive` / `Run._go`) moves:
`at i` (the run arrives at step i: a gate stops when its condition holds, a step with `when`
is entered or skipped) and `exec i` (the step runs: its line is said, its input set, then it
moves on). Facts (which fields are set) flow forward along the edges: a fact *must* hold at a
node when every path sets it, *may* hold when some path does. Conditions are not evaluated:
every `when` may hold or not, which is what a file can promise.

Pure: no database, no printer, no Textual. Called by the loader (`loader.parse`).
"""

from __future__ import annotations

import difflib
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from teller.procedures.schema import Condition, Procedure, Step

ERROR, WARNING = "error", "warning"

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

#: The payment limit of a hall that sets none (teller.config.Settings.payment_limit_fen).
DEFAULT_PAYMENT_LIMIT_FEN = 500_000


@dataclass(frozen=True)
class Context:
    """What the checks know of the hall: its payment limit, and where its receipt layouts are."""

    payment_limit_fen: int = DEFAULT_PAYMENT_LIMIT_FEN
    layouts_dir: Path | None = None


@dataclass(frozen=True)
class Finding:
    loc: tuple
    message: str
    severity: str = ERROR


def suggest(name: str, known: Iterable[str], *, braces: bool = False) -> str:
    """` (did you mean `{amount}`?)` for a near miss, else ''."""
    hits = difflib.get_close_matches(str(name), sorted(set(known)), n=1, cutoff=0.6)
    if not hits:
        return ""
    hit = f"{{{hits[0]}}}" if braces else hits[0]
    return f" (did you mean `{hit}`?)"


# ---- what the checks need to know of the language ------------------------------------------------

#: Always there: the hall, the clock, the total (0 before any fee applies).
ALWAYS = frozenset({"greeting", "hall", "counter", "clerk", "total", "total_fen", "customer.exists"})

#: Known values of the built-in condition fields (a condition testing another value never holds).
KNOWN_VALUES: dict[str, frozenset] = {
    "status": frozenset({"active", "suspended_arrears", "suspended_lost", "closed"}),
    "brand": frozenset({"全球通", "动感地带", "神州行"}),
    "family_role": frozenset({"main", "secondary", ""}),
}
BOOLEAN_FIELDS = frozenset({"local", "exists", "family_linked"})
NUMBER_FIELDS = frozenset({"balance_fen", "arrears_fen", "points", "subscription_count"})

#: The input kinds each named check can read (a name check on money refuses every amount).
CHECK_KINDS: dict[str, frozenset[str]] = {
    "holder_name_matches": frozenset({"text"}),
    "id_matches_holder": frozenset({"id_number"}),
    "covers_arrears": frozenset({"money"}),
    "bill_month_not_printed": frozenset({"choice"}),
    "points_cover_reward": frozenset({"choice"}),
    "id_quota": frozenset({"id_number"}),
    "id_is_not_holder": frozenset({"id_number"}),
    "plan_is_new": frozenset({"choice"}),
    "password_is_new": frozenset({"new_password"}),
    "imei_valid": frozenset({"text"}),
}
#: A check on a choice reads the value of one catalogue.
CHECK_OPTIONS: dict[str, str] = {"bill_month_not_printed": "bill_months", "points_cover_reward": "rewards", "plan_is_new": "plans"}

#: Inputs whose answer is a secret (a supervisor_pin input keeps the supervisor's staff number,
#: never the PIN: `{approval}` says who authorised, and is no secret).
SECRET_KINDS = frozenset({"password", "new_password"})
NUMBER_KINDS = frozenset({"money", "cash"})

#: Values a transaction's receipt fills (teller.printing.jobs.receipt_data), by what they need.
RECEIPT_ALWAYS = frozenset({
    "hall", "counter", "clerk", "time", "receipt_no", "procedure", "procedure_version", "total", "title", "copy", "status",
    "total_capital",
})
RECEIPT_CUSTOMER = frozenset({"customer_number", "customer_name", "customer_id"})
RECEIPT_CASH = frozenset({"tendered", "change"})
def _receipt_optional() -> frozenset[str]:
    """Filled only when a feature or an operation records them with the transaction (`_receipt`,
    Outcome.receipt): shown under `if:`."""
    from teller.layout_file import EXTRA_PLACEHOLDERS

    return frozenset(EXTRA_PLACEHOLDERS)
#: Layouts a commit never prints: what they show is not a transaction's.
NOT_FOR_COMMITS = {  # (void and settlement are refused by the loader's references, before these checks)
    "void": "the void slip is printed by a void (F7, `teller-admin tx void`), never by a commit: remove it from `print`",
    "settlement": "the settlement slip is printed when a shift closes, never by a commit: remove it from `print`",
    "testpage": "the test page is for the printer (`teller-admin receipts test-page`): remove it from `print`",
}


# ---- the flow graph -------------------------------------------------------------------------------

FINISH, STOP = ("finish",), ("stop",)


@dataclass(frozen=True)
class Edge:
    target: tuple
    sets: frozenset = frozenset()  # facts the move sets (an input's field, `tendered`, ...)
    reset: bool = False  # `again`: a fresh visit, every answer cleared
    label: str = ""
    assume: tuple = ()  # what must be true of the answers to take it: (field, op, value), op eq|ne|in|nin|exists
    clears: frozenset = frozenset()  # fields given a new value (what was assumed of them no longer holds)


def _simple(cond: Condition) -> bool:
    return cond.field is not None and cond.equals_field is None and cond.lt is None and cond.gt is None


def holds_if(cond: Condition | None) -> tuple:
    """What the answers are when the condition holds (as far as equals / in / exists tell)."""
    if cond is None:
        return ()
    if cond.all_ is not None:
        return tuple(a for c in cond.all_ for a in holds_if(c))
    if cond.any_ is not None:
        return ()
    if cond.not_ is not None:
        return fails_if(cond.not_)
    if not _simple(cond):
        return ()
    if cond.equals is not None:
        return ((cond.field, "eq", str(cond.equals)),)
    if cond.not_equals is not None:
        return ((cond.field, "ne", str(cond.not_equals)),)
    if cond.in_ is not None:
        return ((cond.field, "in", frozenset(str(v) for v in cond.in_)),)
    return ((cond.field, "exists", bool(cond.exists)),)


def fails_if(cond: Condition | None) -> tuple:
    """What the answers are when the condition does not hold."""
    if cond is None:
        return ()
    if cond.any_ is not None:
        return tuple(a for c in cond.any_ for a in fails_if(c))
    if cond.all_ is not None:
        return ()
    if cond.not_ is not None:
        return holds_if(cond.not_)
    if not _simple(cond):
        return ()
    if cond.equals is not None:
        return ((cond.field, "ne", str(cond.equals)),)
    if cond.not_equals is not None:
        return ((cond.field, "eq", str(cond.not_equals)),)
    if cond.in_ is not None:
        return ((cond.field, "nin", frozenset(str(v) for v in cond.in_)),)
    return ((cond.field, "exists", not cond.exists),)


def _assume(state: dict, assumptions: tuple, clears: frozenset = frozenset()) -> dict | None:
    """The constraints after a move (None: the move contradicts what the path already assumed).
    state: field -> (allowed values or None, excluded values, exists or None)."""
    out = {k: v for k, v in state.items() if k not in clears}
    for name, op, value in assumptions:
        allowed, excluded, exists = out.get(name, (None, frozenset(), None))
        if op == "eq":
            allowed = frozenset({value}) if allowed is None else allowed & {value}
            exists = True if exists is not False else None
            if exists is None:
                return None
        elif op == "in":
            allowed = value if allowed is None else allowed & value
            if exists is False:
                return None
            exists = True
        elif op == "ne":
            excluded = excluded | {value}
        elif op == "nin":
            excluded = excluded | value
        elif op == "exists":
            if exists is not None and exists != value or (value is False and allowed is not None):
                return None
            exists = value
        if allowed is not None and not (allowed - excluded):
            return None
        out[name] = (allowed, excluded, exists)
    return out


@dataclass
class Flow:
    proc: Procedure
    index: dict[str, int] = field(default_factory=dict)
    secondary: set[str] = field(default_factory=set)  # phone fields with `lookup: account`

    def __post_init__(self) -> None:
        self.index = {}
        for i, s in enumerate(self.proc.steps):
            self.index.setdefault(s.id, i)
        self.secondary = {s.input.field for s in self.proc.steps if s.input and s.input.lookup == "account"}

    @property
    def steps(self) -> list[Step]:
        return self.proc.steps

    def at(self, i: int) -> tuple:
        return ("at", i) if i < len(self.steps) else FINISH

    def target(self, name: str | None, default: int) -> int:
        return self.index.get(name, default) if name else default

    def edges(self, node: tuple) -> list[Edge]:
        if node in (FINISH, STOP):
            return []
        kind, i = node
        step = self.steps[i]
        if kind == "at":
            if step.kind == "gate":
                return [Edge(STOP, label="gate", assume=holds_if(step.when)), Edge(self.at(i + 1), label="skip", assume=fails_if(step.when))]
            if step.when is not None:
                return [Edge(("exec", i), self.cond_facts(step.when), assume=holds_if(step.when)),
                        Edge(self.at(i + 1), label="skip", assume=fails_if(step.when))]
            return [Edge(("exec", i))]
        return self.exec_edges(i, step)

    def exec_edges(self, i: int, step: Step) -> list[Edge]:
        if step.kind == "end":
            return [Edge(FINISH)]
        if step.kind == "commit":
            return [Edge(self.at(self.target(step.goto, i + 1)), frozenset({"receipt_no", "committed", "customer"} if self.proc.customer == "new" else {"receipt_no", "committed"}))]
        default = self.at(self.target(step.goto, i + 1))
        spec = step.input
        if spec is None:
            return [Edge(default, reset=step.again)]
        sets = self.input_facts(spec)
        new = frozenset({spec.field})
        out: list[Edge] = []
        if spec.choices:  # one move per choice: what follows knows the value chosen
            for c in spec.choices:
                value = ((spec.field, "eq", str(c.value)),)
                if c.stop:
                    out.append(Edge(STOP, sets, label=f"choice {c.value}", assume=value, clears=new))
                elif c.goto:
                    out.append(Edge(self.at(self.target(c.goto, i + 1)), sets, reset=step.again, label=f"choice {c.value}", assume=value, clears=new))
                else:
                    out.append(Edge(default, sets, label=f"choice {c.value}", assume=value, clears=new))
        else:
            out.append(Edge(default, sets, reset=step.again, assume=((spec.field, "exists", True),), clears=new))
        if spec.optional:
            out.append(Edge(default, frozenset(), label="left empty", assume=((spec.field, "exists", False),), clears=new))
        return out

    def input_facts(self, spec) -> frozenset:
        facts = {spec.field}
        if spec.kind == "phone" and spec.lookup == "customer":
            facts.add("customer")
        if spec.kind == "cash":
            facts |= {"tendered", "change"}
        return frozenset(facts)

    def cond_facts(self, cond: Condition) -> frozenset:
        """What a condition that holds says is set: `equals: x`, `in`, `lt`, `gt`, `exists: true`
        (every part of `all`, what all parts of `any` share; nothing for `not`)."""
        if cond.all_ is not None:
            return frozenset().union(*(self.cond_facts(c) for c in cond.all_))
        if cond.any_ is not None:
            return frozenset.intersection(*(self.cond_facts(c) for c in cond.any_))
        if cond.not_ is not None:
            return frozenset()
        positive = cond.equals is not None or cond.in_ is not None or cond.lt is not None or cond.gt is not None
        positive = positive or cond.exists is True or cond.equals_field is not None
        if not positive:
            return frozenset()
        out = {self.fact_of(cond.field)}
        if cond.equals_field is not None:
            out.add(self.fact_of(cond.equals_field))
        return frozenset(out) - {None}

    def fact_of(self, name: str) -> str | None:
        """The fact a name needs to have a value: None when it always has one."""
        if name in ALWAYS or name.startswith("hall."):  # the hall's own values ({hall.opens}) are always there
            return None
        if name in ("tendered", "change"):
            return "tendered"
        if name == "receipt_no":
            return "receipt_no"
        head, dot, _rest = name.partition(".")
        if dot:
            if head == "customer":
                return "customer"
            if head == "plan":
                return "plan"
            if head in self.secondary:
                return head
        fee = next((f for f in self.proc.fees if f.code == name), None)
        if fee is not None and not fee.input:
            return fee.price_of  # a fixed amount always has a value; a price, once its option is chosen
        return name

    # ---- walking ------------------------------------------------------------------------------
    def nodes(self) -> list[tuple]:
        n = len(self.steps)
        return [("at", i) for i in range(n)] + [("exec", i) for i in range(n)] + [FINISH, STOP]

    def reachable(self, start: tuple = ("at", 0), *, avoid: frozenset = frozenset(), through_reset: bool = True) -> set[tuple]:
        seen = {start}
        todo = deque([start])
        while todo:
            node = todo.popleft()
            for e in self.edges(node):
                if e.target in seen or e.target in avoid or (e.reset and not through_reset):
                    continue
                seen.add(e.target)
                todo.append(e.target)
        return seen

    def path(self, start: tuple, goal, *, avoid: frozenset = frozenset(), through_reset: bool = True, edge_ok=None) -> list[tuple] | None:
        """The shortest path from start to a node for which goal(node) holds, not through `avoid`
        (nor along an edge for which `edge_ok(edge)` is false)."""
        prev: dict[tuple, tuple | None] = {start: None}
        todo = deque([start])
        while todo:
            node = todo.popleft()
            if goal(node) and node != start:
                out = [node]
                while prev[out[-1]] is not None:
                    out.append(prev[out[-1]])
                return out[::-1]
            for e in self.edges(node):
                if e.target in prev or e.target in avoid or (e.reset and not through_reset):
                    continue
                if edge_ok is not None and not edge_ok(e):
                    continue
                prev[e.target] = node
                todo.append(e.target)
        return None

    def feasible_path(self, start: tuple, goal, *, avoid: frozenset = frozenset(), edge_ok=None, accept=None, limit: int = 50_000) -> list[tuple] | None:
        """Like `path`, along moves whose conditions can all hold together (a step entered when
        `id_type` is resident_id and another when it is not are never on one path). None when
        there is no such path, or when the search grows beyond `limit` states (no finding then)."""
        start_state: dict = {}
        key0 = (start, ())
        prev: dict = {key0: None}
        states = {key0: start_state}
        todo = deque([key0])
        while todo:
            key = todo.popleft()
            node, _ = key
            if goal(node) and node != start and (accept is None or accept(states[key])):
                out = [node]
                k = prev[key]
                while k is not None:
                    out.append(k[0])
                    k = prev[k]
                return out[::-1]
            for e in self.edges(node):
                if e.target in avoid or (edge_ok is not None and not edge_ok(e)):
                    continue
                state = {} if e.reset else _assume(states[key], e.assume, e.clears)
                if state is None:
                    continue
                nkey = (e.target, tuple(sorted((k, tuple(sorted(v[0])) if v[0] is not None else None, tuple(sorted(v[1])), v[2]) for k, v in state.items())))
                if nkey in prev:
                    continue
                if len(prev) > limit:
                    return None
                prev[nkey] = key
                states[nkey] = state
                todo.append(nkey)
        return None

    def facts(self, *, must: bool) -> dict[tuple, frozenset]:
        """Facts set on arrival at each node: on every path (must) or on some path (may)."""
        state: dict[tuple, frozenset] = {("at", 0): frozenset()}
        todo = deque([("at", 0)])
        while todo:
            node = todo.popleft()
            for e in self.edges(node):
                out = frozenset() if e.reset else state[node] | e.sets
                old = state.get(e.target)
                new = out if old is None else (old & out if must else old | out)
                if new != old:
                    state[e.target] = new
                    todo.append(e.target)
        return state

    def steps_on(self, path: list[tuple]) -> str:
        ids = []
        for node in path:
            if node[0] == "exec":
                ids.append(self.steps[node[1]].id)
            elif node == FINISH:
                ids.append("(end)")
        return " → ".join(ids)


# ---- the checks ----------------------------------------------------------------------------------


def check(proc: Procedure, ctx: Context | None = None) -> list[Finding]:
    """Every finding of one procedure whose references are sound (the loader checks those first)."""
    ctx = ctx or Context()
    flow = Flow(proc)
    out: list[Finding] = []
    out += _step_shapes(proc, flow)
    out += _choices_and_fields(proc, flow)
    out += _flow_shape(proc, flow)
    out += _facts_read(proc, flow)
    out += _money(proc, flow, ctx)
    out += _papers(proc, flow, ctx)
    out += _documents_and_parties(proc, flow)
    return out


def _where(step: Step) -> str:
    return f"step `{step.id}`: "


def _step_shapes(proc: Procedure, flow: Flow) -> list[Finding]:
    out: list[Finding] = []
    for i, step in enumerate(proc.steps):
        base = ("steps", i)
        if step.stop and step.kind != "gate":
            out.append(Finding((*base, "stop"), _where(step) + f"`stop` only works on a gate (kind: gate); on a {step.kind} step it is ignored: make the step a gate with `when`, or move the stop to a choice"))
        if step.kind == "commit" and step.when is not None:
            out.append(Finding((*base, "when"), _where(step) + "a `when` on the commit step: when it does not hold the visit ends with nothing recorded and no word said; remove it, or put a gate before the commit"))
        if step.goto and step.goto == step.id:
            out.append(Finding((*base, "goto"), _where(step) + "goto to itself: Enter would show this step forever; go to the next step (remove `goto`) or to another one"))
        for j, choice in enumerate(step.input.choices or [] if step.input else []):
            if choice.goto and choice.stop:
                out.append(Finding((*base, "input", "choices", j), _where(step) + f"choice {choice.value!r} has both `goto` and `stop`: the stop wins and the goto is never taken; keep one"))
            if choice.goto and choice.goto == step.id:
                out.append(Finding((*base, "input", "choices", j, "goto"), _where(step) + f"choice {choice.value!r} goes back to its own step: the same question would be asked again with the answer already taken; go on, or stop"))
        for name in step.checks:
            kinds = CHECK_KINDS.get(name)
            spec = step.input
            if spec is None:
                out.append(Finding((*base, "check"), _where(step) + f"check {name!r} on a step without an input: it is never applied; put it on the input step whose value it checks"))
            elif kinds is not None and spec.kind not in kinds:
                want = " or ".join(sorted(kinds))
                out.append(Finding((*base, "check"), _where(step) + f"check {name!r} reads {want} input, not {spec.kind}: it would refuse (or pass) every value; use it on a {want} step"))
            elif name in CHECK_OPTIONS and spec.options != CHECK_OPTIONS[name]:
                out.append(Finding((*base, "check"), _where(step) + f"check {name!r} reads a choice of `options: {CHECK_OPTIONS[name]}`, not {spec.options or 'its own choices'}"))
    kinds = [s.kind for s in proc.steps]
    if "end" not in kinds:
        out.append(Finding(("steps",), "no end step: the visit stops without a farewell line; add a last step with `kind: end` and `say:`", WARNING))
    return out


def _choices_and_fields(proc: Procedure, flow: Flow) -> list[Finding]:
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
                out.append(Finding(("steps", i, "input", "choices", j, "value"), _where(step) + f"duplicate choice value {choice.value!r} (also choices[{seen[choice.value]}]): the clerk could not tell them apart and only the first is ever taken; give each choice its own value"))
            seen.setdefault(choice.value, j)
    # one field written by two inputs: only when the two can never run in one visit
    for name, where in specs.items():
        for a, b in zip(where, where[1:]):
            sa, sb = proc.steps[a], proc.steps[b]
            if _exclusive(sa.when, sb.when) or not _follows(flow, a, b):
                continue
            out.append(Finding(("steps", b, "input", "field"), _where(sb) + f"field {name!r} is also written by step `{sa.id}`: the later answer silently replaces the earlier; give each input its own field (or make the two steps exclusive with `when`)"))
    # a condition value no choice can produce; a secret in a condition
    kinds = {s.input.field: s.input for s in proc.steps if s.input}
    for loc, cond, step in _conditions(proc):
        where = _where(step) if step else (f"fee `{proc.fees[loc[1]].code}`: " if loc[0] == "fees" else f"effect[{loc[1]}]: ")
        spec = kinds.get(cond.field)
        if spec is not None and spec.kind in SECRET_KINDS:
            out.append(Finding((*loc, "field"), where + f"condition reads {cond.field!r}, a {spec.kind}: secrets are never kept to compare; test the choice that led to it instead"))
            continue
        out += [Finding((*loc, key), where + msg) for key, msg in _condition_values(cond, spec, flow)]
    return out


def comparisons(loc: tuple, cond: Condition | None):
    """(loc, comparison) for every comparison of a condition, combined ones opened."""
    if cond is None:
        return
    for key, parts in (("all", cond.all_), ("any", cond.any_)):
        for j, part in enumerate(parts or []):
            yield from comparisons((*loc, key, j), part)
    if cond.not_ is not None:
        yield from comparisons((*loc, "not"), cond.not_)
    if cond.field is not None:
        yield loc, cond


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


def _flow_shape(proc: Procedure, flow: Flow) -> list[Finding]:
    out: list[Finding] = []
    reach = flow.reachable()
    for i, step in enumerate(proc.steps):
        node = ("at", i) if step.kind == "gate" else ("exec", i)
        if node not in reach:
            severity = ERROR if step.kind == "commit" else WARNING
            why = "the visit never records anything" if step.kind == "commit" else "its line is never said"
            out.append(Finding(("steps", i), _where(step) + f"can never be reached ({why}): a `goto`, a choice or a `when` always leads past it; remove it or lead to it", severity))
    # loops with no way out: reachable steps from which neither the end nor a stop can be reached
    finishing = {FINISH, STOP}
    changed = True
    nodes = [n for n in flow.nodes() if n in reach]
    while changed:
        changed = False
        for node in nodes:
            if node not in finishing and any(e.target in finishing for e in flow.edges(node)):
                finishing.add(node)
                changed = True
    stuck = {n for n in nodes if n not in finishing}
    # the loop itself: the stuck steps that come round to themselves (not those leading into it)
    trapped = sorted(n[1] for n in stuck if n[0] == "exec" and _cycles(flow, n, stuck))
    self_loops = {i for i, s in enumerate(proc.steps) if s.goto == s.id}
    if trapped and not set(trapped) <= self_loops:
        ids = ", ".join(f"`{proc.steps[i].id}`" for i in trapped)
        first = proc.steps[trapped[0]]
        out.append(Finding(("steps", trapped[0]), _where(first) + f"a loop with no way out ({ids}): no end step, gate or stop can be reached from it; add a choice or condition that leaves it"))
    commits = [i for i, s in enumerate(proc.steps) if s.kind == "commit"]
    if not commits:
        return out
    c = commits[0]
    after = flow.reachable(("exec", c), through_reset=False)
    for k in sorted(n[1] for n in after if n[0] == "exec"):
        step = proc.steps[k]
        for e in flow.exec_edges(k, step):
            if e.reset or e.target in (FINISH, STOP) or e.target[1] > c:
                continue
            back = proc.steps[e.target[1]]
            how = f"{e.label} goes" if e.label.startswith("choice") else "goes"
            loc = ("steps", k, "goto") if not e.label.startswith("choice") else ("steps", k, "input")
            out.append(Finding(loc, _where(step) + f"after the commit, {how} back to `{back.id}` (before the commit `{proc.steps[c].id}`): the commit would not run again and the old answers would stay; add `again: true` for a new visit, or go forward"))
    from teller import operations

    needs: set[str] = set()
    for call in proc.calls:  # an operation under `when` reads its fields only when it applies
        op = operations.registry().get(call.op)
        if op is not None and call.when is None:
            needs |= op.fields
    effect_name = proc.effect if isinstance(proc.effect, str) else "+".join(proc.effect_names)
    for name in sorted(needs):
        path = flow.feasible_path(("at", 0), lambda n: n == ("exec", c), edge_ok=lambda e, f=name: f not in e.sets and not e.reset)
        if path is not None:
            out.append(Finding(("steps", c), _where(proc.steps[c]) + f"the commit can be reached without {name!r}, which the operation `{effect_name}` reads (on the path {flow.steps_on(path[:-1]) or 'from the start'}): ask for it on every path to the commit"))
    if ("exec", c) in reach:
        path = flow.feasible_path(("at", 0), lambda n: n == FINISH, avoid=frozenset({("exec", c)}))
        if path is not None:
            out.append(Finding(("steps",), f"a path reaches the end without the commit ({flow.steps_on(path)}): nothing is recorded on it; if that is meant, end it with a gate and its own line", WARNING))
    return out


def _cycles(flow: Flow, node: tuple, within: set) -> bool:
    todo, seen = deque(e.target for e in flow.edges(node) if e.target in within), set()
    while todo:
        n = todo.popleft()
        if n == node:
            return True
        if n in seen:
            continue
        seen.add(n)
        todo.extend(e.target for e in flow.edges(n) if e.target in within)
    return False


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


def _facts_read(proc: Procedure, flow: Flow) -> list[Finding]:
    """Placeholders and conditions that read a field before it is set, or that can be empty."""
    must, may = flow.facts(must=True), flow.facts(must=False)
    specs = {s.input.field: s.input for s in proc.steps if s.input}
    setters = {}
    for i, s in enumerate(proc.steps):
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
                for name in _PLACEHOLDER.findall(value or ""):
                    spec = specs.get(name)
                    if spec is not None and spec.kind in SECRET_KINDS:
                        key = (i, name, "secret")
                        if key not in reported:
                            reported.add(key)
                            out.append(Finding((*loc, lang), _where(step) + f"{{{name}}} is a {spec.kind}: a secret is never said or shown (it would read empty); remove it"))
                        continue
                    fact = flow.fact_of(name)
                    if fact is None or fact in must_here or fact in implied:
                        continue
                    key = (i, name)
                    if key in reported:
                        continue
                    reported.add(key)
                    if fact not in may_here:
                        out.append(Finding((*loc, lang), _where(step) + f"{{{name}}} is read before any step sets it{_set_by(fact, setters, step.id)}: it would be said empty; move the line after that step"))
                    else:
                        where_empty = _empty_path(flow, node, fact)
                        if where_empty is not None:  # None: no path on which it is empty can really be taken
                            out.append(Finding((*loc, lang), _where(step) + f"{{{name}}} can be empty here{where_empty}: say it only on the path that sets it (a step with `when`), or ask for it first", WARNING))
        # a condition reads its fields when the run arrives at the step
        here = may.get(("at", i), frozenset())
        for loc, cond in comparisons((*base, "when"), step.when):
            for key, name in (("field", cond.field), ("equals_field", cond.equals_field)):
                fact = flow.fact_of(name) if name else None
                if fact is not None and fact not in here:
                    out.append(Finding((*loc, key), _where(step) + f"the condition reads {name!r} before any step sets it{_set_by(fact, setters, step.id)}: it never holds (or always, for not_equals); move the step after it"))
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


def _money(proc: Procedure, flow: Flow, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for i, fee in enumerate(proc.fees):
        for loc, cond in comparisons(("fees", i, "when"), fee.when):
            if "total_fen" in (cond.field, cond.equals_field):
                out.append(Finding((*loc, "field"), f"fee `{fee.code}`: its condition reads total_fen, which this fee is part of (the total would depend on itself); test what the total is made of instead"))
    cash = [i for i, s in enumerate(proc.steps) if s.input and s.input.kind == "cash"]
    commits = [i for i, s in enumerate(proc.steps) if s.kind == "commit"]
    for i, step in enumerate(proc.steps):
        spec = step.input
        if spec is None:
            continue
        minimum = spec.min_yuan if spec.min_yuan is not None else spec.min_fen
        if minimum is not None and minimum > ctx.payment_limit_fen:
            out.append(Finding(("steps", i, "input", "min_yuan" if spec.min_yuan is not None else "min_fen"), _where(step) + f"the minimum ({minimum / 100:.2f} yuan) is above the hall's payment limit ({ctx.payment_limit_fen / 100:.2f} yuan): no amount could ever be taken; lower it"))
        if spec.min_fen is not None:
            out.append(Finding(("steps", i, "input", "min_fen"), _where(step) + f"`min_fen` is deprecated (it holds yuan): write `min_yuan: \"{spec.min_fen / 100:.2f}\"`", WARNING))
    if proc.fees and not cash:
        out.append(Finding(("fees",), "fees without a cash step: the total would be due with nothing tendered (¥0 taken); add a step with `input: {field: tendered, kind: cash}` before the commit"))
        return out
    if cash and not proc.fees:
        step = proc.steps[cash[0]]
        out.append(Finding(("steps", cash[0]), _where(step) + "a cash step but no fees: the total is always ¥0; add the fees, or remove the step", WARNING))
    if not cash or not commits:
        return out
    c = commits[0]
    after_commit = flow.reachable(("exec", c), through_reset=False)
    cash_nodes = {("exec", i) for i in cash}
    for i in cash:
        if ("exec", i) in after_commit and i != c:
            step = proc.steps[i]
            out.append(Finding(("steps", i), _where(step) + f"the cash is taken after the commit `{proc.steps[c].id}`: the transaction records ¥0 tendered; move the cash step before the commit"))
    # every path to the commit takes the cash (a cash step skipped when the total is 0 is fine)
    safe_skips = {("at", i) for i in cash if _zero_total_guard(proc.steps[i].when)}
    if proc.fees:
        def charged(state: dict) -> bool:  # some fee can apply on this path (a fee whose `when` cannot hold is not charged)
            return any(fee.when is None or _assume(state, holds_if(fee.when)) is not None for fee in proc.fees)

        path = flow.feasible_path(("at", 0), lambda n: n == ("exec", c), avoid=frozenset(cash_nodes | safe_skips), accept=charged)
        if path is not None:
            out.append(Finding(("steps", c), _where(proc.steps[c]) + f"a path reaches the commit without the cash step ({flow.steps_on(path)}): the total would be recorded with ¥0 tendered; take the cash on every path (a `when` on the cash step may only be `{{field: total_fen, gt: 0}}`)"))
    # the amount is known before the cash is taken: nothing the total depends on is asked after it
    depends = {}
    for fee in proc.fees:
        if fee.input:
            depends[fee.code] = fee.code
        if fee.price_of:
            depends[fee.price_of] = fee.code
        if fee.when is not None:
            depends[fee.when.field] = fee.code
    for i in cash:
        later = flow.reachable(("exec", i), avoid=frozenset({("exec", c)}), through_reset=False)
        for k in sorted(n[1] for n in later if n[0] == "exec" and n[1] != i):
            spec = proc.steps[k].input
            if spec is not None and spec.field in depends:
                out.append(Finding(("steps", i), _where(proc.steps[i]) + f"the cash is taken before the amount is known: step `{proc.steps[k].id}` (later) sets {spec.field!r}, which the fee `{depends[spec.field]}` depends on; move the cash step after it"))
    return out


def _zero_total_guard(cond: Condition | None) -> bool:
    return cond is not None and cond.field == "total_fen" and (cond.gt == 0 or cond.not_equals in (0, "0"))


# ---- papers ----------------------------------------------------------------------------------------


def _papers(proc: Procedure, flow: Flow, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[str, int] = {}
    has_cash = any(s.input and s.input.kind == "cash" for s in proc.steps)
    for i, name in enumerate(proc.print):
        loc = ("print", i)
        if name in seen:
            out.append(Finding(loc, f"{name!r} is printed twice (also print[{seen[name]}]): list each paper once (a layout's `copies` prints several copies)"))
            continue
        seen[name] = i
        if name in NOT_FOR_COMMITS:
            out.append(Finding(loc, NOT_FOR_COMMITS[name]))
            continue
        if name == "invoice" and not proc.fees:
            out.append(Finding(loc, "an invoice (收费凭证) for a procedure with no fees prints ¥0.00: print a slip instead", WARNING))
        if ctx.layouts_dir is None:
            continue
        from teller.layout_file import LayoutProblem, layout_placeholders

        try:
            used = layout_placeholders(Path(ctx.layouts_dir) / f"{name}.yaml")
        except LayoutProblem as exc:
            out.append(Finding(loc, f"layout {name!r}: {exc.message}"))
            continue
        out += [Finding(loc, m, sev) for m, sev in _unfilled(proc, name, used, has_cash)]
    return out


def _unfilled(proc: Procedure, layout: str, used: dict[str, bool], has_cash: bool) -> list[tuple[str, str]]:
    """Placeholders of a layout this procedure's receipt can never fill. `used`: name -> guarded by `if:`."""
    out = []
    for name, guarded in sorted(used.items()):
        if guarded or name in RECEIPT_ALWAYS:
            continue
        if name in RECEIPT_CUSTOMER:
            if proc.customer == "none":
                out.append((f"layout {layout!r} prints {{{name}}}, which a procedure with `customer: none` never fills: it prints empty; guard the block with `if: {name}`", WARNING))
        elif name in RECEIPT_CASH:
            if not has_cash:
                out.append((f"layout {layout!r} prints {{{name}}}, but this procedure takes no cash: it prints empty; guard the block with `if: tendered`", WARNING))
        elif name in _receipt_optional():
            out.append((f"layout {layout!r} prints {{{name}}} unguarded; a commit fills it only when an operation records it: guard the block with `if: {name}`", WARNING))
        else:
            out.append((f"layout {layout!r} prints {{{name}}}, which a transaction's receipt never fills (it belongs to another paper): it would print empty", ERROR))
    return out


# ---- documents, parties, refusals ----------------------------------------------------------------------


def _documents_and_parties(proc: Procedure, flow: Flow) -> list[Finding]:
    from teller.domain.checks import CHECKS
    from teller.procedures.documents import KNOWN, found_steps

    out: list[Finding] = []
    steps = {s.id: s for s in proc.steps}
    inputs = {s.input.field for s in proc.steps if s.input}
    gates = [s.id for s in proc.steps if s.kind == "gate"]
    missing = proc.documents.missing
    if missing is not None and missing not in gates:
        out.append(Finding(("documents", "missing"), f"`missing` names no gate: {missing!r}{suggest(missing, gates)}; it is the gate whose line stops the visit when a document is missing"))
    parties = {"holder"} | flow.secondary | ({"party"} if proc.party else set())
    for group in ("all_of", "any_of"):
        for j, doc in enumerate(getattr(proc.documents, group)):
            if isinstance(doc, str):
                if doc not in KNOWN:
                    out.append(Finding(("documents", group, j), f"document {doc!r} is not one the console knows ({', '.join(sorted(KNOWN))}){suggest(doc, KNOWN)}: write it as {{id: {doc}, label: {{zh: ...}}, checked_by: [step]}} so the clerk sees it ticked", WARNING))
                elif not found_steps(proc, doc):
                    out.append(Finding(("documents", group, j), f"no step of this procedure checks {doc!r}: it is shown but never ticked; name the steps with `checked_by`", WARNING))
                continue
            loc = ("documents", group, j)
            for k, name in enumerate(doc.checked_by):
                step = steps.get(name)
                if step is None or step.input is None:
                    known = [s.id for s in proc.steps if s.input]
                    out.append(Finding((*loc, "checked_by", k), f"checked_by names no input step: {name!r}{suggest(name, known)}"))
            if not doc.checked_by and doc.id not in KNOWN:
                out.append(Finding(loc, f"document {doc.id!r} names no step that checks it (`checked_by`): it is never ticked", WARNING))
            elif not doc.checked_by and not found_steps(proc, doc.id):
                out.append(Finding(loc, f"no step of this procedure checks {doc.id!r}: name the steps with `checked_by`", WARNING))
            if doc.party not in parties:
                out.append(Finding((*loc, "party"), f"party {doc.party!r} is not in this procedure (holder{', party' if proc.party else ''}{''.join(', ' + p for p in sorted(flow.secondary))}){'' if proc.party else '; a second party needs `party:` at the top'}"))
    if proc.party is not None:
        for key in ("name", "id_number", "number"):
            field_ = getattr(proc.party, key)
            if field_ is not None and field_ not in inputs:
                out.append(Finding(("party", key), f"party.{key} names no input field: {field_!r}{suggest(field_, inputs)}"))
    used = {name for s in proc.steps for name in s.checks}
    for name in proc.refusals:
        if name not in CHECKS:
            out.append(Finding(("refusals", name), f"no check {name!r}{suggest(name, CHECKS)}: its refusal would never be said"))
        elif name not in used:
            out.append(Finding(("refusals", name), f"no step uses the check {name!r}: this refusal is never said", WARNING))
    return out
