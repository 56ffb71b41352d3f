"""The spoken lines against the seed scripts (/work/shared/seeds, DOMAIN.md): the line the engine
renders for the answers that matter, in both languages; and the `instead` lines they rest on."""

from __future__ import annotations

import pytest

from teller.errors import ProcedureError
from teller.procedures.loader import parse
from teller.strings import set_locale
from tests.conftest import start, walk

WANG = "13800138000"  # 王小明, in credit ¥35.20, 神州行
LI = "13912345678"  # 李静, suspended for arrears, owes ¥30.50


@pytest.fixture
def english():
    set_locale("en")
    yield
    set_locale("zh")


# ---- `instead`: a line said while a condition holds -----------------------------------------------
BASE = """\
id: t
title: {zh: 测试}
time_limit_s: 60
fees:
  - {code: fee, label: {zh: 费}, amount: "15.00"}
steps:
  - id: cash
    kind: input
    say: {zh: "应收{total}元。"}
    input: {field: tendered, kind: cash}
  - id: confirm
    kind: commit
    say: {zh: "收您{tendered}元，请稍等。找您{change}元，请确认。"}
    instead:
      - when: {field: change, equals: 0}
        say: {zh: "%s"}
effect: replace_sim
"""


def test_instead_lines_are_checked_when_the_file_loads():
    with pytest.raises(ProcedureError) as exc:
        parse(BASE % "收您{tendred}元整好")
    assert any("instead[0].say.zh" in p.field and "{tendred}" in p.message for p in exc.value.problems)
    bad_field = (BASE % "收您{tendered}元整好").replace("field: change", "field: chnage")
    with pytest.raises(ProcedureError) as exc:
        parse(bad_field)
    assert any("instead[0].when" in p.field and "chnage" in p.message for p in exc.value.problems)
    no_say = "  - id: s\n    instead:\n      - when: {field: change, equals: 0}\n        say: {zh: x}\n"
    with pytest.raises(ProcedureError):
        parse(BASE.replace("steps:\n", "steps:\n" + no_say, 1) % "x")


def test_the_exact_cash_line_depends_on_the_change(desk):
    def at_confirm(tendered):
        run = walk(start(desk, "replace_sim"), WANG, "yes", desk_id(), None)
        assert run.step.id == "cash"
        return walk(run, tendered)

    assert at_confirm("20").line.startswith("收您20元，请稍等。找您5元，请确认。")
    exact = at_confirm("15").line
    assert exact.startswith("收您15元整好，请稍等。") and "找您" not in exact


def desk_id():
    from teller.domain.catalog import demo_id

    return demo_id("11010519800101123")
