"""Plain facts handed between the store, the engine and the screens (no database objects)."""

from __future__ import annotations

from dataclasses import dataclass, field

from teller.domain.catalog import reply_hours
from teller.domain.money import spoken_yuan
from teller.domain.rules import honorific, mask_id, mask_name
from teller.strings import t


@dataclass(frozen=True)
class PlanView:
    code: str
    name: str
    brand: str
    monthly_fee_fen: int
    tariff: str


@dataclass(frozen=True)
class HandsetView:
    """A handset of the hall's catalogue, as offered at a sale."""

    code: str
    make: str
    model: str
    price_fen: int
    stock: int


@dataclass(frozen=True)
class SubscriptionView:
    """A value-added service the customer holds (彩铃, 手机报, ...)."""

    code: str
    name: str
    monthly_fee_fen: int


@dataclass(frozen=True)
class CustomerView:
    number: str
    name: str
    id_number: str = field(repr=False)
    male: bool | None
    brand: str
    plan_code: str
    plan_name: str
    status: str
    balance_fen: int
    month_charges_fen: int = 0
    prepaid_1st_fen: int = 0
    last_unpaid_fen: int = 0
    points: int = 0
    local: bool = True
    pending_plan_name: str = ""
    sim_serial: str = ""
    password_hash: str = field(default="", repr=False)
    family_role: str = ""  # "" | main | secondary: its part in a live family-number link

    @property
    def family_linked(self) -> bool:
        return bool(self.family_role)
    printed_bill_months: tuple[str, ...] = ()  # "YYYY-MM" months whose bill was printed here
    subscriptions: tuple["SubscriptionView", ...] = ()  # value-added services and service flags still active
    deposit_fen: int = 0  # deposits (押金) held for the number

    @property
    def arrears_fen(self) -> int:
        return max(0, -self.balance_fen)

    @property
    def title(self) -> str:
        return honorific(self.name, self.male)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def status_text(self) -> str:
        return t(f"status.{self.status}")

    def fields(self) -> dict[str, object]:
        """What conditions may test (`customer.*` in procedure files)."""
        return {
            "customer.exists": True,
            "customer.status": self.status,
            "customer.brand": self.brand,
            "customer.plan_code": self.plan_code,
            "customer.balance_fen": self.balance_fen,
            "customer.arrears_fen": self.arrears_fen,
            "customer.points": self.points,
            "customer.local": self.local,
            "customer.family_linked": self.family_linked,
            "customer.family_role": self.family_role,
            "customer.subscription_count": len(self.subscriptions),
            "customer.deposit_fen": self.deposit_fen,
            **{f"customer.service.{s.code}": True for s in self.subscriptions},
        }

    def placeholders(self) -> dict[str, str]:
        """What spoken lines may say (`{customer.*}`); the name is said as surname + title."""
        return {
            "customer.title": self.title,
            "customer.name": self.masked_name,
            "customer.number": self.number,
            "customer.balance": spoken_yuan(self.balance_fen),
            "customer.arrears": spoken_yuan(self.arrears_fen),
            "customer.month_charges": spoken_yuan(self.month_charges_fen),
            "customer.prepaid_1st": spoken_yuan(self.prepaid_1st_fen),
            "customer.last_unpaid": spoken_yuan(self.last_unpaid_fen),
            "customer.points": str(self.points),
            "customer.plan": self.plan_name,
            "customer.brand": self.brand,
            "customer.status": self.status_text,
            "customer.services": "、".join(s.name for s in self.subscriptions),
            "customer.reply_hours": str(reply_hours(self.brand)),
            "customer.deposit": spoken_yuan(self.deposit_fen),
        }
