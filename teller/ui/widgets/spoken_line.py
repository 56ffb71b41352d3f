"""The step's spoken line in its box, broken by the Chinese line-breaking rules (teller.text).

What the clerk says to the customer reads plain. What is for the clerk alone is styled apart:
a notice the console adds (业务已终止：) and a stage direction that opens a line
(`（双手接款，验钞）` — what to do, not what to say). Lines are broken at the width the box
has when it is drawn, so a resize breaks them again by the same rules as the paper.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from teller.text import break_lines

#: a stage direction at the start of a spoken line: （…）
_DIRECTION = re.compile(r"^\s*(（[^（）]*）|\([^()]*\))\s*")

NOTICE = Style(bold=True, color="red")
DIRECTION = Style(italic=True, dim=True)


def split_direction(said: str) -> tuple[str, str]:
    """(the leading stage direction for the clerk, the words said to the customer)."""
    m = _DIRECTION.match(said)
    if not m:
        return "", said
    return m.group(1), said[m.end():]


class BrokenLines:
    """Parts of text, each broken into lines at the width it is rendered at."""

    def __init__(self, parts: list[tuple[str, Style | None]]) -> None:
        self.parts = [(text, style) for text, style in parts if text]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        for text, style in self.parts:
            for line in break_lines(text, width, char_width=cell_len):
                yield Text(line, style=style or "", no_wrap=True, end="\n")

    def plain(self, width: int) -> list[str]:
        """The lines as drawn at `width` (for tests and the help screen)."""
        return [ln for text, _ in self.parts for ln in break_lines(text, width, char_width=cell_len)]


class SpokenLine(Static):
    """`show(said, notice=...)`: the box hides itself when there is nothing to say."""

    def show(self, said: str, *, notice: str = "") -> None:
        direction, words = split_direction(said)
        self.display = bool(notice or said)
        self.update(BrokenLines([(notice, NOTICE), (direction, DIRECTION), (words, None)]))
