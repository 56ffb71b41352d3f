"""One procedure on screen: the script on the left, the live customer panel on the right."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from teller.domain.money import money
from teller.errors import TellerError
from teller.strings import pick, t
from teller.ui.screens.confirm_modal import ConfirmModal
from teller.ui.screens.run_papers import RunPapers
from teller.ui.widgets.customer_panel import CustomerPanel
from teller.ui.widgets.documents_panel import DocumentsPanel
from teller.ui.widgets.notice import Notice
from teller.ui.widgets.spoken_line import SpokenLine
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from teller.procedures.engine import Run


#: choice catalogues long enough to be narrowed by typing (free numbers: by their tail digits)
FILTERED = {"free_numbers"}


def clock_text(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


class RunScreen(RunPapers, Screen):
    HAS_NOTICE = True  # notifications go to its Notice line (TellerApp.notify)
    BINDINGS = [
        Binding("enter", "confirm", "key.confirm", priority=True),
        Binding("escape", "back", "key.back"),
        Binding("f8", "cancel", "key.cancel"),
        Binding("f5", "retry_print", "key.retry_print"),
        Binding("f6", "reprint_last", "key.reprint"),
        Binding("f4", "waive", "key.waive"),
        Binding("f3", "documents_missing", "key.documents_missing"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, run: "Run") -> None:
        super().__init__()
        self.run = run
        self.busy = False
        self.print_failed = False
        self.started = time.monotonic()
        self._submitted: str | None = None  # the value of the last Enter, to keep type-ahead

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        with Horizontal(id="body"):
            with Vertical(id="script"):
                yield Static(id="steptitle")
                yield SpokenLine(id="line")
                yield Static(id="note")
                yield TextBox(id="answer")
                yield OptionList(id="choices")
                yield Static(id="error", classes="error")
                yield Static(id="fees")
                yield Static(id="result")
            with Vertical(id="side"):
                yield CustomerPanel()
                yield DocumentsPanel()
        yield Notice()
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_view()
        if self.app.desk.practice:
            self.set_interval(1.0, self._tick)

    # ---- rendering -------------------------------------------------------------------
    def _tick(self) -> None:
        self.query_one("#topbar", Static).update(self._topbar())

    def _topbar(self) -> str:
        line = self.app.title_line()
        if self.app.desk.practice:
            elapsed = time.monotonic() - self.started
            limit = self.run.procedure.time_limit_s
            timer = t("run.timer", elapsed=clock_text(elapsed), limit=clock_text(limit))
            over = f" [b red]{t('run.over_time')}[/]" if elapsed > limit else ""
            line = f"⏱ {timer}{over}  {line}"  # first, so a narrow terminal cuts the hall's name, never the time
        return line

    def refresh_view(self) -> None:
        run = self.run
        step = run.step
        proc_title = pick(run.procedure.title.as_dict())
        step_title = pick(step.title.as_dict()) if step.title else ""  # never the step's id (a code)
        count = t("run.step", n=run.step_number, total=len(run.procedure.steps))
        heading = f"{proc_title} · {step_title}" if step_title else proc_title
        self.query_one("#steptitle", Static).update(f"{heading}  [dim]{count}[/dim]")
        line = self.query_one("#line", SpokenLine)
        stopped = run.state == "stopped"
        line.set_class(stopped, "stopped")
        line.show(run.line, notice=t("run.stopped", reason="") if stopped else "")
        note = pick(step.note.as_dict()) if step.note else ""
        hint = t("run.enter") if step.kind in ("say", "commit", "end") or stopped else ""
        self.query_one("#note", Static).update(" · ".join(x for x in (note, hint) if x))
        self._show_input()
        self._show_fees()
        if run.committed is None:
            self.query_one("#result", Static).update("")
        self.query_one(CustomerPanel).show(run)
        self.query_one(DocumentsPanel).show(run)
        self.query_one("#topbar", Static).update(self._topbar())
        self.refresh_bindings()

    def _show_input(self) -> None:
        run, step = self.run, self.run.step
        box = self.query_one("#answer", Input)
        choices = self.query_one("#choices", OptionList)
        spec = step.input if run.state == "active" else None
        self.filtering = spec is not None and spec.kind == "choice" and spec.options in FILTERED
        if self.filtering:  # a long catalogue: the box narrows it (tail digits), the list picks
            box.display = True
            box.password = False
            box.placeholder = t("run.number_filter")
            box.value = run.option_filter
        if spec is not None and spec.kind == "choice":
            box.display = self.filtering
            choices.display = True
            choices.clear_options()
            options = run.options()
            numbered = not self.filtering  # digits pick a choice, except where they narrow the list
            choices.add_options([Option(f"{i}. {o.label}" if i < 10 and numbered else o.label, id=o.value) for i, o in enumerate(options, 1)])
            previous = run.typed.get(spec.field)
            ids = [o.value for o in options]
            choices.highlighted = ids.index(previous) if previous in ids else (0 if ids else None)
            self.set_focus(box if self.filtering else choices)
        elif spec is not None:
            from teller.procedures.engine import SECRET_KINDS  # loaded with the run already

            choices.display = False
            box.display = True
            box.password = spec.kind in SECRET_KINDS
            box.placeholder = pick(spec.label.as_dict()) if spec.label else ""
            box.value = run.typed.get(spec.field, "") if not box.password else ""
            if not box.value:
                box.value = self._type_ahead(box)
            self.set_focus(box)
        else:
            box.display = False
            choices.display = False
            self.set_focus(None)
        self._submitted = None

    @on(Input.Changed, "#answer")
    def _narrow(self, event: Input.Changed) -> None:
        """In a filtered catalogue (free numbers), what is typed narrows the list at once."""
        if getattr(self, "filtering", False) and event.value != self.run.option_filter:
            self.run.option_filter = event.value
            choices = self.query_one("#choices", OptionList)
            choices.clear_options()
            options = self.run.options()
            choices.add_options([Option(o.label, id=o.value) for o in options])
            choices.highlighted = 0 if options else None

    def action_move(self, delta: int) -> None:
        """↑/↓ from the filter box move through the list under it."""
        choices = self.query_one("#choices", OptionList)
        if getattr(self, "filtering", False) and choices.option_count:
            choices.highlighted = ((choices.highlighted or 0) + delta) % choices.option_count

    def _type_ahead(self, box: Input) -> str:
        """Keys a fast clerk typed after Enter, before this step appeared: keep them."""
        sent = self._submitted
        current = box.value
        if sent is not None and current.startswith(sent) and len(current) > len(sent):
            return current[len(sent):]
        return ""

    def _show_fees(self) -> None:
        run = self.run
        lines = run.fee_lines()
        widget = self.query_one("#fees", Static)
        if not lines:
            widget.update("")
            return
        table = Table.grid(padding=(0, 2))
        table.add_column()
        table.add_column(justify="right")
        for line in lines:
            table.add_row(line.label, money(line.amount_fen))
        table.add_row(f"[b]{t('run.total')}[/b]", f"[b]{money(run.total_fen)}[/b]")
        if "tendered" in run.answers:
            table.add_row(t("run.tendered"), money(run.answers["tendered"]))
            table.add_row(t("run.change"), money(run.change_fen))
        widget.update(table)

    def show_error(self, message: str) -> None:
        self.query_one("#error", Static).update(message)

    # ---- keys ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # a key that does not apply here is not shown at all: the footer fits 80 columns
        if action == "retry_print":
            return True if self.print_failed else False
        if action == "reprint_last":
            return True if self.run.visits and not self.busy else False
        if action == "waive":  # shown only where a fee can be waived: the cash step
            return True if self.run.waivable_fees() and not self.busy else False
        if action == "documents_missing":  # before the commit, while the procedure asks for documents
            return True if self.run.state == "active" and self.run.committed is None and not self.busy and self.run.documents() else False
        if action == "back":
            return True if self.run.history and self.run.committed is None or self.run.state == "stopped" else None
        return True

    def _typed(self) -> None:
        box = self.query_one("#answer", Input)
        self._submitted = box.value
        self.submit(box.value)

    def _picked(self) -> None:
        choices = self.query_one("#choices", OptionList)
        if choices.highlighted is not None:
            self.submit(choices.get_option_at_index(choices.highlighted).id)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.submit(event.option.id)

    def on_key(self, event) -> None:
        """Digits pick a choice directly (1-9), as clerks expect on a counter keypad."""
        choices = self.query_one("#choices", OptionList)
        if getattr(self, "filtering", False):
            return  # digits narrow the list of numbers; they do not pick
        if choices.display and event.character and event.character.isdigit() and event.character != "0":
            index = int(event.character) - 1
            if index < choices.option_count:
                event.stop()
                self.submit(choices.get_option_at_index(index).id)

    def action_confirm(self) -> None:
        """Enter, taken before the field sees it: the field's queued keys are read first
        (call_later runs in the field's own queue), and keys typed after Enter go on to the
        next step instead of being lost."""
        box = self.query_one("#answer", Input)
        choices = self.query_one("#choices", OptionList)
        if self.run.state == "active" and getattr(self, "filtering", False):
            box.call_later(self._picked)  # the filter's keys first, then the highlighted number
        elif self.run.state == "active" and box.display:
            box.call_later(self._typed)
        elif self.run.state == "active" and choices.display:
            choices.call_later(self._picked)
        else:
            self.submit(None)

    def submit(self, value: str | None) -> None:
        if self.busy:
            return
        run = self.run
        if run.state == "stopped":
            self.app.end_run(t("run.stopped", reason=run.line))
            return
        if run.step.kind == "commit":
            self.busy = True
            self.query_one("#result", Static).update(t("run.committing"))
            self._commit()
            return
        try:
            run.submit(value)
        except TellerError as exc:
            self.show_error(exc.message)
            box = self.query_one("#answer", Input)
            if box.password:  # a refused password is not left in its box
                box.value = ""
            return
        run.option_filter = ""
        self.show_error("")
        if run.state == "finished":
            self.app.end_run(t("run.finished"), elapsed=time.monotonic() - self.started, run=run)
        else:
            self.refresh_view()

    def action_waive(self) -> None:
        """减免: a supervisor waives the waivable fees; the engine asks the Desk to check the PIN."""
        lines = self.run.waivable_fees()
        if not lines or self.busy:
            return
        fees = "、".join(f"{line.label} {money(line.amount_fen)}" for line in lines)

        def answered(result: tuple[str, str] | None) -> None:
            if not result:
                return
            try:
                self.run.waive(*result)
            except TellerError as exc:
                self.show_error(exc.message)
                return
            self.show_error("")
            self.app.notify(t("waive.done", amount=money(self.run.answers["waived_fen"]), supervisor=self.run.answers["waived_by"]))
            self.refresh_view()

        from teller.ui.screens.supervisor_modal import SupervisorModal

        self.app.push_screen(SupervisorModal(t("waive.title"), t("waive.why", fees=fees)), answered)

    def action_documents_missing(self) -> None:
        """F3 证件不全: the visit stops with the procedure's line for a missing document (Esc undoes it)."""
        if not self.busy and self.run.documents_missing():
            self.show_error("")
            self.refresh_view()

    def action_back(self) -> None:
        if self.busy and self.run.committed is None and self.run.step.kind == "commit":
            self.app.desk.cancel_commit.set()  # Esc while the commit waits for a lock: stop it
            return
        if not self.busy and self.run.back():
            self.show_error("")
            self.refresh_view()

    def action_cancel(self) -> None:
        if self.busy:
            if self.run.committed is None and self.run.step.kind == "commit":
                self.app.desk.cancel_commit.set()  # a commit waiting for the lock stops (nothing written)
            return
        if self.run.committed is not None or self.run.state != "active":
            self.app.end_run("")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run.cancel()
                self.app.end_run(t("run.cancelled"))

        self.app.push_screen(ConfirmModal(t("run.cancel_q")), answered)
