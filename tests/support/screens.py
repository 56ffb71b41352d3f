"""What a Pilot-driven console shows, as text lines (the way a terminal would show them)."""

from __future__ import annotations


def screen_lines(app) -> list[str]:
    """The current screen (with any screen under a modal), one string per terminal row."""
    update = app.screen._compositor.render_update(full=True)
    lines = []
    for line in update.strips:
        lines.append("".join(segment.text for strip in line for segment in strip).rstrip())
    return lines


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))
