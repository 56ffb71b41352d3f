"""When another process holds the SQLite write lock longer than busy_timeout (or, on
PostgreSQL, a lock past lock_timeout, a serialization failure or a deadlock): wait and retry.

SQLite's `busy_timeout` (teller.store.db.BUSY_TIMEOUT_MS) makes one statement wait for the
lock; a writer that holds it longer (an import, another counter's burst) still ends that
wait with `OperationalError: database is locked`. Every write of ours starts with BEGIN
IMMEDIATE (teller.store.db.session_scope), so a locked error means nothing was written and
the whole unit of work can simply run again. `retry_locked` does that with backoff, tells
the caller each time it waits (the console shows it to the clerk), lets the caller cancel
between attempts, and gives up with a clear `DatabaseBusy` after `deadline_s`.

A commit retried this way lands at most once: the visit token is unique
(teller.store.ledger.record_transaction returns the existing transaction for a token it
already recorded), so an attempt that did land is never written twice.
"""

from __future__ import annotations

import time
from typing import Callable, TypeVar

from teller.errors import TellerError
from teller.strings import t

T = TypeVar("T")

#: how long a write keeps retrying before it reports the database busy (seconds)
COMMIT_DEADLINE_S = 300.0
WRITE_DEADLINE_S = 60.0


class DatabaseBusy(TellerError):
    """The database stayed locked past the deadline: nothing was written."""


class WriteCancelled(TellerError):
    """The clerk cancelled while the write waited for the lock: nothing was written."""


#: PostgreSQL's refusals that mean "another writer was in the way; nothing of yours was kept":
#: serialization_failure, deadlock_detected, lock_not_available (lock_timeout), query_canceled
#: is not one (a cancel is the user's). The whole transaction was rolled back: run it again.
PG_RETRY_STATES = frozenset({"40001", "40P01", "55P03"})


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's 'database is locked' / 'busy' errors and PostgreSQL's serialization
    failures, deadlocks and lock timeouts (raw or wrapped by SQLAlchemy)."""
    import sqlite3

    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None)
    if state is not None:
        return state in PG_RETRY_STATES
    if not isinstance(orig, sqlite3.OperationalError):
        return False
    text = str(orig).lower()
    return "locked" in text or "busy" in text


def retry_locked(
    fn: Callable[[], T],
    *,
    on_busy: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    deadline_s: float = WRITE_DEADLINE_S,
    first_delay_s: float = 0.05,
    max_delay_s: float = 1.0,
) -> T:
    """Run `fn` (one whole write transaction) until it is not refused for a lock.

    `on_busy(n)` is called before the n-th wait; `cancelled()` is polled while waiting, and
    when it turns true `WriteCancelled` is raised (the last attempt failed: nothing written).
    """
    start = time.monotonic()
    delay = first_delay_s
    attempt = 0
    while True:
        try:
            return fn()
        except Exception as exc:
            if not is_locked(exc):
                raise
        attempt += 1
        if cancelled is not None and cancelled():
            raise WriteCancelled(t("db.busy_cancelled"))
        if time.monotonic() - start > deadline_s:
            raise DatabaseBusy(t("db.busy_gave_up"))
        if on_busy is not None:
            on_busy(attempt)
        until = time.monotonic() + delay
        while time.monotonic() < until:
            if cancelled is not None and cancelled():
                raise WriteCancelled(t("db.busy_cancelled"))
            time.sleep(min(0.05, max(0.0, until - time.monotonic())))
        delay = min(max_delay_s, delay * 2)
