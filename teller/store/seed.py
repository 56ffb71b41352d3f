"""Create the demo hall: plans, clerks, subscribers and a pool of free numbers (idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from teller.domain import catalog
from teller.domain.secrets import hash_secret
from teller.store.models import ClerkRecord, CustomerRecord, NumberRecord, PlanRecord


def seed_demo(engine, *, now: datetime) -> int:
    """Add whatever demo rows are missing; returns how many were added."""
    added = 0
    with Session(engine) as session:
        for code, name, brand, fee, tariff in catalog.PLANS:
            if session.get(PlanRecord, code) is None:
                session.add(PlanRecord(code=code, name=name, brand=brand, monthly_fee_fen=fee, tariff=tariff))
                added += 1
        for staff_no, name, role, pin in catalog.CLERKS:
            if session.get(ClerkRecord, staff_no) is None:
                session.add(ClerkRecord(staff_no=staff_no, name=name, role=role, pin_hash=hash_secret(pin)))
                added += 1
        session.flush()
        for (number, name, id17, male, plan, status, balance, month, prepaid, unpaid, points, local, pw) in catalog.CUSTOMERS:
            if session.get(CustomerRecord, number) is None:
                brand = next(p[2] for p in catalog.PLANS if p[0] == plan)
                session.add(
                    CustomerRecord(
                        number=number, name=name, id_number=catalog.demo_id(id17), male=male, brand=brand,
                        plan_code=plan, status=status, balance_fen=balance, month_charges_fen=month,
                        prepaid_1st_fen=prepaid, last_unpaid_fen=unpaid, points=points, local=local,
                        password_hash=hash_secret(pw), sim_serial="8986" + number.rjust(16, "0"),
                        opened_at=now - timedelta(days=catalog.DEMO_TENURE_DAYS),
                    )
                )
                added += 1
        for number in catalog.FREE_NUMBERS:
            if session.get(NumberRecord, number) is None:
                session.add(NumberRecord(number=number, free=True))
                added += 1
        added += _seed_services_and_handsets(session)
        session.commit()
    return added


def _seed_services_and_handsets(session: Session) -> int:
    """Demo subscriptions (彩铃, 手机报, ...) of the demo subscribers and the handset catalogue."""
    from sqlmodel import select

    from teller.store.models import HandsetRecord, SubscriptionRecord

    added = 0
    session.flush()
    services = {code: (name, fee) for code, name, fee in catalog.VALUE_ADDED}
    for number, code in catalog.SUBSCRIPTIONS:
        if session.get(CustomerRecord, number) is None:
            continue
        held = session.exec(
            select(SubscriptionRecord).where(SubscriptionRecord.number == number, SubscriptionRecord.service_code == code)
        ).first()
        if held is None:
            name, fee = services[code]
            session.add(SubscriptionRecord(number=number, service_code=code, name=name, monthly_fee_fen=fee))
            added += 1
    from teller.store.models import ServiceRecord

    for code, name, fee in catalog.VALUE_ADDED:
        if session.get(ServiceRecord, code) is None:
            session.add(ServiceRecord(code=code, name=name, monthly_fee_fen=fee))
            added += 1
    for code, make, model, price, stock in catalog.HANDSETS:
        if session.get(HandsetRecord, code) is None:
            session.add(HandsetRecord(code=code, make=make, model=model, price_fen=price, stock=stock))
            added += 1
    return added
