"""What the desk looks up for a visit: customers, numbers, plans and handsets.

A part of teller.desk.Desk (a mixin: its methods use the desk's settings, engine, clock and clerk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from teller.domain.views import CustomerView, PlanView

if TYPE_CHECKING:
    from teller.domain.views import HandsetView


class CatalogueDesk:
    """What the desk looks up for a visit: customers, numbers, plans and handsets."""

    def find_customer(self, number: str) -> CustomerView | None:
        from sqlmodel import Session

        from teller.store.queries import customer_view

        plans = {p.code: p.name for p in self.plans()}
        with Session(self.engine) as session:
            return customer_view(session, number, plan_names=plans)

    def numbers_held(self, id_number: str) -> int:
        """How many open numbers an ID holds (at most 5 per ID)."""
        from sqlmodel import Session

        from teller.store.queries import count_numbers_held

        with Session(self.engine) as session:
            return count_numbers_held(session, id_number)

    def plans(self) -> list[PlanView]:
        if self._plans is None:
            from sqlmodel import Session, select

            from teller.store.models import PlanRecord

            with Session(self.engine) as session:
                rows = session.exec(select(PlanRecord).order_by(PlanRecord.monthly_fee_fen)).all()
                self._plans = [PlanView(r.code, r.name, r.brand, r.monthly_fee_fen, r.tariff) for r in rows]
        return self._plans

    def free_numbers(self, digits: str = "") -> list[str]:
        """Free numbers for 入网 (30 at most); with `digits`, those ending in them first, then those
        holding them (a customer asks for a number ending in 8888)."""
        from sqlmodel import Session, select

        from teller.store.models import NumberRecord

        N = NumberRecord.number
        with Session(self.engine) as session:
            if not digits:
                return list(session.exec(select(N).where(NumberRecord.free).order_by(N).limit(30)))
            ending = list(session.exec(select(N).where(NumberRecord.free, N.endswith(digits)).order_by(N).limit(30)))
            holding = list(session.exec(select(N).where(NumberRecord.free, N.contains(digits)).order_by(N).limit(30)))
            return (ending + [n for n in holding if n not in ending])[:30]

    def handsets(self) -> list["HandsetView"]:
        """The hall's handset catalogue with stock (a sale offers those in stock)."""
        from sqlmodel import Session, select

        from teller.domain.views import HandsetView
        from teller.store.models import HandsetRecord

        with Session(self.engine) as session:
            rows = session.exec(select(HandsetRecord).order_by(HandsetRecord.price_fen))
            return [HandsetView(r.code, r.make, r.model, r.price_fen, r.stock) for r in rows]
