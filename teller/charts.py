"""Bar charts drawn with block characters (rich): the console's report screen and the CLI."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text


def bars(items: list[tuple[str, float]], width: int = 30) -> Text:
    """One line per item: label, a bar scaled to the largest value, the value."""
    out = Text()
    if not items:
        return out
    top = max((abs(v) for _, v in items), default=0) or 1
    label_w = min(16, max(cell_len(str(label)) for label, _ in items))
    for label, value in items:
        label = str(label)
        pad = " " * max(0, label_w - cell_len(label))
        n = int(round(width * abs(value) / top))
        out.append(f"{label}{pad} ")
        out.append("█" * n, style="bold cyan")
        out.append(f" {value:g}\n")
    return out
