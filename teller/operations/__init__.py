"""The business operations: one module per operation, each registering one `Operation`.

A procedure file's `effect:` names an operation here. Each module declares, in one object, the
input fields it reads from the run (the loader checks a procedure against them), `apply`
(inside the commit's database transaction), `reverse` (what a void does, or why it cannot),
and its report category. The registry fills itself: every module of this package that does
not start with `_` is imported by `registry()` and calls `register(...)` at import time.

Adding an operation = one module here + its test. Nothing here commits; the counter
(teller.counter.commit / teller.counter.void) owns the transaction. Store modules are imported
inside the functions, so the loader can read the fields without loading the database layer.
"""

from __future__ import annotations

import importlib
import pkgutil

from teller.operations._base import (
    CATEGORIES,
    DEPOSIT,
    FEE,
    NON_CASH,
    PREPAYMENT,
    SALE,
    Operation,
    Outcome,
    VoidRefused,
    register,
)

__all__ = [
    "CATEGORIES", "DEPOSIT", "FEE", "NON_CASH", "PREPAYMENT", "SALE",
    "Operation", "Outcome", "VoidRefused", "register", "registry", "get", "fields_of",
]

_loaded = False


def registry() -> dict[str, Operation]:
    """Every operation by name (importing each module of the package once)."""
    global _loaded
    if not _loaded:
        for info in pkgutil.iter_modules(__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{__name__}.{info.name}")
        _loaded = True
    from teller.operations._base import REGISTRY

    return REGISTRY


def get(name: str) -> Operation:
    from teller.errors import NotFound

    try:
        return registry()[name]
    except KeyError:
        raise NotFound(f"unknown effect {name}") from None


def fields_of(name: str) -> frozenset[str] | None:
    """The input fields the operation reads from the run, or None for an unknown operation."""
    op = registry().get(name)
    return op.fields if op else None
