"""退订增值业务 cancel_service: the retention attempt is recorded; unless retained, the service
ends on the 1st of next month. Void: the subscription is put back as it was."""

from __future__ import annotations

from datetime import date

from teller.domain.billing import first_of_next_month
from teller.errors import InputRefused
from teller.operations._base import NON_CASH, Outcome, VoidRefused, register
from teller.operations._common import customer
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    from sqlmodel import select

    from teller.store.models import SubscriptionRecord

    number, service_code = answers["number"], answers["service"]
    customer(session, number)
    sub = session.exec(
        select(SubscriptionRecord).where(
            SubscriptionRecord.number == number,
            SubscriptionRecord.service_code == service_code,
            SubscriptionRecord.status == "active",
        )
    ).first()
    if sub is None:
        raise InputRefused(t("service.not_held"))
    before = {"retention": sub.retention, "status": sub.status,
              "cancel_effective": sub.cancel_effective.isoformat() if sub.cancel_effective else None}
    paper = [(t("paper.service"), sub.name)]
    if answers["retention"] == "retained":
        sub.retention = "retained"
        paper.append((t("paper.retention"), t("retention.retained")))
        audit = f"service {service_code} retained"
    else:
        sub.retention = "declined"
        sub.status = "cancelling"
        sub.cancel_effective = first_of_next_month(now.date())
        paper += [(t("paper.retention"), t("retention.declined")), (t("paper.effective"), sub.cancel_effective.isoformat())]
        audit = f"service {service_code} cancelled from {sub.cancel_effective}"
    session.add(sub)
    out = Outcome(number, audit, paper)
    out.reversal = {"sub_id": sub.id, "before": before, "status_after": sub.status}
    return out


def reverse(session, data, tx) -> str:
    from teller.store.models import SubscriptionRecord

    sub = session.get(SubscriptionRecord, data["sub_id"])
    if sub is None or sub.status != data["status_after"]:
        raise VoidRefused(t("void.cannot_reverse", why=t("paper.service")))
    before = data["before"]
    sub.retention, sub.status = before["retention"], before["status"]
    sub.cancel_effective = date.fromisoformat(before["cancel_effective"]) if before["cancel_effective"] else None
    session.add(sub)
    return f"service {sub.service_code} back to {sub.status}"


OPERATION = register("cancel_service", fields={"number", "service", "retention"}, apply=apply, reverse=reverse,
                     category=NON_CASH, summary="cancel a value-added service from next month (or record it retained)")
