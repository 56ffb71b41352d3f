"""积分兑换 redeem_points: points pay for a gift or a bill credit; points never go below zero.
Void: the points come back, a bill credit is taken back, the redemption record is removed."""

from __future__ import annotations

from teller.domain import catalog
from teller.domain.money import money
from teller.errors import InputRefused, NotFound
from teller.operations._base import NON_CASH, Outcome, VoidRefused, register
from teller.operations._common import credit, customer, customer_for_void, undo_credit
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    from teller.store.models import PointsRedemptionRecord

    number, reward_code = answers["number"], answers["reward"]
    rec = customer(session, number)
    found = catalog.reward(reward_code)
    if found is None:
        raise NotFound(t("rule.choice"))
    _code, name, cost, credit_fen = found
    if cost > rec.points:
        raise InputRefused(t("points.short", need=cost, have=rec.points))
    status_before = rec.status
    rec.points -= cost
    paper = [(t("paper.reward"), name), (t("paper.points_used"), str(cost)), (t("paper.points_left"), str(rec.points))]
    if credit_fen:
        credit(rec, credit_fen)
        paper.append((t("paper.credit"), money(credit_fen)))
    session.add(rec)
    record = PointsRedemptionRecord(number=number, reward_code=reward_code, points=cost, credit_fen=credit_fen, at=now)
    session.add(record)
    session.flush()
    out = Outcome(number, f"points -{cost} for {reward_code}", paper)
    out.reversal = {"number": number, "record_id": record.id, "points": cost, "credit_fen": credit_fen,
                    "status_before": status_before, "status_after": rec.status}
    return out


def reverse(session, data, tx) -> str:
    from teller.store.models import PointsRedemptionRecord

    record = session.get(PointsRedemptionRecord, data["record_id"])
    if record is None:
        raise VoidRefused(t("void.cannot_reverse", why=t("paper.reward")))
    rec = customer_for_void(session, data["number"])
    rec.points += int(data["points"])
    if data["credit_fen"]:
        undo_credit(rec, int(data["credit_fen"]), data)
    session.add(rec)
    session.delete(record)
    return f"points +{data['points']}, credit -{data['credit_fen']}"


OPERATION = register("redeem_points", fields={"number", "reward"}, apply=apply, reverse=reverse, category=NON_CASH,
                     summary="points for a gift or a bill credit")
