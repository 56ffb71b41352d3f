"""Money checks: fees that depend on the total, minimums above the payment limit, fees without a
cash step, cash taken after the commit or before the amount is known, a commit reached without
the cash."""

from __future__ import annotations

from teller.procedures.schema import Condition, Procedure
from teller.procedures.semantics.findings import WARNING, Context, Finding, step_named
from teller.procedures.semantics.flow import Flow, assume, comparisons, holds_if


def check_money(proc: Procedure, flow: Flow, ctx: Context) -> list[Finding]:
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
            out.append(Finding(("steps", i, "input", "min_yuan" if spec.min_yuan is not None else "min_fen"), step_named(step) + f"the minimum ({minimum / 100:.2f} yuan) is above the hall's payment limit ({ctx.payment_limit_fen / 100:.2f} yuan): no amount could ever be taken; lower it"))
        if spec.min_fen is not None:
            out.append(Finding(("steps", i, "input", "min_fen"), step_named(step) + f"`min_fen` is deprecated (it holds yuan): write `min_yuan: \"{spec.min_fen / 100:.2f}\"`", WARNING))
    if proc.fees and not cash:
        out.append(Finding(("fees",), "fees without a cash step: the total would be due with nothing tendered (¥0 taken); add a step with `input: {field: tendered, kind: cash}` before the commit"))
        return out
    if cash and not proc.fees:
        step = proc.steps[cash[0]]
        out.append(Finding(("steps", cash[0]), step_named(step) + "a cash step but no fees: the total is always ¥0; add the fees, or remove the step", WARNING))
    if not cash or not commits:
        return out
    c = commits[0]
    after_commit = flow.reachable(("exec", c), through_reset=False)
    cash_nodes = {("exec", i) for i in cash}
    for i in cash:
        if ("exec", i) in after_commit and i != c:
            step = proc.steps[i]
            out.append(Finding(("steps", i), step_named(step) + f"the cash is taken after the commit `{proc.steps[c].id}`: the transaction records ¥0 tendered; move the cash step before the commit"))
    # every path to the commit takes the cash (a cash step skipped when the total is 0 is fine)
    safe_skips = {("at", i) for i in cash if _zero_total_guard(proc.steps[i].when)}
    if proc.fees:
        def charged(state: dict) -> bool:  # some fee can apply on this path (a fee whose `when` cannot hold is not charged)
            return any(fee.when is None or assume(state, holds_if(fee.when)) is not None for fee in proc.fees)

        path = flow.feasible_path(("at", 0), lambda n: n == ("exec", c), avoid=frozenset(cash_nodes | safe_skips), accept=charged)
        if path is not None:
            out.append(Finding(("steps", c), step_named(proc.steps[c]) + f"a path reaches the commit without the cash step ({flow.steps_on(path)}): the total would be recorded with ¥0 tendered; take the cash on every path (a `when` on the cash step may only be `{{field: total_fen, gt: 0}}`)"))
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
                out.append(Finding(("steps", i), step_named(proc.steps[i]) + f"the cash is taken before the amount is known: step `{proc.steps[k].id}` (later) sets {spec.field!r}, which the fee `{depends[spec.field]}` depends on; move the cash step after it"))
    return out


def _zero_total_guard(cond: Condition | None) -> bool:
    return cond is not None and cond.field == "total_fen" and (cond.gt == 0 or cond.not_equals in (0, "0"))
