"""收押金 take_deposit (generic): a deposit held for the number, its amount the procedure's fee
line named by `params: {purpose, name, fee}` (the cash taken for it). Its own ledger (table
`deposit`) and report category: the reports count it apart, never as prepayment. Refused when
the number already holds a deposit for the same purpose. Void: the deposit row removed (the
cash goes back with the void's refund); refused once it was returned."""

from __future__ import annotations

from teller.domain.money import money
from teller.errors import InputRefused
from teller.operations._base import DEPOSIT, Outcome, VoidRefused, register
from teller.operations._common import customer
from teller.operations._deposits import TakeDepositParams, held
from teller.strings import t


def apply(session, answers, now, params: TakeDepositParams) -> Outcome:
    from teller.store.models import DepositRecord

    number = answers["number"]
    customer(session, number)
    amount = int((answers.get("_fees") or {}).get(params.fee) or 0)
    name = params.name.text()
    if amount <= 0:  # the fee did not apply (or was waived): nothing is held
        out = Outcome(number, f"no deposit for {params.purpose}", [(t("paper.deposit"), t("paper.deposit_none"))])
        out.reversal = {"deposit_id": None}
        return out
    if held(session, number, params.purpose):
        raise InputRefused(t("deposit.already_held", name=name))
    dep = DepositRecord(number=number, purpose=params.purpose, name=params.name.zh, amount_fen=amount, taken_at=now)
    session.add(dep)
    session.flush()
    out = Outcome(number, f"deposit {amount} fen held for {params.purpose}",
                  [(t("paper.deposit"), money(amount)), (t("paper.deposit_for"), name)])
    out.reversal = {"deposit_id": dep.id, "number": number}
    out.deposit_fen = amount
    return out


def reverse(session, data, tx) -> str:
    from teller.store.models import DepositRecord

    if data.get("deposit_id") is None:
        return "no deposit to undo"
    dep = session.get(DepositRecord, data["deposit_id"])
    if dep is None or dep.status != "held":
        raise VoidRefused(t("void.deposit_returned", number=data.get("number", "")))
    session.delete(dep)
    return f"deposit {dep.amount_fen} fen withdrawn"


OPERATION = register(
    "take_deposit", fields={"number"}, apply=apply, reverse=reverse, category=DEPOSIT, params=TakeDepositParams,
    summary="generic: hold a deposit for the number, the amount of a fee line (params: purpose, name, fee)",
)
