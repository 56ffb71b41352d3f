"""Scoring a drill so that a trainer can explain every point (pure: no I/O, no Textual).

100 points in three parts:

- **Outcome, 40**: did the visit end as the scenario says (committed / stopped at the right gate
  / declined at the right step)? The wrong ending scores 0 here, and then the time scores 0 too:
  a quick wrong drill earns nothing for speed. A right ending loses 10 for each detail that is
  wrong (total, change, papers, each account change, the stop line).
- **Time, 30**: within the procedure's standard (`time_limit_s`) 30; one point off for every
  2 seconds over it.
- **Mistakes, 30**: 30 minus the penalty of each mistake counted during the drill
  (PENALTY: a refused input, a wrong answer against the scripted customer, Esc back, a gate
  missed, a document not checked, a cancellation).

A drill that was cancelled or ended wrongly therefore never scores 100 (at most 30).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

OUTCOME_POINTS = 40
TIME_POINTS = 30
MISTAKE_POINTS = 30
DETAIL_PENALTY = 10  # each wrong detail of a right ending
SECONDS_PER_POINT = 2  # over the standard

#: mistake kind -> points off the mistakes part
PENALTY = {
    "refused": 5,  # the engine refused what the trainee keyed in
    "wrong_answer": 5,  # accepted, but not what the scripted customer said or handed over
    "back": 3,  # Esc back a step
    "gate_missed": 10,  # the visit went past the gate it should have stopped at
    "document_not_checked": 10,  # the step that checks a document the customer handed over was skipped
    "cancelled": 10,  # the visit was abandoned (F8) where it should not have been
}
MISTAKE_KINDS = tuple(PENALTY)

#: how a drill can end
COMMITTED, STOPPED, DECLINED, CANCELLED, FINISHED, ABANDONED = "committed", "stopped", "declined", "cancelled", "finished", "abandoned"


@dataclass(frozen=True)
class Mistake:
    kind: str
    step: str  # the step id where it happened
    detail: str = ""
    at_s: float = 0.0  # seconds into the drill

    @property
    def penalty(self) -> int:
        return PENALTY.get(self.kind, 0)


@dataclass(frozen=True)
class Expected:
    """The scenario's expected ending, as plain values."""

    kind: str  # committed | stopped | declined
    step: str = ""  # the gate (stopped) or the input step (declined)
    total_fen: int | None = None
    change_fen: int | None = None
    papers: tuple[str, ...] | None = None
    changes: dict = field(default_factory=dict)  # key -> expected value (balance in fen)
    words: str = ""  # words the stop line / refusal must contain


@dataclass(frozen=True)
class Actual:
    """How the drill really ended."""

    kind: str  # committed | stopped | cancelled | finished | abandoned
    step: str = ""  # where it stopped / was cancelled
    total_fen: int = 0
    change_fen: int = 0
    papers: tuple[str, ...] = ()
    facts: dict = field(default_factory=dict)  # the customer's account after the commit
    line: str = ""  # the stop line, or the refusal that preceded a cancellation
    refused_here: bool = False  # cancelled right after the engine refused the customer's answer here
    receipt_no: str = ""


@dataclass(frozen=True)
class Check:
    name: str  # outcome | total | change | papers | words | changes.<key>
    ok: bool
    expected: str
    actual: str


@dataclass(frozen=True)
class Breakdown:
    score: int
    outcome_points: int
    time_points: int
    mistake_points: int
    elapsed_s: float
    limit_s: int
    ending_ok: bool  # the right kind of ending at the right place
    checks: tuple[Check, ...]
    mistakes: tuple[Mistake, ...]

    @property
    def outcome_ok(self) -> bool:
        """The ending and every detail right."""
        return self.ending_ok and all(c.ok for c in self.checks)

    @property
    def within(self) -> bool:
        return self.elapsed_s <= self.limit_s

    def passed(self, pass_mark: int) -> bool:
        return self.outcome_ok and self.score >= pass_mark

    def mistakes_by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for m in self.mistakes:
            out[m.kind] = out.get(m.kind, 0) + 1
        return out

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Breakdown":
        return cls(
            score=data["score"], outcome_points=data["outcome_points"], time_points=data["time_points"],
            mistake_points=data["mistake_points"], elapsed_s=data["elapsed_s"], limit_s=data["limit_s"],
            ending_ok=data["ending_ok"], checks=tuple(Check(**c) for c in data["checks"]),
            mistakes=tuple(Mistake(**m) for m in data["mistakes"]),
        )


def _yuan(fen: int | None) -> str:
    from teller.domain.money import money

    return "—" if fen is None else money(fen)


def shown_value(key: str, value, service_names: dict | None = None) -> str:
    """An account fact as a trainer reads it: 正常, ￥19.50, 家园卡, 彩铃、手机报."""
    from teller.domain import catalog
    from teller.strings import t

    if value is None:
        return "—"
    if key == "balance":
        return _yuan(value)
    if key == "status":
        return t(f"status.{value}")
    if key in ("plan", "pending_plan"):
        return next((p[1] for p in catalog.PLANS if p[0] == value), str(value))
    if key == "services":
        names = {**{code: name for code, name, _fee in catalog.VALUE_ADDED}, **(service_names or {})}
        return "、".join(names.get(v, v) for v in value) or "—"
    if key == "bill_printed":
        return "、".join(value) if isinstance(value, (list, tuple)) else str(value)
    if key in ("family_role", "new_sim"):
        return t(f"drill.value.{key}.{str(value).lower()}")
    return str(value)


def ending_matches(expected: Expected, actual: Actual) -> bool:
    if expected.kind == COMMITTED:
        return actual.kind in (COMMITTED,)
    if expected.kind == STOPPED:
        return actual.kind == STOPPED and actual.step == expected.step
    if expected.kind == DECLINED:
        return actual.kind == CANCELLED and actual.step == expected.step and actual.refused_here
    return False


def describe(kind: str, step: str = "") -> str:
    """An ending in words: 提交 / 在「…」终止 / 在「…」拒绝办理 / 取消."""
    from teller.strings import t

    return t(f"drill.ending.{kind}", step=step)


def compare(expected: Expected, actual: Actual) -> tuple[bool, list[Check]]:
    """(the ending is right, the checks of its details)."""
    ok = ending_matches(expected, actual)
    checks: list[Check] = []
    if not ok:
        return False, checks
    if expected.kind == COMMITTED:
        if expected.total_fen is not None:
            checks.append(Check("total", actual.total_fen == expected.total_fen, _yuan(expected.total_fen), _yuan(actual.total_fen)))
        if expected.change_fen is not None:
            checks.append(Check("change", actual.change_fen == expected.change_fen, _yuan(expected.change_fen), _yuan(actual.change_fen)))
        if expected.papers is not None:
            checks.append(Check("papers", tuple(actual.papers) == tuple(expected.papers), "、".join(expected.papers), "、".join(actual.papers) or "—"))
        for key, want in expected.changes.items():
            got = actual.facts.get(key)
            if key == "services":
                ok = sorted(got or []) == sorted(want)
            elif key == "bill_printed":
                ok = want in (got or ())
            else:
                ok = got == want
            names = actual.facts.get("service_names", {})
            checks.append(Check(f"changes.{key}", ok, shown_value(key, want, names), shown_value(key, got, names)))
    elif expected.words:
        checks.append(Check("words", expected.words in actual.line, expected.words, actual.line))
    return True, checks


def time_points(elapsed_s: float, limit_s: int) -> int:
    over = max(0.0, elapsed_s - limit_s)
    return max(0, TIME_POINTS - math.ceil(over / SECONDS_PER_POINT))


def score(expected: Expected, actual: Actual, mistakes: list[Mistake] | tuple[Mistake, ...], *, elapsed_s: float, limit_s: int) -> Breakdown:
    ok, checks = compare(expected, actual)
    if ok:
        outcome = max(0, OUTCOME_POINTS - DETAIL_PENALTY * sum(1 for c in checks if not c.ok))
        timed = time_points(elapsed_s, limit_s)
    else:
        outcome, timed = 0, 0
        checks = [Check("outcome", False, describe(expected.kind, expected.step), describe(actual.kind, actual.step))]
    penalty = sum(m.penalty for m in mistakes)
    kept = max(0, MISTAKE_POINTS - penalty)
    return Breakdown(
        score=outcome + timed + kept, outcome_points=outcome, time_points=timed, mistake_points=kept,
        elapsed_s=round(elapsed_s, 1), limit_s=limit_s, ending_ok=ok, checks=tuple(checks), mistakes=tuple(mistakes),
    )


def clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


def lines(b: Breakdown, *, step_title=lambda step: step) -> list[str]:
    """The breakdown in words, one line each (the console's end-of-drill screen and the CLI)."""
    from teller.strings import t

    out = [t("drill.total", score=b.score)]
    out.append(t("drill.part.outcome", points=b.outcome_points, max=OUTCOME_POINTS))
    for c in b.checks:
        mark = "✓" if c.ok else "✗"
        out.append(f"  {mark} " + check_text(c))
    verdict = t("drill.within") if b.within else t("drill.over", over=clock(b.elapsed_s - b.limit_s))
    out.append(t("drill.part.time", points=b.time_points, max=TIME_POINTS, elapsed=clock(b.elapsed_s), limit=clock(b.limit_s), verdict=verdict))
    if not b.ending_ok:
        out.append("  " + t("drill.time_void"))
    out.append(t("drill.part.mistakes", points=b.mistake_points, max=MISTAKE_POINTS, n=len(b.mistakes)))
    for m in b.mistakes:
        detail = t("drill.mistake_detail", detail=m.detail) if m.detail else ""
        out.append(f"  −{m.penalty} {t(f'drill.mistake.{m.kind}')} · {step_title(m.step)}{detail}")
    return out


def check_text(c: Check) -> str:
    from teller.strings import t

    head, _, field = c.name.partition(".")
    return t(f"drill.check.{head}", field=t(f"drill.field.{field}") if field else "", expected=c.expected, actual=c.actual)
