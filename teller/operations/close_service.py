"""关闭业务 close_service (generic): a service flag switched off — at once (`effective: now`,
the default) or from the 1st of next month (`next_month`, as 退订 does). Refused when the
number does not hold it. Void: the service as it was (status, end date)."""

from __future__ import annotations

from teller.domain.billing import first_of_next_month
from teller.errors import InputRefused
from teller.operations._base import NON_CASH, Outcome, VoidRefused, register
from teller.operations._common import customer
from teller.operations._services import CloseServiceParams, latest, restore, state
from teller.strings import t


def apply(session, answers, now, params: CloseServiceParams) -> Outcome:
    number = answers["number"]
    customer(session, number)
    sub = latest(session, number, params.service)
    if sub is None or sub.status != "active":
        raise InputRefused(t("service.not_held"))
    data = {"number": number, "service": params.service, "sub_id": sub.id, "before": state(sub)}
    if params.effective == "now":
        sub.status, sub.cancel_effective = "cancelled", now.date()
    else:
        sub.status, sub.cancel_effective = "cancelling", first_of_next_month(now.date())
    session.add(sub)
    data["status_after"] = sub.status
    paper = [(t("paper.service_closed"), params.name.text()), (t("paper.effective"), sub.cancel_effective.isoformat())]
    out = Outcome(number, f"service {params.service} off on {number} from {sub.cancel_effective}", paper)
    out.reversal = data
    return out


def reverse(session, data, tx) -> str:
    from teller.store.models import SubscriptionRecord

    sub = session.get(SubscriptionRecord, data["sub_id"])
    if sub is None or sub.status != data["status_after"]:
        raise VoidRefused(t("void.cannot_reverse", why=data["service"]))
    restore(sub, data["before"])
    session.add(sub)
    return f"service {data['service']} back to {sub.status}"


OPERATION = register(
    "close_service", fields={"number"}, apply=apply, reverse=reverse, category=NON_CASH, params=CloseServiceParams,
    summary="generic: switch a service off, now or from the 1st of next month (params: service, name, effective)",
)
