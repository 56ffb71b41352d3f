"""The command palette (^p): this console's own commands, in the UI language.

What a screen's keys do (reprint, cash in/out, close the shift, void, reports, log out, lock,
cancel the visit…) is offered by name, with its key beside it, and on the picker every
procedure too. Textual's own commands (theme, screenshot, the keys panel) are not offered:
they are English and of no use at a counter. The palette itself speaks the UI language.
"""

from __future__ import annotations

from typing import Iterator

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from teller.strings import pick, t

#: keys that move through a screen rather than do something: not offered as commands
NAVIGATION = {"enter", "escape", "up", "down", "tab", "shift+tab"}


class Palette(CommandPalette):
    """Textual's palette with its one fixed English line ('No matches found') in the UI language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def _show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("palette.none"), style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, _show_no_matches)


def key_name(app, binding) -> str:
    """`F6`, `Ctrl+Q`: a key as the help and the palette name it."""
    shown = app.get_key_display(binding)
    return shown.upper() if len(shown) <= 3 and shown[:1] in "fF" else shown


def screen_keys(app, screen, *, navigation: bool = False) -> list[tuple[str, str, object, str]]:
    """(key, label, node, action) of every key the screen shows in its footer, enabled now
    (Enter and Esc only with `navigation`: the help lists them, the palette does not offer them)."""
    out = []
    seen = set()
    for key, active in screen.active_bindings.items():
        node, binding, enabled, _tooltip = active
        if not binding.show or not enabled or not binding.description or (key in NAVIGATION and not navigation):
            continue
        if binding.action in seen:
            continue
        seen.add(binding.action)
        out.append((key_name(app, binding), binding.description, node, binding.action))
    return out


def commands_for(app, screen) -> Iterator[SystemCommand]:
    """The palette's commands on `screen` (the screen under the palette)."""
    if getattr(app, "locked", False):
        return
    keys = screen_keys(app, screen)
    for key, label, node, action in keys:
        yield SystemCommand(label, key, _runner(app, node, action))
    on_picker = type(screen).__name__ == "HomeScreen" and app.desk is not None
    if on_picker:
        for loaded in app.desk.procedures.values():
            title = pick(loaded.procedure.title.as_dict())
            yield SystemCommand(t("palette.procedure", title=title), loaded.id, _starter(screen, loaded.id))
    yield SystemCommand(t("key.help"), "F1", app.action_help)
    if not any(action.endswith("request_quit") for *_, action in keys):
        yield SystemCommand(t("key.quit"), "Ctrl+Q", app.action_request_quit)


def _runner(app, node, action: str):
    def run() -> None:
        app.call_later(app.run_action, action, node)

    return run


def _starter(screen, procedure_id: str):
    def start() -> None:
        screen.start_visit(procedure_id)

    return start
