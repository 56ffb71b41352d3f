"""补打 at the counter: the last receipt again, with a supervisor's PIN when it is an invoice.

The rule and the check live in the Desk (reprint_needs_supervisor, reprint); this only asks
for the PIN in a modal and runs the print in a worker thread.
"""

from __future__ import annotations

from textual.screen import Screen

from teller.errors import TellerError
from teller.strings import t
from teller.ui.screens.supervisor_modal import SupervisorModal


def reprint_last(screen: Screen) -> None:
    app = screen.app
    desk = app.desk
    receipt_no = desk.last_receipt_no()
    if not receipt_no:
        app.notify(t("reprint.none"), severity="warning")
        return
    try:
        needs = desk.reprint_needs_supervisor(receipt_no)
    except TellerError as exc:
        app.notify(exc.message, severity="error")
        return
    if not needs:
        _print(screen, receipt_no, "", "")
        return

    def answered(result: tuple[str, str] | None) -> None:
        if result:
            _print(screen, receipt_no, *result)

    app.push_screen(SupervisorModal(t("reprint.title", receipt_no=receipt_no), t("reprint.why")), answered)


def _print(screen: Screen, receipt_no: str, supervisor: str, pin: str) -> None:
    app = screen.app

    def work() -> None:
        try:
            outcomes = app.desk.reprint(receipt_no, supervisor=supervisor, pin=pin)
        except TellerError as exc:
            app.call_from_thread(app.notify, exc.message, severity="error", timeout=8)
            return
        failed = [o for o in outcomes if not o.ok]
        if failed:
            message = t("reprint.failed", error=f"{failed[0].title}: {failed[0].error}")
            app.call_from_thread(app.notify, message, severity="error", timeout=8)
        else:
            message = t("reprint.done", papers="、".join(o.title for o in outcomes) or "-")
            app.call_from_thread(app.notify, message, timeout=6)

    screen.run_worker(work, thread=True, exclusive=True, group="reprint")
