"""The values a Run deals in: its states, the secret input kinds, an option of a choice, a fee
line, another party's view for a check and a document's state on screen (teller.procedures.engine
re-exports them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from teller.domain.views import CustomerView

if TYPE_CHECKING:
    from teller.procedures.engine import Desk

#: Input kinds whose typed value is a secret: masked on screen, never kept, logged or recorded.
SECRET_KINDS = frozenset({"password", "new_password", "supervisor_pin"})

ACTIVE, STOPPED, FINISHED, CANCELLED = "active", "stopped", "finished", "cancelled"
#: the stop code of a visit stopped because a document is missing, when the procedure names no gate for it
DOCUMENTS_MISSING = "documents_missing"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    amount_fen: int | None = None  # a priced catalogue entry (a handset); a fee takes it by `price_of`


@dataclass(frozen=True)
class FeeLine:
    code: str
    label: str
    amount_fen: int


@dataclass(frozen=True)
class Party:
    """What a named check sees when a step applies to another party (`of:`): that party's account."""

    customer: CustomerView | None
    answers: dict[str, Any]
    desk: Desk


@dataclass(frozen=True)
class DocumentState:
    """A document of the procedure on screen: ticked once the steps that check it passed."""

    id: str
    label: str
    party: str
    group: str  # all_of | any_of (alternatives: one is enough)
    checked: bool

