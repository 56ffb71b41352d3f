"""The drawer's arithmetic: floats counted by denomination, cash movements, expected cash,
variance, and the amount bands and shares the reports use. Pure functions on integer fen.

Expected cash at the close of a shift:

    float + cash taken − change given − cash out + cash in

where cash taken and change given are the tendered and change of every transaction taken in
the shift (a transaction voided later was still paid in cash at the time), and the cash paid
back for a void is a cash-out movement of the shift in which the void was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from teller.errors import InputRefused
from teller.strings import t

#: The notes and coins a drawer is counted in, largest first (fen): 100, 50, 20, 10, 5, 1
#: yuan, 5 and 1 jiao.
DENOMINATIONS: tuple[int, ...] = (10000, 5000, 2000, 1000, 500, 100, 50, 10)

#: Kinds of cash movement during a shift, other than the transactions themselves.
CASH_IN, CASH_OUT, VOID_REFUND = "cash_in", "cash_out", "void_refund"
MOVEMENT_KINDS = (CASH_IN, CASH_OUT, VOID_REFUND)

#: Reason codes for a void (冲正).
VOID_REASONS: tuple[str, ...] = ("wrong_amount", "customer_request", "duplicate", "system_fault")

#: report categories: how the books and reports count the money a transaction took (each
#: operation in teller.operations declares one)
PREPAYMENT = "prepayment"  # money put on the account (the part that cleared arrears is counted apart)
FEE = "fee"  # a service fee (card fee, ...) for a change on the account
DEPOSIT = "deposit"  # money held and returned (roaming deposit, ...): not revenue, not prepayment
SALE = "sale_of_goods"  # a handset or other goods out of the hall's stock
NON_CASH = "non_cash"  # a service with no money of its own (a complaint, a reservation, a password)
CATEGORIES: tuple[str, ...] = (PREPAYMENT, FEE, DEPOSIT, SALE, NON_CASH)


def is_payment(category: str) -> bool:
    """Whether the prepayment / arrears report and the payment amount bands count it."""
    return category == PREPAYMENT


def denomination_label(fen: int) -> str:
    """100元 … 1元, 5角, 1角 (in the UI language: 100 yuan, 5 jiao)."""
    from teller.strings import t

    return t("money.denom_yuan", n=fen // 100) if fen >= 100 else t("money.denom_jiao", n=fen // 10)


def normalise_counts(counts: Mapping[int | str, int | str]) -> dict[int, int]:
    """Counts by denomination (keys in fen, as ints or strings) -> {denomination: pieces}.

    Every denomination appears (missing = 0); an unknown denomination or a negative or
    non-whole count is refused.
    """
    out = {d: 0 for d in DENOMINATIONS}
    for key, value in counts.items():
        try:
            denom = int(key)
        except (TypeError, ValueError):
            raise InputRefused(f"unknown denomination {key!r}") from None
        if denom not in out:
            raise InputRefused(f"unknown denomination {key!r}")
        try:
            n = int(str(value).strip() or 0)
        except ValueError:
            raise InputRefused(f"{denomination_label(denom)}: {value!r}") from None
        if n < 0:
            raise InputRefused(f"{denomination_label(denom)}: {n}")
        out[denom] = n
    return out


def count_total(counts: Mapping[int | str, int | str]) -> int:
    """The value of a count in fen."""
    return sum(denom * n for denom, n in normalise_counts(counts).items())


def parse_counts(text: str) -> dict[int, int]:
    """`100=3,50=1,0.5=2,0.1=4` (yuan=pieces, as typed at the command line) -> counts."""
    counts: dict[int, int] = {}
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        if "=" not in part:
            raise InputRefused(f"expected yuan=pieces, got {part!r}")
        key, value = (s.strip() for s in part.split("=", 1))
        try:
            denom = round(float(key) * 100)
        except ValueError:
            raise InputRefused(f"unknown denomination {key!r}") from None
        counts[denom] = value  # type: ignore[assignment]
    return normalise_counts(counts)


@dataclass(frozen=True)
class Movement:
    kind: str  # cash_in | cash_out | void_refund
    amount_fen: int

    def __post_init__(self) -> None:
        if self.kind not in MOVEMENT_KINDS:
            raise ValueError(f"unknown movement {self.kind}")
        if self.amount_fen <= 0:
            raise InputRefused(t("money.zero", what=t("cash.amount")))


@dataclass(frozen=True)
class Sale:
    """The cash side of one transaction: what the customer handed over and got back."""

    tendered_fen: int
    change_fen: int


@dataclass(frozen=True)
class Expected:
    float_fen: int
    taken_fen: int
    change_fen: int
    cash_in_fen: int
    cash_out_fen: int  # including void refunds
    void_refund_fen: int = 0
    sales: int = 0

    @property
    def total_fen(self) -> int:
        return self.float_fen + self.taken_fen - self.change_fen - self.cash_out_fen + self.cash_in_fen


def expected_cash(float_fen: int, sales: Iterable[Sale], movements: Iterable[Movement]) -> Expected:
    """What the drawer should hold: float + taken − change − cash out (and void refunds) + cash in."""
    sales = list(sales)
    movements = list(movements)
    taken = sum(s.tendered_fen for s in sales)
    change = sum(s.change_fen for s in sales)
    cash_in = sum(m.amount_fen for m in movements if m.kind == CASH_IN)
    refunds = sum(m.amount_fen for m in movements if m.kind == VOID_REFUND)
    cash_out = sum(m.amount_fen for m in movements if m.kind == CASH_OUT) + refunds
    return Expected(float_fen, taken, change, cash_in, cash_out, refunds, len(sales))


@dataclass(frozen=True)
class Settlement:
    expected_fen: int
    counted_fen: int
    threshold_fen: int

    @property
    def variance_fen(self) -> int:
        """Counted minus expected: positive is an overage (长款), negative a shortage (短款)."""
        return self.counted_fen - self.expected_fen

    @property
    def needs_signoff(self) -> bool:
        return abs(self.variance_fen) > self.threshold_fen


def settle(expected_fen: int, counted: Mapping[int | str, int | str], threshold_fen: int) -> Settlement:
    return Settlement(expected_fen, count_total(counted), threshold_fen)


# ---- report arithmetic ---------------------------------------------------------------------
def arrears_part(balance_before_fen: int, amount_fen: int) -> int:
    """How much of a payment clears arrears: the payment counts as arrears up to what was owed."""
    return max(0, min(amount_fen, -balance_before_fen))


@dataclass(frozen=True)
class Band:
    low_fen: int
    high_fen: int | None  # None: no upper bound

    def holds(self, amount_fen: int) -> bool:
        return amount_fen >= self.low_fen and (self.high_fen is None or amount_fen < self.high_fen)

    @property
    def label(self) -> str:
        from teller.domain.money import spoken_yuan

        low = spoken_yuan(self.low_fen)
        return f"≥{low}" if self.high_fen is None else f"{low}–{spoken_yuan(self.high_fen)}"


def bands(bounds_fen: Iterable[int]) -> list[Band]:
    """Bounds (50, 100, 200 yuan in fen) -> [0,50), [50,100), [100,200), [200,∞)."""
    edges = sorted(set(int(b) for b in bounds_fen if int(b) > 0))
    lows = [0, *edges]
    highs: list[int | None] = [*edges, None]
    return [Band(lo, hi) for lo, hi in zip(lows, highs)]


def band_of(amount_fen: int, all_bands: list[Band]) -> int:
    for i, band in enumerate(all_bands):
        if band.holds(amount_fen):
            return i
    return len(all_bands) - 1


def share(part: int, whole: int) -> float:
    """A share in percent, one decimal; 0 when there is nothing."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def average(amount_fen: int, count: int) -> int:
    """Average per transaction in fen, rounded half up."""
    return (2 * amount_fen + count) // (2 * count) if count else 0


def change_pct(now: int, before: int) -> float | None:
    """Month-on-month change in percent; None when there was nothing before."""
    return round(100.0 * (now - before) / before, 1) if before else None


@dataclass
class Drawer:
    """A shift's cash as the books see it (used by the store to build the expected figure)."""

    float_fen: int
    sales: list[Sale] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)

    def expected(self) -> Expected:
        return expected_cash(self.float_fen, self.sales, self.movements)
