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


BLOCK_WORDS = {"rule", "fees", "details", "banner", "blank", "cut", "ruler"}
BLOCK_KEYS = {"text", "center", "right", "pair", "qr", "signature", "signatures", "ruler"}
OPTION_KEYS = {"bold", "tall", "if", "size"}

#: what a layout may show: filled by jobs.receipt_data (masked there) or, for the test
#: page, by jobs.test_page_data. The last group is filled by features that record them in
#: the transaction's answers under `_receipt` (the void slip).
PLACEHOLDERS = {
    "hall", "counter", "clerk", "time", "receipt_no", "procedure", "procedure_version",
    "customer_number", "customer_name", "customer_id", "total", "tendered", "change",
    "title", "copy", "status",
    "printer", "profile", "paper_mm", "columns", "encoding",
    "original_receipt_no", "void_reason", "supervisor", "original_total", "appointment",
    # the void slip and the settlement slip (teller.printing.papers fills them)
    "tx_time", "reason", "refund", "tx_clerk",
    "business_day", "counted", "expected", "note", "opened", "sales", "shift_no", "variance",
    "cash_sales", "non_cash", "transactions", "voided", "audit_anchor",
    # the test page
    "charset", "cjk_ruler", "probe", "probe_as_set", "printer_target",
    # the total in capital figures (大写), filled by jobs.receipt_data
    "total_capital",
    # what an operation gives its papers by name (Outcome.receipt)
    "balance_after", "goods", "imei", "warranty", "reservation_no", "ticket_no", "contact",
    "bill_total", "tariff", "agreement",
}
EXTRA_PLACEHOLDERS = (
    "original_receipt_no", "void_reason", "supervisor", "original_total", "appointment",
    "balance_after", "goods", "imei", "warranty", "reservation_no", "ticket_no", "contact",
    "bill_total", "tariff", "agreement",
)

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


def cells(text: str) -> int:
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
    """Break text into lines of at most `width` cells, never inside a character."""
    lines: list[str] = []
    for para in text.split("\n"):
        cur, used = "", 0
        for ch in para:
            w = char_cells(ch)
            if used + w > width:
                lines.append(cur)
                cur, used = "", 0
                if ch == " ":
                    continue
            cur += ch
            used += w
        lines.append(cur)
    return lines


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
def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def _check_block(block) -> str:
    """'' when the block is well formed, else what is wrong with it."""
    if isinstance(block, str):
        return "" if block in BLOCK_WORDS else f"unknown block {block!r}"
    if not isinstance(block, dict):
        return f"unknown block {block!r}"
    keys = set(block)
    kinds = keys & BLOCK_KEYS
    if len(kinds) != 1 or keys - BLOCK_KEYS - OPTION_KEYS:
        return f"unknown block {block!r}"
    kind = kinds.pop()
    if kind == "pair" and not (isinstance(block["pair"], list) and len(block["pair"]) == 2):
        return "pair needs [label, value]"
    if kind == "ruler" and not (isinstance(block["ruler"], int) and 1 <= block["ruler"] <= 96):
        return "ruler needs a number of columns (1-96)"
    if "size" in block and not (kind == "qr" and isinstance(block["size"], int) and 1 <= block["size"] <= 16):
        return "size is for qr blocks: a module size of 1-16 dots"
    if "if" in block and (not isinstance(block["if"], str) or block["if"] not in PLACEHOLDERS):
        return f"if: unknown placeholder {block['if']!r}"
    for s in _strings(block):
        for name in _PLACEHOLDER.findall(s):
            if name not in PLACEHOLDERS:
                return f"unknown placeholder {{{name}}}"
        bad = sorted({ch for ch in s if not printable(ch) and ch != "\n"})
        if bad:
            return f"characters a Chinese printer cannot print: {' '.join(bad)}"
    return ""


@lru_cache(maxsize=64)
def load_layout(folder: str, name: str) -> Layout:
    path = Path(folder) / f"{name}.yaml"
    from teller import safe_yaml  # the same limits as procedure files: no aliases, bounded size and depth

    try:
        root, data = safe_yaml.parse(safe_yaml.read_text(path))
    except FileNotFoundError:
        raise LayoutError(f"{path}: receipt layout not found") from None
    except safe_yaml.YamlRefused as exc:
        raise LayoutError(f"{path}:{exc.line}: {exc.message}" if exc.line else f"{path}: {exc.message}") from None
    if not isinstance(data, dict) or not isinstance(data.get("blocks"), list) or not data["blocks"]:
        raise LayoutError(f"{path}: a layout needs `id`, `title` and a list of `blocks`")
    unknown = set(data) - {"id", "title", "copies", "blocks"}
    if unknown:
        raise LayoutError(f"{path}: unknown key(s): {', '.join(sorted(map(str, unknown)))}")
    for i, block in enumerate(data["blocks"]):
        problem = _check_block(block)
        if problem:
            raise LayoutError(f"{path}:{safe_yaml.line_at(root, 'blocks', i)}: blocks[{i}]: {problem}")
    blocks = list(data["blocks"])
    if blocks[-1] != "cut":  # every copy ends in a cut
        blocks.append("cut")
    if not isinstance(data.get("copies") or [], list):
        raise LayoutError(f"{path}:{safe_yaml.line_at(root, 'copies')}: copies: a list of copy labels, e.g. [\"\"]")
    copies = tuple(data.get("copies") or [""])
    for i, copy in enumerate(copies):
        bad = sorted({ch for s in _strings(copy) for ch in s if not printable(ch)})
        if bad:
            raise LayoutError(f"{path}:{safe_yaml.line_at(root, 'copies', i)}: copies[{i}]: characters a Chinese printer cannot print: {' '.join(bad)}")
    return Layout(str(data.get("id") or name), data.get("title") or {}, copies, tuple(blocks), str(path))


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
        return [Line(s, bold, tall) for s in wrap(ruler(block["ruler"]), width)]
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
