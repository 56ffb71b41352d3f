"""The footer of key bindings: one widget that draws the screen's keys on one line.

Textual's `Footer` is a container that recomposes whenever the screen's bindings change (a step,
a refresh of `check_action`): it removes its `FooterKey` widgets and mounts new ones, one per
key, each styled and laid out on its own. That cost 18 ms of the log-in screen's first frame
(most of the gap to a bare Textual app) and a mount of a dozen widgets at every step of a visit;
it also kept every key it ever showed alive through its `data_bind` watchers, so the console's
memory grew all shift. `KeyFooter` keeps the keys as data and draws them as one line of text,
styled with the same theme variables as Textual's footer. A changed set of keys is a repaint.

A click on a key presses it, as on Textual's footer (clerks use the keyboard; the mouse works).
"""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget


class FooterEntry(NamedTuple):
    key: str  # the key as bound ("f9"), pressed by a click
    display: str  # as shown ("f9", "^q")
    description: str
    enabled: bool
    palette: bool = False  # the command palette's key, drawn at the right end


class KeyFooter(Widget, can_focus=False):
    """The keys of the current screen, each as ` key label`, on the bottom line."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.show_command_palette = show_command_palette
        self.entries: list[FooterEntry] = []
        #: (first cell, end cell, entry) of each key as last drawn: what a click hits
        self.spans: list[tuple[int, int, FooterEntry]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.entries = self.collect()  # the first frame has the keys already

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        entries = self.collect()
        if entries != self.entries:
            self.entries = entries
            self.refresh()

    def collect(self) -> list[FooterEntry]:
        """The keys to show, in the order Textual's footer shows them (one per action)."""
        app = self.app
        by_action: dict[str, FooterEntry] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = FooterEntry(binding.key, app.get_key_display(binding), binding.description, enabled)
        entries = list(by_action.values())
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                entries.append(FooterEntry(binding.key, app.get_key_display(binding), binding.description, enabled, palette=True))
        return entries

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        self.spans = []
        pieces = [(entry, _piece(entry, key_style, description_style)) for entry in self.entries]
        for entry, piece in pieces:
            if not entry.palette:
                self.spans.append((line.cell_len, line.cell_len + piece.cell_len, entry))
                line.append_text(piece)
        for entry, piece in pieces:
            if entry.palette:  # at the right end, as Textual docks it
                line.append(" " * max(1, self.size.width - line.cell_len - piece.cell_len - 1))
                self.spans.append((line.cell_len, line.cell_len + piece.cell_len, entry))
                line.append_text(piece)
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, entry in self.spans:
            if start <= event.x < end:
                if entry.enabled:
                    self.app.simulate_key(entry.key)
                else:
                    self.app.bell()
                return


def _piece(entry: FooterEntry, key_style: Style, description_style: Style) -> Text:
    """` key label`: one space before the key and one before its label (80 columns hold the picker's)."""
    dim = Style() if entry.enabled else Style(dim=True)
    piece = Text(" ", end="")
    piece.append(entry.display, key_style + dim)
    if entry.description:
        piece.append(" ")
        piece.append(entry.description, description_style + dim)
    return piece
