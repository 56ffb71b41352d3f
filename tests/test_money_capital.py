"""Amounts in capital figures (大写), as the invoice prints its total: the People's Bank's rules
for 零, 万/亿, 角/分 and 整, checked on its own examples and by reading every form back."""

from __future__ import annotations

import random

import pytest

from teller.domain.money import capital_yuan

DIGITS = {ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
PLACES = {"拾": 10, "佰": 100, "仟": 1000}


def read_back(text: str) -> int:
    """The fen a capital amount says (an independent reader, for the round trip)."""
    sign = -1 if text.startswith("负") else 1
    text = text.removeprefix("负")
    assert text.endswith(("整", "分")), text
    text = text.removesuffix("整")
    yuan_text, _, frac = text.partition("元") if "元" in text else ("", "", text)
    total = section = digit = 0
    for ch in yuan_text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in PLACES:
            assert digit, f"{ch} without its digit in {text}"  # 壹拾, never a bare 拾
            section += digit * PLACES[ch]
            digit = 0
        elif ch == "万":
            section = (section + digit) * 10_000
            total, section, digit = total + section, 0, 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text}")
    fen = (total + section + digit) * 100
    frac = frac.removeprefix("零")
    if "角" in frac:
        jiao, _, frac = frac.partition("角")
        fen += DIGITS[jiao] * 10
    if "分" in frac:
        fen += DIGITS[frac.removesuffix("分")]
    return sign * fen


# ---- the examples of 正确填写票据和结算凭证的基本规定, and the cases that trip implementations ----
@pytest.mark.parametrize("fen,text", [
    (12000, "壹佰贰拾元整"),
    (11500, "壹佰壹拾伍元整"),  # 卡费15 + 预存100
    (140950, "壹仟肆佰零玖元伍角整"),  # a zero inside: 零
    (600714, "陆仟零柒元壹角肆分"),  # a run of zeros: one 零
    (1640902, "壹万陆仟肆佰零玖元零贰分"),  # 角 zero, 分 not: 元 is followed by 零
    (32504, "叁佰贰拾伍元零肆分"),
    (168032, "壹仟陆佰捌拾元叁角贰分"),  # the 元 place zero, 角 not: no 零 needed
    (10700053, "壹拾万柒仟元伍角叁分"),  # the 万 place zero, 千 not
    (10050000, "壹拾万零伍佰元整"),  # the 千 place zero below 万: 零
    (1000, "壹拾元整"),  # a leading 拾 keeps its 壹
    (101000, "壹仟零壹拾元整"),
    (100000, "壹仟元整"),
    (1000000, "壹万元整"),
    (1000100, "壹万零壹元整"),
    (1001000, "壹万零壹拾元整"),
    (1010000, "壹万零壹佰元整"),
    (1100000, "壹万壹仟元整"),
    (10000000000, "壹亿元整"),
    (10001000000, "壹亿零壹万元整"),  # a zero group of four: one 零
    (10000000100, "壹亿零壹元整"),
    (10010000000, "壹亿零壹拾万元整"),
    (100100000000, "壹拾亿零壹佰万元整"),
    (99999999999999, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    (0, "零元整"),
    (50, "伍角整"),  # under one yuan: no 零元
    (5, "伍分"),  # 分 is never followed by 整
    (55, "伍角伍分"),
    (100, "壹元整"),
    (105, "壹元零伍分"),
    (110, "壹元壹角整"),
    (-1234, "负壹拾贰元叁角肆分"),
])
def test_capital_figures(fen, text):
    assert capital_yuan(fen) == text
    assert read_back(text) == fen


def test_every_amount_reads_back_the_same_and_keeps_the_rules():
    rng = random.Random(20261123)
    samples = list(range(0, 100_001, 7)) + [rng.randrange(10**14) for _ in range(20_000)]
    samples += [int(str(d) + "0" * z + str(e)) for d in range(1, 10) for z in range(12) for e in range(10)]
    for fen in samples:
        text = capital_yuan(fen)
        assert read_back(text) == fen, (fen, text)
        assert "零零" not in text and not text.startswith("零" if fen else "-"), (fen, text)
        assert text.endswith("分") == (fen % 10 != 0), (fen, text)  # 整 exactly when there is no 分
        assert "零元" not in text or fen == 0, (fen, text)
        assert not text.startswith("拾"), (fen, text)
        assert all(ch in "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整" for ch in text), (fen, text)
        assert all(len(ch.encode("gb2312")) == 2 for ch in text), (fen, text)  # any Chinese printer has them


def test_too_large_is_refused():
    with pytest.raises(ValueError):
        capital_yuan(10**14)
