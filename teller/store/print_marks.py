"""Print outcomes waiting for the next write: a counter's printed papers, marked without a commit of their own.

A counter that prints each visit's papers right after its commit (the console's print queue,
a counter process) claims the jobs in the visit's own transaction: they are written
`sending` with `bytes_sent`, so the commit that must precede the first byte IS the visit's
commit. When every paper of the print came out, its `printed` marks wait here, per engine,
and go into the next write transaction of this process (`session_scope` writes them just
before its commit) or are written by `flush` (the print queue when it runs empty, the log-out,
`Desk.close`, any read of the journal in this process). A failure is written at once.

A process killed before that leaves the job `sending` with `bytes_sent`: "may be on paper",
the state a kill between the bytes and the outcome always left. It is listed by `receipts
pending` and every later copy prints as a 补打 (an invoice only with a supervisor): never lost,
never a second original.
"""

from __future__ import annotations

import threading
from datetime import datetime

_LOCK = threading.Lock()
_ATTR = "_teller_print_marks"


def _queue(engine) -> dict[int, datetime]:
    found = getattr(engine, _ATTR, None)
    if found is None:
        found = {}
        setattr(engine, _ATTR, found)
    return found


def defer(engine, job_ids: list[int], at: datetime) -> None:
    """These claimed jobs printed at `at`: mark them `printed` with the next write."""
    with _LOCK:
        _queue(engine).update(dict.fromkeys(job_ids, at))


def waiting(engine) -> int:
    with _LOCK:
        return len(getattr(engine, _ATTR, None) or ())


def take(engine) -> dict[int, datetime]:
    with _LOCK:
        marks = getattr(engine, _ATTR, None)
        if not marks:
            return {}
        taken = dict(marks)
        marks.clear()
        return taken


def give_back(engine, marks: dict[int, datetime]) -> None:
    """The transaction that was to write them rolled back: they wait for the next one."""
    if marks:
        with _LOCK:
            queue = _queue(engine)
            for job_id, at in marks.items():
                queue.setdefault(job_id, at)


def write(session, marks: dict[int, datetime]) -> None:
    """The marks, in the caller's transaction (one executemany statement)."""
    if not marks:
        return
    global _MARK
    if _MARK is None:
        from sqlalchemy import bindparam, update

        from teller.store.models import ReceiptJobRecord

        table = ReceiptJobRecord.__table__
        _MARK = update(table).where(table.c.id == bindparam("job_id")).values(status="printed", error="", updated_at=bindparam("at"))
    session.connection().execute(_MARK, [{"job_id": job_id, "at": at} for job_id, at in sorted(marks.items())])


_MARK = None


def flush(engine) -> None:
    """Write what waits, in a transaction of its own (nothing to do when nothing waits)."""
    marks = take(engine)
    if not marks:
        return
    from sqlmodel import Session

    try:
        with Session(engine) as session:
            write(session, marks)
            session.commit()
    except BaseException:
        give_back(engine, marks)
        raise
