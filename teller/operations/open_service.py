"""开通业务 open_service (generic): a service flag on the number — international roaming, long
distance, caller ID, a value-added service, a package add-on — named by the procedure's
`params: {service, name, monthly_fee}`. Refused when the number holds it already; a service
being cancelled (or cancelled) is switched back on. Void: the row is removed, or put back as
it was; refused once the service changed since."""

from __future__ import annotations

from teller.domain.money import money
from teller.errors import InputRefused
from teller.operations._base import NON_CASH, Outcome, VoidRefused, register
from teller.operations._common import customer
from teller.operations._services import OpenServiceParams, latest, restore, state
from teller.strings import t


def apply(session, answers, now, params: OpenServiceParams) -> Outcome:
    from teller.store.models import SubscriptionRecord

    number = answers["number"]
    customer(session, number)
    name = params.name.text()
    sub = latest(session, number, params.service)
    if sub is not None and sub.status == "active":
        raise InputRefused(t("service.already_held", name=name))
    data: dict = {"number": number, "service": params.service}
    if sub is None:
        sub = SubscriptionRecord(number=number, service_code=params.service, name=params.name.zh, monthly_fee_fen=params.monthly_fee)
        data["created"] = True
    else:
        data["before"] = state(sub)
        sub.retention, sub.cancel_effective = "", None
        sub.name, sub.monthly_fee_fen = params.name.zh, params.monthly_fee
    sub.status = "active"
    session.add(sub)
    session.flush()
    data["sub_id"] = sub.id
    paper = [(t("paper.service_opened"), name)]
    if params.monthly_fee:
        paper.append((t("paper.monthly_fee"), t("paper.per_month", amount=money(params.monthly_fee))))
    out = Outcome(number, f"service {params.service} opened on {number}", paper)
    out.reversal = data
    return out


def reverse(session, data, tx) -> str:
    from teller.store.models import SubscriptionRecord

    sub = session.get(SubscriptionRecord, data["sub_id"])
    if sub is None or sub.status != "active":
        raise VoidRefused(t("void.cannot_reverse", why=data["service"]))
    if data.get("created"):
        session.delete(sub)
        return f"service {data['service']} removed from {data['number']}"
    restore(sub, data["before"])
    session.add(sub)
    return f"service {data['service']} back to {sub.status}"


OPERATION = register(
    "open_service", fields={"number"}, apply=apply, reverse=reverse, category=NON_CASH, params=OpenServiceParams,
    summary="generic: switch a service on for the number (params: service, name, monthly_fee)",
)
