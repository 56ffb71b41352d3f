"""终端销售 sell_handset: one handset leaves the stock; the sale is recorded against the buyer's
ID. Void: the handset goes back into stock and the sale record is removed."""

from __future__ import annotations

from teller.domain.rules import check_imei, mask_id, mask_name
from teller.errors import InputRefused, NotFound
from teller.operations._base import SALE, Outcome, VoidRefused, register
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    from teller.store.models import HandsetRecord, HandsetSaleRecord

    code, name, id_number = answers["handset"], answers["name"], answers["id_number"]
    handset = session.get(HandsetRecord, code)
    if handset is None:
        raise NotFound(t("handset.unknown"))
    if handset.stock <= 0:
        raise InputRefused(t("handset.out_of_stock"))
    handset.stock -= 1
    session.add(handset)
    sale = HandsetSaleRecord(handset_code=code, price_fen=handset.price_fen, buyer_name=name, id_number=id_number,
                             contact=answers.get("contact", ""), sold_at=now)
    session.add(sale)
    session.flush()
    goods = f"{handset.make} {handset.model}"
    imei = check_imei(str(answers["imei"])) if answers.get("imei") else ""  # the unit sold (串号)
    paper = [(t("paper.handset"), goods)]
    if imei:
        paper.append((t("paper.imei"), imei))
    paper += [
        (t("paper.buyer"), mask_name(name)),
        (t("paper.id"), mask_id(id_number)),
    ]
    out = Outcome(None, f"handset {code} {imei} sold at {handset.price_fen}".replace("  ", " "), paper)
    out.receipt = {"goods": goods, "imei": imei, "warranty": t("paper.warranty_terms")}
    out.reversal = {"handset": code, "sale_id": sale.id}
    return out


def reverse(session, data, tx) -> str:
    from teller.store.models import HandsetRecord, HandsetSaleRecord

    sale = session.get(HandsetSaleRecord, data["sale_id"])
    handset = session.get(HandsetRecord, data["handset"])
    if sale is None or handset is None:
        raise VoidRefused(t("void.cannot_reverse", why=t("paper.handset")))
    handset.stock += 1
    session.add(handset)
    session.delete(sale)
    return f"handset {data['handset']} back in stock ({handset.stock})"


OPERATION = register("sell_handset", fields={"handset", "name", "id_number"}, apply=apply, reverse=reverse, category=SALE,
                     summary="one handset out of stock, sold against the buyer's ID")
