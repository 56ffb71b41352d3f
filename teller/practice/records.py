"""Drills at a practice Desk: start one (the stage set), finish it (scored, stored), read results,
assign drill sets and exams. The console's practice screens, the CLI and the headless validator
call these; the tables are teller.store.drills. Heavy imports stay inside the functions.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from teller.errors import TellerError
from teller.practice import scoring
from teller.practice.drill import Drill, DrillRun, ending_of, expected_of
from teller.strings import t

if TYPE_CHECKING:
    from teller.config import Settings
    from teller.practice.scenario import LoadedScenario


def load_scenarios(settings: "Settings", procedures: dict):
    """(good scenarios, problems) of the configured scenarios folder, checked against `procedures`."""
    from teller.practice.scenario import load_folder

    folder = settings.scenarios_dir
    if folder is None or not folder.is_dir():
        return [], []
    return load_folder(folder, procedures)


def _require_practice(desk) -> None:
    if not desk.practice:
        raise TellerError(t("drill.practice_only"))


def start_drill(desk, loaded: "LoadedScenario", *, exam: bool = False, set_id: int | None = None,
                clock: Callable[[], float] = time.monotonic) -> DrillRun:
    """Set the stage in the practice database and return the drill's Run (the timer starts now)."""
    from teller.practice.stage import stage
    from teller.store.busy import retry_locked

    _require_practice(desk)
    proc = desk.procedures.get(loaded.scenario.procedure)
    if proc is None:
        raise TellerError(t("drill.no_procedure", procedure=loaded.scenario.procedure))
    drill = Drill(loaded, now=desk.now(), exam=exam, set_id=set_id, clock=clock)
    drill.staged = retry_locked(lambda: stage(desk.engine, loaded.scenario, now=desk.now()), on_busy=desk.on_busy)
    drill.started = clock()
    return DrillRun(proc, desk, drill)


@dataclass(frozen=True)
class DrillResult:
    breakdown: scoring.Breakdown
    expected: scoring.Expected
    actual: scoring.Actual
    passed: bool
    attempt_id: int | None = None
    attempt_no: int | None = None


def _subject_number(run: DrillRun) -> str:
    if run.committed is not None and run.committed.customer is not None:
        return run.committed.customer.number
    main = run.drill.scenario.customer
    return main.subscriber or (main.creates.number if main.creates else "")


def score_drill(desk, run: DrillRun) -> DrillResult:
    """The drill's ending read from the database (transaction, papers, the account) and scored."""
    from sqlmodel import Session, select

    from teller.store.drills import account_facts
    from teller.store.models import ReceiptJobRecord, TransactionRecord

    drill = run.drill
    drill.finish(run)
    tx, papers, facts = None, (), {}
    if run.committed is not None:
        with Session(desk.engine) as session:
            tx = session.get(TransactionRecord, run.committed.tx_id)
            layouts = session.exec(select(ReceiptJobRecord.layout).where(ReceiptJobRecord.tx_id == run.committed.tx_id).order_by(ReceiptJobRecord.id)).all()
            papers = tuple(dict.fromkeys(layouts))
            number = _subject_number(run)
            facts = account_facts(session, number) if number else {}
    actual = ending_of(run, tx=tx, papers=tuple(_paper_title(desk, p) for p in papers), facts=facts)
    expected = expected_of(drill.scenario, drill.now)
    if expected.papers is not None:
        expected = dataclasses.replace(expected, papers=tuple(_paper_title(desk, p) for p in expected.papers))
    breakdown = scoring.score(expected, actual, drill.mistakes, elapsed_s=drill.elapsed(), limit_s=run.procedure.time_limit_s)
    return DrillResult(breakdown, expected, actual, breakdown.passed(desk.settings.practice_pass_mark))


def _paper_title(desk, layout: str) -> str:
    """收费凭证, 业务受理单: a paper by the name its layout gives it (the layout id if unreadable)."""
    from teller.errors import TellerError as _Error
    from teller.printing.layouts import load_layout
    from teller.strings import pick

    try:
        return pick(load_layout(str(desk.settings.layouts_dir), layout).title)
    except _Error:
        return layout


def finish_drill(desk, run: DrillRun) -> DrillResult:
    """Score the drill and store the attempt with its mistakes (the trainee is the clerk logged in)."""
    from teller.store.busy import retry_locked
    from teller.store.db import session_scope
    from teller.store.drills import PracticeAttemptRecord, add_attempt

    _require_practice(desk)
    result = score_drill(desk, run)
    drill, b = run.drill, result.breakdown

    def once():
        with session_scope(desk.engine) as session:
            rec = add_attempt(
                session,
                attempt=PracticeAttemptRecord(
                    trainee=desk.clerk, scenario_id=drill.scenario.id, procedure_id=drill.scenario.procedure, attempt_no=0,
                    kind="exam" if drill.exam else "drill", set_id=drill.set_id, counter=desk.counter,
                    started_at=drill.now, ended_at=desk.now(), elapsed_ms=int(b.elapsed_s * 1000), limit_s=b.limit_s,
                    ending=result.actual.kind, outcome_ok=b.outcome_ok, score=b.score, passed=result.passed,
                    receipt_no=result.actual.receipt_no, breakdown_json=json.dumps(b.to_dict(), ensure_ascii=False),
                ),
                mistakes=[(m.kind, m.step, m.detail, m.at_s) for m in b.mistakes],
            )
            return rec.id, rec.attempt_no

    attempt_id, attempt_no = retry_locked(once, on_busy=desk.on_busy)
    return DrillResult(b, result.expected, result.actual, result.passed, attempt_id, attempt_no)


# ---- reading -------------------------------------------------------------------------------------
def results(engine, *, trainee: str | None = None, zone=None) -> list[dict]:
    """Every attempt (oldest first) as a row: who, what, when, how long against the standard, score."""
    from sqlmodel import Session, select

    from teller.clock import local_text
    from teller.store.drills import attempts, mistakes_of
    from teller.store.models import ClerkRecord

    with Session(engine) as session:
        rows = attempts(session, trainee=trainee)
        names = {c.staff_no: c.name for c in session.exec(select(ClerkRecord))}
        mistakes = mistakes_of(session, attempt_ids=[r.id for r in rows])
    out = []
    for r in rows:
        ms = mistakes.get(r.id, [])
        out.append({
            "id": r.id, "trainee": r.trainee, "name": names.get(r.trainee, ""), "scenario": r.scenario_id,
            "procedure": r.procedure_id, "attempt": r.attempt_no, "kind": r.kind, "set_id": r.set_id,
            "started": local_text(r.started_at, zone) if zone is not None else r.started_at.isoformat(),
            "elapsed_s": round(r.elapsed_ms / 1000, 1), "limit_s": r.limit_s, "score": r.score,
            "passed": r.passed, "ending": r.ending, "outcome_ok": r.outcome_ok, "mistakes": len(ms),
            "mistake_list": [{"kind": m.kind, "step": m.step, "detail": m.detail, "at_s": m.at_ms / 1000} for m in ms],
            "receipt_no": r.receipt_no,
        })
    return out


def breakdown_of(engine, attempt_id: int) -> scoring.Breakdown | None:
    from sqlmodel import Session

    from teller.store.drills import PracticeAttemptRecord

    with Session(engine) as session:
        rec = session.get(PracticeAttemptRecord, attempt_id)
        return scoring.Breakdown.from_dict(json.loads(rec.breakdown_json)) if rec else None


def trainees(engine) -> list[dict]:
    """Staff who practise (clerks, and anyone with attempts), with a summary of their attempts."""
    from sqlmodel import Session, select

    from teller.store.drills import attempts
    from teller.store.models import ClerkRecord

    with Session(engine) as session:
        clerks = list(session.exec(select(ClerkRecord).order_by(ClerkRecord.staff_no)))
        rows = attempts(session)
    by: dict[str, list] = {}
    for r in rows:
        by.setdefault(r.trainee, []).append(r)
    out = []
    for c in clerks:
        mine = by.get(c.staff_no, [])
        if c.role != "clerk" and not mine:
            continue
        out.append({
            "staff_no": c.staff_no, "name": c.name, "attempts": len(mine),
            "passed": sum(1 for r in mine if r.passed),
            "pass_rate": round(100 * sum(1 for r in mine if r.passed) / len(mine)) if mine else None,
            "mean": round(sum(r.score for r in mine) / len(mine)) if mine else None,
            "last": mine[-1].score if mine else None,
        })
    return out


# ---- drill sets and exams ---------------------------------------------------------------------------
def assign(desk, *, trainee: str, kind: str, scenarios: list[str], title: str = "", by: str = "") -> int:
    """A trainer gives a trainee a drill set or an exam (a fixed list of scenarios); audited."""
    from teller.store.db import session_scope
    from teller.store.drills import add_set
    from teller.store.models import ClerkRecord

    if kind not in ("drill", "exam"):
        raise TellerError(f"kind must be drill or exam, not {kind!r}")
    if not scenarios:
        raise TellerError(t("trainer.none_picked"))
    with session_scope(desk.engine) as session:
        clerk = session.get(ClerkRecord, trainee)
        if clerk is None:
            raise TellerError(t("trainer.no_trainee", staff_no=trainee))
        rec = add_set(session, trainee=trainee, kind=kind, scenarios=list(scenarios), title=title, by=by or desk.clerk,
                      now=desk.now(), pass_mark=desk.settings.practice_pass_mark if kind == "exam" else 0)
        set_id = rec.id
    desk.audit("practice_assign", actor=by or desk.clerk or "admin", detail=f"{kind} {set_id} for {trainee}: {','.join(scenarios)}")
    return set_id


def open_sets(engine, trainee: str) -> list[dict]:
    """The trainee's open drill sets and exams, each with the scenarios done (in that set) so far."""
    from sqlmodel import Session

    from teller.store.drills import attempts, sets

    with Session(engine) as session:
        out = []
        for s in sets(session, trainee=trainee, status="open"):
            tries = attempts(session, trainee=trainee, set_id=s.id)
            done = {a.scenario_id for a in tries} if s.kind == "exam" else {a.scenario_id for a in tries if a.passed}
            out.append({"id": s.id, "kind": s.kind, "title": s.title, "scenarios": s.scenarios, "done": sorted(done),
                        "pass_mark": s.pass_mark, "assigned_by": s.assigned_by})
    return out


def all_sets(engine, trainee: str | None = None) -> list[dict]:
    from sqlmodel import Session

    from teller.store.drills import sets

    with Session(engine) as session:
        return [{"id": s.id, "trainee": s.trainee, "kind": s.kind, "title": s.title, "scenarios": s.scenarios,
                 "status": s.status, "score": s.score, "passed": s.passed, "pass_mark": s.pass_mark,
                 "assigned_at": s.assigned_at.isoformat(), "assigned_by": s.assigned_by}
                for s in sets(session, trainee=trainee)]


def close_set_if_done(desk, set_id: int) -> dict | None:
    """When every scenario of a set has its attempt (an exam) or a pass (a drill set), close it; an
    exam's score is the mean of its drills and it passes at the pass mark it was given with."""
    from sqlmodel import Session

    from teller.store.db import session_scope
    from teller.store.drills import PracticeSetRecord, attempts, close_set

    with Session(desk.engine) as session:
        s = session.get(PracticeSetRecord, set_id)
        if s is None or s.status != "open":
            return None
        tries = attempts(session, trainee=s.trainee, set_id=set_id)
    wanted = s.scenarios
    if s.kind == "exam":
        first = {}
        for a in tries:
            first.setdefault(a.scenario_id, a)
        if not all(sc in first for sc in wanted):
            return None
        mean = round(sum(first[sc].score for sc in wanted) / len(wanted))
        passed = mean >= s.pass_mark
    else:
        if not all(any(a.scenario_id == sc and a.passed for a in tries) for sc in wanted):
            return None
        mean, passed = None, True
    with session_scope(desk.engine) as session:
        close_set(session, set_id=set_id, now=desk.now(), score=mean, passed=passed)
    if s.kind == "exam":
        desk.audit("practice_exam", detail=f"exam {set_id} {s.trainee}: {mean} / {s.pass_mark} {'passed' if passed else 'failed'}")
    return {"id": set_id, "kind": s.kind, "score": mean, "passed": passed, "pass_mark": s.pass_mark}
