"""Money is integer fen. Parsing and formatting happen only here, at the edge."""

from __future__ import annotations

import re

from teller.errors import InputRefused

_AMOUNT = re.compile(r"^([0-9]+)(?:\.([0-9]*))?$")


def parse_yuan(text: str, *, what: str = "金额") -> int:
    """Parse a yuan amount typed by a person ("120", "120.5", "¥120.50") into fen.

    Refuses empty, non-numeric, negative and over-precise input with a reason.
    """
    from teller.strings import t

    from teller.domain.rules import ascii_digits

    raw = ascii_digits(text).replace("．", ".").strip().replace("¥", "").replace("￥", "").replace("元", "").replace(",", "")
    if not raw:
        raise InputRefused(t("money.empty", what=what))
    if raw.startswith("-"):
        raise InputRefused(t("money.negative", what=what))
    m = _AMOUNT.match(raw)
    if not m:
        raise InputRefused(t("money.not_number", what=what, text=text.strip()))
    whole, frac = m.group(1), m.group(2) or ""
    if len(frac) > 2:
        raise InputRefused(t("money.too_precise", what=what))
    return int(whole) * 100 + int(frac.ljust(2, "0") or 0)


def yuan(fen: int) -> str:
    """Plain yuan figure, two decimals: 11500 -> '115.00'."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def spoken_yuan(fen: int) -> str:
    """How a clerk says an amount: 12000 -> '120', 1250 -> '12.5'."""
    text = yuan(fen)
    if text.endswith(".00"):
        return text[:-3]
    return text.rstrip("0")


def money(fen: int) -> str:
    """Amount with the currency sign printers and screens both render: '￥115.00'."""
    return f"￥{yuan(fen)}"


def variance(fen: int) -> str:
    """A cash variance as a clerk reads it: `短款 ￥2.00` (short), `长款 ￥2.00` (over), never `￥-2.00`."""
    from teller.strings import t

    if fen < 0:
        return t("money.variance_short", amount=money(-fen))
    if fen > 0:
        return t("money.variance_over", amount=money(fen))
    return money(0)
