"""Graph checks: the shape of each step (stop, goto, checks on the right input) and of the whole
flow (unreachable steps, loops with no way out, going back after the commit, a commit reached
without an operation's field, an end reached without the commit)."""

from __future__ import annotations

from collections import deque

from teller.procedures.schema import Procedure
from teller.procedures.semantics.findings import ERROR, WARNING, Finding, step_named
from teller.procedures.semantics.flow import FINISH, STOP, Flow
from teller.procedures.semantics.language import CHECK_KINDS, CHECK_OPTIONS


def check_steps(proc: Procedure, flow: Flow) -> list[Finding]:
    out: list[Finding] = []
    for i, step in enumerate(proc.steps):
        base = ("steps", i)
        if step.stop and step.kind != "gate":
            out.append(Finding((*base, "stop"), step_named(step) + f"`stop` only works on a gate (kind: gate); on a {step.kind} step it is ignored: make the step a gate with `when`, or move the stop to a choice"))
        if step.kind == "commit" and step.when is not None:
            out.append(Finding((*base, "when"), step_named(step) + "a `when` on the commit step: when it does not hold the visit ends with nothing recorded and no word said; remove it, or put a gate before the commit"))
        if step.goto and step.goto == step.id:
            out.append(Finding((*base, "goto"), step_named(step) + "goto to itself: Enter would show this step forever; go to the next step (remove `goto`) or to another one"))
        for j, choice in enumerate(step.input.choices or [] if step.input else []):
            if choice.goto and choice.stop:
                out.append(Finding((*base, "input", "choices", j), step_named(step) + f"choice {choice.value!r} has both `goto` and `stop`: the stop wins and the goto is never taken; keep one"))
            if choice.goto and choice.goto == step.id:
                out.append(Finding((*base, "input", "choices", j, "goto"), step_named(step) + f"choice {choice.value!r} goes back to its own step: the same question would be asked again with the answer already taken; go on, or stop"))
        for name in step.checks:
            kinds = CHECK_KINDS.get(name)
            spec = step.input
            if spec is None:
                out.append(Finding((*base, "check"), step_named(step) + f"check {name!r} on a step without an input: it is never applied; put it on the input step whose value it checks"))
            elif kinds is not None and spec.kind not in kinds:
                want = " or ".join(sorted(kinds))
                out.append(Finding((*base, "check"), step_named(step) + f"check {name!r} reads {want} input, not {spec.kind}: it would refuse (or pass) every value; use it on a {want} step"))
            elif name in CHECK_OPTIONS and spec.options != CHECK_OPTIONS[name]:
                out.append(Finding((*base, "check"), step_named(step) + f"check {name!r} reads a choice of `options: {CHECK_OPTIONS[name]}`, not {spec.options or 'its own choices'}"))
    kinds = [s.kind for s in proc.steps]
    if "end" not in kinds:
        out.append(Finding(("steps",), "no end step: the visit stops without a farewell line; add a last step with `kind: end` and `say:`", WARNING))
    return out



def check_flow(proc: Procedure, flow: Flow) -> list[Finding]:
    out: list[Finding] = []
    reach = flow.reachable()
    for i, step in enumerate(proc.steps):
        node = ("at", i) if step.kind == "gate" else ("exec", i)
        if node not in reach:
            severity = ERROR if step.kind == "commit" else WARNING
            why = "the visit never records anything" if step.kind == "commit" else "its line is never said"
            out.append(Finding(("steps", i), step_named(step) + f"can never be reached ({why}): a `goto`, a choice or a `when` always leads past it; remove it or lead to it", severity))
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
        out.append(Finding(("steps", trapped[0]), step_named(first) + f"a loop with no way out ({ids}): no end step, gate or stop can be reached from it; add a choice or condition that leaves it"))
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
            out.append(Finding(loc, step_named(step) + f"after the commit, {how} back to `{back.id}` (before the commit `{proc.steps[c].id}`): the commit would not run again and the old answers would stay; add `again: true` for a new visit, or go forward"))
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
            out.append(Finding(("steps", c), step_named(proc.steps[c]) + f"the commit can be reached without {name!r}, which the operation `{effect_name}` reads (on the path {flow.steps_on(path[:-1]) or 'from the start'}): ask for it on every path to the commit"))
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
