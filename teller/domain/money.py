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


def change_due(total_fen: int, tendered_fen: int) -> int:
    """The change a cash payment gives back: what was tendered less the total due, 0 when no
    cash was tendered (nothing due, or no cash step). The one place it is computed: the run
    (its `{change}` and the screen), the commit (the transaction's change_fen, which the papers
    and the drawer's books read) and the simulation ask it."""
    return tendered_fen - total_fen if tendered_fen else 0


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


_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CAPITAL_PLACES = ("", "拾", "佰", "仟")  # within a group of four digits
_CAPITAL_GROUPS = ("", "万", "亿")  # groups of four digits, from the units up


def _capital_group(group: int) -> str:
    """0 < group < 10000 in capitals, one 零 for each run of zeros between its digits (1009: 壹仟零玖)."""
    out, zero = "", False
    for place in range(3, -1, -1):
        digit = group // 10**place % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _CAPITAL_DIGITS[digit] + _CAPITAL_PLACES[place]
    return out


def capital_yuan(fen: int) -> str:
    """An amount in capital figures (大写), as Chinese receipts print the total.

    The rules of the People's Bank's 正确填写票据和结算凭证的基本规定: 12000 -> 壹佰贰拾元整,
    140950 -> 壹仟肆佰零玖元伍角整, 1640902 -> 壹万陆仟肆佰零玖元零贰分. One 零 stands for a run of
    zeros inside the figure (600714 -> 陆仟零柒元壹角肆分) and for a zero group of four below a
    higher one (壹亿零壹万元整); a 拾 at the head keeps its 壹 (壹拾元整). 整 closes an amount
    without 分; under one yuan there is no 零元 (50 -> 伍角整); zero is 零元整; negative, 负….
    Below 万亿 (10^12 yuan); a larger amount is a ValueError.
    """
    if fen < 0:
        return "负" + capital_yuan(-fen)
    yuan_part, jiao, fen_digit = fen // 100, fen // 10 % 10, fen % 10
    if yuan_part >= 10**12:
        raise ValueError("amount too large for capital figures")
    out = ""
    groups = []
    n = yuan_part
    while n:
        groups.append(n % 10000)
        n //= 10000
    gap = False  # a zero group (or zeros) since the last digit written
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _capital_group(group) + _CAPITAL_GROUPS[index]
        gap = False
    if out:
        out += "元"
    if jiao:
        out += _CAPITAL_DIGITS[jiao] + "角"
    elif fen_digit and out:
        out += "零"
    if fen_digit:
        return out + _CAPITAL_DIGITS[fen_digit] + "分"
    return (out or "零元") + "整"
