"""The lines a procedure adds to its papers (`paper: [{label, field}]`), from a run's answers.

Each line prints the answer as the clerk saw it: money as ￥, a choice as its label, a date as
YYYY-MM-DD, a date and time as YYYY-MM-DD HH:MM, an ID number masked; a fee code prints the
fee's amount. An answer not given (an optional step skipped, a branch not taken) prints no line.
The loader refuses secret fields (passwords, PINs) and names that are neither an input nor a fee.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from teller.domain.money import money
from teller.domain.rules import mask_id
from teller.strings import pick

if TYPE_CHECKING:
    from teller.procedures.engine import Run


def paper_lines(run: "Run") -> list[tuple[str, str]]:
    proc = run.procedure
    if not proc.paper:
        return []
    specs = {s.input.field: s.input for s in proc.steps if s.input}
    fees = {line.code: line.amount_fen for line in run.fee_lines()}
    out: list[tuple[str, str]] = []
    for line in proc.paper:
        label = pick(line.label.as_dict())
        spec = specs.get(line.field)
        if spec is None:
            if line.field in fees:
                out.append((label, money(fees[line.field])))
            continue
        value = run.answers.get(line.field)
        if value is None or value == "":
            continue
        out.append((label, shown(run, spec, value)))
    return out


def shown(run: "Run", spec, value) -> str:
    """One answer as printed."""
    if spec.kind in ("money", "cash") and isinstance(value, int):
        return money(value)
    if spec.kind == "choice":
        label = next((o.label for o in run.options_for(spec) if o.value == str(value)), None)
        return label if label is not None else str(value)
    if spec.kind == "id_number":
        return mask_id(str(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
