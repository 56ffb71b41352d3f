"""The flow graph the checks walk: two nodes per step (`at i`, `exec i`), the moves between them
with what each sets and what it assumes of the answers, and the searches over it (reachable
nodes, shortest and feasible paths, the facts set on arrival)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from teller.procedures.schema import Condition, Procedure, Step
from teller.procedures.semantics.language import ALWAYS

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


def assume(state: dict, assumptions: tuple, clears: frozenset = frozenset()) -> dict | None:
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
                state = {} if e.reset else assume(states[key], e.assume, e.clears)
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
