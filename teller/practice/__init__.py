"""Practice mode: scenarios with a scripted customer, drills scored and stored, trainers' tools.

The isolation itself lives in Settings.for_practice() (own database, preview spool only) and
is enforced again by the Desk. The parts, none of which imports Textual:

- scenario.py  the scenario files (strict models, file:line:field problems)
- stage.py     a scenario's people put into the practice database when a drill starts
- drill.py     DrillRun: the engine's Run with the drill's journal (mistakes as they happen)
- scoring.py   the score and its breakdown (pure)
- records.py   drills at a practice Desk: start, finish (scored and stored), results, sets
- report.py    a trainee's report (pure), rendered for 80 columns
- headless.py  scenarios run through the engine without a screen (`practice scenarios validate`)
"""

from __future__ import annotations


def free_summary(limit_s: int, elapsed_s: float, *, commits: int) -> str:
    """Free practice (a procedure, no scenario): the time against the standard, unscored: without
    a scripted customer nothing says whether the visit was handled right."""
    from teller.practice.scoring import clock
    from teller.strings import t

    verdict = "✓" if elapsed_s <= limit_s else t("run.over_time")
    done = t("drill.free_committed") if commits else t("drill.free_nothing")
    return t("drill.free_summary", practice=t("app.practice"), elapsed=clock(elapsed_s), limit=clock(limit_s), verdict=verdict, done=done)
