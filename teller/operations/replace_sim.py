"""补换卡 replace_sim: a new SIM serial for the same number; the old card stops working.
Void: the previous serial is restored (refused if the SIM changed again since)."""

from __future__ import annotations

from teller.operations._base import FEE, Outcome, register
from teller.operations._common import check_owner, customer, customer_for_void, mask_serial, new_sim_serial, same_or_refuse
from teller.strings import t


def apply(session, answers, now) -> Outcome:
    number = answers["number"]
    rec = customer(session, number)
    check_owner(rec, answers["id_number"])
    old = rec.sim_serial
    rec.sim_serial = new_sim_serial()
    session.add(rec)
    out = Outcome(number, f"replace sim {old[-4:] if old else '-'} -> {rec.sim_serial[-4:]}", [(t("paper.sim"), mask_serial(rec.sim_serial))])
    out.reversal = {"number": number, "sim_before": old, "sim_after": rec.sim_serial}
    return out


def reverse(session, data, tx) -> str:
    rec = customer_for_void(session, data["number"])
    same_or_refuse(rec.sim_serial, data["sim_after"], "SIM")
    rec.sim_serial = data["sim_before"]
    session.add(rec)
    return f"sim {str(data['sim_after'])[-4:]} -> {str(data['sim_before'])[-4:]}"


OPERATION = register("replace_sim", fields={"number", "id_number"}, apply=apply, reverse=reverse, category=FEE,
                     summary="new SIM serial for the holder's number (ID checked)")
