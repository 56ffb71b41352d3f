"""The documents a procedure asks for, as the clerk sees them: a label, whose they are, and the
steps whose answers check them (the document is ticked on screen once those steps passed).

A name given alone in `documents:` (`id_card`, `service_password`, ...) is one of the known
documents below, its checking steps found from the procedure (the ID step checked against the
holder, the password step, ...). Any other document names its steps with `checked_by`.
Pure: reads the procedure model only.
"""

from __future__ import annotations

from dataclasses import dataclass

from teller.procedures.schema import Procedure, Step

#: Documents known by name: label (zh, en) and whose they are.
KNOWN: dict[str, tuple[str, str, str]] = {
    "id_card": ("身份证", "ID card", "holder"),
    "service_password": ("服务密码", "Service password", "holder"),
    "holder_name": ("机主姓名", "Holder's name", "holder"),
    "number": ("手机号码", "Phone number", "holder"),
    "dial_test": ("拨测验证", "Dial test", "holder"),
    "id_card_old_owner": ("原机主身份证", "Current holder's ID card", "holder"),
    "id_card_new_owner": ("新机主身份证", "New holder's ID card", "party"),
    "id_card_both_cards": ("主、副卡双方身份证", "Both cards' ID cards", "holder"),
    "service_password_both_cards": ("主、副卡双方服务密码", "Both cards' service passwords", "holder"),
    "power_of_attorney": ("委托书", "Power of attorney", "party"),
    "agent_id_card": ("代办人身份证", "Agent's ID card", "party"),
    "holder_in_person": ("机主本人", "The holder in person", "holder"),
}


@dataclass(frozen=True)
class Needed:
    """One document of a procedure, resolved: what to show and which steps tick it."""

    id: str
    label: dict[str, str]
    party: str
    group: str  # all_of | any_of
    steps: tuple[str, ...]  # the input steps whose answers check it (all of them)
    when: object = None  # a Condition that must hold too


def _inputs(proc: Procedure):
    return [s for s in proc.steps if s.input is not None]


def _checks_holder_id(step: Step) -> bool:
    return step.input.kind == "id_number" and "id_matches_holder" in step.checks


def found_steps(proc: Procedure, doc_id: str) -> tuple[str, ...]:
    """The steps that check a known document in this procedure (empty when none is found)."""
    inputs = _inputs(proc)
    own = [s for s in inputs if s.input.of is None]
    other = [s for s in inputs if s.input.of is not None]
    pick: list[Step] = []
    if doc_id in ("id_card", "id_card_old_owner"):
        pick = [s for s in own if _checks_holder_id(s)][:1]
        if not pick and proc.customer != "existing":
            pick = [s for s in own if s.input.kind == "id_number"][:1]
    elif doc_id == "service_password":
        pick = [s for s in own if s.input.kind == "password"][:1]
    elif doc_id == "holder_name":
        pick = [s for s in own if "holder_name_matches" in s.checks][:1]
    elif doc_id == "number":
        pick = [s for s in inputs if s.input.lookup == "customer"][:1]
    elif doc_id == "dial_test":
        pick = [s for s in inputs if "dial" in s.input.field or "dial" in s.id][:1]
    elif doc_id == "id_card_new_owner":
        pick = [s for s in own if s.input.kind == "id_number" and ("id_is_not_holder" in s.checks or s.input.field.startswith("new_"))][:1]
    elif doc_id == "id_card_both_cards":
        pick = [s for s in own if _checks_holder_id(s)][:1] + [s for s in other if _checks_holder_id(s)][:1]
    elif doc_id == "service_password_both_cards":
        pick = [s for s in own if s.input.kind == "password"][:1] + [s for s in other if s.input.kind == "password"][:1]
    elif doc_id == "agent_id_card":
        pick = [s for s in own if s.input.kind == "id_number" and "agent" in s.input.field][:1]
    return tuple(s.id for s in pick)


def needed(proc: Procedure) -> list[Needed]:
    """Every document of the procedure, resolved."""
    out = []
    for group, doc in proc.documents.entries:
        known = KNOWN.get(doc.id)
        label = doc.label.as_dict() if doc.label else ({"zh": known[0], "en": known[1]} if known else {"zh": doc.id, "en": doc.id})
        party = doc.party if doc.party != "holder" or not known else known[2]
        steps = tuple(doc.checked_by) or (found_steps(proc, doc.id) if known else ())
        out.append(Needed(doc.id, label, party, group, steps, doc.when))
    return out

