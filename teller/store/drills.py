"""Practice results: each drill attempt with its score and breakdown, the mistakes with the step
where each happened, and the drill sets and exams a trainer assigns. Tables of the practice
database (they exist, empty, in a live one). Functions take the open session by keyword and
never commit.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Field, Session, SQLModel, func, select

from teller.store.models import utc_field


class PracticeSetRecord(SQLModel, table=True):
    """A drill set or an exam a trainer assigned to a trainee: a fixed list of scenarios."""

    __tablename__ = "practice_set"
    id: int | None = Field(default=None, primary_key=True)
    trainee: str = Field(foreign_key="clerk.staff_no", index=True)
    kind: str = "drill"  # drill | exam
    title: str = ""
    scenarios_json: str = "[]"
    assigned_by: str = ""
    assigned_at: datetime = utc_field()
    pass_mark: int = 0  # an exam's pass mark when it was assigned (settings: practice_pass_mark)
    status: str = "open"  # open | done
    score: int | None = None  # an exam: the mean score of its drills
    passed: bool | None = None
    finished_at: datetime | None = utc_field(default=None)

    @property
    def scenarios(self) -> list[str]:
        return list(json.loads(self.scenarios_json or "[]"))


class PracticeAttemptRecord(SQLModel, table=True):
    """One drill: who, which scenario, the how-many-th attempt, when, how long, the score and why."""

    __tablename__ = "practice_attempt"
    id: int | None = Field(default=None, primary_key=True)
    trainee: str = Field(foreign_key="clerk.staff_no", index=True)
    scenario_id: str = Field(index=True)
    procedure_id: str
    attempt_no: int  # 1, 2, ... per trainee and scenario
    kind: str = "drill"  # drill | exam
    set_id: int | None = Field(default=None, foreign_key="practice_set.id", index=True)
    counter: str = ""
    started_at: datetime = utc_field(index=True)
    ended_at: datetime = utc_field()
    elapsed_ms: int = 0
    limit_s: int = 0
    ending: str = ""  # committed | stopped | cancelled | finished | abandoned
    outcome_ok: bool = False
    score: int = 0
    passed: bool = False
    receipt_no: str = ""
    breakdown_json: str = "{}"


class PracticeMistakeRecord(SQLModel, table=True):
    __tablename__ = "practice_mistake"
    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="practice_attempt.id", index=True)
    kind: str
    step: str
    detail: str = ""
    at_ms: int = 0


def next_attempt_no(session: Session, *, trainee: str, scenario_id: str) -> int:
    last = session.exec(
        select(func.max(PracticeAttemptRecord.attempt_no)).where(
            PracticeAttemptRecord.trainee == trainee, PracticeAttemptRecord.scenario_id == scenario_id
        )
    ).one()
    return (last or 0) + 1


def add_attempt(session: Session, *, attempt: PracticeAttemptRecord, mistakes: list[tuple[str, str, str, float]]) -> PracticeAttemptRecord:
    """Store an attempt (its number taken here) and its mistakes (kind, step, detail, seconds in)."""
    attempt.attempt_no = next_attempt_no(session, trainee=attempt.trainee, scenario_id=attempt.scenario_id)
    session.add(attempt)
    session.flush()
    for kind, step, detail, at_s in mistakes:
        session.add(PracticeMistakeRecord(attempt_id=attempt.id, kind=kind, step=step, detail=detail[:200], at_ms=int(at_s * 1000)))
    session.flush()
    return attempt


def attempts(session: Session, *, trainee: str | None = None, scenario_id: str | None = None, set_id: int | None = None) -> list[PracticeAttemptRecord]:
    stmt = select(PracticeAttemptRecord)
    if trainee is not None:
        stmt = stmt.where(PracticeAttemptRecord.trainee == trainee)
    if scenario_id is not None:
        stmt = stmt.where(PracticeAttemptRecord.scenario_id == scenario_id)
    if set_id is not None:
        stmt = stmt.where(PracticeAttemptRecord.set_id == set_id)
    return list(session.exec(stmt.order_by(PracticeAttemptRecord.started_at, PracticeAttemptRecord.id)))


def mistakes_of(session: Session, *, attempt_ids: list[int]) -> dict[int, list[PracticeMistakeRecord]]:
    out: dict[int, list[PracticeMistakeRecord]] = {i: [] for i in attempt_ids}
    for start in range(0, len(attempt_ids), 500):
        chunk = attempt_ids[start:start + 500]
        stmt = select(PracticeMistakeRecord).where(PracticeMistakeRecord.attempt_id.in_(chunk))  # type: ignore[union-attr]
        for m in session.exec(stmt.order_by(PracticeMistakeRecord.id)):
            out[m.attempt_id].append(m)
    return out


def add_set(session: Session, *, trainee: str, kind: str, scenarios: list[str], title: str, by: str, now: datetime, pass_mark: int = 0) -> PracticeSetRecord:
    rec = PracticeSetRecord(
        trainee=trainee, kind=kind, title=title, scenarios_json=json.dumps(scenarios), assigned_by=by,
        assigned_at=now, pass_mark=pass_mark,
    )
    session.add(rec)
    session.flush()
    return rec


def sets(session: Session, *, trainee: str | None = None, status: str | None = None) -> list[PracticeSetRecord]:
    stmt = select(PracticeSetRecord)
    if trainee is not None:
        stmt = stmt.where(PracticeSetRecord.trainee == trainee)
    if status is not None:
        stmt = stmt.where(PracticeSetRecord.status == status)
    return list(session.exec(stmt.order_by(PracticeSetRecord.id)))


def close_set(session: Session, *, set_id: int, now: datetime, score: int | None = None, passed: bool | None = None) -> PracticeSetRecord:
    rec = session.get(PracticeSetRecord, set_id)
    rec.status, rec.finished_at, rec.score, rec.passed = "done", now, score, passed
    session.add(rec)
    session.flush()
    return rec


# ---- the scripted customer's account, as a drill compares it ----------------------------------------
def account_facts(session: Session, number: str) -> dict:
    """What a scenario's `changes` may name, read from the tables: status, balance, plan, ..."""
    from teller.store.models import BillPrintRecord, CustomerRecord, SubscriptionRecord
    from teller.store.queries import family_role

    rec = session.get(CustomerRecord, number)
    if rec is None:
        return {}
    subs = session.exec(
        select(SubscriptionRecord).where(SubscriptionRecord.number == number, SubscriptionRecord.status == "active")
    ).all()
    months = session.exec(select(BillPrintRecord.month).where(BillPrintRecord.number == number)).all()
    return {
        "number": rec.number, "status": rec.status, "balance": rec.balance_fen, "plan": rec.plan_code,
        "pending_plan": rec.pending_plan_code, "points": rec.points, "name": rec.name,
        "family_role": family_role(session, number) or "none", "services": [sub.service_code for sub in subs],
        "service_names": {sub.service_code: sub.name for sub in subs},
        "sim_serial": rec.sim_serial, "bill_printed": list(months),
    }
