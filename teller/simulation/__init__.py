"""A procedure walked on a throwaway copy of the demo data: what `teller-admin procedures
simulate` shows and what `procedures test` (the cases of tests as data) checks.

A `Sandbox` is a counter of its own in a temporary folder: a copy of a demo-seeded SQLite
database (seeded once per process), the demo clerk logged in, a shift opened with a float,
papers rendered by the preview backend into its own spool, a fixed clock. Nothing of the
hall's live database, printer or shift is touched; the folder is deleted afterwards.

`walk` drives the very Run the console drives, step by step, with answers by input field
(or asking for each when a prompt is given), and records what happened: every line said with
its placeholders filled, every gate passed or taken and every step skipped, the fee table,
the transaction, the changes the operation made to the demo data (a diff of the business
tables before and after the commit) and the papers as the preview prints them.

The parts: `sandbox` (the throwaway counter, the demo data before and after), `traced` (the
walk and what it records), `text` (the report `simulate` prints) and `case_runs` (tests as data).
"""

from __future__ import annotations

from teller.simulation.case_runs import (
    CaseResult,
    check_case,
    run_case,
    run_cases,
    sibling_procedures,
)
from teller.simulation.sandbox import (
    BOOKKEEPING,
    FLOAT,
    Sandbox,
    copy_database,
    demo_clerk,
    demo_template,
    diff,
    snapshot,
)
from teller.simulation.text import report
from teller.simulation.traced import (
    MAX_MOVES,
    Missing,
    Passed,
    Refusal,
    Said,
    TracedRun,
    Visit,
    Walk,
    walk,
)

__all__ = [
    "BOOKKEEPING",
    "FLOAT",
    "MAX_MOVES",
    "CaseResult",
    "Missing",
    "Passed",
    "Refusal",
    "Said",
    "Sandbox",
    "TracedRun",
    "Visit",
    "Walk",
    "check_case",
    "copy_database",
    "demo_clerk",
    "demo_template",
    "diff",
    "report",
    "run_case",
    "run_cases",
    "sibling_procedures",
    "snapshot",
    "walk",
]
