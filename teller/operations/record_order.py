"""受理工单 record_order (generic): an order or request taken at the counter for the back office
(更改帐务信息, a billing-address change, a caller-ID query, ...), with the procedure's own answer
fields: `params: {kind, name, keep: [answer fields], prefix}`. It gets a number (prefix + date +
sequence, never issued twice), is kept in the `order_request` table with the kept answers (ID
numbers masked, secrets refused when the file loads) and listed by `teller-admin orders list`;
the procedure's `paper:` lines print the answers on the slip. Void: the order withdrawn (its
number is not reused); refused once the back office marked it done."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from pydantic import Field

from teller.domain.rules import mask_id
from teller.operations._base import NON_CASH, Outcome, VoidRefused, register
from teller.operations._common import customer, next_no
from teller.operations._params import Code, Label, Params
from teller.strings import t


class OrderParams(Params):
    kind: Code  # what the order is (billing_info): `orders list --kind` filters by it
    name: Label  # as printed and listed: 更改帐务信息
    keep: list[Code] = Field(min_length=1, max_length=30)  # the answer fields kept with the order
    prefix: str = Field(default="GD", pattern=r"^[A-Z]{2}$")  # the order number's two letters

    def references(self) -> list[tuple[tuple, str, str]]:
        return [(("keep", i), "field", name) for i, name in enumerate(self.keep)]


def kept(answers: dict[str, Any], keep: list[str]) -> dict[str, Any]:
    """The kept answers as JSON values: dates as ISO text, ID numbers masked, absent ones left out."""
    out: dict[str, Any] = {}
    for name in keep:
        value = answers.get(name)
        if value is None:
            continue
        if isinstance(value, datetime):
            value = value.strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, str) and len(value) == 18 and "id" in name:
            value = mask_id(value)
        out[name] = value
    return out


def apply(session, answers, now, params: OrderParams) -> Outcome:
    from teller.store.models import OrderRecord

    number = answers["number"]
    customer(session, number)
    order_no = next_no(session, OrderRecord.order_no, params.prefix, now)
    session.add(OrderRecord(order_no=order_no, kind=params.kind, name=params.name.zh, number=number,
                            details_json=json.dumps(kept(answers, params.keep), ensure_ascii=False), created_at=now))
    out = Outcome(number, f"order {order_no} {params.kind}", [(t("paper.order_no"), order_no), (t("paper.order"), params.name.text())])
    out.reversal = {"order_no": order_no}
    return out


def reverse(session, data, tx) -> str:
    from sqlmodel import select

    from teller.store.models import OrderRecord

    order = session.exec(select(OrderRecord).where(OrderRecord.order_no == data["order_no"])).first()
    if order is None or order.status != "open":
        raise VoidRefused(t("void.cannot_reverse", why=data["order_no"]))
    session.delete(order)
    return f"order {data['order_no']} withdrawn"


OPERATION = register(
    "record_order", fields={"number"}, apply=apply, reverse=reverse, category=NON_CASH, params=OrderParams,
    summary="generic: an order or request with the procedure's own answers (params: kind, name, keep, prefix)",
)
