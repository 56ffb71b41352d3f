"""The scripted customer's bubble in a practice drill: what they say and hand over at this step."""

from __future__ import annotations

from textual.markup import escape
from textual.widgets import Static

from teller.strings import t


class CustomerBubble(Static):
    """The screen calls `show(...)` whenever the step changes; a hint appears after a mistake."""

    DEFAULT_CSS = """
    CustomerBubble { border: round $warning; padding: 0 1; height: auto; max-height: 6; margin: 0 0 0 4; }
    CustomerBubble.off-script { border: round $error; }
    """

    def show(self, *, speaker: str, says: str = "", hands: str = "", hint: str = "", off_script: bool = False) -> None:
        self.border_title = t("bubble.title", who=speaker)
        self.set_class(off_script, "off-script")
        parts = []
        if off_script:
            parts.append(f"[i]{escape(t('bubble.off_script'))}[/i]")
        if says:
            parts.append(f"“{escape(says)}”")
        if hands:
            parts.append(f"[b]{escape(t('bubble.hands', what=hands))}[/b]")
        if hint:
            parts.append(f"[$warning]{escape(t('bubble.hint', hint=hint))}[/]")
        if not parts:
            parts.append(f"[dim]{escape(t('bubble.listening'))}[/dim]")
        self.update("\n".join(parts))
