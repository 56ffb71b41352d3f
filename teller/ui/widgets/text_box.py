"""A one-line text field whose keystrokes repaint the field alone.

Textual's `Input` sets its `virtual_size` (the text's width, for scrolling) on every change
of its value, and `Widget.virtual_size` is a reactive declared with `layout=True`: each key
asks the screen for a whole layout pass (every widget placed again) before the one changed
line is drawn. On the wizard that made a keystroke 1.6x a bare Input's.

A field of fixed size (every field of the console: `width: 100%`, `height: 3`, or a grid
cell) does not move when its text grows, so its virtual size can change without a layout:
`TextBox` declares the same reactive with `layout=False`. The value still repaints the field
(`value` repaints), the cursor still scrolls a long text into view (`max_scroll_x` reads
the new `virtual_size` at once), and the scrollbar state is brought up to date as the layout
pass would have. A field sized by its content (`width: auto` or `height: auto`) keeps
Textual's behaviour: Input itself asks for a layout in that case.

Queries and CSS rules that name `Input` find a TextBox too (it is an Input).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class TextBox(Input):
    """`Input` without the screen-wide layout pass on each keystroke (see the module docstring)."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if self.is_mounted:
            # what the skipped layout pass did for a scrollable widget: scrollbars and scroll
            # limits follow the new virtual size (a no-op while the text fits the field)
            self._scroll_update(self.virtual_size)
