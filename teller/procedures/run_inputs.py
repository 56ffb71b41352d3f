"""What a run makes of what the clerk typed: each input kind parsed and checked, with the
party (the customer or another account) a step applies to.

A part of teller.procedures.engine.Run (a mixin: its methods use the run's procedure, answers,
customer and desk).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from teller.domain import rules
from teller.domain.money import parse_yuan, spoken_yuan
from teller.domain.secrets import verify_secret
from teller.domain.views import CustomerView
from teller.errors import InputRefused, TellerError
from teller.procedures.schema import DEFAULT_TEXT_MAX_LEN, Step
from teller.strings import pick, t


class RunInputs:
    """What a run makes of what the clerk typed: each input kind parsed and checked, with the."""

    def _parse(self, step: Step, raw: str) -> Any:
        spec = step.input
        label = pick(spec.label.as_dict()) if spec.label else pick(step.title.as_dict()) if step.title else ""
        kind = spec.kind
        if kind == "text":
            text = raw.strip()
            if not text:
                raise InputRefused(t("rule.text_empty", what=label))
            limit = spec.max_len or DEFAULT_TEXT_MAX_LEN
            if len(text) > limit:
                raise InputRefused(t("rule.text_long", what=label, max=limit, n=len(text)))
            return text
        if kind == "phone":
            number = rules.check_phone(raw)
            if spec.lookup:
                found = self.desk.find_customer(number)
                if found is None:
                    raise InputRefused(t("rule.unknown_number", number=number))
                if found.status == "closed":  # a closed account is served by no counter procedure
                    raise InputRefused(t("rule.number_closed", number=number))
                if spec.lookup == "customer":
                    self.customer = found
                else:
                    self.accounts[spec.field] = found
            return number
        if kind == "money":
            fen = parse_yuan(raw, what=label or t("run.total"))
            if fen <= 0:
                raise InputRefused(t("money.zero", what=label))
            if fen > self.desk.payment_limit_fen:
                raise InputRefused(t("money.over_limit", what=label, limit=spoken_yuan(self.desk.payment_limit_fen)))
            if spec.minimum is not None and fen < spec.minimum:
                raise InputRefused(t("money.min", what=label, min=spoken_yuan(spec.minimum)))
            return fen
        if kind == "cash":
            due = self.total_fen
            if due == 0 and not raw.strip():
                return 0  # nothing to pay (a waived fee): Enter goes on
            fen = parse_yuan(raw, what=label or t("run.tendered"))
            if fen < due:
                raise InputRefused(t("money.short", short=spoken_yuan(due - fen)))
            if fen > due + self.desk.payment_limit_fen:  # a slip of the finger, not a banknote pile
                raise InputRefused(t("money.cash_absurd", tendered=spoken_yuan(fen), due=spoken_yuan(due)))
            return fen
        if kind == "id_number":
            return rules.check_id_number(raw)
        if kind == "new_password":
            pw = rules.check_new_password(raw)
            if spec.same_as and pw != self.answers.get(spec.same_as):
                raise InputRefused(t("rule.pw_mismatch"))
            return pw
        if kind == "password":
            account = self._party(spec)
            if account is None or not verify_secret(rules.ascii_digits(raw).strip(), account.password_hash):
                raise InputRefused(t("rule.pw_wrong"))
            return "verified"
        if kind in ("date", "datetime"):
            return self._parse_when(spec, raw, label)
        if kind == "supervisor_pin":
            staff_no = str(self.answers.get(spec.staff_field, ""))
            number = self.customer.number if self.customer else ""
            try:
                granted = self.desk.authorize(staff_no, rules.ascii_digits(raw).strip(), action=f"{self.procedure.id}.{spec.field}", detail=number)
            except TellerError as exc:
                raise InputRefused(exc.message) from None
            return granted.staff_no
        if kind == "choice":
            values = [o.value for o in self.options()]
            if raw not in values:
                raise InputRefused(t("rule.choice"))
            return raw
        raise InputRefused(f"unsupported input kind {kind}")  # pragma: no cover - schema forbids

    def _parse_when(self, spec, raw: str, label: str):
        """A date (or date and time, in the hall's zone), checked against today and `after`."""
        now = self.desk.now()
        if spec.kind == "date":
            value, floor = rules.check_date(raw), now.date()
        else:
            value, floor = rules.check_datetime(raw).replace(tzinfo=now.tzinfo), now.replace(second=0, microsecond=0)
        if spec.from_today and value < floor:
            raise InputRefused(t("rule.date_past", what=label))
        if spec.after:
            earlier = self.answers.get(spec.after)
            if earlier is not None and _comparable(value) <= _comparable(earlier):
                raise InputRefused(t("rule.date_after", what=label, after=_shown(earlier)))
        return value

    def _party(self, spec) -> CustomerView | None:
        """The account an input applies to: the customer, or the party named by `of`."""
        if spec.of is None or spec.of not in self._account_fields():
            return self.customer
        return self.accounts.get(spec.of)

    def _account_fields(self) -> set[str]:
        return {s.input.field for s in self.procedure.steps if s.input and s.input.lookup == "account"}


def _comparable(value):
    """Dates and datetimes compared as dates-with-times (a date counts as its midnight)."""
    return value.replace(tzinfo=None) if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


def _shown(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)
