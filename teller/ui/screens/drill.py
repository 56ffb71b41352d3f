"""A practice drill on screen: the procedure's own RunScreen with the scripted customer's bubble
beside the script, and the end-of-drill breakdown that stays until the trainee dismisses it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from teller.strings import pick, t
from teller.ui.screens.run import RunScreen
from teller.ui.widgets.customer_bubble import CustomerBubble

if TYPE_CHECKING:
    from teller.practice.drill import DrillRun
    from teller.practice.records import DrillResult


class DrillScreen(RunScreen):
    """RunScreen + the customer bubble; in an exam, no hints (notes, bubble hints) and no Esc back."""

    def __init__(self, run: "DrillRun") -> None:
        super().__init__(run)
        self.drill = run.drill

    def on_mount(self) -> None:  # RunScreen's own on_mount runs too (Textual calls each class's handler)
        script = self.query_one("#script")
        script.mount(CustomerBubble(), after=self.query_one("#line"))
        self.call_after_refresh(self.show_bubble)

    def refresh_view(self) -> None:
        super().refresh_view()
        if self.drill.exam:  # no hints in an exam: the step's note for the clerk is not shown
            step = self.run.step
            hint = t("run.enter") if step.kind in ("say", "commit", "end") or self.run.state == "stopped" else ""
            self.query_one("#note", Static).update(hint)
        self.show_bubble()

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.show_bubble()

    def show_bubble(self) -> None:
        bubbles = self.query(CustomerBubble)
        if not bubbles:
            return
        drill, run = self.drill, self.run
        step = run.step
        line = drill.line(step.id)
        off = line is None and step.kind == "input" and run.state == "active"
        hint = ""
        if line is not None and not drill.exam and drill.had_mistake_at(step.id):
            if line.hint is not None:
                hint = drill.text(line.hint)
            elif line.answer is not None:
                from teller.practice.drill import shown

                said = drill.answer(line)
                if step.input is not None and step.input.kind == "choice":
                    said = shown(run, step, said)  # the choice by its label
                hint = t("bubble.said", said=said)
        bubble = bubbles.first()
        bubble.border_subtitle = pick(drill.scenario.title.as_dict())
        bubble.show(
            speaker=drill.speaker(line), says=drill.text(line.says) if line else "",
            hands=drill.text(line.hands) if line else "", hint=hint, off_script=off,
        )

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "back" and self.drill.exam:
            return None  # no going back in an exam
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        if self.drill.exam and not self.busy:
            return
        super().action_back()


class BreakdownScreen(ModalScreen[None]):
    """The drill's score and why, kept on screen until Enter or Esc."""

    BINDINGS = [
        Binding("enter", "close", t("key.close"), priority=True),
        Binding("escape", "close", t("key.close")),
    ]
    DEFAULT_CSS = """
    BreakdownScreen { align: center middle; }
    #breakdown-box { width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $accent; padding: 0 1; background: $panel; }
    #breakdown-title { text-style: bold; }
    #breakdown-body { height: auto; max-height: 16; }
    #breakdown-verdict { text-style: bold; }
    """

    def __init__(self, title: str, result: "DrillResult", *, step_title=lambda s: s, footer: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.result = result
        self.step_title = step_title
        self.footer_text = footer

    def compose(self) -> ComposeResult:
        from teller.practice.scoring import lines

        r = self.result
        b = r.breakdown
        attempt = t("breakdown.attempt", n=r.attempt_no) if r.attempt_no else ""
        with Vertical(id="breakdown-box"):
            yield Static(f"{self.title_text}  {attempt}", id="breakdown-title")
            with VerticalScroll(id="breakdown-body"):
                yield Static("\n".join(_escape(x) for x in lines(b, step_title=self.step_title)), id="breakdown-lines")
            verdict = t("breakdown.passed") if r.passed else t("breakdown.not_passed")
            style = "$success" if r.passed else "$error"
            yield Static(f"[{style}]{_escape(verdict)}[/]", id="breakdown-verdict")
            yield Static(_escape(self.footer_text or t("breakdown.dismiss")), classes="label")

    def action_close(self) -> None:
        self.dismiss(None)


def _escape(text: str) -> str:
    from textual.markup import escape

    return escape(text)
