"""A drill: one Run of a procedure against a scenario's scripted customer, with its journal.

`DrillRun` is the engine's Run with a `Drill` beside it: every Enter, refusal, Esc back and
cancellation is compared with the script as it happens, and what goes wrong is kept as a
Mistake with its step and the second it happened. The console, the headless validator and the
tests drive the very same DrillRun (no Textual here).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from teller.errors import InputRefused
from teller.practice import scoring
from teller.practice.scenario import Line, LoadedScenario, Party, Scenario, resolve
from teller.procedures.engine import ACTIVE, CANCELLED, FINISHED, STOPPED, Run
from teller.strings import pick, t

if TYPE_CHECKING:
    from teller.procedures.loader import LoadedProcedure
    from teller.procedures.schema import Step

SECRET = ("password", "new_password", "supervisor_pin")


class Drill:
    """The journal of one drill: mistakes, steps answered, how far the run got, when."""

    def __init__(self, loaded: LoadedScenario, *, now: datetime, exam: bool = False, set_id: int | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.loaded = loaded
        self.scenario: Scenario = loaded.scenario
        self.now = now  # the wall-clock start (stored with the attempt)
        self.exam = exam
        self.set_id = set_id
        self.clock = clock
        self.started = clock()
        self.ended: float | None = None
        self.mistakes: list[scoring.Mistake] = []
        self.answered: set[str] = set()
        self.furthest = 0
        self.stopped_at: set[str] = set()  # gates the run stopped at (even if Esc went back)
        self.expected_refusal: str | None = None  # the step where the scripted refusal happened
        self.last_refusal = ""
        self.staged: dict[str, str] = {}  # number -> SIM serial at the start

    # ---- time -------------------------------------------------------------------------------------
    def elapsed(self) -> float:
        return (self.ended if self.ended is not None else self.clock()) - self.started

    def end(self) -> None:
        if self.ended is None:
            self.ended = self.clock()

    # ---- the script -------------------------------------------------------------------------------
    def line(self, step_id: str) -> Line | None:
        return self.scenario.line(step_id)

    def party(self, line: Line | None) -> Party:
        return self.scenario.party(line.who if line else None)

    def speaker(self, line: Line | None) -> str:
        party = self.party(line)
        if party.label is not None:
            return pick(party.label.as_dict())
        if party.creates is not None:
            return party.creates.name
        if party.person is not None:
            return party.person.name
        from teller.practice.scenario import demo_subscribers

        row = demo_subscribers().get(party.subscriber or "")
        return row[1] if row else t("drill.customer")

    def text(self, value) -> str:
        return resolve(pick(value.as_dict()), self.now) if value is not None else ""

    def answer(self, line: Line | None) -> str | None:
        return resolve(line.answer, self.now) if line is not None and line.answer is not None else None

    def had_mistake_at(self, step_id: str) -> bool:
        return any(m.step == step_id for m in self.mistakes)

    # ---- events -----------------------------------------------------------------------------------
    def note(self, kind: str, step: str, detail: str = "") -> None:
        self.mistakes.append(scoring.Mistake(kind, step, detail, round(self.elapsed(), 1)))

    def reached(self, run: "Run") -> None:
        self.furthest = max(self.furthest, run.index)
        if run.state == STOPPED:
            self.stopped_at.add(run.step.id)

    def refused(self, run: "Run", step: "Step", raw: Any, message: str) -> None:
        line = self.line(step.id)
        self.last_refusal = message
        kind = step.input.kind if step.input else ""
        for scripted, expected in ((line and line.first, False), (line and line.refused and line.answer, True)):
            if scripted and same(kind, raw, resolve(scripted, self.now)):
                if expected:
                    self.expected_refusal = step.id
                return  # the customer's own offer, refused as the script says: not a mistake
        self.note("refused", step.id, message)

    def accepted(self, run: "Run", step: "Step", raw: Any) -> None:
        if step.input is None:
            return
        self.answered.add(step.id)
        line = self.line(step.id)
        if line is None or line.choose == "any" or line.free:
            return  # off the script (counted where the run left it), left to the clerk, or in their words
        kind = step.input.kind
        said = self.answer(line)
        if said is not None and not line.refused and same(kind, raw, said):
            return
        shown_said = shown(run, step, said) if said is not None else "—"
        self.note("wrong_answer", step.id, t("drill.detail.wrong", typed=shown(run, step, raw), said=shown_said))

    def went_back(self, step_id: str) -> None:
        self.note("back", step_id)

    def cancelled(self, step_id: str) -> None:
        exp = self.scenario.expect
        if exp.declined is not None and exp.declined.step == step_id and self.expected_refusal == step_id:
            return  # the visit ends where the customer's answer was refused: the right thing to do
        self.note("cancelled", step_id)

    def finish(self, run: "Run") -> None:
        """At the end: the gate the run went past, the documents it never checked."""
        self.end()
        steps = run.procedure.steps
        index = {s.id: i for i, s in enumerate(steps)}
        exp = self.scenario.expect
        if exp.stopped is not None:
            gate = exp.stopped.gate
            if gate not in self.stopped_at and self.furthest > index.get(gate, len(steps)):
                self.note("gate_missed", gate)
        for ln in self.scenario.script:
            if ln.document and ln.step not in self.answered and self.furthest > index.get(ln.step, len(steps)):
                self.note("document_not_checked", ln.step, ln.document)


def same(kind: str, typed: Any, said: Any) -> bool:
    """Whether what was keyed in is what the customer said, read as the step reads it."""
    return _norm(kind, typed) == _norm(kind, said)


def _norm(kind: str, value: Any) -> Any:
    from teller.domain import rules
    from teller.domain.money import parse_yuan

    text = "" if value is None else str(value)
    try:
        if kind == "phone":
            return rules.check_phone(text) if text.strip() else ""
        if kind in ("money", "cash"):
            return parse_yuan(text) if text.strip() else 0
        if kind == "id_number":
            return rules.ascii_digits(text).strip().upper()
        if kind == "date":
            return rules.check_date(text)
        if kind == "datetime":
            return rules.check_datetime(text)
        if kind in SECRET:
            return rules.ascii_digits(text).strip()
    except InputRefused:
        pass
    return text.strip().casefold()


def shown(run: "Run", step: "Step", value: Any) -> str:
    """A value as a trainer may read it: secrets never, ID numbers masked, choices by their label."""
    from teller.domain.rules import mask_id

    kind = step.input.kind if step.input else ""
    text = "" if value is None else str(value)
    if kind in SECRET:
        return "******"
    if kind == "id_number" and len(text.strip()) >= 8:
        return mask_id(text.strip().upper())
    if kind == "choice":
        for option in run.options_for(step.input):
            if option.value == text:
                return option.label
    return text.strip() or "—"


class DrillRun(Run):
    """A Run whose every move is also written in its Drill's journal."""

    def __init__(self, loaded: "LoadedProcedure", desk, drill: Drill) -> None:
        self.drill = drill
        self.on_end: Callable[[str], None] | None = None  # the console's hook: the drill is over
        super().__init__(loaded, desk)
        drill.reached(self)  # the first step may be a gate already

    def submit(self, value: str | None = None) -> None:
        if self.state != ACTIVE:
            return super().submit(value)
        step = self.step
        try:
            super().submit(value)
        except InputRefused as exc:
            self.drill.refused(self, step, value, exc.message)
            raise
        finally:
            self.drill.reached(self)  # the step the run moved to, or stopped at
        if step.kind == "input":
            self.drill.accepted(self, step, value)

    def back(self) -> bool:
        where = self.step.id
        went = super().back()
        if went:
            self.drill.went_back(where)
        return went

    def cancel(self) -> None:
        was = self.state
        super().cancel()
        if was == ACTIVE and self.state == CANCELLED:
            self.drill.cancelled(self.step.id)


# ---- the customer's side, played by the script (headless validation, tests) -------------------------
class Divergence(Exception):
    """Where a scenario's script and the procedure part ways."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(f"{step}: {message}")
        self.step, self.message = step, message


def play(run: DrillRun, *, max_moves: int = 500) -> None:
    """Drive the run as a perfect trainee would: every scripted answer, first offers included.

    Raises Divergence where the script cannot go on (no answer for a step the run reaches, an
    answer the engine refuses, a refusal that does not come)."""
    drill = run.drill
    for _ in range(max_moves):
        if run.state != ACTIVE:
            return
        step = run.step
        if step.kind != "input":
            run.submit(None)
            continue
        line = drill.line(step.id)
        if line is None:
            raise Divergence(step.id, t("drill.diverge.no_answer", kind=step.input.kind))
        if line.first is not None:
            first = resolve(line.first, drill.now)
            try:
                run.submit(first)
            except InputRefused:
                pass
            else:
                raise Divergence(step.id, t("drill.diverge.first_accepted", value=first))
            if run.state != ACTIVE or run.step.id != step.id:
                return
        if line.choose == "any":
            options = run.options()
            if not options:
                raise Divergence(step.id, t("drill.diverge.no_options"))
            value = options[0].value
        else:
            value = drill.answer(line)
        try:
            run.submit(value)
        except InputRefused as exc:
            if line.refused:
                run.cancel()
                return
            raise Divergence(step.id, t("drill.diverge.refused", value=shown(run, step, value), message=exc.message)) from None
        if line.refused:
            raise Divergence(step.id, t("drill.diverge.not_refused", value=shown(run, step, value)))
    raise Divergence(run.step.id, t("drill.diverge.loop"))


def expected_of(scenario: Scenario, now: datetime) -> scoring.Expected:
    exp = scenario.expect
    if exp.committed is not None:
        c = exp.committed
        changes = {}
        if c.changes is not None:
            for key, value in c.changes.model_dump(exclude_none=True).items():
                changes[key] = resolve(value, now) if isinstance(value, str) and key == "bill_printed" else value
        return scoring.Expected(
            scoring.COMMITTED, total_fen=c.total, change_fen=c.change,
            papers=tuple(c.papers) if c.papers is not None else None, changes=changes,
        )
    if exp.stopped is not None:
        words = resolve(pick(exp.stopped.line.as_dict()), now) if exp.stopped.line else ""
        return scoring.Expected(scoring.STOPPED, step=exp.stopped.gate, words=words)
    words = resolve(pick(exp.declined.refusal.as_dict()), now) if exp.declined.refusal else ""
    return scoring.Expected(scoring.DECLINED, step=exp.declined.step, words=words)


def ending_of(run: DrillRun, *, tx=None, papers: tuple[str, ...] = (), facts: dict | None = None) -> scoring.Actual:
    """How the run ended; for a commit, the transaction row, its papers and the account after it."""
    drill = run.drill
    if run.committed is not None:
        facts = dict(facts or {})
        serial = drill.staged.get(facts.get("number", ""))
        if serial and "sim_serial" in facts:
            facts["new_sim"] = facts["sim_serial"] != serial
        return scoring.Actual(
            scoring.COMMITTED, step=run.step.id, total_fen=tx.amount_due_fen if tx else run.total_fen,
            change_fen=tx.change_fen if tx else 0, papers=papers, facts=facts, receipt_no=run.committed.receipt_no,
        )
    if run.state == STOPPED:
        return scoring.Actual(scoring.STOPPED, step=run.step.id, line=run.line)
    if run.state == CANCELLED:
        return scoring.Actual(
            scoring.CANCELLED, step=run.step.id, line=drill.last_refusal,
            refused_here=drill.expected_refusal == run.step.id,
        )
    if run.state == FINISHED:
        return scoring.Actual(scoring.FINISHED, step=run.step.id)
    return scoring.Actual(scoring.ABANDONED, step=run.step.id)
