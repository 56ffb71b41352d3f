"""停机/复机 suspend_resume: reported lost -> suspended_lost, or back to active (a number stopped
for arrears reopens only once paid). Void: the status before is restored, unless it changed since."""

from __future__ import annotations

from teller.errors import InputRefused
from teller.operations._base import NON_CASH, Outcome, register
from teller.operations._common import customer, customer_for_void, no_arrears, same_or_refuse
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    number, action = answers["number"], answers["action"]
    rec = customer(session, number)
    before = rec.status
    if action == "suspend":
        if rec.status != "active":
            raise InputRefused(t("rule.already_suspended"))
        rec.status = "suspended_lost"
    elif action == "resume":
        if rec.status == "active":
            raise InputRefused(t("rule.not_suspended"))
        no_arrears(rec)  # a number never reopens while it owes (欠停开机 after payment)
        rec.status = "active"
    else:
        raise InputRefused(t("rule.choice"))
    session.add(rec)
    out = Outcome(number, f"{action} {number}: {before} -> {rec.status}", [(t("paper.status_after"), t(f"status.{rec.status}"))])
    out.reversal = {"number": number, "status_before": before, "status_after": rec.status}
    return out


def reverse(session, data, tx) -> str:
    rec = customer_for_void(session, data["number"])
    same_or_refuse(rec.status, data["status_after"], t("paper.status_after"))
    rec.status = data["status_before"]
    session.add(rec)
    return f"status {data['status_after']} -> {data['status_before']}"


OPERATION = register("suspend_resume", fields={"number", "action"}, apply=apply, reverse=reverse, category=NON_CASH,
                     summary="stop a lost number / reopen a stopped one (never while it owes)")
