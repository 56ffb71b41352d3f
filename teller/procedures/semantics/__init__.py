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

The parts: `findings` (Finding, Context, suggest), `language` (what the checks know of the
language), `flow` (the graph and its searches), and one module per family of checks: `shapes`
(steps and the graph), `fields` (field flow and condition values), `money`, `papers`, `parties`
(documents, parties, refusals).
"""

from __future__ import annotations

from teller.procedures.schema import Procedure
from teller.procedures.semantics.fields import (
    check_choices_and_fields,
    check_facts_read,
)
from teller.procedures.semantics.findings import (
    DEFAULT_PAYMENT_LIMIT_FEN,
    ERROR,
    WARNING,
    Context,
    Finding,
    step_named,
    suggest,
)
from teller.procedures.semantics.flow import (
    FINISH,
    STOP,
    Edge,
    Flow,
    comparisons,
    fails_if,
    holds_if,
)
from teller.procedures.semantics.language import (
    ALWAYS,
    BOOLEAN_FIELDS,
    CHECK_KINDS,
    CHECK_OPTIONS,
    KNOWN_VALUES,
    NUMBER_FIELDS,
    NUMBER_KINDS,
    SECRET_KINDS,
)
from teller.procedures.semantics.money import check_money
from teller.procedures.semantics.papers import (
    NOT_FOR_COMMITS,
    RECEIPT_ALWAYS,
    RECEIPT_CASH,
    RECEIPT_CUSTOMER,
    check_papers,
)
from teller.procedures.semantics.parties import check_documents_and_parties
from teller.procedures.semantics.shapes import check_flow, check_steps

__all__ = [
    "ALWAYS",
    "BOOLEAN_FIELDS",
    "CHECK_KINDS",
    "CHECK_OPTIONS",
    "DEFAULT_PAYMENT_LIMIT_FEN",
    "ERROR",
    "FINISH",
    "KNOWN_VALUES",
    "NOT_FOR_COMMITS",
    "NUMBER_FIELDS",
    "NUMBER_KINDS",
    "RECEIPT_ALWAYS",
    "RECEIPT_CASH",
    "RECEIPT_CUSTOMER",
    "SECRET_KINDS",
    "STOP",
    "WARNING",
    "Context",
    "Edge",
    "Finding",
    "Flow",
    "check",
    "comparisons",
    "fails_if",
    "holds_if",
    "step_named",
    "suggest",
]


def check(proc: Procedure, ctx: Context | None = None) -> list[Finding]:
    """Every finding of one procedure whose references are sound (the loader checks those first)."""
    ctx = ctx or Context()
    flow = Flow(proc)
    out: list[Finding] = []
    out += check_steps(proc, flow)
    out += check_choices_and_fields(proc, flow)
    out += check_flow(proc, flow)
    out += check_facts_read(proc, flow)
    out += check_money(proc, flow, ctx)
    out += check_papers(proc, flow, ctx)
    out += check_documents_and_parties(proc, flow)
    return out
