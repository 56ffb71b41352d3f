"""Papers print in the background, after the commit, one request after another.

The clerk never waits for the printer: a commit hands its papers to this queue and the screen
moves on. One thread worker drains the queue in order (papers of consecutive visits keep their
order) and posts `PapersPrinted` back to the app for each request; the worker never touches a
widget. The app passes the message to the screen of the visit if it is still open, and shows
a failure itself otherwise. The desk claims each visit's jobs in its commit
(`prints_after_commit`); when the queue runs empty, the printed marks it held back are written.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass

from textual.message import Message

from teller.errors import TellerError
from teller.strings import t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PaperRequest:
    """One visit's papers (`tx_id`) or, with `retry`, F5 again on those that did not print
    (by receipt number, with a supervisor when an invoice may be out already)."""

    receipt_no: str
    tx_id: int | None = None
    retry: bool = False
    supervisor: str = ""
    pin: str = ""


class PapersPrinted(Message):
    """The printer is done with a request: each paper's outcome, or why none was tried."""

    def __init__(self, request: PaperRequest, outcomes: list, error: str = "") -> None:
        super().__init__()
        self.request = request
        self.outcomes = outcomes
        self.error = error

    @property
    def failures(self) -> list[str]:
        failed = [t("print.paper_failed", paper=o.title or o.layout, error=o.error) for o in self.outcomes if not o.ok]
        return ([self.error] if self.error else []) + failed


class PrintQueue:
    def __init__(self, app) -> None:
        self.app = app
        self._pending: deque[PaperRequest] = deque()
        self._lock = threading.Lock()
        self._running = False

    @property
    def busy(self) -> bool:
        """Papers queued or printing."""
        with self._lock:
            return self._running or bool(self._pending)

    def put(self, request: PaperRequest) -> None:
        with self._lock:
            self._pending.append(request)
            start, self._running = not self._running, True
        if start:
            self.app.run_worker(self._drain, thread=True, group="papers", exit_on_error=False)

    def _drain(self) -> None:
        while True:
            with self._lock:
                idle = not self._pending
            if idle:  # the printed marks held back for the next commit are written now
                self._flush()
            with self._lock:
                if not self._pending:
                    self._running = False
                    return
                request = self._pending.popleft()
            outcomes, error = [], ""
            try:
                desk = self.app.desk
                if request.retry:
                    outcomes = desk.reprint(request.receipt_no, supervisor=request.supervisor, pin=request.pin, only_unprinted=True)
                else:
                    outcomes = desk.print_transaction(request.tx_id)
            except TellerError as exc:
                error = exc.message
            except Exception as exc:  # a database fault while printing: the sale is committed
                log.error("printing %s failed: %s", request.receipt_no, type(exc).__name__)
                error = t("print.io", error=t("print.db_reason"))
            self.app.post_message(PapersPrinted(request, outcomes, error))

    def _flush(self) -> None:
        """The queue ran empty: the outcomes the desk holds back (teller.store.print_marks) are
        written, so the journal says `printed` while the clerk serves the next customer."""
        try:
            desk = self.app.desk
            if desk is not None:
                desk.flush_papers()
        except Exception as exc:  # the marks wait for the next commit; the jobs read `sending` meanwhile
            log.error("writing print outcomes failed: %s", type(exc).__name__)
