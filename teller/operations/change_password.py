"""密码修改/重置 change_password: the new service password replaces the old one (hashed; never
on paper). Void: the previous password (its hash) is restored, unless it was changed again."""

from __future__ import annotations

from teller.domain.money import money
from teller.domain.secrets import hash_secret
from teller.errors import InputRefused
from teller.operations._base import NON_CASH, Outcome, register
from teller.operations._common import customer, customer_for_void, label, same_or_refuse
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    number, verified_by = answers["number"], answers.get("document", "")
    rec = customer(session, number)
    if rec.status == "suspended_arrears":
        raise InputRefused(t("rule.pay_first", arrears=money(max(0, -rec.balance_fen))))
    before = rec.password_hash
    rec.password_hash = hash_secret(answers["password"])
    session.add(rec)
    paper = [(t("paper.verified_by"), label("doc", verified_by)), (t("paper.password"), t("paper.password_set"))]
    out = Outcome(number, f"password changed ({verified_by})", paper)
    out.reversal = {"number": number, "hash_before": before, "hash_after": rec.password_hash}
    return out


def reverse(session, data, tx) -> str:
    rec = customer_for_void(session, data["number"])
    same_or_refuse(rec.password_hash, data["hash_after"], t("paper.password"))
    rec.password_hash = data["hash_before"]
    session.add(rec)
    return "previous password restored"


OPERATION = register("change_password", fields={"number", "password"}, apply=apply, reverse=reverse, category=NON_CASH,
                     summary="new service password (hashed), after the old one or the ID")
