"""F1: help for the screen underneath, in the UI language: what it is for, what the current
step expects, and its keys. Esc or F1 closes it; nothing underneath changes."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from teller.strings import pick, t
from teller.ui.commands import screen_keys

#: the help text of each screen, by its class (a screen of another module gets the general text)
SCREENS = {
    "LoginScreen": "login", "ShiftOpenScreen": "shift_open", "HomeScreen": "picker", "RunScreen": "run",
    "VoidScreen": "void", "SettleScreen": "settle", "ReportsScreen": "reports", "LockScreen": "lock",
}
#: what an input of each kind expects
INPUT_KINDS = (
    "text", "phone", "money", "cash", "id_number", "new_password", "password", "choice", "date", "datetime",
    "supervisor_pin",
)


def help_key(screen: Screen) -> str:
    return SCREENS.get(type(screen).__name__, "other")


def step_help(run) -> list[str]:
    """What the current step of a visit expects, in a line or two."""
    step = run.step
    title = pick(step.title.as_dict()) if step.title else pick(run.procedure.title.as_dict())
    lines = [t("help.step", title=title, n=run.step_number, total=len(run.procedure.steps))]
    if run.state == "stopped":
        lines.append(t("help.expects.stopped"))
    elif run.state == "active" and step.input is not None:
        kind = step.input.kind if step.input.kind in INPUT_KINDS else "text"
        lines.append(t(f"help.expects.{kind}"))
        if step.input.optional:
            lines.append(t("help.expects.optional"))
    elif step.kind in ("say", "commit", "end"):
        lines.append(t(f"help.expects.{step.kind}"))
    return lines


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "key.close"), Binding("f1", "close", show=False)]

    def __init__(self, about: Screen) -> None:
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        key = help_key(self.about)
        with VerticalScroll(id="help-box"):
            yield Static(f"[b]{t('help.title', screen=t('help.name.' + key))}[/b]", id="help-title")
            yield Static(t(f"help.about.{key}"), id="help-about")
            run = getattr(self.about, "run", None)
            if run is not None and hasattr(run, "step"):
                yield Static("\n".join(step_help(run)), id="help-step")
            yield Static(self._keys(), id="help-keys")
            yield Static(t("help.close"), classes="label")

    def _keys(self) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for key, label, _node, _action in screen_keys(self.app, self.about, navigation=True):
            grid.add_row(key, label)
        grid.add_row("F1", t("key.help"))
        if help_key(self.about) != "lock":
            grid.add_row("Ctrl+P", t("help.palette"))
            grid.add_row("Ctrl+Q", t("key.quit"))
        return grid

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

    def action_close(self) -> None:
        self.dismiss()
