"""The footer of key bindings: one widget that draws the screen's keys on one line.

Textual's `Footer` is a container that recomposes whenever the screen's bindings change (a step,
a refresh of `check_action`): it removes its `FooterKey` widgets and mounts new ones, one per
key, each styled and laid out on its own. That cost 18 ms of the log-in screen's first frame
(most of the gap to a bare Textual app) and a mount of a dozen widgets at every step of a visit;
it also kept every key it ever showed alive through its `data_bind` watchers, so the console's
memory grew all shift. `KeyFooter` keeps the keys as data and draws them as one line of text,
styled with the same theme variables as Textual's footer. A changed set of keys is a repaint.
Keys that do not fit the width go on a second line rather than off the screen (a supervisor's
practice picker has nine keys: 87 columns in English).

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
        #: (line, first cell, end cell, entry) of each key as last drawn: what a click hits
        self.spans: list[tuple[int, int, int, FooterEntry]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.entries = self.collect()  # the first frame has the keys already
        self._fit()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self._fit()

    def _bindings_changed(self, screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        entries = self.collect()
        if entries != self.entries:
            self.entries = entries
            self._fit()
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

    # ---- drawing: one line, or two when the keys do not fit the width (never a key cut off) ----
    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def _lines(self) -> list[list[tuple[FooterEntry, Text]]]:
        """The keys as drawn, line by line: as many as fit on a line, the palette's at the end."""
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        width = self._width()
        lines: list[list[tuple[FooterEntry, Text]]] = [[]]
        used = 0
        ordered = [e for e in self.entries if not e.palette] + [e for e in self.entries if e.palette]
        for entry in ordered:
            piece = _piece(entry, key_style, description_style)
            needs = piece.cell_len + (2 if entry.palette else 0)  # the palette's keeps a gap and the edge
            if lines[-1] and used + needs > width:
                lines.append([])
                used = 0
            lines[-1].append((entry, piece))
            used += piece.cell_len
        return lines

    def _fit(self) -> None:
        height = len(self._lines())
        if self.styles.height is None or self.styles.height.value != height:
            self.styles.height = height

    def render(self) -> Text:
        width = self._width()
        out = Text(no_wrap=True, overflow="crop", end="")
        self.spans = []
        for y, line in enumerate(self._lines()):
            if y:
                out.append("\n")
            x = 0
            for entry, piece in line:
                if entry.palette:  # at the right end, as Textual docks it
                    gap = max(1, width - x - piece.cell_len - 1)
                    out.append(" " * gap)
                    x += gap
                self.spans.append((y, x, x + piece.cell_len, entry))
                out.append_text(piece)
                x += piece.cell_len
        return out

    def on_click(self, event: events.Click) -> None:
        for y, start, end, entry in self.spans:
            if y == event.y and start <= event.x < end:
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
