"""The run screen's commit and papers: the commit in a worker (a locked database retried on
screen), then the papers printed in the background, their outcome shown, F5 and F6.

A mixin of RunScreen (teller/ui/screens/run.py), which owns `run`, `busy`, `print_failed`,
`refresh_view` and `show_error`.
"""

from __future__ import annotations

from textual import work
from textual.widgets import Static

from teller.errors import TellerError
from teller.strings import t
from teller.ui.threads import deliver


class RunPapers:
    @work(thread=True, exclusive=True, group="commit")
    def _commit(self) -> None:
        desk = self.app.desk
        desk.cancel_commit.clear()
        desk.on_busy = lambda n: deliver(self, self._commit_busy, n)  # database locked: retrying
        try:
            self.run.submit(None)  # commits once (idempotent) and moves past the commit step
        except TellerError as exc:
            deliver(self, self._commit_failed, exc.message)
            return
        finally:
            desk.on_busy = None
        deliver(self, self._committed, self.run.committed)

    def _commit_busy(self, attempt: int) -> None:
        self.query_one("#result", Static).update(t("db.busy_retrying", n=attempt))

    def _commit_failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#result", Static).update("")
        self.show_error(message)

    def _committed(self, committed) -> None:
        """The sale is in the books: the clerk goes on while its papers print in the background."""
        from teller.ui.print_queue import PaperRequest

        self.busy = False
        self.print_failed = False
        self.refresh_view()
        self.query_one("#result", Static).update(t("run.recorded_printing", receipt_no=committed.receipt_no))
        self.show_error("")
        self.app.papers.put(PaperRequest(committed.receipt_no, tx_id=committed.tx_id))

    def papers_printed(self, message) -> bool:
        """The printer is done with a visit of this run (PapersPrinted, through the app)."""
        receipt_no = message.request.receipt_no
        if receipt_no not in [v.receipt_no for v in self.run.visits]:
            return False
        if receipt_no != self.run.visits[-1].receipt_no:  # an earlier visit of the loop
            if message.failures:
                self.app.notify(t("run.print_failed_later", receipt_no=receipt_no, error=message.failures[0]), severity="error", timeout=15)
            return True
        self._show_print(receipt_no, message.outcomes, message.error)
        return True

    def _show_print(self, receipt_no: str, outcomes, error: str = "") -> None:
        failures = ([error] if error else []) + [t("print.paper_failed", paper=o.title or o.layout, error=o.error) for o in outcomes if not o.ok]
        self.print_failed = bool(failures)
        text = t("run.committed", receipt_no=receipt_no)
        printed = [o.title or o.layout for o in outcomes if o.ok]
        if printed:
            text += "  " + t("run.printed", layouts="、".join(printed))
        shown = self.query("#result")
        if not shown or not self.is_attached:  # between two visits' screens, or closing: say it here
            if failures:
                self.app.notify(t("run.print_failed_later", receipt_no=receipt_no, error=failures[0]), severity="error", timeout=15)
            return
        shown.first(Static).update(text)
        self.show_error(t("run.print_failed", error=failures[0]) if failures else "")
        self.refresh_bindings()

    def action_retry_print(self) -> None:
        """F5: what did not print, again. A paper that may be out already comes out as 补打,
        and an invoice in that state asks a supervisor first (the Desk checks it)."""
        if not (self.print_failed and self.run.visits and not self.busy):
            return
        from teller.ui.print_queue import PaperRequest

        receipt_no = self.run.visits[-1].receipt_no
        try:
            needs = self.app.desk.reprint_needs_supervisor(receipt_no, only_unprinted=True)
        except TellerError as exc:
            self.show_error(exc.message)
            return

        def go(supervisor: str = "", pin: str = "") -> None:
            self.print_failed = False
            self.show_error("")
            self.query_one("#result", Static).update(t("run.print_pending"))
            self.refresh_bindings()
            self.app.papers.put(PaperRequest(receipt_no, retry=True, supervisor=supervisor, pin=pin))

        if not needs:
            go()
            return

        def answered(result: tuple[str, str] | None) -> None:
            if result:
                go(*result)

        from teller.ui.screens.supervisor_modal import SupervisorModal

        self.app.push_screen(SupervisorModal(t("reprint.title", receipt_no=receipt_no), t("reprint.why")), answered)

    def action_reprint_last(self) -> None:
        from teller.ui.reprint import reprint_last

        if self.run.visits and not self.busy:
            reprint_last(self)
