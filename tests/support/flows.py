"""Real transactions through the engine, as the console makes them (for the books' tests)."""

from __future__ import annotations

from teller.domain.catalog import demo_id
from tests.conftest import start, walk

WANG = "13800138000"  # in credit, ¥35.20
LI = "13912345678"  # suspended for arrears, owes ¥30.50
WANG_ID = demo_id("11010519800101123")
NEW_ID = "11010519491231002X"
NEW_NUMBER = "13477771314"
IMEI = "490154203237518"  # 15 digits, the last its Luhn check digit


def pay(desk, number=WANG, name="王小明", amount="10", tendered=None):
    run = walk(start(desk, "payment"), number, name)
    if run.step.id.startswith("account_"):
        run.submit()
    walk(run, amount, tendered or amount)
    assert run.step.id == "confirm"
    run.submit()
    return run.committed


def open_account(desk, number=NEW_NUMBER, tendered="115"):
    run = walk(start(desk, "open_account"), "yes", NEW_ID, "赵小刚", "local", "jiayuan", None,
               number, "135790", "135790", "", "100", tendered)
    assert run.step.id == "confirm"
    run.submit()
    return run.committed


def replace_sim(desk, tendered="20"):
    run = walk(start(desk, "replace_sim"), WANG, "yes", WANG_ID, None, tendered)
    run.submit()
    return run.committed
