"""亲情号 add_family_number: link a secondary card to a main card; 1 yuan a month on the main card;
live within 24 h. Void: the link is removed (refused once it has ended)."""

from __future__ import annotations

from datetime import timedelta

from teller.domain.money import money
from teller.errors import InputRefused
from teller.operations._base import FEE, Outcome, VoidRefused, register
from teller.operations._common import customer, local
from teller.strings import t

FAMILY_MONTHLY_FEE_FEN = 100  # the main card pays 1 yuan a month for a family number
FAMILY_EFFECTIVE_AFTER = timedelta(hours=24)


def apply(session, answers, now) -> Outcome:
    from teller.store.models import FamilyLinkRecord
    from teller.store.queries import family_link_of

    main, sec = customer(session, answers["number"]), customer(session, answers["secondary"])
    if main.number == sec.number:
        raise InputRefused(t("rule.family_self"))
    if family_link_of(session, sec.number) is not None:
        raise InputRefused(t("rule.family_linked", number=sec.number))
    if family_link_of(session, main.number, as_secondary=True) is not None:
        raise InputRefused(t("rule.family_main_is_secondary", number=main.number))
    for rec in (main, sec):
        if rec.status != "active":
            raise InputRefused(t("rule.not_active"))
    effective = now + FAMILY_EFFECTIVE_AFTER
    link = FamilyLinkRecord(main_number=main.number, secondary_number=sec.number,
                            monthly_fee_fen=FAMILY_MONTHLY_FEE_FEN, created_at=now, effective_at=effective)
    session.add(link)
    session.flush()
    paper = [
        (t("paper.main_card"), main.number),
        (t("paper.secondary_card"), sec.number),
        (t("paper.family_fee"), t("paper.family_fee_value", fee=money(FAMILY_MONTHLY_FEE_FEN))),
        (t("paper.effective_by"), local(effective, now)),
    ]
    out = Outcome(main.number, f"family {main.number} + {sec.number}", paper,
                  signatures=[t("paper.sign_main"), t("paper.sign_secondary")])
    out.reversal = {"link_id": link.id}
    return out


def reverse(session, data, tx) -> str:
    from teller.store.models import FamilyLinkRecord

    link = session.get(FamilyLinkRecord, data["link_id"])
    if link is None or link.ended_at is not None:
        raise VoidRefused(t("void.cannot_reverse", why=t("paper.secondary_card")))
    session.delete(link)
    return f"family link {link.main_number} + {link.secondary_number} removed"


OPERATION = register("add_family_number", fields={"number", "secondary"}, apply=apply, reverse=reverse, category=FEE,
                     summary="link a secondary card to a main card (1 yuan a month, live within 24 h)")
