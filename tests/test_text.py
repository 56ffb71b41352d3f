"""Chinese line breaking (禁则), the one function the screen and the paper share (teller.text)."""

from __future__ import annotations

import random
import re

import pytest
from rich.cells import cell_len

from teller.text import NO_LINE_END, NO_LINE_START, _units, break_lines, cells, cut_lines, fit


@pytest.mark.parametrize("text,width,expected", [
    # the cases: an amount, a number before its full stop, a long number
    ("您的余额69.5元，请核对。", 12, ["您的余额", "69.5元，请核", "对。"]),
    ("请拨打10086。谢谢", 12, ["请拨打", "10086。谢谢"]),
    ("新号码10086700请记好", 13, ["新号码", "10086700请记", "好"]),
    # closing punctuation goes up with the character before it
    ("您好，请出示证件。", 4, ["您", "好，", "请出", "示证", "件。"]),
    ("等一下……好吗", 6, ["等一", "下……", "好吗"]),
    # an opening bracket and a currency sign go down with what they open
    ("应收（合计）￥30.50", 10, ["应收（合", "计）", "￥30.50"]),
    ("合计共计￥115.00", 10, ["合计共计", "￥115.00"]),
    # words break at spaces, the space at the break dropped; an indent stays
    ("hello world this is text", 10, ["hello", "world this", "is text"]),
    ("  indented line", 40, ["  indented line"]),
    ("第一行\n第二行", 40, ["第一行", "第二行"]),
    ("", 10, [""]),
    # dates, times and thousands are numbers too
    ("预约时间2026-11-23 10:30", 12, ["预约时间", "2026-11-23", "10:30"]),
    ("金额1,234.50元整", 10, ["金额", "1,234.50元", "整"]),
])
def test_breaks_by_the_rules(text, width, expected):
    assert break_lines(text, width) == expected


def test_a_unit_wider_than_the_line_is_cut_by_character():
    assert break_lines("号码13800138000", 8) == ["号码", "13800138", "000"]
    assert cut_lines("营业厅营业厅营业厅", 17) == ["营业厅营业厅营业", "厅"]


def test_terminal_width_for_the_screen():
    """The console counts with the terminal's widths (rich), the printer with its own."""
    assert cells("·") == 2 and cell_len("·") == 1
    assert break_lines("a·b·c·d", 4, char_width=cell_len) == ["a·b·", "c·d"]
    assert break_lines("a·b·c·d", 4) == ["a·", "b·", "c·d"]  # on paper `·` takes two cells


def test_fit_cuts_by_cells_with_a_mark():
    assert fit("现金取出：交给值班长", 12) == "现金取出：…"
    assert cells(fit("现金取出：交给值班长", 12)) <= 12
    assert fit("short", 10) == "short"
    assert fit("abcdefghij", 6) == "abcd…"


ALPHABET = (
    list("abc0123456789.,:-/") + [" "] * 5 + list("营业厅缴费号码机主姓名预存话费合计元")
    + list("，。？！、）》…（《￥“”") + ["e\u0301", "\n"]
)


def test_random_texts_keep_every_rule():
    rng = random.Random(13)
    number_split = re.compile(r"\d$")
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 80)))
        width = rng.randint(6, 40)
        lines = break_lines(text, width)
        assert "".join(lines).replace(" ", "") == text.replace("\n", "").replace(" ", "")  # nothing lost
        for i, line in enumerate(lines):
            assert cells(line) <= width, (text, width, line)
            if i + 1 < len(lines) and lines[i + 1] and line:
                nxt = lines[i + 1]
                if (line + nxt) not in text:
                    continue  # a paragraph break or a break at a space: no rule applies there
                # a break the rules made: never before closing punctuation, never after an opening one,
                # never inside a number (unless the number alone is wider than the line)
                cut = len(_units(line.strip())) == 1  # a unit wider than a line, cut by character
                assert nxt[0] not in NO_LINE_START or cut, (text, width, lines)
                assert line[-1] not in NO_LINE_END or cut, (text, width, lines)
                if number_split.search(line) and nxt[0].isdigit():
                    run = re.search(r"[\d.,:/-]+$", line).group() + re.match(r"[\d.,:/-]+", nxt).group()
                    assert cells(run) > width, (text, width, lines)
