"""Staff: clerks, roles, PINs and the lock-out after five wrong PINs.

The rules alone, with nothing stored: the roles, the PIN rule, the lock-out count. Checking a
PIN against the stored clerk and the staff administration are in teller.counter.staff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from teller.domain.rules import ascii_digits
from teller.errors import InputRefused
from teller.strings import t

if TYPE_CHECKING:
    from teller.store.models import ClerkRecord

ROLES = ("clerk", "trainer", "supervisor", "ops")
MAX_FAILED_PINS = 5
_STAFF_NO = STAFF_NO = re.compile(r"^[0-9A-Za-z]{1,16}$")


def check_pin_rule(text: str) -> str:
    """A staff PIN: 4 to 8 digits, not one digit repeated."""
    pin = ascii_digits(text or "").strip()
    if not re.fullmatch(r"[0-9]{4,8}", pin):
        raise InputRefused(t("staff.pin_rule"))
    if len(set(pin)) == 1:
        raise InputRefused(t("staff.pin_same"))
    return pin


def check_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise InputRefused(t("staff.role", roles=", ".join(ROLES)))
    return role


def is_locked(rec: "ClerkRecord | Any") -> bool:
    return rec.failed_logins >= MAX_FAILED_PINS


# ---- checking a PIN ---------------------------------------------------------------------
@dataclass(frozen=True)
class PinCheck:
    """The outcome of a PIN typed for a staff number: ok, or the reason (a strings key)."""

    ok: bool
    clerk: "ClerkRecord | None"
    reason: str = ""
    left: int | None = None  # wrong PINs still allowed before the lock-out (a known staff number)

    @property
    def message(self) -> str:
        if self.reason == "login.bad" and self.left is not None:
            return t("login.bad_left", n=self.left)
        return t(self.reason, n=MAX_FAILED_PINS) if self.reason else ""
