"""What every operation is: its declaration (`Operation`), what applying it returns (`Outcome`),
the report categories, the refusal a reversal raises, and the registry the modules fill."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

# the report categories are book-keeping rules (teller.domain.books), re-exported here
from teller.domain.books import CATEGORIES, DEPOSIT, FEE, NON_CASH, PREPAYMENT, SALE  # noqa: F401
from teller.errors import TellerError

if TYPE_CHECKING:
    from sqlmodel import Session

    from teller.store.models import TransactionRecord


@dataclass
class Outcome:
    """What an operation did: the customer it touched, a line for the audit trail, and the
    labelled lines its papers print in their `details` block (already masked and formatted)."""

    customer_number: str | None
    audit: str
    paper: list[tuple[str, str]] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)  # who signs the slip, when not just the customer
    #: what a void needs to undo the operation (JSON-able), kept with the transaction (table `reversal`)
    reversal: dict[str, Any] = field(default_factory=dict)
    #: the part of a payment that cleared arrears (the rest is prepayment), for the reports
    arrears_fen: int = 0
    #: deposits taken (> 0) or returned (< 0) by the operation, for the deposit columns of the reports
    deposit_fen: int = 0
    #: values a layout shows by name (teller.printing.layouts.EXTRA_PLACEHOLDERS: the balance
    #: after a payment, the goods and IMEI sold, the reservation or ticket number, ...), formatted
    receipt: dict[str, str] = field(default_factory=dict)


class VoidRefused(TellerError):
    """A void that cannot proceed, with the reason for the clerk (raised before any PIN is asked)."""


Apply = Callable[..., Outcome]  # (session, answers, now) or, for a generic operation, (session, answers, now, params)
Reverse = Callable[["Session", dict[str, Any], "TransactionRecord"], str]


@dataclass(frozen=True)
class Operation:
    """One business operation, declared once.

    `fields`: the run's input fields `apply` reads (a procedure lacking one is a load error).
    `apply(session, answers, now) -> Outcome`: the change, inside the commit's transaction.
    `reverse(session, data, tx) -> str`: undo exactly what `apply` did, from `Outcome.reversal`
    (returns a line for the audit trail), or raise VoidRefused with the reason. None when the
    operation cannot be undone at all: `irreversible` then says why (a strings key).
    `category`: one of CATEGORIES, what the reports count the money as.
    `params`: for a generic operation, the model (teller.operations._params.Params) of the
    `params:` a procedure gives it; its `apply` then takes them as a fourth argument, and the
    run's fee lines are in `answers["_fees"]` ({code: fen}).
    `internal`: applied by the counter itself, never named by a procedure (`sequence`).
    """

    name: str
    fields: frozenset[str]
    apply: Apply
    reverse: Reverse | None
    category: str
    summary: str = ""  # one line for the operations catalogue
    irreversible: str = ""  # strings key: why a void is refused
    params: type | None = None
    internal: bool = False

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"operation {self.name}: unknown category {self.category!r}")
        if self.reverse is None and not self.irreversible:
            raise ValueError(f"operation {self.name}: no reverse and no reason why")


REGISTRY: dict[str, Operation] = {}


def register(
    name: str, *, fields: set[str] | frozenset[str], apply: Apply, reverse: Reverse | None, category: str,
    summary: str = "", irreversible: str = "", params: type | None = None, internal: bool = False,
) -> Operation:
    """Declare an operation (called once by its module at import time)."""
    if name in REGISTRY:
        raise ValueError(f"operation {name} registered twice")
    op = Operation(name, frozenset(fields), apply, reverse, category, summary, irreversible, params, internal)
    REGISTRY[name] = op
    return op
