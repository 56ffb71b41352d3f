"""Chinese line breaking (禁则处理), one function for the screen and the paper.

`break_lines(text, width)` breaks text into lines of at most `width` cells:

- no closing punctuation at the start of a line (，。？！、：；）》」』】…— and their ASCII
  kin): it goes up with the character before it, which moves down with it if need be;
- no opening bracket or currency sign at the end of a line (（《「『【“ ￥ $): it goes down
  with what it opens;
- a number or an amount is never split (`69.5`, `10,086.00`, `2026-11-23`, `10:30`, `10086`,
  Latin words and codes too), and neither is a run of ellipses or dashes (`……`, `——`);
- a line breaks at a space rather than inside a word, and the space is dropped there;
- only a unit wider than a whole line is cut, by character (never inside one).

Width is counted by a function of one character. The default counts the way a receipt printer
in Chinese mode prints (ASCII one cell, every other character two; see teller.printing.layouts
and DESIGN "Receipts"); the console passes the terminal's count (`rich.cells.cell_len`).
This module imports nothing beyond the standard library.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

#: characters that may not begin a line (closing punctuation, marks that follow what they end)
NO_LINE_START = frozenset(
    "，。、．：；？！）》」』】〕〉〗〙〛］｝”’"  # full-width
    "…‥—–～·・ー々〻ゝゞヽヾ"  # ellipsis, dashes, middle dots, iteration marks
    ",.:;?!)]}%‰℃°％"  # ASCII and signs that end a figure
)
#: units of money that stay with the figure before them (69.5元, 5角)
_AFTER_NUMBER = frozenset("元角分")
#: characters that may not end a line (opening brackets, signs that lead a figure)
NO_LINE_END = frozenset("（《「『【〔〈〖〘〚［｛“‘([{￥¥$＄#＃")
#: between two digits these keep a number whole: 1,234.50  2026-11-23  10:30  1/2
_INSIDE_NUMBER = frozenset(".,:-/")

_WORD = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ_@]+(?:[.,:\-/][0-9A-Za-z０-９Ａ-Ｚａ-ｚ_@]+)*")


def char_cells(ch: str) -> int:
    """Cells one character takes on a receipt printer in Chinese mode: ASCII one, others two."""
    o = ord(ch)
    if o < 0x80:
        return 1 if o >= 0x20 else 0
    if unicodedata.combining(ch):
        return 0
    return 2


def cells(text: str, char_width: Callable[[str], int] = char_cells) -> int:
    return sum(char_width(ch) for ch in text)


def _atoms(para: str) -> list[str]:
    """The text cut into pieces no break may enter: words and numbers whole, every other character alone."""
    out: list[str] = []
    i = 0
    while i < len(para):
        m = _WORD.match(para, i)
        if m:
            out.append(m.group())
            i = m.end()
            continue
        out.append(para[i])
        i += 1
    return out


def _units(para: str) -> list[str]:
    """Atoms glued into units a line may not break inside (the 禁则 rules), spaces alone."""
    units: list[str] = []
    pending_open = ""  # opening brackets and currency signs waiting for what they open
    for atom in _atoms(para):
        if unicodedata.combining(atom[0]) and (units or pending_open):
            if pending_open:
                pending_open += atom
            else:
                units[-1] += atom  # an accent stays on its letter
            continue
        if atom == " ":
            if pending_open:
                pending_open += atom  # `（ 号`: the spaces stay with the bracket
            else:
                units.append(" ")
            continue
        if atom in NO_LINE_END:
            pending_open += atom
            continue
        if pending_open:
            atom, pending_open = pending_open + atom, ""
            units.append(atom)
            continue
        if atom[0] in NO_LINE_START and units and units[-1] != " ":
            units[-1] += atom  # closing punctuation goes with what it closes
            continue
        if atom in _AFTER_NUMBER and units and units[-1][-1:].isdigit():
            units[-1] += atom  # an amount and its unit: 69.5元
            continue
        units.append(atom)
    if pending_open:
        units.append(pending_open)
    return units


def cut_lines(unit: str, width: int, char_width: Callable[[str], int] = char_cells) -> list[str]:
    """Text cut every `width` cells by character, no rule applied (a ruler; a unit wider than a line)."""
    parts, cur, used = [], "", 0
    for ch in unit:
        w = char_width(ch)
        if used + w > width and cur:
            parts.append(cur)
            cur, used = "", 0
        cur += ch
        used += w
    parts.append(cur)
    return parts


def break_lines(text: str, width: int, *, char_width: Callable[[str], int] = char_cells) -> list[str]:
    """`text` in lines of at most `width` cells, broken by the rules above ("\\n" starts a new line)."""
    width = max(1, width)
    lines: list[str] = []
    for para in text.split("\n"):
        cur, used, continued = "", 0, False
        for unit in _units(para):
            w = cells(unit, char_width)
            if unit == " ":
                if used + w > width:  # a space at the break is dropped
                    lines.append(cur)
                    cur, used, continued = "", 0, True
                elif cur or not continued:  # an indent of the paragraph stays
                    cur, used = cur + unit, used + w
                continue
            if used + w <= width:
                cur, used = cur + unit, used + w
                continue
            if cur.strip():
                lines.append(cur.rstrip(" "))
                cur, used, continued = "", 0, True
            if w <= width:
                cur, used = unit, w
                continue
            parts = cut_lines(unit, width, char_width)
            lines.extend(parts[:-1])
            cur, used, continued = parts[-1], cells(parts[-1], char_width), True
        lines.append(cur)
    return lines


def fit(text: str, width: int, *, char_width: Callable[[str], int] = char_cells, ellipsis: str = "…") -> str:
    """`text` cut to at most `width` cells (by cells, never inside a character), `…` marking the cut."""
    if cells(text, char_width) <= width:
        return text
    room = width - cells(ellipsis, char_width)
    out, used = "", 0
    for ch in text:
        w = char_width(ch)
        if used + w > room:
            break
        out, used = out + ch, used + w
    return out.rstrip(" ") + ellipsis if room >= 0 else ""
