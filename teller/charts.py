"""Bar charts drawn with block characters (rich): the console's report screen and the CLI."""

from __future__ import annotations

from typing import Callable

from rich.cells import cell_len
from rich.text import Text

from teller.text import fit


def bars(items: list[tuple[str, float]], width: int = 30, *, shown: Callable[[float], str] | None = None) -> Text:
    """One line per item: label (cut to 16 cells), a bar scaled to the largest value, the value
    (`shown` formats it: money as ￥65.50, never 65.5)."""
    out = Text()
    if not items:
        return out
    top = max((abs(v) for _, v in items), default=0) or 1
    label_w = min(16, max(cell_len(str(label)) for label, _ in items))
    for label, value in items:
        label = fit(str(label), label_w, char_width=cell_len)
        pad = " " * max(0, label_w - cell_len(label))
        n = int(round(width * abs(value) / top))
        out.append(f"{label}{pad} ")
        out.append("█" * n, style="bold cyan")
        out.append(f" {shown(value) if shown else format(value, 'g')}\n")
    return out


def money_bars(items: list[tuple[str, int]], width: int = 30) -> Text:
    """Bars of amounts in fen, each shown as money (￥65.50)."""
    from teller.domain.money import money

    return bars(items, width, shown=lambda fen: money(int(fen)))
