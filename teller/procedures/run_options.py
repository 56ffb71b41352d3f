"""The options a choice offers: its own, or a catalogue named by `options:` (plans, free
numbers, bill months, subscriptions, rewards, handsets, provinces).

A part of teller.procedures.engine.Run (a mixin: its methods use the run's procedure, answers,
customer and desk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from teller.domain import rules
from teller.procedures.run_values import Option
from teller.strings import t

if TYPE_CHECKING:
    from teller.procedures.engine import Run


class RunOptions:
    """The options a choice offers: its own, or a catalogue named by `options:` (plans, free."""

    def options(self) -> list[Option]:
        return self.options_for(self.step.input)

    def options_for(self, spec) -> list[Option]:
        """The choices of an input: its own `choices`, or the catalogue named by `options`."""
        if spec is None or spec.kind != "choice":
            return []
        if spec.options:
            return OPTION_SOURCES[spec.options](self)
        return [Option(c.value, self.render(c.label)) for c in spec.choices or []]


# ---- catalogues a choice may offer (`options:` in a procedure file) ------------------------------
def _plans(run: Run) -> list[Option]:
    """The catalogue as the `usage` answer reads it: fitting plans first, marked (rules.plans_for_usage)."""
    from teller.domain.money import money

    return [
        Option(p.code, t("option.plan", name=p.name, fee=money(p.monthly_fee_fen)) + (t("option.recommended") if fits else ""))
        for p, fits in rules.plans_for_usage(run.desk.plans(), run.answers.get("usage"))
    ]


def _free_numbers(run: Run) -> list[Option]:
    """Free numbers; with `option_filter`, those ending in (or holding) the digits the clerk typed."""
    digits = rules.ascii_digits(run.option_filter).strip()
    found = run.desk.free_numbers(digits) if digits else run.desk.free_numbers()
    return [Option(n, n) for n in found]


def _bill_months(run: Run) -> list[Option]:
    """The five months before the current one; a month already printed is marked (and refused)."""
    printed = set(run.customer.printed_bill_months) if run.customer else set()
    return [Option(m, m + (t("bill.printed_mark") if m in printed else "")) for m in rules.bill_months(run.desk.now())]


def _subscriptions(run: Run) -> list[Option]:
    subs = run.customer.subscriptions if run.customer else ()
    from teller.domain.money import money

    return [Option(s.code, t("option.plan", name=s.name, fee=money(s.monthly_fee_fen))) for s in subs]


def _rewards(run: Run) -> list[Option]:
    from teller.domain.catalog import REWARDS

    return [Option(code, t("points.option", name=name, points=points)) for code, name, points, _credit in REWARDS]


def _handsets(run: Run) -> list[Option]:
    return [
        Option(h.code, f"{h.make} {h.model}  {_money(h.price_fen)}", h.price_fen)
        for h in run.desk.handsets()
        if h.stock > 0
    ]


def _money(fen: int) -> str:
    from teller.domain.money import money

    return money(fen)


def _provinces(run: Run) -> list[Option]:
    from teller.domain.catalog import PROVINCES

    return [Option(p, p) for p in PROVINCES]


OPTION_SOURCES = {
    "plans": _plans,
    "free_numbers": _free_numbers,
    "bill_months": _bill_months,
    "subscriptions": _subscriptions,
    "rewards": _rewards,
    "handsets": _handsets,
    "provinces": _provinces,
}

