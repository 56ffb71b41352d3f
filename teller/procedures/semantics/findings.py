"""What a check reports (a Finding: error or warning, at a location), what it knows of the hall
(Context), and the small helpers every check uses to word its message."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from teller.procedures.schema import Step

ERROR, WARNING = "error", "warning"

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

#: The payment limit of a hall that sets none (teller.config.Settings.payment_limit_fen).
DEFAULT_PAYMENT_LIMIT_FEN = 500_000


@dataclass(frozen=True)
class Context:
    """What the checks know of the hall: its payment limit, and where its receipt layouts are."""

    payment_limit_fen: int = DEFAULT_PAYMENT_LIMIT_FEN
    layouts_dir: Path | None = None


@dataclass(frozen=True)
class Finding:
    loc: tuple
    message: str
    severity: str = ERROR


def suggest(name: str, known: Iterable[str], *, braces: bool = False) -> str:
    """` (did you mean `{amount}`?)` for a near miss, else ''."""
    hits = difflib.get_close_matches(str(name), sorted(set(known)), n=1, cutoff=0.6)
    if not hits:
        return ""
    hit = f"{{{hits[0]}}}" if braces else hits[0]
    return f" (did you mean `{hit}`?)"



def step_named(step: Step) -> str:
    return f"step `{step.id}`: "
