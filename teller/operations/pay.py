"""缴费 pay: the balance rises by the amount; a number stopped for arrears reopens once clear.
Void: the balance goes back down and a number the payment reopened is stopped again."""

from __future__ import annotations

from teller.domain.money import money
from teller.operations._base import PREPAYMENT, Outcome, register
from teller.operations._common import credit, customer, customer_for_void, undo_credit
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    number, amount_fen = answers["number"], int(answers["amount"])
    rec = customer(session, number)
    before, status_before = rec.balance_fen, rec.status
    credit(rec, amount_fen)
    session.add(rec)
    out = Outcome(number, f"pay {amount_fen} fen: balance {before} -> {rec.balance_fen}", [(t("paper.balance_after"), money(rec.balance_fen))])
    out.reversal = {"number": number, "amount_fen": amount_fen, "status_before": status_before, "status_after": rec.status}
    out.arrears_fen = max(0, min(amount_fen, -before))
    out.receipt = {"balance_after": money(rec.balance_fen)}
    return out


def reverse(session, data, tx) -> str:
    rec = customer_for_void(session, data["number"])
    before = rec.balance_fen
    undo_credit(rec, int(data["amount_fen"]), data)
    session.add(rec)
    return f"balance {before} -> {rec.balance_fen}, status {rec.status}"


OPERATION = register("pay", fields={"number", "amount"}, apply=apply, reverse=reverse, category=PREPAYMENT,
                     summary="top up / pay the bill: balance + amount; reopens a number stopped for arrears")
