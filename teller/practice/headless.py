"""Run scenarios through the engine without a screen: where does the script leave the procedure?

Each scenario is drilled by a perfect trainee (teller.practice.drill.play) at a practice Desk
on a throwaway practice database (seeded with the demo data, in a temporary folder): every
scripted answer keyed in, each stage set as in the console. A scenario is good when the run
ends as it expects, every detail right, with no mistake counted. Otherwise each divergence is
a Problem with the file, the line of the step (or of `expect`) and what happened.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from teller.errors import Problem, TellerError
from teller.strings import t

if TYPE_CHECKING:
    from teller.practice.scenario import LoadedScenario


@dataclass(frozen=True)
class Verdict:
    scenario: str
    ok: bool
    ending: str
    score: int
    problems: tuple[Problem, ...]


def run_all(scenarios: list["LoadedScenario"], procedures_dir: Path, *, layouts_dir: Path | None = None,
            now: datetime | None = None) -> list[Verdict]:
    """Drill every scenario headless on a fresh practice database; one Verdict each. The
    procedures (and the receipt layouts their `print:` names) are read from where they are."""
    from teller.clock import FixedClock
    from teller.config import Settings
    from teller.desk import ClerkView, Desk

    with tempfile.TemporaryDirectory(prefix="teller-scenarios-") as tmp:
        home = Path(tmp)
        settings = Settings(
            home=home, procedures_dir=procedures_dir, layouts_dir=layouts_dir or Path(procedures_dir).parent / "receipts",
            database_url=f"sqlite:///{home / 'db' / 'teller.db'}",
            practice_database_url=f"sqlite:///{home / 'practice' / 'practice.db'}",
        ).for_practice()
        desk = Desk(settings, clock=FixedClock(now) if now else None).open()
        try:
            desk.clerk_view = ClerkView("1001", "headless", "clerk")  # a trainee of the demo data
            return [check(desk, loaded) for loaded in scenarios]
        finally:
            desk.close()


def check(desk, loaded: "LoadedScenario") -> Verdict:
    from teller.practice.drill import Divergence, play
    from teller.practice.records import score_drill, start_drill
    from teller.practice.scoring import check_text

    sc = loaded.scenario
    name = str(loaded.path)
    problems: list[Problem] = []
    try:
        run = start_drill(desk, loaded)
    except TellerError as exc:
        return Verdict(sc.id, False, "", 0, (Problem(name, None, "procedure", exc.message),))
    try:
        play(run)
    except Divergence as exc:
        problems.append(Problem(name, loaded.line_of(exc.step) or loaded.line_of(), _field(sc, exc.step), exc.message))
    except TellerError as exc:  # the commit refused (an operation's own check)
        problems.append(Problem(name, loaded.line_of(), "expect", t("drill.diverge.commit", message=exc.message)))
    result = score_drill(desk, run)
    b = result.breakdown
    if not problems:
        for c in b.checks:
            if not c.ok:
                problems.append(Problem(name, loaded.line_of(), "expect", check_text(c)))
        for m in b.mistakes:
            problems.append(Problem(name, loaded.line_of(m.step) or loaded.line_of(), _field(sc, m.step),
                                    t("drill.diverge.mistake", kind=t(f"drill.mistake.{m.kind}"), detail=m.detail)))
    return Verdict(sc.id, not problems, result.actual.kind, b.score, tuple(problems))


def _field(sc, step: str) -> str:
    for i, ln in enumerate(sc.script):
        if ln.step == step:
            return f"script[{i}]"
    return f"step {step}"
