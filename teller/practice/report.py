"""A trainee's report: per procedure the best and the last time against the standard, mistakes by
kind, the pass rate, exams, and the progress of the scores (pure over result rows; rendered with
rich for the terminal at 80 columns and the trainer's screen)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from teller.practice.scoring import MISTAKE_KINDS, clock

#: how many attempts the progress chart shows (the latest)
PROGRESS_SHOWN = 12


@dataclass(frozen=True)
class ProcedureLine:
    procedure: str
    title: str
    limit_s: int
    attempts: int
    passed: int
    best_s: float | None  # the fastest drill that ended right
    last_s: float
    best_score: int
    last_score: int


@dataclass(frozen=True)
class TraineeReport:
    trainee: str
    name: str
    attempts: int
    passed: int
    mean: int | None
    procedures: list[ProcedureLine] = field(default_factory=list)
    mistakes: dict[str, int] = field(default_factory=dict)
    progress: list[tuple[str, int]] = field(default_factory=list)
    exams: list[dict] = field(default_factory=list)

    @property
    def pass_rate(self) -> int | None:
        return round(100 * self.passed / self.attempts) if self.attempts else None

    def to_dict(self) -> dict:
        out = asdict(self)
        out["pass_rate"] = self.pass_rate
        return out


def build(trainee: str, name: str, rows: list[dict], *, procedures: dict[str, tuple[str, int]], sets: list[dict] = ()) -> TraineeReport:
    """rows: teller.practice.records.results (oldest first); procedures: id -> (title, limit_s)."""
    by_proc: dict[str, list[dict]] = {}
    mistakes = {kind: 0 for kind in MISTAKE_KINDS}
    for row in rows:
        by_proc.setdefault(row["procedure"], []).append(row)
        for m in row.get("mistake_list", []):
            mistakes[m["kind"]] = mistakes.get(m["kind"], 0) + 1
    lines = []
    for pid, mine in by_proc.items():
        title, limit = procedures.get(pid, (pid, mine[-1]["limit_s"]))
        right = [r["elapsed_s"] for r in mine if r["outcome_ok"]]
        lines.append(ProcedureLine(
            pid, title, limit, len(mine), sum(1 for r in mine if r["passed"]), min(right) if right else None,
            mine[-1]["elapsed_s"], max(r["score"] for r in mine), mine[-1]["score"],
        ))
    lines.sort(key=lambda p: p.procedure)
    progress = [(f"#{i} {row['scenario'][:10]}", row["score"]) for i, row in enumerate(rows, 1)][-PROGRESS_SHOWN:]
    exams = [s for s in sets if s["kind"] == "exam"]
    mean = round(sum(r["score"] for r in rows) / len(rows)) if rows else None
    return TraineeReport(trainee, name, len(rows), sum(1 for r in rows if r["passed"]), mean, lines,
                         {k: v for k, v in mistakes.items() if v}, progress, exams)


def renderables(report: TraineeReport, *, width: int = 80) -> list:
    """The report as rich renderables that fit `width` columns."""
    from rich.table import Table
    from rich.text import Text

    from teller.charts import bars
    from teller.strings import t

    out: list = []
    rate = "—" if report.pass_rate is None else f"{report.pass_rate}%"
    out.append(Text(t("report.trainee.head", name=report.name, staff_no=report.trainee, n=report.attempts,
                      passed=report.passed, rate=rate, mean="—" if report.mean is None else report.mean), style="bold"))
    if report.procedures:
        table = Table(title=t("report.trainee.times"), title_justify="left", expand=False, pad_edge=False, width=min(width, 80))
        for key, justify in (("procedure", "left"), ("limit", "right"), ("best", "right"), ("last", "right"),
                             ("score", "right"), ("tries", "right")):
            table.add_column(t(f"report.trainee.col.{key}"), justify=justify, no_wrap=key != "procedure")
        for p in report.procedures:
            best = "—" if p.best_s is None else clock(p.best_s) + (" ✓" if p.best_s <= p.limit_s else " ✗")
            last = clock(p.last_s) + (" ✓" if p.last_s <= p.limit_s else " ✗")
            table.add_row(p.title, clock(p.limit_s), best, last, f"{p.best_score}/{p.last_score}", f"{p.passed}/{p.attempts}")
        out.append(table)
    if report.mistakes:
        out.append(Text(t("report.trainee.mistakes"), style="bold"))
        out.append(bars([(t(f"drill.mistake.{k}"), v) for k, v in sorted(report.mistakes.items(), key=lambda kv: -kv[1])], width=max(10, min(40, width - 30))))
    elif report.attempts:
        out.append(Text(t("report.trainee.no_mistakes")))
    if report.progress:
        out.append(Text(t("report.trainee.progress"), style="bold"))
        out.append(bars(report.progress, width=max(10, min(40, width - 30))))
    for e in report.exams:
        if e["status"] == "done":
            verdict = t("exam.passed") if e["passed"] else t("exam.failed")
            out.append(Text(t("report.trainee.exam", title=e["title"] or t("drills.kind.exam"), score=e["score"], mark=e["pass_mark"], verdict=verdict)))
        else:
            out.append(Text(t("report.trainee.exam_open", title=e["title"] or t("drills.kind.exam"), n=len(e["scenarios"]))))
    return out
