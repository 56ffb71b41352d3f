"""缴费 pay: the balance rises by the amount; a number stopped for arrears reopens once clear.
Void: the balance goes back down and a number the payment reopened is stopped again."""

from __future__ import annotations

from teller.domain.money import money
from teller.operations._base import PREPAYMENT, Outcome, register
from teller.operations._common import credit_account, customer_for_void, undo_credit
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    number, amount_fen = answers["number"], int(answers["amount"])
    before, status_before, balance, status = credit_account(session, number, amount_fen)
    out = Outcome(number, f"pay {amount_fen} fen: balance {before} -> {balance}", [(t("paper.balance_after"), money(balance))])
    out.reversal = {"number": number, "amount_fen": amount_fen, "status_before": status_before, "status_after": status}
    out.arrears_fen = max(0, min(amount_fen, -before))
    out.receipt = {"balance_after": money(balance)}
    return out


def reverse(session, data, tx) -> str:
    rec = customer_for_void(session, data["number"])
    before = rec.balance_fen
    undo_credit(rec, int(data["amount_fen"]), data)
    session.add(rec)
    return f"balance {before} -> {rec.balance_fen}, status {rec.status}"


OPERATION = register("pay", fields={"number", "amount"}, apply=apply, reverse=reverse, category=PREPAYMENT,
                     summary="top up / pay the bill: balance + amount; reopens a number stopped for arrears")
