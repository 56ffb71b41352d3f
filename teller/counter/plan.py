"""What a commit applies for a run: the procedure's effect as one `Operation`.

`effect: pay` is the registered operation itself. A generic operation gets the procedure's
`params` (validated by its own model; the loader already refused bad ones) and the run's fee
lines (`answers["_fees"]`). An `effect:` list keeps the calls whose `when` holds for this run
and applies them in order through the internal `sequence` operation (reversed in reverse order
by a void). The procedure's `paper:` lines are added after the operations' own lines. The
operation's name, reversal and category are unchanged, so a void finds it in the registry.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from teller import operations
from teller.operations import NON_CASH, Operation, Outcome
from teller.procedures.paper import paper_lines

if TYPE_CHECKING:
    from teller.procedures.engine import Run


def bound(op: Operation, raw: dict[str, Any] | None) -> tuple[Operation, Any]:
    """The operation with its parameters validated (None for an operation without params)."""
    return op, (op.params.model_validate(raw or {}) if op.params is not None else None)


def category_of(ops: list[Operation]) -> str:
    """A list's report category: the first money category among the operations applied."""
    return next((op.category for op in ops if op.category != NON_CASH), NON_CASH)


def operation_for(run: "Run") -> Operation:
    proc = run.procedure
    calls = proc.calls
    lines = paper_lines(run)
    if isinstance(proc.effect, str) and operations.get(proc.effect).params is None and not lines:
        return operations.get(proc.effect)  # the common case: the registered operation as it is
    steps = [bound(operations.get(c.op), c.params) for c in calls if run.holds(c.when)]
    fees = {line.code: line.amount_fen for line in run.fee_lines()}
    if isinstance(proc.effect, str):
        op, params = steps[0]
        base, category = op, op.category
        apply_one = (lambda s, a, n: op.apply(s, a, n, params)) if op.params is not None else op.apply
    else:
        base = operations.get("sequence")
        category = category_of([op for op, _ in steps])

        def apply_one(s, a, n) -> Outcome:
            return base.apply(s, a, n, steps)

    def apply(session, answers, now) -> Outcome:
        out = apply_one(session, {**answers, "_fees": fees}, now)
        out.paper = [*out.paper, *lines]
        return out

    return dataclasses.replace(base, apply=apply, category=category)
