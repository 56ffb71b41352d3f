"""Enter on a form field, for clerks who type faster than the screen.

Textual routes each key to the widget focused when the key arrives, and `Widget.focus()`
takes effect only after the keys already queued: digits typed straight after Enter would
land in the field just left (a PIN in the staff-number box, the 50-yuan count in the
100-yuan box). Screens with fields add `ENTER` to their bindings and `EnterMovesOn` to their
bases: Enter is taken before the field sees it, the focus moves to the next shown field at
once, and the field's own `Submitted` follows once it has taken every key typed before
Enter, so each screen's handlers work as they did.
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input

ENTER = Binding("enter", "enter_field", show=False, priority=True)


def _shown(widget: Widget) -> bool:
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


class EnterMovesOn:
    """Mixin for a Screen whose Enter goes from field to field (see the module docstring)."""

    def action_enter_field(self) -> None:
        field = self.focused  # type: ignore[attr-defined]
        if not isinstance(field, Input):
            raise SkipAction()  # a list or a button handles its own Enter
        fields = [w for w in self.query(Input) if _shown(w) and not w.disabled]  # type: ignore[attr-defined]
        at = fields.index(field) if field in fields else -1
        if 0 <= at < len(fields) - 1:
            self.set_focus(fields[at + 1])  # type: ignore[attr-defined]
        field.call_later(field.action_submit)
