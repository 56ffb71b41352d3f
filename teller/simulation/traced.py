"""A procedure walked at the sandbox's counter: the very Run the console drives, traced, and what
the walk records (lines said, gates passed, refusals, each visit's fees, changes and papers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from teller.domain.money import change_due, money
from teller.errors import InputRefused
from teller.procedures.engine import ACTIVE, FINISHED, STOPPED, FeeLine, Run
from teller.procedures.loader import LoadedProcedure
from teller.simulation.sandbox import Sandbox, diff, snapshot

#: Moves one walk may make before it is called a loop (the largest shipped visit makes ~20).
MAX_MOVES = 400

# ---- what a walk records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    step: str
    kind: str
    text: str
    answer: str | None = None  # what was typed or chosen (masked for a secret)


@dataclass(frozen=True)
class Passed:
    """A gate that did not hold, a step skipped (its `when` did not hold), or a gate taken."""

    step: str
    what: str  # "gate passed" | "skipped" | "gate taken"
    condition: str


@dataclass(frozen=True)
class Refusal:
    step: str
    message: str
    answer: str


@dataclass
class Visit:
    """One commit of the walk (a loop with `again` commits once per visit)."""

    receipt_no: str
    fees: list[FeeLine]
    total_fen: int
    tendered_fen: int
    change_fen: int
    changes: list[str]
    papers: dict[str, list[str]] = field(default_factory=dict)  # layout -> the text of each copy
    paper_errors: list[str] = field(default_factory=list)


@dataclass
class Walk:
    procedure_id: str
    events: list = field(default_factory=list)
    state: str = ACTIVE  # finished | stopped | refused | missing | loop
    stop_code: str = ""
    stop_step: str = ""
    stop_line: str = ""
    refusal: Refusal | None = None
    missing: tuple[str, str] | None = None  # (step id, field)
    visits: list[Visit] = field(default_factory=list)
    fees: list[FeeLine] = field(default_factory=list)  # the fee table when the walk ended (or committed)
    used: set[str] = field(default_factory=set)  # the answers the walk asked for

    @property
    def said(self) -> list[Said]:
        return [e for e in self.events if isinstance(e, Said)]


class Missing(Exception):
    """No answer for an input step (scripted walks)."""


# ---- the run, traced -----------------------------------------------------------------------------------


@dataclass
class TracedRun(Run):
    """A Run that tells which gates it passed and which steps it skipped on the way."""

    trace: list = field(default_factory=list)

    def _arrive(self, index: int) -> None:
        from teller.procedures.describe import condition_text

        start = index
        super()._arrive(index)
        steps = self.procedure.steps
        end = self.index if self.state in (ACTIVE, STOPPED) and self.index >= start else len(steps)
        for i in range(start, min(end, len(steps))):
            step = steps[i]
            if step.when is not None:
                self.trace.append(Passed(step.id, "gate passed" if step.kind == "gate" else "skipped", condition_text(step.when)))
        if self.state == STOPPED and steps[self.index].kind == "gate" and self.index >= start:
            gate = steps[self.index]
            self.trace.append(Passed(gate.id, "gate taken", condition_text(gate.when)))


def _lookup_field(loaded: LoadedProcedure) -> str | None:
    return next((s.input.field for s in loaded.procedure.steps if s.input and s.input.lookup == "customer"), None)


Ask = Callable[[TracedRun, Any], "str | None"]


def walk(
    sandbox: Sandbox, loaded: LoadedProcedure, answers: dict[str, Any] | None = None, *,
    number: str | None = None, ask: Ask | None = None, waive: str | None = None, on_event: Callable[[Any], None] | None = None,
) -> Walk:
    """Walk `loaded` at the sandbox's counter. Answers by input field (a list for a field asked
    again); `number` answers the customer look-up; `ask(run, step)` is called for an answer not
    given (None: scripted, the walk ends as `missing`). `on_event` sees each event as it happens."""
    from teller.procedures.engine import SECRET_KINDS

    sandbox.adopt(loaded)
    queue: dict[str, list[str]] = {k: ([str(x) for x in v] if isinstance(v, list) else [str(v)]) for k, v in (answers or {}).items()}
    lookup = _lookup_field(loaded)
    if number is not None and lookup and lookup not in queue:
        queue[lookup] = [number]
    out = Walk(loaded.id)
    run = TracedRun(loaded, sandbox.desk)

    def note(event) -> None:
        out.events.append(event)
        if on_event is not None:
            on_event(event)

    def flush_trace() -> None:
        while run.trace:
            note(run.trace.pop(0))

    flush_trace()
    waived = False
    for _move in range(MAX_MOVES):
        if run.state != ACTIVE:
            break
        step = run.step
        spec = step.input
        line = run.line
        if spec is None:
            note(Said(step.id, step.kind, line))
            if step.kind == "commit":
                _commit(sandbox, run, out, note)
            else:
                run.submit(None)
            flush_trace()
            continue
        if waive and not waived and spec.kind == "cash" and run.waivable_fees():
            staff_no, _, pin = waive.partition(":")
            lines = run.waive(staff_no, pin)
            waived = True
            note(Passed(step.id, "waived", "、".join(f"{x.label} {money(x.amount_fen)}" for x in lines)))
            line = run.line
        value, more = _next_answer(queue, spec.field)
        if value is None and ask is not None:
            note(Said(step.id, step.kind, line))
            value = ask(run, step)
            if value is None:
                out.state = "cancelled"
                return _finish(out, run)
            shown_line = None
        else:
            shown_line = line
        if value is None:
            note(Said(step.id, step.kind, line))
            out.state, out.missing = "missing", (step.id, spec.field)
            return _finish(out, run)
        out.used.add(spec.field)
        shown = "******" if spec.kind in SECRET_KINDS else value
        try:
            run.submit(value)
        except InputRefused as exc:
            if shown_line is not None:
                note(Said(step.id, step.kind, shown_line, shown))
            note(Refusal(step.id, exc.message, shown))
            if ask is not None or more:
                continue  # asked again at the same step (the next answer of a list, or the prompt)
            out.state, out.refusal = "refused", Refusal(step.id, exc.message, shown)
            return _finish(out, run)
        if shown_line is not None:
            note(Said(step.id, step.kind, shown_line, shown))
        flush_trace()
    else:
        out.state = "loop"
        return _finish(out, run)
    if run.state == STOPPED:  # the stop's own line (a gate's, or the step whose choice stops)
        note(Said(run.step.id, "stop", run.line))
    return _finish(out, run)


def _next_answer(queue: dict[str, list[str]], name: str) -> tuple[str | None, bool]:
    """(the next answer for a field, whether another follows): a list is consumed in order, its
    last value kept for a field asked again (a loop's next visit)."""
    values = queue.get(name)
    if not values:
        return None, False
    return (values.pop(0), True) if len(values) > 1 else (values[0], False)


def _commit(sandbox: Sandbox, run: TracedRun, out: Walk, note) -> None:
    before = snapshot(sandbox.database)
    fees = run.fee_lines()
    total = run.total_fen
    tendered = int(run.answers.get("tendered", 0) or 0)
    run.submit(None)  # the commit, then on past it
    committed = run.committed
    visit = Visit(committed.receipt_no, fees, total, tendered, change_due(total, tendered), diff(before, snapshot(sandbox.database)))
    for outcome in sandbox.desk.print_transaction(committed.tx_id):
        if outcome.ok and outcome.spooled is not None:
            text = outcome.spooled.with_suffix(".txt").read_text(encoding="utf-8")
            visit.papers.setdefault(outcome.layout, []).append(text)
        elif not outcome.ok:
            visit.paper_errors.append(f"{outcome.layout}: {outcome.error}")
    out.visits.append(visit)
    out.fees = fees
    note(visit)


def _finish(out: Walk, run: TracedRun) -> Walk:
    if out.state == ACTIVE:
        out.state = {FINISHED: "finished", STOPPED: "stopped"}.get(run.state, run.state)
    if run.state == STOPPED:
        out.stop_code = run.stop_code
        out.stop_step = run.step.id
        out.stop_line = run.line
    if not out.visits:
        out.fees = run.fee_lines()
    return out
