"""Receipt layouts (receipts/*.yaml) rendered into print ops, counted in cells.

A Chinese character takes two cells on these printers; lines are padded here, so the
terminal preview and the paper show the same lines. Nothing is split mid-character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rich.cells import cell_len

from teller.errors import TellerError
from teller.strings import pick

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    tall: bool = False


@dataclass(frozen=True)
class Qr:
    data: str


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


BLOCK_WORDS = {"rule", "fees", "details", "banner", "blank", "cut"}
BLOCK_KEYS = {"text", "center", "right", "pair", "qr", "signature", "signatures"}
STYLE_KEYS = {"bold", "tall"}


@lru_cache(maxsize=32)
def load_layout(folder: str, name: str) -> Layout:
    path = Path(folder) / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TellerError(f"{path}: receipt layout not found") from None
    except yaml.YAMLError as exc:
        raise TellerError(f"{path}: {exc}") from None
    for i, block in enumerate(data.get("blocks", [])):
        if isinstance(block, str):
            ok = block in BLOCK_WORDS
        else:
            keys = set(block)
            ok = len(keys & BLOCK_KEYS) == 1 and not keys - BLOCK_KEYS - STYLE_KEYS
        if not ok:
            raise TellerError(f"{path}: blocks[{i}]: unknown block {block!r}")
    return Layout(data["id"], data.get("title") or {}, tuple(data.get("copies") or [""]), tuple(data["blocks"]))


def _text(value) -> str:
    return pick(value) if isinstance(value, dict) else str(value)


def wrap(text: str, width: int) -> list[str]:
    """Break text into lines of at most `width` cells, never inside a character."""
    lines: list[str] = []
    for para in text.split("\n"):
        cur, used = "", 0
        for ch in para:
            w = cell_len(ch)
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
    return " " * max(0, width - cell_len(text)) + text


def center(text: str, width: int) -> str:
    gap = max(0, width - cell_len(text))
    return " " * (gap // 2) + text


def pair(label: str, value: str, width: int) -> list[str]:
    """Label on the left, value flush right; a value that does not fit goes on its own line(s)."""
    if cell_len(label) + 1 + cell_len(value) <= width:
        return [label + " " * (width - cell_len(label) - cell_len(value)) + value]
    out = wrap(label, width)
    out += [pad_left(part, width) for part in wrap(value, width)]
    return out


def render(layout: Layout, data: ReceiptData, columns: int) -> list[Op]:
    """All copies of a layout as print ops, each copy ending in a cut."""
    if columns < 16:
        raise TellerError(f"paper too narrow for receipts: {columns} columns (need at least 16)")
    ops: list[Op] = []
    for copy in layout.copies:
        values = {**data.values, "title": pick(layout.title), "copy": _text(copy) if copy else ""}
        fill = lambda s: _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), _text(s))  # noqa: E731
        for block in layout.blocks:
            ops.extend(_block(block, data, fill, columns))
    return ops


def _block(block, data: ReceiptData, fill, width: int) -> list[Op]:
    if isinstance(block, str):
        if block == "rule":
            return [Line("-" * width)]
        if block == "blank":
            return [Line("")]
        if block == "cut":
            return [Cut()]
        if block == "banner":
            return [Line(center(part, width), bold=True) for b in data.banners for part in wrap(f"*** {b} ***", width)]
        rows = data.fees if block == "fees" else data.details
        return [Line(text) for label, value in rows for text in pair(label, value, width)]
    bold, tall = bool(block.get("bold")), bool(block.get("tall"))
    if "qr" in block:
        return [Qr(fill(block["qr"]))]
    if "pair" in block:
        label, value = block["pair"]
        return [Line(text, bold) for text in pair(fill(label), fill(value), width)]
    if "signature" in block:
        return _signature_line(fill(block["signature"]), width)
    if "signatures" in block:  # one line per party the transaction names (过户: old and new owner), else the default
        return [op for label in (data.signatures or [fill(block["signatures"])]) for op in _signature_line(label, width)]
    text = fill(block.get("text") or block.get("center") or block.get("right"))
    lines = wrap(text, width)
    if "center" in block:
        lines = [center(s, width) for s in lines]
    elif "right" in block:
        lines = [pad_left(s, width) for s in lines]
    return [Line(s, bold, tall) for s in lines]


def _signature_line(label: str, width: int) -> list[Op]:
    label += "："
    return [Line(label + "_" * max(4, width - cell_len(label) - 2)), Line("")]


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
