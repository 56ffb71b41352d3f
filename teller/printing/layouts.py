"""Receipt layouts (receipts/*.yaml) rendered into print ops, counted in paper cells.

A Chinese character takes two cells on these printers; lines are padded here, so the
terminal preview and the paper show the same lines. Nothing is split mid-character.

Width is counted the way a printer in Chinese character mode prints: a one-byte (ASCII)
character is one cell, every two-byte GB18030 character is printed with the Chinese font and
takes two cells, whatever its Unicode width (`·`, `—` and `é` included). Characters a
printer's font cannot have (four-byte GB18030 codes: emoji, rare ideographs, combining
accents that do not compose) are printed as `?` so a line never garbles or shifts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from teller.errors import TellerError
from teller.strings import pick
from teller.text import break_lines, cut_lines

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

#: dots across the printable width for one column of the standard 12×24 font
DOTS_PER_COLUMN = 12


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    tall: bool = False


@dataclass(frozen=True)
class Qr:
    data: str
    size: int = 5


@dataclass(frozen=True)
class Cut:
    pass


Op = Line | Qr | Cut


@dataclass
class ReceiptData:
    """Everything a layout may show, already masked and formatted."""

    values: dict[str, str]
    fees: list[tuple[str, str]] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    banners: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)  # who signs, when a transaction names its parties


@dataclass(frozen=True)
class Layout:
    id: str
    title: dict
    copies: tuple
    blocks: tuple
    path: str = ""

    def copy_title(self, copy_no: int) -> str:
        """`业务受理单（营业厅联）`: the layout's title with the copy's label, for the clerk."""
        label = _text(self.copies[copy_no - 1]) if 0 < copy_no <= len(self.copies) else ""
        return f"{pick(self.title)}（{label}）" if label else pick(self.title)


class LayoutError(TellerError):
    """A layout file is wrong, or cannot fit the paper: names the layout and the block."""


# the file format (block words, kinds, options, placeholders) is teller.layout_file's
from teller.layout_file import EXTRA_PLACEHOLDERS, KINDS as BLOCK_KEYS, OPTIONS as OPTION_KEYS, PLACEHOLDERS  # noqa: E402,F401
from teller.layout_file import WORDS as BLOCK_WORDS  # noqa: E402,F401

#: byte-mode capacity of QR versions 1-40 at error correction level L (python-escpos' default)
_QR_CAPACITY_L = (
    17, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644, 718, 792, 858,
    929, 1003, 1091, 1171, 1273, 1367, 1465, 1528, 1628, 1732, 1840, 1952, 2068, 2188, 2303, 2431,
    2563, 2699, 2809, 2953,
)


# ---- cells and characters ---------------------------------------------------------------------
def char_cells(ch: str) -> int:
    """Cells one character takes on paper (at least what a terminal gives it)."""
    o = ord(ch)
    if o < 0x80:
        return 1 if o >= 0x20 else 0
    if unicodedata.combining(ch):
        return 0
    return 2


@lru_cache(maxsize=4096)  # a receipt's labels, the hall's name, rulers: the same strings every time
def cells(text: str) -> int:
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(char_cells(ch) for ch in text)


def printable(ch: str, charset: str = "gb18030") -> bool:
    """A character a Chinese printer's font has: ASCII or a two-byte code of its character set
    (gb18030 by default; a gbk or gb2312 font has fewer, with the same codes)."""
    if ch < "\x80":
        return ch >= " "
    try:
        return len(ch.encode("gb18030")) == 2 and (charset == "gb18030" or len(ch.encode(charset)) == 2)
    except UnicodeEncodeError:  # outside the printer's character set
        return False


@lru_cache(maxsize=4096)
def paper_safe(text: str, charset: str = "gb18030") -> str:
    """What the printer can print of `text`: composed (NFC); a character its font lacks is
    printed as `?` (never as the wrong glyph its bytes would show on a smaller font)."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii() and text.isprintable():
        return text
    return "".join(ch if printable(ch, charset) or ch == "\n" else "?" for ch in text)


def _text(value) -> str:
    return pick(value) if isinstance(value, dict) else str(value)


def wrap(text: str, width: int) -> list[str]:
    """Break text into lines of at most `width` cells by the Chinese line-breaking rules (禁则,
    teller.text.break_lines, the same as the screen's): never inside a character, a number or an
    amount; no closing punctuation at a line start, no opening bracket at a line end."""
    return list(_wrapped(text, width))


@lru_cache(maxsize=1024)  # a receipt's title, hall, footer and notes: the same texts every paper
def _wrapped(text: str, width: int) -> tuple[str, ...]:
    return tuple(break_lines(text, width, char_width=char_cells))


def pad_left(text: str, width: int) -> str:
    return " " * max(0, width - cells(text)) + text


def center(text: str, width: int) -> str:
    gap = max(0, width - cells(text))
    return " " * (gap // 2) + text


def pair(label: str, value: str, width: int) -> list[str]:
    """Label on the left, value flush right; a value that does not fit goes on its own line(s)."""
    if cells(label) + 1 + cells(value) <= width:
        return [label + " " * (width - cells(label) - cells(value)) + value]
    out = wrap(label, width)
    out += [pad_left(part, width) for part in wrap(value, width)]
    return out


def ruler(n: int) -> str:
    """`....+....1....+....2..`: n cells, a digit every ten."""
    return "".join(str(i // 10 % 10) if i % 10 == 0 else "+" if i % 5 == 0 else "." for i in range(1, n + 1))


def qr_modules(data: str) -> int:
    """Modules across the smallest QR symbol (byte mode, level L) that holds `data`."""
    n = len(data.encode("utf-8"))
    for version, capacity in enumerate(_QR_CAPACITY_L, 1):
        if n <= capacity:
            return 17 + 4 * version
    return 10**6  # no QR symbol holds it


# ---- loading -------------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def load_layout(folder: str, name: str) -> Layout:
    """A layout checked by teller.layout_file (strict: unknown keys refused, every problem with
    file:line: field, all at once); LayoutError carries them, one per line."""
    from teller.layout_file import LayoutProblems, read_layout  # the same limits as procedure files

    path = Path(folder) / f"{name}.yaml"
    try:
        spec = read_layout(path)
    except LayoutProblems as exc:
        raise LayoutError(exc.message) from None
    return Layout(spec.id or name, spec.title if isinstance(spec.title, dict) else {"zh": spec.title}, spec.copies, spec.blocks, str(path))


def layout_names(folder: str | Path) -> list[str]:
    """The layouts in a folder, by file name."""
    return sorted(p.stem for p in Path(folder).glob("*.yaml"))


# ---- rendering -----------------------------------------------------------------------------------
MIN_COLUMNS = 16


def render(layout: Layout, data: ReceiptData, columns: int, *, copy_no: int | None = None, charset: str = "gb18030") -> list[Op]:
    """The copies of a layout as print ops (all of them, or only `copy_no`), each ending in a cut.

    `charset` is the printer font's character set: what it lacks prints as `?`.
    Raises LayoutError naming the layout and the block when something cannot fit the paper.
    """
    if columns < MIN_COLUMNS:
        raise LayoutError(f"{layout.id}: paper too narrow for receipts: {columns} columns (need at least {MIN_COLUMNS})")
    numbers = range(1, len(layout.copies) + 1) if copy_no is None else [copy_no]
    ops: list[Op] = []
    def ok(text: str) -> str:
        return paper_safe(text, charset)

    safe = {k: ok(str(v)) for k, v in data.values.items()}
    rows = ReceiptData(
        values=safe,
        fees=[(ok(a), ok(b)) for a, b in data.fees],
        details=[(ok(a), ok(b)) for a, b in data.details],
        banners=[ok(b) for b in data.banners],
        signatures=[ok(b) for b in data.signatures],
    )
    for n in numbers:
        if not 0 < n <= len(layout.copies):
            raise LayoutError(f"{layout.id}: no copy {n} (the layout has {len(layout.copies)})")
        copy = layout.copies[n - 1]
        values = {**safe, "title": pick(layout.title), "copy": _text(copy) if copy else ""}
        fill = lambda s: ok(_PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), _text(s)))  # noqa: E731
        for i, block in enumerate(layout.blocks):
            if isinstance(block, dict) and "if" in block and not values.get(block["if"]):
                continue
            try:
                ops.extend(_block(block, rows, fill, columns))
            except _NoFit as exc:
                raise LayoutError(f"{layout.id}: blocks[{i}] ({_kind(block)}): {exc} at {columns} columns") from None
    return ops


def _kind(block) -> str:
    return block if isinstance(block, str) else next(iter(set(block) & BLOCK_KEYS))


class _NoFit(Exception):
    pass


def _block(block, data: ReceiptData, fill, width: int) -> list[Op]:
    if isinstance(block, str):
        if block == "rule":
            return [Line("-" * width)]
        if block == "blank":
            return [Line("")]
        if block == "cut":
            return [Cut()]
        if block == "ruler":  # the configured width exactly: on narrower paper the printer itself wraps it
            return [Line(ruler(width))]
        if block == "banner":
            return [Line(center(part, width), bold=True) for b in data.banners for part in wrap(f"*** {b} ***", width)]
        rows = data.fees if block == "fees" else data.details
        return [Line(text) for label, value in rows for text in pair(label, value, width)]
    bold, tall = bool(block.get("bold")), bool(block.get("tall"))
    if "qr" in block:
        content, size = fill(block["qr"]), int(block.get("size", 5))
        dots = qr_modules(content) * size
        if dots > width * DOTS_PER_COLUMN:
            raise _NoFit(f"QR code is {dots} dots wide (module size {size}), the paper prints {width * DOTS_PER_COLUMN}")
        return [Qr(content, size)]
    if "pair" in block:
        label, value = (fill(x) for x in block["pair"])
        if cells(label) + 1 > width:
            raise _NoFit(f"label {label!r} is {cells(label)} cells wide")
        return [Line(text, bold) for text in pair(label, value, width)]
    if "signature" in block:
        return _signature_line(fill(block["signature"]), width)
    if "signatures" in block:  # one line per party the transaction names (过户: old and new owner), else the default
        return [op for label in (data.signatures or [fill(block["signatures"])]) for op in _signature_line(label, width)]
    if "ruler" in block:
        return [Line(s, bold, tall) for s in cut_lines(ruler(block["ruler"]), width, char_cells)]
    text = fill(block.get("text") or block.get("center") or block.get("right"))
    lines = wrap(text, width)
    if "center" in block:
        lines = [center(s, width) for s in lines]
    elif "right" in block:
        lines = [pad_left(s, width) for s in lines]
    return [Line(s, bold, tall) for s in lines]


def _signature_line(label: str, width: int) -> list[Op]:
    """`客户签名：______`; on narrow paper the line to sign goes below the label."""
    label += "："
    if cells(label) > width:
        raise _NoFit(f"signature label {label!r} is {cells(label)} cells wide")
    if cells(label) + 6 > width:
        return [Line(label), Line("_" * (width - 2)), Line("")]
    return [Line(label + "_" * (width - cells(label) - 2)), Line("")]


def preview_text(ops: list[Op], columns: int) -> str:
    """The terminal preview: the same lines the paper shows, a QR box, and a cut mark."""
    out: list[str] = []
    for op in ops:
        if isinstance(op, Line):
            out.append(op.text)
        elif isinstance(op, Qr):
            out.append(center(f"[QR {op.data}]", columns))
        else:
            out.append("✂" + "-" * (columns - 2))
    return "\n".join(out) + "\n"


def paper_lines(preview: str) -> list[str]:
    """The preview's lines that are paper lines (without its QR box and cut mark)."""
    return [ln for ln in preview.splitlines() if not ln.startswith("✂") and not ln.strip().startswith("[QR ")]
