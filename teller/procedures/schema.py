"""The procedure file format, as strict pydantic models (unknown keys are errors).

A procedure is data: steps with spoken lines, inputs, checks and branches, a fee table,
the domain operation applied when the run commits, and which receipts print.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _to_fen(value: Any) -> int:
    """Amounts in files are yuan strings with at most two decimals ("15", "15.00")."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError('write amounts as quoted yuan strings, e.g. "15.00"')
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("amount must be a yuan string")
    from teller.domain.money import parse_yuan
    from teller.errors import InputRefused

    try:
        fen = parse_yuan(value, what="amount")
    except InputRefused as exc:
        raise ValueError(f"bad amount {value!r}: {exc.message}") from None
    return fen


Fen = Annotated[
    int,
    BeforeValidator(_to_fen),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$", "description": 'yuan, quoted: "15.00"'}),
]
Ident = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Text(Strict):
    """A line in both locales; `zh` is required, `en` falls back to it."""

    zh: str
    en: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en or self.zh}


class Condition(Strict):
    """`field` compared with exactly one operator, or conditions combined (`all`, `any`, `not`);
    conditions are data, never code."""

    field: str | None = None
    all_: list["Condition"] | None = Field(default=None, alias="all")  # every one holds
    any_: list["Condition"] | None = Field(default=None, alias="any")  # at least one holds
    not_: "Condition | None" = Field(default=None, alias="not")  # it does not hold
    equals: str | int | bool | None = None
    not_equals: str | int | bool | None = None
    in_: list[str | int] | None = Field(default=None, alias="in")
    lt: int | None = None
    gt: int | None = None
    exists: bool | None = None
    equals_field: str | None = None  # holds when `field` has the same (present) value as this other field

    @model_validator(mode="after")
    def _one_operator(self) -> "Condition":
        combined = [k for k in ("all_", "any_", "not_") if getattr(self, k) is not None]
        ops = [k for k in ("equals", "not_equals", "in_", "lt", "gt", "exists", "equals_field") if getattr(self, k) is not None]
        if combined:
            if len(combined) > 1 or ops or self.field is not None:
                raise ValueError("a combined condition is one of `all: [...]`, `any: [...]` or `not: {...}` alone (put the comparisons inside it)")
            if self.all_ == [] or self.any_ == []:
                raise ValueError("`all`/`any` need at least one condition")
            return self
        if self.field is None:
            raise ValueError("a condition needs `field` (or `all`, `any`, `not`)")
        if len(ops) != 1:
            raise ValueError("a condition needs exactly one of equals, not_equals, in, lt, gt, exists, equals_field")
        return self

    @property
    def parts(self) -> list["Condition"]:
        """The conditions it combines (empty for a comparison)."""
        if self.all_ is not None:
            return list(self.all_)
        if self.any_ is not None:
            return list(self.any_)
        return [self.not_] if self.not_ is not None else []

    def comparisons(self):
        """Every comparison inside, depth first (itself when it is one)."""
        if self.field is not None:
            yield self
        for part in self.parts:
            yield from part.comparisons()


class Choice(Strict):
    value: str
    label: Text
    goto: str | None = None
    stop: str | None = None


InputKind = Literal[
    "text",  # free text, e.g. the holder's name
    "phone",  # 11-digit number starting with 1
    "money",  # an amount in yuan, stored as fen
    "cash",  # cash tendered: at least the total due; sets change
    "id_number",  # 18-character resident ID, check digit verified
    "new_password",  # a 6-digit service password being set (hashed on commit)
    "password",  # the customer's service password, checked against the account
    "choice",  # one of `choices`, or of a catalogue given by `options`
    "date",  # a calendar date, YYYY-MM-DD (`after:` another date field, `from_today:`)
    "datetime",  # a date and time, YYYY-MM-DD HH:MM (same rules as date)
    "supervisor_pin",  # a supervisor's PIN; `staff_field` names the input holding the staff no
]

#: Catalogues a choice may offer (`options:`), filled from the Desk and the run at the step.
OptionSource = Literal["plans", "free_numbers", "bill_months", "subscriptions", "rewards", "handsets", "provinces"]


#: the longest free-text answer (kind: text) unless the input says `max_len`: a name, a road,
#: a room number fit; a 3,000-character room number printed an 8.9 KB ticket
DEFAULT_TEXT_MAX_LEN = 60


class InputSpec(Strict):
    field: Ident
    kind: InputKind
    label: Text | None = None
    choices: list[Choice] | None = None
    options: OptionSource | None = None
    # customer: load the run's customer; account: load another party's account (a family
    # number's secondary card), whose facts read as `<field>.status`, `{<field>.title}`, ...
    lookup: Literal["customer", "account"] | None = None
    of: str | None = None  # a `password` input or the step's `check` applies to the account of this phone field
    same_as: str | None = None
    min_yuan: Fen | None = None  # money: the smallest amount accepted, in yuan ("30")
    min_fen: Fen | None = None  # deprecated name of min_yuan (it always held yuan); read with a warning
    optional: bool = False
    after: Ident | None = None  # date/datetime: must be later than this earlier date field
    from_today: bool = False  # date/datetime: not before today (now for datetime)
    staff_field: Ident | None = None  # supervisor_pin: the input field holding the staff number
    max_len: int | None = Field(default=None, ge=1, le=1000)  # kind text: at most this many characters (default 60)

    @property
    def minimum(self) -> int | None:
        """The smallest amount a money input accepts, in fen (`min_yuan`, or the old `min_fen`)."""
        return self.min_yuan if self.min_yuan is not None else self.min_fen

    @model_validator(mode="after")
    def _dates_and_pins_fit_kind(self) -> "InputSpec":
        if self.min_yuan is not None and self.min_fen is not None:
            raise ValueError("give `min_yuan` only (`min_fen` is its old name)")
        if self.minimum is not None and self.kind != "money":
            raise ValueError("`min_yuan` only goes with kind: money")
        if self.max_len is not None and self.kind != "text":
            raise ValueError("`max_len` only goes with kind: text")
        if (self.after or self.from_today) and self.kind not in ("date", "datetime"):
            raise ValueError("`after`/`from_today` only go with kind: date or datetime")
        if (self.kind == "supervisor_pin") != bool(self.staff_field):
            raise ValueError("kind: supervisor_pin goes with `staff_field` (the input holding the staff number)")
        return self

    @model_validator(mode="after")
    def _choices_fit_kind(self) -> "InputSpec":
        if self.kind == "choice" and not (self.choices or self.options):
            raise ValueError("a choice input needs `choices` or `options`")
        if self.kind != "choice" and (self.choices or self.options):
            raise ValueError("`choices`/`options` only go with kind: choice")
        if self.lookup and self.kind != "phone":
            raise ValueError("`lookup` needs kind: phone")
        return self


StepKind = Literal["say", "input", "gate", "commit", "end"]


class AltSay(Strict):
    """A line said instead of the step's `say` while `when` holds (exact cash: 收您…元整好)."""

    when: Condition
    say: Text


class Step(Strict):
    id: Ident
    kind: StepKind = "say"
    title: Text | None = None
    say: Text | None = None
    instead: list[AltSay] = []  # lines said instead of `say`: the first whose `when` holds
    note: Text | None = None  # a hint for the clerk, not spoken
    when: Condition | None = None  # the step applies only when this holds (a gate: stops when it holds)
    input: InputSpec | None = None
    check: str | list[str] | None = None  # a named rule from teller.domain.checks, or several in order
    goto: str | None = None
    stop: str | None = None  # gate: reason code the run stops with
    again: bool = False  # goto starts a fresh visit (e.g. "another number to pay?")

    @property
    def checks(self) -> list[str]:
        """The step's named checks, in the order they run."""
        if self.check is None:
            return []
        return [self.check] if isinstance(self.check, str) else list(self.check)

    @model_validator(mode="after")
    def _kind_fields(self) -> "Step":
        if self.kind == "input" and self.input is None:
            raise ValueError("an input step needs `input`")
        if self.kind != "input" and self.input is not None:
            raise ValueError("`input` only goes with kind: input")
        if self.kind == "gate" and (self.when is None or not self.stop):
            raise ValueError("a gate needs `when` and `stop`")
        if self.kind in ("say", "gate", "end", "commit") and self.say is None:
            raise ValueError(f"a {self.kind} step needs `say`")
        if self.instead and self.say is None:
            raise ValueError("`instead` needs the step's own `say` (said when no condition holds)")
        if self.again and not self.goto and not (self.input and self.input.choices):
            raise ValueError("`again` needs a `goto` (or choices with goto)")
        return self


class FeeItem(Strict):
    code: Ident
    label: Text
    amount: Fen | None = None  # fixed amount; else taken from the input of the same field
    input: bool = False
    price_of: Ident | None = None  # the price of the catalogue option chosen in this input field
    when: Condition | None = None
    waivable: bool = False  # a supervisor may waive it at the cash step (减免, maker-checker)

    @model_validator(mode="after")
    def _amount_or_input(self) -> "FeeItem":
        if [self.amount is not None, self.input, self.price_of is not None].count(True) != 1:
            raise ValueError("a fee has exactly one of a fixed `amount`, `input: true` or `price_of`")
        return self


class Document(Strict):
    """A document the clerk checks, shown on screen and ticked once the steps that check it pass."""

    id: Ident  # e.g. id_card, service_password, power_of_attorney
    label: Text | None = None  # shown to the clerk (known ids have one: 身份证, 服务密码, 委托书, ...)
    party: Ident = "holder"  # whose document: holder, or the second party (`party:` of the procedure)
    checked_by: list[Ident] = []  # the steps whose answers check it (known ids are found by themselves)
    when: Condition | None = None  # ticked only while this holds too (机主本人: who equals holder)


DocumentRef = Annotated[str | Document, Field(union_mode="left_to_right")]


class Documents(Strict):
    all_of: list[DocumentRef] = []  # every one is needed
    any_of: list[DocumentRef] = []  # one of them is enough (password OR ID card)
    missing: Ident | None = None  # the gate whose line stops the visit when the clerk marks a document missing

    @property
    def entries(self) -> list[tuple[str, Document]]:
        """(group, document) for each document, a name given alone made a Document."""
        return [(group, d if isinstance(d, Document) else Document(id=d)) for group in ("all_of", "any_of") for d in getattr(self, group)]


class Party(Strict):
    """The second party of a procedure (the new owner of 过户, an agent): shown beside the customer.

    The fields name inputs of the file; a phone input with `lookup: account` is a party by itself."""

    label: Text
    name: Ident | None = None  # the input holding the party's name
    id_number: Ident | None = None  # the input holding the party's ID number (shown masked)
    number: Ident | None = None  # the input holding the party's phone number


Effect = Ident  # an operation of teller.operations (checked when the file loads, with the fields it reads)


class EffectCall(Strict):
    """One operation of a procedure's effect written as a list: its name, the parameters a generic
    operation takes (open_service, close_service, take_deposit, return_deposit, record_order;
    checked against the operation's own model when the file loads) and an optional condition
    (the operation applies only when it holds). The list applies in order in one commit; a void
    reverses it in reverse order."""

    op: Ident
    params: dict[str, Any] | None = None
    when: Condition | None = None


class PaperLine(Strict):
    """A line the procedure adds to its papers' details: a label and the answer (or fee) it prints.
    Money prints as ￥, a choice as its label, an ID number masked; an absent answer prints no line."""

    label: Text
    field: Ident


#: Papers a procedure may print: any layout file in receipts/ (checked when the file loads),
#: except the void and settlement slips, which a void and a shift print.
Layout = Ident


class Procedure(Strict):
    id: Ident
    title: Text
    version: int = 1
    order: int = 100  # position in the clerk's procedure picker (most used first)
    time_limit_s: int = Field(gt=0)
    customer: Literal["existing", "new", "none"] = "existing"
    documents: Documents = Documents()
    fees: list[FeeItem] = []
    steps: list[Step] = Field(min_length=1)
    # one operation by name, or a list of {op, params, when} applied in order in one commit
    effect: Effect | list[EffectCall] | None = None
    paper: list[PaperLine] = []  # answers printed in the papers' details, after the operation's own lines
    print: list[Layout] = []
    party: Party | None = None  # a second party shown beside the customer (过户's new owner, an agent)
    refusals: dict[Ident, Text] = {}  # a check's refusal in this procedure's words, by check name
    # required: every operation of the effect must be reversible by a void (a load error otherwise)
    reversible: Literal["required", "optional"] = "optional"

    @property
    def calls(self) -> list[EffectCall]:
        """The effect as a list of calls (`effect: pay` is one call without params)."""
        if self.effect is None:
            return []
        return [EffectCall(op=self.effect)] if isinstance(self.effect, str) else list(self.effect)

    @property
    def effect_names(self) -> list[str]:
        return [c.op for c in self.calls]
