"""The engine: a Run walks one procedure step by step for one visit.

It knows nothing of screens or databases. What it needs from outside (customer lookup,
catalogues, the commit) comes through a `Desk` port, so the console, practice mode, the
CLI and the tests drive the very same Run.
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from teller.domain import rules
from teller.domain.billing import first_month_fee_fen
from teller.domain.checks import CHECKS
from teller.domain.money import change_due, parse_yuan, spoken_yuan
from teller.domain.secrets import verify_secret
from teller.domain.views import CustomerView, HandsetView, PlanView
from teller.errors import InputRefused, TellerError
from teller.procedures.loader import LoadedProcedure
from teller.procedures.schema import DEFAULT_TEXT_MAX_LEN, Condition, Step
from teller.strings import pick, t

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class Desk(Protocol):
    """What a Run needs from the counter it runs at."""

    hall_name: str
    counter: str
    clerk: str
    payment_limit_fen: int

    def now(self) -> datetime: ...
    def find_customer(self, number: str) -> CustomerView | None: ...
    def plans(self) -> list[PlanView]: ...
    def free_numbers(self) -> list[str]: ...
    def commit(self, run: "Run") -> "Committed": ...
    def numbers_held(self, id_number: str) -> int: ...
    def handsets(self) -> list[HandsetView]: ...
    def authorize(self, staff_no: str, pin: str, *, action: str, detail: str = "") -> Any: ...


@dataclass(frozen=True)
class Committed:
    tx_id: int
    receipt_no: str
    customer: CustomerView | None


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    amount_fen: int | None = None  # a priced catalogue entry (a handset); a fee takes it by `price_of`


#: Input kinds whose typed value is a secret: masked on screen, never kept, logged or recorded.
SECRET_KINDS = frozenset({"password", "new_password", "supervisor_pin"})


@dataclass(frozen=True)
class FeeLine:
    code: str
    label: str
    amount_fen: int


@dataclass(frozen=True)
class Party:
    """What a named check sees when a step applies to another party (`of:`): that party's account."""

    customer: CustomerView | None
    answers: dict[str, Any]
    desk: Desk


ACTIVE, STOPPED, FINISHED, CANCELLED = "active", "stopped", "finished", "cancelled"
#: the stop code of a visit stopped because a document is missing, when the procedure names no gate for it
DOCUMENTS_MISSING = "documents_missing"


@dataclass(frozen=True)
class DocumentState:
    """A document of the procedure on screen: ticked once the steps that check it passed."""

    id: str
    label: str
    party: str
    group: str  # all_of | any_of (alternatives: one is enough)
    checked: bool


@dataclass
class Run:
    loaded: LoadedProcedure
    desk: Desk
    answers: dict[str, Any] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)  # what was typed, to refill a field on Esc
    customer: CustomerView | None = None
    accounts: dict[str, CustomerView] = field(default_factory=dict)  # other parties, by phone field (`lookup: account`)
    index: int = 0
    state: str = ACTIVE
    stop_code: str = ""
    committed: Committed | None = None
    history: list[int] = field(default_factory=list)
    visit_token: str = field(default_factory=lambda: uuid.uuid4().hex)
    visits: list[Committed] = field(default_factory=list)  # every commit of this run (loops)
    option_filter: str = ""  # what the clerk typed to narrow a long catalogue (a free number's tail digits)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._arrive(0)

    # ---- reading -------------------------------------------------------------------
    @property
    def procedure(self):
        return self.loaded.procedure

    @property
    def step(self) -> Step:
        return self.procedure.steps[self.index]

    @property
    def step_number(self) -> int:
        return self.index + 1

    @property
    def done(self) -> bool:
        return self.state != ACTIVE

    def value(self, name: str) -> Any:
        """A field for conditions: `customer.*`, `total_fen`, or an answer."""
        if name.startswith("customer."):
            if self.customer is None:
                return False if name == "customer.exists" else None
            return self.customer.fields().get(name)
        if name == "total_fen":
            return self.total_fen
        head, dot, attr = name.partition(".")
        if dot and head in self._account_fields():
            account = self.accounts.get(head)
            if account is None:
                return False if attr == "exists" else None
            return account.fields().get(f"customer.{attr}")
        return self.answers.get(name)

    def holds(self, cond: Condition | None) -> bool:
        if cond is None:
            return True
        if cond.all_ is not None:
            return all(self.holds(c) for c in cond.all_)
        if cond.any_ is not None:
            return any(self.holds(c) for c in cond.any_)
        if cond.not_ is not None:
            return not self.holds(cond.not_)
        v = self.value(cond.field)
        if cond.equals_field is not None:
            return v is not None and v == self.value(cond.equals_field)
        if cond.exists is not None:
            return (v is not None) == cond.exists
        if cond.equals is not None:
            return v == cond.equals or (v is not None and str(v) == str(cond.equals))
        if cond.not_equals is not None:
            return not (v == cond.not_equals or (v is not None and str(v) == str(cond.not_equals)))
        if cond.in_ is not None:
            return v in cond.in_ or str(v) in {str(x) for x in cond.in_}
        if v is None:
            return False
        if cond.lt is not None:
            return v < cond.lt
        return v > cond.gt  # gt

    def fee_lines(self) -> list[FeeLine]:
        lines = []
        waived = set(self.answers.get("waived_fees", ()))
        for fee in self.procedure.fees:
            if not self.holds(fee.when) or fee.code in waived:
                continue
            if fee.price_of:
                amount = self._price_of(fee.price_of)
            else:
                amount = fee.amount if fee.amount is not None else self.answers.get(fee.code)
            if amount:
                lines.append(FeeLine(fee.code, pick(fee.label.as_dict()), int(amount)))
        return lines

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.fee_lines())

    @property
    def change_fen(self) -> int:
        """The change due on the cash tendered (teller.domain.money.change_due), 0 before the cash."""
        return change_due(self.total_fen, int(self.answers.get("tendered", 0) or 0))

    @property
    def plan(self) -> PlanView | None:
        code = self.answers.get("plan")
        return next((p for p in self.desk.plans() if p.code == code), None) if code else None

    def placeholders(self) -> dict[str, str]:
        out: dict[str, str] = {
            "greeting": rules.greeting(self.desk.now()),
            "hall": self.desk.hall_name,
            "counter": self.desk.counter,
            "clerk": self.desk.clerk,
            "total": spoken_yuan(self.total_fen),
            "receipt_no": self.committed.receipt_no if self.committed else "",
        }
        out["hall.opens"], out["hall.closes"] = getattr(self.desk, "opening_hours", ("", ""))
        money_fields = {s.input.field for s in self.procedure.steps if s.input and s.input.kind in ("money", "cash")}
        money_fields |= self._fee_inputs()
        secret_fields = {s.input.field for s in self.procedure.steps if s.input and "password" in s.input.kind}
        for key, val in self.answers.items():
            if key in secret_fields:
                continue
            if isinstance(val, datetime):
                out[key] = val.strftime("%Y-%m-%d %H:%M")
                continue
            out[key] = spoken_yuan(val) if (key in money_fields or key == "change") and isinstance(val, int) else str(val)
        for line in self.fee_lines():
            out[line.code] = spoken_yuan(line.amount_fen)
        out.setdefault("change", "0")
        if self.customer:
            out.update(self.customer.placeholders())
        for name, account in self.accounts.items():
            out.update({f"{name}.{k.removeprefix('customer.')}": v for k, v in account.placeholders().items()})
        plan = self.plan
        if plan:
            out.update({"plan.name": plan.name, "plan.monthly_fee": spoken_yuan(plan.monthly_fee_fen), "plan.tariff": plan.tariff})
            out["plan.first_month_fee"] = spoken_yuan(first_month_fee_fen(plan.monthly_fee_fen, self.desk.now().date()))
        return out

    def render(self, text) -> str:
        if text is None:
            return ""
        values = self.placeholders()
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), pick(text.as_dict()))

    def said(self, step: Step):
        """The text a step says now: the first `instead` whose condition holds, else its `say`."""
        return next((alt.say for alt in step.instead if self.holds(alt.when)), step.say)

    @property
    def line(self) -> str:
        """The spoken line of the current step, placeholders filled. The next number of the same
        customer (a loop after a commit) is not greeted a second time. A stop for a missing
        document that names no gate says the console's own line."""
        if self.state == STOPPED and self.stop_code == DOCUMENTS_MISSING:
            return t("run.documents_missing")
        said = self.said(self.step)
        line = self.render(said)
        if self.visits and self.committed is None and said and "{greeting}" in pick(said.as_dict()):
            line = rules.without_greeting(line, rules.greeting(self.desk.now()))
        return line

    def options(self) -> list[Option]:
        return self.options_for(self.step.input)

    def options_for(self, spec) -> list[Option]:
        """The choices of an input: its own `choices`, or the catalogue named by `options`."""
        if spec is None or spec.kind != "choice":
            return []
        if spec.options:
            return OPTION_SOURCES[spec.options](self)
        return [Option(c.value, self.render(c.label)) for c in spec.choices or []]

    def _price_of(self, field_name: str) -> int | None:
        chosen = self.answers.get(field_name)
        if chosen is None:
            return None
        spec = next((s.input for s in self.procedure.steps if s.input and s.input.field == field_name), None)
        return next((o.amount_fen for o in self.options_for(spec) if o.value == chosen), None)

    # ---- moving --------------------------------------------------------------------
    def _arrive(self, index: int) -> None:
        """Enter step `index`, skipping steps whose condition does not hold; a holding gate stops."""
        steps = self.procedure.steps
        while index < len(steps):
            step = steps[index]
            if step.kind == "gate":
                if self.holds(step.when):
                    self.index, self.state, self.stop_code = index, STOPPED, step.stop or ""
                    return
                index += 1
                continue
            if not self.holds(step.when):
                index += 1
                continue
            self.index = index
            return
        self.state = FINISHED

    def _go(self, target: str | None, *, again: bool = False, stop: str | None = None) -> None:
        if stop:
            self.state, self.stop_code = STOPPED, stop
            return
        self.history.append(self.index)
        if again:
            self._new_visit()
        if target:
            self._arrive(self._index_of(target))
        else:
            self._arrive(self.index + 1)

    def _index_of(self, step_id: str) -> int:
        for i, s in enumerate(self.procedure.steps):
            if s.id == step_id:
                return i
        raise TellerError(f"no step {step_id}")  # the loader rules this out

    def _new_visit(self) -> None:
        self.answers.clear()
        self.typed.clear()
        self.customer = None
        self.accounts.clear()
        self.committed = None
        self.history.clear()
        self.visit_token = uuid.uuid4().hex

    def back(self) -> bool:
        """Go back one step; what was typed stays. Not past a commit."""
        if not self.history or self.state not in (ACTIVE, STOPPED):
            return False
        self.index = self.history.pop()
        self.state, self.stop_code = ACTIVE, ""
        return True

    def cancel(self) -> None:
        """Abandon the visit before its commit. Nothing has been written, nothing will be."""
        if self.committed is None:
            self.state = CANCELLED

    def submit(self, value: str | None = None) -> None:
        """The clerk pressed Enter on the current step with `value` typed or chosen."""
        if self.state != ACTIVE:
            return
        step = self.step
        if step.kind == "commit":
            self.commit()
            self._arrive(self._index_of(step.goto) if step.goto else self.index + 1)  # no way back past it
            return
        if step.kind == "end":
            self.history.append(self.index)
            self.state = FINISHED
            return
        if step.kind == "say":
            self._go(step.goto, again=step.again)
            return
        spec = step.input
        assert spec is not None
        raw = "" if value is None else str(value)
        if not raw.strip() and spec.optional:
            self.answers.pop(spec.field, None)
            self._go(step.goto)
            return
        parsed = self._parse(step, raw)
        facts = self if spec.of is None else Party(self._party(spec), self.answers, self.desk)
        for name in step.checks:
            try:
                CHECKS[name](facts, parsed)
            except InputRefused:
                own = self.procedure.refusals.get(name)  # the procedure's own words for this refusal
                if own is None:
                    raise
                raise InputRefused(self.render(own)) from None
        if spec.kind != "supervisor_pin":  # a supervisor's PIN is never kept, not even to refill the field
            self.typed[spec.field] = raw
        self.answers[spec.field] = parsed
        if spec.kind == "choice" and spec.field in self._fee_inputs():
            self.answers[spec.field] = parse_yuan(parsed)  # a fee picked from choices ("50", "100")
        if spec.kind == "cash":
            self.answers["change"] = self.change_fen
        if spec.kind == "choice" and spec.choices:
            choice = next(c for c in spec.choices if c.value == parsed)
            self._go(choice.goto or step.goto, again=step.again and bool(choice.goto), stop=choice.stop)
            return
        self._go(step.goto, again=step.again)

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

    def commit(self) -> Committed:
        """Apply the procedure's effect once. A second Enter returns the first result."""
        with self._lock:
            if self.committed is None:
                self.committed = self.desk.commit(self)
                self.visits.append(self.committed)
                if self.committed.customer is not None:
                    self.customer = self.committed.customer
                self.history.clear()  # no going back past the commit
            return self.committed

    def _party(self, spec) -> CustomerView | None:
        """The account an input applies to: the customer, or the party named by `of`."""
        if spec.of is None or spec.of not in self._account_fields():
            return self.customer
        return self.accounts.get(spec.of)

    def _account_fields(self) -> set[str]:
        return {s.input.field for s in self.procedure.steps if s.input and s.input.lookup == "account"}

    def waivable_fees(self) -> list[FeeLine]:
        """Fees a supervisor may waive now: only at the cash step, before the commit."""
        spec = self.step.input
        if self.state != ACTIVE or self.committed is not None or spec is None or spec.kind != "cash":
            return []
        codes = {f.code for f in self.procedure.fees if f.waivable}
        return [line for line in self.fee_lines() if line.code in codes]

    def waive(self, staff_no: str, pin: str) -> list[FeeLine]:
        """减免: a supervisor's PIN at this PC waives the waivable fees (maker-checker, audited).

        The waiver and who granted it are kept with the transaction's answers and printed."""
        lines = self.waivable_fees()
        if not lines:
            raise InputRefused(t("waive.none"))
        granted = self.desk.authorize(staff_no, pin, action="fee_waiver", detail=",".join(line.code for line in lines))
        self.answers["waived_fees"] = [*self.answers.get("waived_fees", []), *(line.code for line in lines)]
        self.answers["waived_fen"] = self.answers.get("waived_fen", 0) + sum(line.amount_fen for line in lines)
        self.answers["waived_by"] = granted.staff_no
        return lines

    # ---- documents and parties (shown beside the script) -------------------------------------
    def documents(self) -> list[DocumentState]:
        """The procedure's documents, each ticked once every step that checks it has its answer."""
        from teller.procedures.documents import needed

        fields = {s.id: s.input.field for s in self.procedure.steps if s.input}
        out = []
        for doc in needed(self.procedure):
            done = bool(doc.steps) and all(fields.get(step) in self.answers for step in doc.steps) and self.holds(doc.when)
            out.append(DocumentState(doc.id, pick(doc.label), doc.party, doc.group, done))
        return out

    def documents_missing(self) -> bool:
        """The clerk says a document is missing: the visit stops with the procedure's line (its
        `documents.missing` gate), else the console's. Only before the commit; Esc takes it back."""
        if self.state != ACTIVE or self.committed is not None:
            return False
        self.history.append(self.index)
        gate = self.procedure.documents.missing
        if gate:
            self.index = self._index_of(gate)
            self.state, self.stop_code = STOPPED, self.step.stop or DOCUMENTS_MISSING
        else:
            self.state, self.stop_code = STOPPED, DOCUMENTS_MISSING
        return True

    def parties(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The other parties of the visit beside the customer: (label, [(what, value)]) each;
        a secondary account (`lookup: account`) and the procedure's `party` (new owner, agent)."""
        out = []
        for step in self.procedure.steps:
            spec = step.input
            if spec is None or spec.lookup != "account":
                continue
            label = pick(spec.label.as_dict()) if spec.label else spec.field
            acct = self.accounts.get(spec.field)
            rows = [("party.number", acct.number), ("party.name", acct.masked_name), ("party.status", acct.status_text)] if acct else [("party.number", str(self.answers.get(spec.field, "—")))]
            out.append((label, rows))
        party = self.procedure.party
        if party is not None:
            a = self.answers
            rows = []
            if party.name:
                rows.append(("party.name", rules.mask_name(str(a[party.name])) if party.name in a else "—"))
            if party.id_number:
                rows.append(("party.id", rules.mask_id(str(a[party.id_number])) if party.id_number in a else "—"))
            if party.number:
                rows.append(("party.number", str(a.get(party.number, "—"))))
            out.append((pick(party.label.as_dict()), rows))
        return out

    def _fee_inputs(self) -> set[str]:
        return {f.code for f in self.procedure.fees if f.input}

    def secret_fields(self) -> set[str]:
        return {s.input.field for s in self.procedure.steps if s.input and s.input.kind in ("password", "new_password")}

    def record(self) -> dict[str, Any]:
        """The answers as kept with the transaction: passwords never, ID numbers masked."""
        secret = self.secret_fields()
        ids = {s.input.field for s in self.procedure.steps if s.input and s.input.kind == "id_number"}
        out = {}
        for key, val in self.answers.items():
            if key in secret:
                continue
            is_id = key in ids or key.startswith("id")
            out[key] = rules.mask_id(val) if isinstance(val, str) and len(val) == 18 and is_id else val
        return out


def _comparable(value):
    """Dates and datetimes compared as dates-with-times (a date counts as its midnight)."""
    return value.replace(tzinfo=None) if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


def _shown(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)


# ---- catalogues a choice may offer (`options:` in a procedure file) ------------------------------
def _plans(run: Run) -> list[Option]:
    """The catalogue as the `usage` answer reads it: fitting plans first, marked (rules.plans_for_usage)."""
    from teller.domain.money import money

    return [
        Option(p.code, t("option.plan", name=p.name, fee=money(p.monthly_fee_fen)) + (t("option.recommended") if fits else ""))
        for p, fits in rules.plans_for_usage(run.desk.plans(), run.answers.get("usage"))
    ]


def _free_numbers(run: Run) -> list[Option]:
    """Free numbers; with `option_filter`, those ending in (or holding) the digits the clerk typed."""
    digits = rules.ascii_digits(run.option_filter).strip()
    found = run.desk.free_numbers(digits) if digits else run.desk.free_numbers()
    return [Option(n, n) for n in found]


def _bill_months(run: Run) -> list[Option]:
    """The five months before the current one; a month already printed is marked (and refused)."""
    printed = set(run.customer.printed_bill_months) if run.customer else set()
    return [Option(m, m + (t("bill.printed_mark") if m in printed else "")) for m in rules.bill_months(run.desk.now())]


def _subscriptions(run: Run) -> list[Option]:
    subs = run.customer.subscriptions if run.customer else ()
    from teller.domain.money import money

    return [Option(s.code, t("option.plan", name=s.name, fee=money(s.monthly_fee_fen))) for s in subs]


def _rewards(run: Run) -> list[Option]:
    from teller.domain.catalog import REWARDS

    return [Option(code, t("points.option", name=name, points=points)) for code, name, points, _credit in REWARDS]


def _handsets(run: Run) -> list[Option]:
    return [
        Option(h.code, f"{h.make} {h.model}  {_money(h.price_fen)}", h.price_fen)
        for h in run.desk.handsets()
        if h.stock > 0
    ]


def _money(fen: int) -> str:
    from teller.domain.money import money

    return money(fen)


def _provinces(run: Run) -> list[Option]:
    from teller.domain.catalog import PROVINCES

    return [Option(p, p) for p in PROVINCES]


OPTION_SOURCES = {
    "plans": _plans,
    "free_numbers": _free_numbers,
    "bill_months": _bill_months,
    "subscriptions": _subscriptions,
    "rewards": _rewards,
    "handsets": _handsets,
    "provinces": _provinces,
}
