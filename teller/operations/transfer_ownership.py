"""过户 transfer_ownership: the holder changes to the new owner (name, ID, new service password);
both sign. Void: the previous holder (name, ID, password, contact) is restored, unless the holder
changed again since."""

from __future__ import annotations

from teller.domain.rules import MAX_NUMBERS_PER_ID, id_is_male, mask_id, mask_name
from teller.domain.secrets import hash_secret
from teller.errors import InputRefused
from teller.operations._base import FEE, Outcome, register
from teller.operations._common import check_owner, count_numbers_held, customer, customer_for_void, no_arrears, same_or_refuse
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    number, new_name, new_id = answers["number"], answers["new_name"], answers["new_id_number"]
    rec = customer(session, number)
    check_owner(rec, answers["id_number"])
    no_arrears(rec)
    if rec.status != "active":
        raise InputRefused(t("rule.not_active"))
    if new_id.upper() == rec.id_number.upper():
        raise InputRefused(t("rule.transfer_same_owner"))
    held = count_numbers_held(session, new_id)
    if held >= MAX_NUMBERS_PER_ID:
        raise InputRefused(t("rule.id_quota", n=held))
    paper = [
        (t("paper.old_holder"), mask_name(rec.name)),
        (t("paper.old_id"), mask_id(rec.id_number)),
        (t("paper.new_holder"), mask_name(new_name)),
        (t("paper.new_id"), mask_id(new_id)),
    ]
    before = {"name": rec.name, "id_number": rec.id_number, "male": rec.male, "password_hash": rec.password_hash, "contact": rec.contact}
    rec.name, rec.id_number, rec.male = new_name, new_id, id_is_male(new_id)
    rec.password_hash = hash_secret(answers["password"])
    rec.contact = ""
    session.add(rec)
    out = Outcome(number, f"transfer {number}", paper, signatures=[t("paper.sign_old_owner"), t("paper.sign_new_owner")])
    out.reversal = {"number": number, "before": before, "id_after": new_id, "hash_after": rec.password_hash}
    return out


def reverse(session, data, tx) -> str:
    rec = customer_for_void(session, data["number"])
    same_or_refuse((rec.id_number, rec.password_hash), (data["id_after"], data["hash_after"]), t("paper.new_holder"))
    for key, value in data["before"].items():
        setattr(rec, key, value)
    session.add(rec)
    return f"holder of {data['number']} restored"


OPERATION = register(
    "transfer_ownership", fields={"number", "id_number", "new_name", "new_id_number", "password"}, apply=apply,
    reverse=reverse, category=FEE, summary="the number passes to a new holder (both present, no arrears)",
)
