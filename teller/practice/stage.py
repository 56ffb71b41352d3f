"""Set the stage for a drill: the scenario's people as the scenario says, in the practice database.

Each time a drill starts, every party of its scenario is put (back) into the state the
scenario describes, so a scenario plays the same however often it is drilled and whatever
earlier drills did to the same subscriber:

- a subscriber of the practice data (`subscriber:`) goes back to its demo state (catalog):
  balance, status, plan, owner, password, SIM, services; its family links, printed bills,
  refund claims and deposits are removed;
- a created subscriber (`creates:`) is written as given, with the other numbers its ID holds;
- a person (`person:`) holds exactly `numbers_held` open numbers under their ID.
Any other open number on a staged ID is closed, so an ID's quota is what the scenario says.
The number pool keeps free numbers to choose from, and the handset stock is the catalogue's.

Refuses anything but a practice database (it rewrites subscribers).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING

from teller.errors import TellerError

if TYPE_CHECKING:
    from teller.practice.scenario import Party, Scenario

#: free numbers the pool keeps for 入网 drills (topped up from a practice range)
MIN_FREE_NUMBERS = 8


def extra_numbers(id_number: str, count: int) -> list[str]:
    """The other numbers an ID holds in a scenario: 11 digits from a range no demo number uses."""
    digits = "".join(c for c in id_number if c.isdigit())[-6:].rjust(6, "0")
    return [f"1709{k}{digits}" for k in range(count)]


def stage(engine, scenario: "Scenario", *, now: datetime) -> dict[str, str]:
    """Write the scenario's parties; returns {number: SIM serial} of the staged subscribers."""
    from teller.mode import Mode
    from teller.store.db import database_mode, session_scope

    if not Mode.named(database_mode(engine)).is_practice:
        raise TellerError("practice scenarios are staged in the practice database only")
    parties = [scenario.customer, *scenario.others.values()]
    staged: dict[str, str] = {}
    with session_scope(engine) as session:
        kept_ids: dict[str, set[str]] = {}
        for party in parties:  # subscribers first: a demo number may hold a person's ID after a transfer
            if party.subscriber is not None:
                staged.update(_demo(session, party.subscriber, now))
            elif party.creates is not None:
                staged.update(_created(session, party, now))
        for number in staged:
            _clear_links(session, number)
        for party in parties:
            if party.person is not None:
                numbers = _person(session, party, now)
                kept_ids.setdefault(party.person.id_number.upper(), set()).update(numbers)
            elif party.creates is not None:
                kept_ids.setdefault(party.creates.id_number.upper(), set()).update(
                    [party.creates.number, *extra_numbers(party.creates.id_number, party.creates.numbers_held - 1)]
                )
        for id_number, numbers in kept_ids.items():
            _close_others(session, id_number, numbers)
        _top_up_pool(session)
        _restock(session)
    return staged


@functools.lru_cache(maxsize=64)
def _password_hash(pw: str) -> str:
    """The scripted customer's service password, hashed once per process (scrypt costs ~50 ms and
    16 MiB each time; these are the practice data's made-up passwords, the same on every drill)."""
    from teller.domain.secrets import hash_secret

    return hash_secret(pw)


def _upsert(session, number: str, **values) -> None:
    from teller.store.models import CustomerRecord

    rec = session.get(CustomerRecord, number)
    if rec is None:
        rec = CustomerRecord(number=number, **values)
    else:
        for key, value in values.items():
            setattr(rec, key, value)
    session.add(rec)
    session.flush()


def _brand(plan: str) -> str:
    from teller.domain import catalog

    return next(p[2] for p in catalog.PLANS if p[0] == plan)


def _demo(session, number: str, now: datetime) -> dict[str, str]:
    from teller.domain import catalog

    row = next(r for r in catalog.CUSTOMERS if r[0] == number)
    (_n, name, id17, male, plan, status, balance, month, prepaid, unpaid, points, local, pw) = row
    serial = "8986" + number.rjust(16, "0")
    _upsert(
        session, number, name=name, id_type="resident_id", id_number=catalog.demo_id(id17), male=male, brand=_brand(plan),
        plan_code=plan, pending_plan_code=None, status=status, balance_fen=balance, month_charges_fen=month,
        prepaid_1st_fen=prepaid, last_unpaid_fen=unpaid, points=points, local=local, password_hash=_password_hash(pw),
        sim_serial=serial, contact="", opened_at=now,
    )
    _services(session, number, [code for n, code in catalog.SUBSCRIPTIONS if n == number])
    return {number: serial}


def _created(session, party: "Party", now: datetime) -> dict[str, str]:
    c = party.creates
    pw_hash = _password_hash(c.password)
    out = {}
    for k, number in enumerate([c.number, *extra_numbers(c.id_number, c.numbers_held - 1)]):
        serial = "8986" + number.rjust(16, "0")
        main = k == 0
        _upsert(
            session, number, name=c.name, id_type="resident_id", id_number=c.id_number.upper(), male=c.male, brand=_brand(c.plan),
            plan_code=c.plan, pending_plan_code=None, status=c.status if main else "active",
            balance_fen=c.balance if main else 1000, month_charges_fen=c.month_charges if main else 0,
            prepaid_1st_fen=c.prepaid_1st if main else 0, last_unpaid_fen=c.last_unpaid if main else 0,
            points=c.points if main else 0, local=c.local, password_hash=pw_hash, sim_serial=serial, contact="", opened_at=now,
        )
        _services(session, number, list(c.services) if main else [])
        if main:
            out[number] = serial
    return out


def _person(session, party: "Party", now: datetime) -> list[str]:
    p = party.person
    numbers = extra_numbers(p.id_number, p.numbers_held)
    if numbers:
        pw_hash = _password_hash("258036")
    for number in numbers:
        _upsert(
            session, number, name=p.name, id_type="resident_id", id_number=p.id_number.upper(), male=p.male, brand=_brand("szx_fashion"),
            plan_code="szx_fashion", pending_plan_code=None, status="active", balance_fen=1000, month_charges_fen=0,
            prepaid_1st_fen=0, last_unpaid_fen=0, points=0, local=True, password_hash=pw_hash,
            sim_serial="8986" + number.rjust(16, "0"), contact="", opened_at=now,
        )
        _services(session, number, [])
        _clear_links(session, number)
    return numbers


def _services(session, number: str, codes: list[str]) -> None:
    from sqlmodel import delete

    from teller.domain import catalog
    from teller.store.models import SubscriptionRecord

    session.exec(delete(SubscriptionRecord).where(SubscriptionRecord.number == number))
    names = {code: (name, fee) for code, name, fee in catalog.VALUE_ADDED}
    for code in codes:
        name, fee = names[code]
        session.add(SubscriptionRecord(number=number, service_code=code, name=name, monthly_fee_fen=fee))
    session.flush()


def _clear_links(session, number: str) -> None:
    """Family links, printed bills, refund claims and deposits of a staged number are removed."""
    from sqlmodel import delete, or_

    from teller.store.models import BillPrintRecord, DepositRecord, FamilyLinkRecord, RefundClaimRecord

    session.exec(delete(FamilyLinkRecord).where(or_(FamilyLinkRecord.main_number == number, FamilyLinkRecord.secondary_number == number)))
    session.exec(delete(BillPrintRecord).where(BillPrintRecord.number == number))
    session.exec(delete(RefundClaimRecord).where(RefundClaimRecord.number == number))
    session.exec(delete(DepositRecord).where(DepositRecord.number == number))
    session.flush()


def _close_others(session, id_number: str, keep: set[str]) -> None:
    """An ID holds the scenario's numbers only: any other open number on it (an account an earlier
    drill opened) is closed, so the quota of 5 numbers per ID is what the scenario says."""
    from sqlmodel import select

    from teller.store.models import CustomerRecord

    rows = session.exec(select(CustomerRecord).where(CustomerRecord.id_number == id_number, CustomerRecord.status != "closed"))
    for rec in rows:
        if rec.number not in keep:
            rec.status = "closed"
            session.add(rec)
    session.flush()


def _top_up_pool(session) -> None:
    from sqlmodel import func, select

    from teller.store.models import CustomerRecord, NumberRecord

    free = session.exec(select(func.count()).select_from(NumberRecord).where(NumberRecord.free)).one()
    n = 0
    while free < MIN_FREE_NUMBERS and n < 10000:
        n += 1
        number = f"1347778{n:04d}"
        if session.get(NumberRecord, number) is None and session.get(CustomerRecord, number) is None:
            session.add(NumberRecord(number=number, free=True))
            free += 1
    session.flush()


def _restock(session) -> None:
    from teller.domain import catalog
    from teller.store.models import HandsetRecord

    for code, make, model, price, stock in catalog.HANDSETS:
        rec = session.get(HandsetRecord, code)
        if rec is None:
            rec = HandsetRecord(code=code, make=make, model=model, price_fen=price, stock=stock)
        else:
            rec.stock = stock
        session.add(rec)
    session.flush()
