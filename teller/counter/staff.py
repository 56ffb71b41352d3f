"""Staff at the counter: checking a PIN against the stored clerk (five wrong PINs in a row lock
the staff number) and the staff administration (add, disable, enable, new PIN, role, unlock).

Every function takes the open session by keyword and writes its audit entry in the same
transaction (the caller owns it: teller.store.db.session_scope). PINs are kept only as
scrypt hashes (teller.domain.secrets) and never appear in an audit entry. The rules themselves
(roles, the PIN rule, the lock-out count) are teller.domain.staff's, re-exported here.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from teller.domain.rules import ascii_digits
from teller.domain.secrets import hash_secret, needs_rehash, verify_secret
from teller.domain.staff import MAX_FAILED_PINS, ROLES, STAFF_NO, PinCheck, check_pin_rule, check_role, is_locked
from teller.errors import InputRefused, NotFound, TellerError
from teller.store import audit
from teller.store.models import ClerkRecord
from teller.strings import t

__all__ = [
    "MAX_FAILED_PINS", "ROLES", "STAFF_NO", "PinCheck", "check_pin_rule", "check_role", "is_locked",
    "verify_pin", "list_clerks", "add_clerk", "set_active", "set_pin", "set_role", "unlock",
]
_STAFF_NO = STAFF_NO


def _get(session: Session, staff_no: str) -> ClerkRecord:
    rec = session.get(ClerkRecord, staff_no.strip())
    if rec is None:
        raise NotFound(t("staff.unknown", staff_no=staff_no.strip()))
    return rec


def _audit(session: Session, action: str, detail: str, *, actor: str, counter: str, now: datetime) -> None:
    audit.append(session=session, at=now, actor=actor, counter=counter, action=action, detail=detail)


# ---- checking a PIN ---------------------------------------------------------------------
def verify_pin(*, session: Session, staff_no: str, pin: str, purpose: str, counter: str, now: datetime) -> PinCheck:
    """Check a PIN and keep count: five wrong PINs in a row lock the number; a good one resets.

    `purpose` (login, authorize, unlock) names the audit entries: `login_failed`, `lockout`,
    `login_refused_locked`, ... Nothing raises here, so the caller's transaction keeps the count.
    """
    staff_no = ascii_digits(staff_no or "").strip()[:16]  # full-width digits read as ASCII, as when the PIN was set
    pin = ascii_digits(pin or "").strip()
    rec = session.get(ClerkRecord, staff_no)
    if rec is None:
        _audit(session, f"{purpose}_failed", "unknown staff number", actor=staff_no, counter=counter, now=now)
        return PinCheck(False, None, "login.bad")
    if is_locked(rec):
        _audit(session, f"{purpose}_refused_locked", "", actor=staff_no, counter=counter, now=now)
        return PinCheck(False, rec, "login.locked")
    if not verify_secret(pin, rec.pin_hash):
        rec.failed_logins += 1
        session.add(rec)
        _audit(session, f"{purpose}_failed", f"wrong PIN {rec.failed_logins}/{MAX_FAILED_PINS}", actor=staff_no, counter=counter, now=now)
        if is_locked(rec):
            _audit(session, "lockout", f"{MAX_FAILED_PINS} wrong PINs", actor=staff_no, counter=counter, now=now)
            return PinCheck(False, rec, "login.locked")
        return PinCheck(False, rec, "login.bad", left=MAX_FAILED_PINS - rec.failed_logins)
    if not rec.active:
        _audit(session, f"{purpose}_refused_disabled", "", actor=staff_no, counter=counter, now=now)
        return PinCheck(False, rec, "login.disabled")
    if rec.failed_logins:
        rec.failed_logins = 0
        session.add(rec)
    if needs_rehash(rec.pin_hash):  # hashed with older scrypt parameters: kept with today's from now on
        rec.pin_hash = hash_secret(pin)
        session.add(rec)
    return PinCheck(True, rec)


# ---- administration ----------------------------------------------------------------------
def list_clerks(*, session: Session) -> list[ClerkRecord]:
    return list(session.exec(select(ClerkRecord).order_by(ClerkRecord.staff_no)))


def add_clerk(*, session: Session, staff_no: str, name: str, role: str, pin: str, actor: str, counter: str, now: datetime) -> ClerkRecord:
    staff_no = staff_no.strip()
    if not _STAFF_NO.match(staff_no):
        raise InputRefused(t("staff.staff_no"))
    name = name.strip()
    if not name or len(name) > 32:
        raise InputRefused(t("staff.name"))
    role = check_role(role)
    pin = check_pin_rule(pin)
    if session.get(ClerkRecord, staff_no) is not None:
        raise InputRefused(t("staff.exists", staff_no=staff_no))
    rec = ClerkRecord(staff_no=staff_no, name=name, role=role, pin_hash=hash_secret(pin))
    session.add(rec)
    session.flush()
    _audit(session, "clerk_add", f"{staff_no} {role}", actor=actor, counter=counter, now=now)
    return rec


def _active_supervisors(session: Session, *, besides: str) -> int:
    rows = session.exec(
        select(ClerkRecord).where(ClerkRecord.role == "supervisor", ClerkRecord.active, ClerkRecord.staff_no != besides)
    )
    return len(list(rows))


def set_active(*, session: Session, staff_no: str, active: bool, actor: str, counter: str, now: datetime) -> ClerkRecord:
    """Disable (or enable again) a staff number; the last active supervisor cannot be disabled."""
    rec = _get(session, staff_no)
    if not active and rec.role == "supervisor" and _active_supervisors(session, besides=rec.staff_no) == 0:
        raise TellerError(t("staff.last_supervisor"))
    rec.active = active
    session.add(rec)
    _audit(session, "clerk_enable" if active else "clerk_disable", rec.staff_no, actor=actor, counter=counter, now=now)
    return rec


def set_pin(*, session: Session, staff_no: str, pin: str, actor: str, counter: str, now: datetime) -> ClerkRecord:
    """A new PIN. A locked number stays locked: only a supervisor unlocks it."""
    rec = _get(session, staff_no)
    rec.pin_hash = hash_secret(check_pin_rule(pin))
    session.add(rec)
    _audit(session, "clerk_set_pin", rec.staff_no, actor=actor, counter=counter, now=now)
    return rec


def set_role(*, session: Session, staff_no: str, role: str, actor: str, counter: str, now: datetime) -> ClerkRecord:
    rec = _get(session, staff_no)
    role = check_role(role)
    if rec.role == "supervisor" and role != "supervisor" and rec.active and _active_supervisors(session, besides=rec.staff_no) == 0:
        raise TellerError(t("staff.last_supervisor"))
    before = rec.role
    rec.role = role
    session.add(rec)
    _audit(session, "clerk_set_role", f"{rec.staff_no} {before} -> {role}", actor=actor, counter=counter, now=now)
    return rec


def unlock(*, session: Session, staff_no: str, supervisor: str, counter: str, now: datetime) -> ClerkRecord:
    """Clear the wrong-PIN count of a locked number; `supervisor` has already been authorised."""
    rec = _get(session, staff_no)
    if rec.staff_no == supervisor.strip():
        raise TellerError(t("auth.same_person"))
    if not is_locked(rec):
        raise TellerError(t("staff.not_locked", staff_no=rec.staff_no))
    rec.failed_logins = 0
    session.add(rec)
    _audit(session, "clerk_unlock", rec.staff_no, actor=supervisor.strip(), counter=counter, now=now)
    return rec
