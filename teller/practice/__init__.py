"""Practice mode: drills timed against the hall's standards, scored, nothing real touched.

The isolation itself lives in Settings.for_practice() (own database, preview spool only)
and is enforced again by the Desk; this module scores a drill.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    limit_s: int
    elapsed_s: float
    commits: int

    @property
    def within(self) -> bool:
        return self.elapsed_s <= self.limit_s

    @property
    def points(self) -> int:
        """100 within the standard; minus 1 per 2 s over it; nothing for a drill that committed nothing."""
        if self.commits == 0:
            return 0
        over = max(0.0, self.elapsed_s - self.limit_s)
        return max(0, 100 - int(over // 2))

    def summary(self) -> str:
        from teller.strings import t

        m, s = divmod(int(self.elapsed_s), 60)
        lm, ls = divmod(self.limit_s, 60)
        verdict = "✓" if self.within else t("run.over_time")
        return t("practice.summary", elapsed=f"{m}:{s:02d}", limit=f"{lm}:{ls:02d}", verdict=verdict, points=self.points)


def score(limit_s: int, elapsed_s: float, *, commits: int) -> Score:
    return Score(limit_s, elapsed_s, commits)
