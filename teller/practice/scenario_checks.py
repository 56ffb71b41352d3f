"""What a scenario's schema cannot see: names that must exist (the procedure, its steps, the practice
data's subscribers, plans and services), answers an input of that kind can take, tokens that are
known, and an expected ending the procedure can reach. Each problem is (location, message)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from teller.practice.scenario import _TOKEN, Party, Scenario, bad_tokens, demo_subscribers, resolve

if TYPE_CHECKING:
    from teller.procedures.loader import LoadedProcedure


def semantic_problems(sc: Scenario, procedures: dict[str, "LoadedProcedure"]) -> list[tuple[tuple, str]]:
    """Names that must exist (procedure, steps, customers, plans, services) and answers of the right kind."""
    from teller.domain import catalog

    out: list[tuple[tuple, str]] = []
    loaded = procedures.get(sc.procedure)
    parties = {"customer": sc.customer, **sc.others}
    out += _party_problems(("customer",), sc.customer)
    for key, party in sc.others.items():
        if key == "customer":
            out.append((("others", key), "`customer` is the main party; name the others differently"))
        out += _party_problems(("others", key), party)
    for loc, text in _texts(sc):
        for name in bad_tokens(text):
            out.append((loc, f"unknown token {{{name}}} (known: {{today}}, {{today+N}}, {{today+N HH:MM}}, {{month-N}})"))
    if loaded is None:
        known = ", ".join(sorted(procedures))
        return [*out, (("procedure",), f"no procedure {sc.procedure!r} (known: {known})")]
    proc = loaded.procedure
    kind = proc.customer
    main = sc.customer
    if kind == "existing" and main.person is not None:
        out.append((("customer",), f"procedure {proc.id} serves an existing subscriber: give `subscriber` or `creates`, not `person`"))
    if kind in ("new", "none") and main.person is None:
        out.append((("customer",), f"procedure {proc.id} serves someone who is not a subscriber yet: give `person`"))
    steps = {s.id: (i, s) for i, s in enumerate(proc.steps)}
    seen: dict[str, int] = {}
    for i, ln in enumerate(sc.script):
        base = ("script", i)
        if ln.step in seen:
            out.append(((*base, "step"), f"step {ln.step!r} is scripted twice (first at script[{seen[ln.step]}])"))
            continue
        seen[ln.step] = i
        if ln.who is not None and ln.who not in parties:
            out.append(((*base, "who"), f"no party {ln.who!r} (known: {', '.join(parties)})"))
        hit = steps.get(ln.step)
        if hit is None:
            out.append(((*base, "step"), f"procedure {proc.id} has no step {ln.step!r} (steps: {', '.join(steps)})"))
            continue
        step = hit[1]
        gives = ln.answer is not None or ln.choose is not None
        if step.kind != "input":
            if gives or ln.first is not None:
                out.append(((*base, "answer"), f"step {ln.step!r} is a {step.kind} step: nothing is keyed in there (give `says` / `hands` only)"))
            if ln.document:
                out.append(((*base, "document"), f"step {ln.step!r} is a {step.kind} step: no document is checked there"))
            continue
        if not gives:
            out.append(((*base, "answer"), f"step {ln.step!r} takes input ({step.input.kind}): give `answer` (or `choose: any` for a choice)"))
            continue
        if ln.free and step.input.kind != "text":
            out.append(((*base, "free"), f"`free` goes with a text input; step {ln.step!r} takes {step.input.kind}"))
        if ln.choose is not None and step.input.kind != "choice":
            out.append(((*base, "choose"), f"`choose: any` goes with a choice; step {ln.step!r} takes {step.input.kind}"))
        for attr in ("answer", "first"):
            value = getattr(ln, attr)
            if value is None:
                continue
            problem = _answer_problem(step.input, value, refused=ln.refused or attr == "first")
            if problem:
                out.append(((*base, attr), problem))
    exp = sc.expect
    if exp.committed is not None:
        c = exp.committed
        if not proc.effect:
            out.append((("expect", "committed"), f"procedure {proc.id} commits nothing (no effect): it cannot end committed"))
        if c.papers is not None and list(c.papers) != list(proc.print):
            out.append((("expect", "committed", "papers"), f"procedure {proc.id} prints {list(proc.print)}, not {list(c.papers)}"))
        has_cash = any(s.input and s.input.kind == "cash" for s in proc.steps)
        if c.change is not None and not has_cash:
            out.append((("expect", "committed", "change"), f"procedure {proc.id} takes no cash: there is no change"))
        if c.total and not proc.fees:
            out.append((("expect", "committed", "total"), f"procedure {proc.id} has no fees: its total is 0"))
        if c.changes is not None:
            plans = {p[0] for p in catalog.PLANS}
            for attr in ("plan", "pending_plan"):
                code = getattr(c.changes, attr)
                if code is not None and code not in plans:
                    out.append((("expect", "committed", "changes", attr), f"no plan {code!r} (known: {', '.join(sorted(plans))})"))
            month = c.changes.bill_printed
            if month is not None and not (re.fullmatch(r"\{month-[1-9]\}", month) or re.fullmatch(r"\d{4}-\d{2}", month)):
                out.append((("expect", "committed", "changes", "bill_printed"), "a month: {month-1} (last month) or YYYY-MM"))
        refused = [ln.step for ln in sc.script if ln.refused]
        if refused:
            out.append((("expect",), f"step {refused[0]!r} is scripted `refused`, so the visit cannot end committed: expect `declined`"))
    elif exp.stopped is not None:
        gate = steps.get(exp.stopped.gate)
        stops = gate is not None and (
            gate[1].kind == "gate" or any(c.stop for c in (gate[1].input.choices or [] if gate[1].input else []))
        )
        if not stops:
            gates = [s.id for s in proc.steps if s.kind == "gate"]
            out.append((("expect", "stopped", "gate"), f"procedure {proc.id} has no gate {exp.stopped.gate!r} (gates: {', '.join(gates) or 'none'})"))
    else:
        d = exp.declined
        hit = steps.get(d.step)
        if hit is None or hit[1].kind != "input":
            inputs = [s.id for s in proc.steps if s.kind == "input"]
            out.append((("expect", "declined", "step"), f"procedure {proc.id} has no input step {d.step!r} (inputs: {', '.join(inputs)})"))
        elif not (sc.line(d.step) and sc.line(d.step).refused):
            out.append((("expect", "declined", "step"), f"declined at {d.step!r}: script that step with the `answer` the engine refuses and `refused: true`"))
        for ln in sc.script:
            if ln.refused and ln.step != d.step:
                out.append((("expect", "declined", "step"), f"step {ln.step!r} is scripted `refused`, but the visit is expected to end at {d.step!r}"))
    return out


def _texts(sc: Scenario):
    """(loc, text) of every line a token may appear in."""
    for attr in ("title", "brief"):
        text = getattr(sc, attr)
        yield (attr,), f"{text.zh} {text.en or ''}"
    for i, ln in enumerate(sc.script):
        for attr in ("says", "hands", "hint"):
            text = getattr(ln, attr)
            if text is not None:
                yield ("script", i, attr), f"{text.zh} {text.en or ''}"
        for attr in ("answer", "first"):
            if getattr(ln, attr):
                yield ("script", i, attr), getattr(ln, attr)


def _party_problems(loc: tuple, party: Party) -> list[tuple[tuple, str]]:
    from teller.domain import catalog, rules
    from teller.errors import InputRefused

    out: list[tuple[tuple, str]] = []
    demo = demo_subscribers()
    if party.subscriber is not None and party.subscriber not in demo:
        out.append(((*loc, "subscriber"), f"no subscriber {party.subscriber} in the practice data (known: {', '.join(demo)}); `creates` makes one"))
    if party.creates is not None:
        c = party.creates
        pool = set(catalog.FREE_NUMBERS)
        if c.number in demo or c.number in pool:
            out.append(((*loc, "creates", "number"), f"{c.number} is a number of the practice data; pick another for a created subscriber"))
        try:
            rules.check_id_number(c.id_number)
        except InputRefused as exc:
            out.append(((*loc, "creates", "id_number"), f"not a valid ID number: {exc.message}"))
        plans = {p[0] for p in catalog.PLANS}
        if c.plan not in plans:
            out.append(((*loc, "creates", "plan"), f"no plan {c.plan!r} (known: {', '.join(sorted(plans))})"))
        try:
            rules.check_new_password(c.password)
        except InputRefused as exc:
            out.append(((*loc, "creates", "password"), f"not a service password a subscriber can have: {exc.message}"))
        services = {v[0] for v in catalog.VALUE_ADDED}
        for code in c.services:
            if code not in services:
                out.append(((*loc, "creates", "services"), f"no service {code!r} (known: {', '.join(sorted(services))})"))
        if c.status == "suspended_arrears" and c.balance >= 0:
            out.append(((*loc, "creates", "balance"), "a number suspended for arrears has a negative balance"))
    if party.person is not None and party.person.numbers_held:
        try:
            rules.check_id_number(party.person.id_number)
        except InputRefused as exc:
            out.append(((*loc, "person", "numbers_held"), f"numbers are held by a valid ID only ({exc.message})"))
    return out


def _answer_problem(spec, value: str, *, refused: bool) -> str:
    """Why `value` can never be typed at an input of this kind, or ""; a refused answer may break the rules."""
    from teller.domain import catalog, rules
    from teller.domain.money import parse_yuan
    from teller.errors import InputRefused

    kind = spec.kind
    if bad_tokens(value):
        return ""  # said once, as an unknown token
    text = value if not _TOKEN.search(value) else resolve(value, datetime(2026, 1, 15, 10, 0))
    try:
        if kind == "choice":
            if spec.choices:
                values = [c.value for c in spec.choices]
                if value not in values:
                    return f"not one of this step's choices ({', '.join(values)})"
                return ""
            known = {
                "plans": [p[0] for p in catalog.PLANS],
                "handsets": [h[0] for h in catalog.HANDSETS],
                "provinces": list(catalog.PROVINCES),
                "rewards": [r[0] for r in catalog.REWARDS],
                "subscriptions": [v[0] for v in catalog.VALUE_ADDED],
            }.get(spec.options)
            if known is not None and value not in known:
                return f"not one of the {spec.options} ({', '.join(known)})"
            if spec.options == "bill_months" and not (re.fullmatch(r"\{month-[1-5]\}", value) or re.fullmatch(r"\d{4}-\d{2}", value)):
                return "a bill month: {month-1} (last month) to {month-5}, or YYYY-MM"
            if spec.options == "free_numbers":
                rules.check_phone(value)
            if spec.options == "handsets" and not refused:
                stock = {h[0]: h[4] for h in catalog.HANDSETS}
                if stock.get(value, 0) <= 0:
                    return f"handset {value!r} is out of stock in the practice data: it is not offered"
            return ""
        if refused:
            return ""  # the point is that the engine refuses it
        if not value.strip() and spec.optional:
            return ""  # the customer gives nothing for an optional field
        if kind == "phone":
            rules.check_phone(value)
        elif kind in ("money", "cash"):
            parse_yuan(value, what="answer")
        elif kind == "id_number":
            rules.check_id_number(value)
        elif kind == "new_password":
            rules.check_new_password(value)
        elif kind in ("password", "supervisor_pin"):
            if not re.fullmatch(r"[0-9]{4,8}", value):
                return "digits only (a service password has 6, a PIN 4-8)"
        elif kind == "text":
            if not value.strip() and not spec.optional:
                return "empty: the step needs text"
            if len(value) > (spec.max_len or 60):
                return f"longer than the step takes ({spec.max_len or 60} characters)"
        elif kind == "date":
            rules.check_date(text)
        elif kind == "datetime":
            rules.check_datetime(text)
    except InputRefused as exc:
        return f"not a valid {kind}: {exc.message}"
    return ""
