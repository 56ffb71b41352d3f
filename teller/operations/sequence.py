"""A procedure's effect as a list (`effect: [{op, params, when}, ...]`): the operations whose
condition holds are applied in order in the one commit, and reversed in reverse order by a
void (each by its own `reverse`; one refusal refuses the whole void, before the PIN).

Internal: the counter builds it for a run (teller.counter.plan), a procedure never names it.
The transaction's report category is the first money category among the operations applied
(deposit, fee, ...), else non_cash; deposits taken or returned are counted apart anyway.
"""

from __future__ import annotations

from typing import Any

from teller.operations._base import NON_CASH, Outcome, VoidRefused, register
from teller.strings import t


def apply(session, answers, now, params: list[tuple[Any, Any]]) -> Outcome:
    """`params`: the (Operation, its params or None) to apply, in order."""
    outcomes: list[tuple[str, Outcome]] = []
    for op, op_params in params:
        got = op.apply(session, answers, now, op_params) if op.params is not None else op.apply(session, answers, now)
        outcomes.append((op.name, got))
    number = next((o.customer_number for _, o in outcomes if o.customer_number), answers.get("number"))
    out = Outcome(number, "; ".join(o.audit for _, o in outcomes) or "nothing applied")
    for _, o in outcomes:
        out.paper += o.paper
        out.signatures += [s for s in o.signatures if s not in out.signatures]
        out.arrears_fen += o.arrears_fen
        out.deposit_fen += o.deposit_fen
        out.receipt.update({k: v for k, v in o.receipt.items() if v and k not in out.receipt})  # the first to name a value
    out.reversal = {"steps": [{"op": name, "data": o.reversal} for name, o in outcomes]}
    return out


def reverse(session, data, tx) -> str:
    from teller.operations import registry

    done = []
    for step in reversed(data.get("steps", [])):
        op = registry().get(step["op"])
        if op is None:
            raise VoidRefused(t("void.cannot_reverse", why=step["op"]))
        if op.reverse is None:
            raise VoidRefused(t("void.irreversible", why=t(op.irreversible)))
        done.append(f"{step['op']}: {op.reverse(session, step['data'], tx)}")
    return "; ".join(done) or "nothing to undo"


OPERATION = register("sequence", fields={"number"}, apply=apply, reverse=reverse, category=NON_CASH, internal=True,
                     summary="internal: the operations of an `effect:` list, applied in order, reversed in reverse order")
