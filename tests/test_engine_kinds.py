"""The generic pieces issue 3 added to the procedure language: date, datetime and supervisor_pin
inputs, catalogue option sources, priced fees, and the loader's checks of the fields they name."""

from __future__ import annotations

from datetime import date

import pytest

from teller.errors import InputRefused, ProcedureError
from teller.procedures.engine import Run
from teller.procedures.loader import parse
from tests.conftest import walk

HEAD = """id: sample
title: {zh: 样例}
time_limit_s: 60
customer: none
"""


def proc(steps: str, extra: str = ""):
    return parse(HEAD + extra + "steps:\n" + steps, "sample.yaml")


def problems(steps: str, extra: str = "") -> list:
    with pytest.raises(ProcedureError) as exc:
        proc(steps, extra)
    return exc.value.problems


DATES = """  - id: start
    kind: input
    say: {zh: 开始}
    input: {field: start, kind: date, from_today: true}
  - id: stop
    kind: input
    say: {zh: "结束（开始于{start}）"}
    input: {field: stop, kind: date, after: start}
  - id: at
    kind: input
    say: {zh: "时间"}
    input: {field: at, kind: datetime, after: stop}
  - id: bye
    kind: end
    say: {zh: "{at}见"}
"""


def test_date_and_datetime_inputs(desk):
    run = Run(proc(DATES), desk)
    for bad in ("2026-13-01", "tomorrow", ""):
        with pytest.raises(InputRefused):
            run.submit(bad)
    with pytest.raises(InputRefused, match="不能早于今天"):
        run.submit("2026-11-22")
    walk(run, "2026/11/23")  # today is allowed; slashes accepted
    assert run.answers["start"] == date(2026, 11, 23) and "2026-11-23" in run.line
    with pytest.raises(InputRefused, match="须晚于"):
        run.submit("2026-11-23")
    walk(run, "2026-11-30")
    with pytest.raises(InputRefused, match="须晚于 2026-11-30"):
        run.submit("2026-11-30 00:00")  # a date counts as its midnight: the datetime must be later
    walk(run, "2026-12-01 08:05")
    assert run.answers["at"].tzinfo is not None and run.answers["at"].hour == 8
    assert run.line == "2026-12-01 08:05见"


PIN = """  - id: who
    kind: input
    say: {zh: 工号}
    input: {field: who, kind: text}
  - id: pin
    kind: input
    say: {zh: 密码}
    input: {field: pin, kind: supervisor_pin, staff_field: who}
  - id: bye
    kind: end
    say: {zh: "{pin}已授权"}
"""


def test_supervisor_pin_goes_through_the_desk(desk):
    run = Run(proc(PIN), desk)
    walk(run, "9001")
    with pytest.raises(InputRefused, match="不正确"):
        run.submit("1111")
    walk(run, "９９９９")  # full-width digits
    assert run.answers["pin"] == "9001" and run.line == "9001已授权"
    assert "pin" not in run.typed


def test_loader_checks_the_fields_new_keys_name():
    found = problems(DATES.replace("after: start", "after: nowhere"))
    assert any(p.field == "steps[1].input.after" and "nowhere" in p.message for p in found)
    found = problems(DATES.replace("kind: date, after: start", "kind: text, after: start"))
    assert any(p.field == "steps[1].input" and "date" in p.message for p in found)
    found = problems(PIN.replace("staff_field: who", "staff_field: nobody"))
    assert any(p.field == "steps[1].input.staff_field" for p in found)
    found = problems(PIN.replace(", staff_field: who", ""))
    assert any("staff_field" in p.message for p in found)
    found = problems(
        "  - id: pick\n    kind: input\n    say: {zh: 选}\n    input: {field: pick, kind: choice, options: plans}\n",
        "fees:\n  - {code: price, label: {zh: 价}, price_of: pick}\n",
    )
    assert any(p.field == "fees[0].price_of" and "priced" in p.message for p in found)
    found = problems(
        "  - id: pick\n    kind: input\n    say: {zh: 选}\n    input: {field: pick, kind: choice, options: handsets}\n",
        'fees:\n  - {code: price, label: {zh: 价}, price_of: pick, amount: "1.00"}\n',
    )
    assert any(p.field == "fees[0]" and "exactly one" in p.message for p in found)
    found = problems("  - id: pick\n    kind: input\n    say: {zh: 选}\n    input: {field: pick, kind: choice, options: stars}\n")
    assert any(p.field == "steps[0].input.options" for p in found)


@pytest.mark.parametrize("source", ["bill_months", "rewards", "handsets", "provinces", "plans", "free_numbers"])
def test_every_option_source_offers_something(desk, source):
    run = Run(proc(f"  - id: pick\n    kind: input\n    say: {{zh: 选}}\n    input: {{field: pick, kind: choice, options: {source}}}\n"), desk)
    options = run.options()
    assert options and all(o.value and o.label for o in options)
    walk(run, options[-1].value)
    assert run.answers["pick"] == options[-1].value
