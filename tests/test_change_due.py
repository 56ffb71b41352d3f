"""The change due is computed once (teller.domain.money.change_due): the run shows it, the
commit stores it, the receipt prints it, and no other module subtracts the total itself."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import Session

from teller.domain.money import change_due, money
from teller.store.models import TransactionRecord
from tests.conftest import start, walk

REPO = Path(__file__).resolve().parents[1]
WANG = "13800138000"


def test_change_is_what_was_tendered_less_the_total():
    assert change_due(3500, 5000) == 1500
    assert change_due(3500, 3500) == 0
    assert change_due(0, 0) == 0  # nothing due, no cash
    assert change_due(3500, 0) == 0  # no cash tendered (a non-cash visit): no change


def test_the_screen_the_commit_and_the_receipt_agree(desk):
    run = walk(start(desk, "payment"), WANG, "王小明")
    if run.step.id.startswith("account_"):
        run.submit()
    assert run.change_fen == 0  # before the cash
    walk(run, "35", "50")
    assert run.change_fen == 1500 and run.answers["change"] == 1500
    assert run.placeholders()["change"] == "15"
    run.submit()
    committed = run.committed
    with Session(desk.engine) as session:
        tx = session.get(TransactionRecord, committed.tx_id)
        assert (tx.amount_due_fen, tx.tendered_fen, tx.change_fen) == (3500, 5000, 1500)
    outcomes = desk.print_transaction(committed.tx_id)
    texts = [o.spooled.with_suffix(".txt").read_text(encoding="utf-8") for o in outcomes if o.spooled is not None]
    assert texts and any(money(1500) in text for text in texts)


def test_no_other_module_computes_the_change():
    found = []
    for path in sorted((REPO / "teller").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if rel == "teller/domain/money.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"tendered\w*\s*-\s*\w|\w\s*-\s*\w*tendered|parsed\s*-\s*self\.total", line):
                found.append(f"{rel}:{number}: {line.strip()}")
    assert found == []
