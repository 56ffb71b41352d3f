"""The engine: a Run walks one procedure step by step for one visit.

It knows nothing of screens or databases. What it needs from outside (customer lookup,
catalogues, the commit) comes through a `Desk` port, so the console, practice mode, the
CLI and the tests drive the very same Run.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from teller.domain import rules
from teller.domain.checks import CHECKS
from teller.domain.money import parse_yuan
from teller.domain.views import CustomerView, HandsetView, PlanView
from teller.errors import InputRefused, TellerError
from teller.procedures.loader import LoadedProcedure
from teller.procedures.schema import Condition, Step
from teller.procedures.run_fees import RunFees
from teller.procedures.run_inputs import RunInputs
from teller.procedures.run_options import OPTION_SOURCES, RunOptions
from teller.procedures.run_parties import RunParties
from teller.procedures.run_text import RunText
from teller.procedures.run_values import (
    ACTIVE, CANCELLED, DOCUMENTS_MISSING, FINISHED, SECRET_KINDS, STOPPED, DocumentState, FeeLine, Option, Party,
)

__all__ = [
    "ACTIVE", "CANCELLED", "DOCUMENTS_MISSING", "FINISHED", "OPTION_SOURCES", "SECRET_KINDS", "STOPPED",
    "Committed", "Desk", "DocumentState", "FeeLine", "Option", "Party", "Run",
]


class Desk(Protocol):
    """What a Run needs from the counter it runs at."""

    hall_name: str
    counter: str
    clerk: str
    payment_limit_fen: int

    def now(self) -> datetime: ...
    def find_customer(self, number: str) -> CustomerView | None: ...
    def plans(self) -> list[PlanView]: ...
    def free_numbers(self) -> list[str]: ...
    def commit(self, run: "Run") -> "Committed": ...
    def numbers_held(self, id_number: str) -> int: ...
    def handsets(self) -> list[HandsetView]: ...
    def authorize(self, staff_no: str, pin: str, *, action: str, detail: str = "") -> Any: ...


@dataclass(frozen=True)
class Committed:
    tx_id: int
    receipt_no: str
    customer: CustomerView | None


@dataclass
class Run(RunFees, RunText, RunInputs, RunOptions, RunParties):
    """One visit walking one procedure: its answers, the step it is on and where it goes next.

    Here the run's state and its flow (arrive, go, back, cancel, submit, commit); its other parts:
    teller.procedures.run_fees (fees, change, waivers), run_text (placeholders, lines),
    run_inputs (parsing what was typed), run_options (choices and catalogues), run_parties
    (documents and parties)."""

    loaded: LoadedProcedure
    desk: Desk
    answers: dict[str, Any] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)  # what was typed, to refill a field on Esc
    customer: CustomerView | None = None
    accounts: dict[str, CustomerView] = field(default_factory=dict)  # other parties, by phone field (`lookup: account`)
    index: int = 0
    state: str = ACTIVE
    stop_code: str = ""
    committed: Committed | None = None
    history: list[int] = field(default_factory=list)
    visit_token: str = field(default_factory=lambda: uuid.uuid4().hex)
    visits: list[Committed] = field(default_factory=list)  # every commit of this run (loops)
    option_filter: str = ""  # what the clerk typed to narrow a long catalogue (a free number's tail digits)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._arrive(0)

    # ---- reading -------------------------------------------------------------------
    @property
    def procedure(self):
        return self.loaded.procedure

    @property
    def step(self) -> Step:
        return self.procedure.steps[self.index]

    @property
    def step_number(self) -> int:
        return self.index + 1

    @property
    def done(self) -> bool:
        return self.state != ACTIVE

    def value(self, name: str) -> Any:
        """A field for conditions: `customer.*`, `total_fen`, or an answer."""
        if name.startswith("customer."):
            if self.customer is None:
                return False if name == "customer.exists" else None
            return self.customer.fields().get(name)
        if name == "total_fen":
            return self.total_fen
        head, dot, attr = name.partition(".")
        if dot and head in self._account_fields():
            account = self.accounts.get(head)
            if account is None:
                return False if attr == "exists" else None
            return account.fields().get(f"customer.{attr}")
        return self.answers.get(name)

    def holds(self, cond: Condition | None) -> bool:
        if cond is None:
            return True
        if cond.all_ is not None:
            return all(self.holds(c) for c in cond.all_)
        if cond.any_ is not None:
            return any(self.holds(c) for c in cond.any_)
        if cond.not_ is not None:
            return not self.holds(cond.not_)
        v = self.value(cond.field)
        if cond.equals_field is not None:
            return v is not None and v == self.value(cond.equals_field)
        if cond.exists is not None:
            return (v is not None) == cond.exists
        if cond.equals is not None:
            return v == cond.equals or (v is not None and str(v) == str(cond.equals))
        if cond.not_equals is not None:
            return not (v == cond.not_equals or (v is not None and str(v) == str(cond.not_equals)))
        if cond.in_ is not None:
            return v in cond.in_ or str(v) in {str(x) for x in cond.in_}
        if v is None:
            return False
        if cond.lt is not None:
            return v < cond.lt
        return v > cond.gt  # gt

    @property
    def plan(self) -> PlanView | None:
        code = self.answers.get("plan")
        return next((p for p in self.desk.plans() if p.code == code), None) if code else None

    # ---- moving --------------------------------------------------------------------
    def _arrive(self, index: int) -> None:
        """Enter step `index`, skipping steps whose condition does not hold; a holding gate stops."""
        steps = self.procedure.steps
        while index < len(steps):
            step = steps[index]
            if step.kind == "gate":
                if self.holds(step.when):
                    self.index, self.state, self.stop_code = index, STOPPED, step.stop or ""
                    return
                index += 1
                continue
            if not self.holds(step.when):
                index += 1
                continue
            self.index = index
            return
        self.state = FINISHED

    def _go(self, target: str | None, *, again: bool = False, stop: str | None = None) -> None:
        if stop:
            self.state, self.stop_code = STOPPED, stop
            return
        self.history.append(self.index)
        if again:
            self._new_visit()
        if target:
            self._arrive(self._index_of(target))
        else:
            self._arrive(self.index + 1)

    def _index_of(self, step_id: str) -> int:
        for i, s in enumerate(self.procedure.steps):
            if s.id == step_id:
                return i
        raise TellerError(f"no step {step_id}")  # the loader rules this out

    def _new_visit(self) -> None:
        self.answers.clear()
        self.typed.clear()
        self.customer = None
        self.accounts.clear()
        self.committed = None
        self.history.clear()
        self.visit_token = uuid.uuid4().hex

    def back(self) -> bool:
        """Go back one step; what was typed stays. Not past a commit."""
        if not self.history or self.state not in (ACTIVE, STOPPED):
            return False
        self.index = self.history.pop()
        self.state, self.stop_code = ACTIVE, ""
        return True

    def cancel(self) -> None:
        """Abandon the visit before its commit. Nothing has been written, nothing will be."""
        if self.committed is None:
            self.state = CANCELLED

    def submit(self, value: str | None = None) -> None:
        """The clerk pressed Enter on the current step with `value` typed or chosen."""
        if self.state != ACTIVE:
            return
        step = self.step
        if step.kind == "commit":
            self.commit()
            self._arrive(self._index_of(step.goto) if step.goto else self.index + 1)  # no way back past it
            return
        if step.kind == "end":
            self.history.append(self.index)
            self.state = FINISHED
            return
        if step.kind == "say":
            self._go(step.goto, again=step.again)
            return
        spec = step.input
        assert spec is not None
        raw = "" if value is None else str(value)
        if not raw.strip() and spec.optional:
            self.answers.pop(spec.field, None)
            self._go(step.goto)
            return
        parsed = self._parse(step, raw)
        facts = self if spec.of is None else Party(self._party(spec), self.answers, self.desk)
        for name in step.checks:
            try:
                CHECKS[name](facts, parsed)
            except InputRefused:
                own = self.procedure.refusals.get(name)  # the procedure's own words for this refusal
                if own is None:
                    raise
                raise InputRefused(self.render(own)) from None
        if spec.kind != "supervisor_pin":  # a supervisor's PIN is never kept, not even to refill the field
            self.typed[spec.field] = raw
        self.answers[spec.field] = parsed
        if spec.kind == "choice" and spec.field in self._fee_inputs():
            self.answers[spec.field] = parse_yuan(parsed)  # a fee picked from choices ("50", "100")
        if spec.kind == "cash":
            self.answers["change"] = self.change_fen
        if spec.kind == "choice" and spec.choices:
            choice = next(c for c in spec.choices if c.value == parsed)
            self._go(choice.goto or step.goto, again=step.again and bool(choice.goto), stop=choice.stop)
            return
        self._go(step.goto, again=step.again)

    def commit(self) -> Committed:
        """Apply the procedure's effect once. A second Enter returns the first result."""
        with self._lock:
            if self.committed is None:
                self.committed = self.desk.commit(self)
                self.visits.append(self.committed)
                if self.committed.customer is not None:
                    self.customer = self.committed.customer
                self.history.clear()  # no going back past the commit
            return self.committed

    # ---- what is kept of the visit ----------------------------------------------------------
    def secret_fields(self) -> set[str]:
        return {s.input.field for s in self.procedure.steps if s.input and s.input.kind in ("password", "new_password")}

    def record(self) -> dict[str, Any]:
        """The answers as kept with the transaction: passwords never, ID numbers masked."""
        secret = self.secret_fields()
        ids = {s.input.field for s in self.procedure.steps if s.input and s.input.kind == "id_number"}
        out = {}
        for key, val in self.answers.items():
            if key in secret:
                continue
            is_id = key in ids or key.startswith("id")
            out[key] = rules.mask_id(val) if isinstance(val, str) and len(val) == 18 and is_id else val
        return out
