"""Practice scenarios: a scripted customer for one procedure, read from YAML and checked.

A scenario file (scripts_yaml/scenarios/*.yaml) says who comes to the counter (a subscriber
of the practice data, one the scenario creates, or a person who is not a subscriber), what
they say and hand over at each step of the procedure, and how the visit must end: committed
with this total, change, papers and account changes; stopped at this gate; or declined at
this step (the engine refuses what the customer gives and the clerk ends the visit).

Loading is strict like the procedures' (teller.procedures.loader): unknown keys, a step,
field, procedure or customer that does not exist, an answer of the wrong kind or an outcome
the procedure cannot produce are problems with file:line:field. What only running shows
(the script leaves the path, the engine refuses an answer, the total differs) is found by
teller.practice.headless, which runs the scenario through the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from teller.errors import ProcedureError, Problem
from teller.procedures.schema import Fen, Ident, Layout, Strict, Text

if TYPE_CHECKING:
    from teller.procedures.loader import LoadedProcedure

#: Scenario files one folder may hold (the console lists them all for a trainee).
MAX_FILES = 500


def _text(value: Any) -> Any:
    """A plain string is the Chinese line; {zh, en} gives both."""
    return {"zh": value} if isinstance(value, str) else value


Line_ = Annotated[Text, BeforeValidator(_text)]


def _signed_fen(value: Any) -> int:
    """A yuan amount that may be negative (an overdrawn balance): "-30.50"."""
    if isinstance(value, str) and value.strip().startswith("-"):
        from teller.procedures.schema import _to_fen

        return -_to_fen(value.strip()[1:])
    from teller.procedures.schema import _to_fen

    return _to_fen(value)


SignedFen = Annotated[int, BeforeValidator(_signed_fen)]


def _answer(value: Any) -> Any:
    """What is typed at a step, as text: a whole number is accepted, yes/no and decimals must be quoted."""
    if isinstance(value, bool):
        raise ValueError('YAML reads yes/no/true/false as a boolean here: quote the answer, e.g. "yes"')
    if isinstance(value, float):
        raise ValueError('quote amounts with decimals, e.g. "30.50"')
    if isinstance(value, int):
        return str(value)
    return value


Answer = Annotated[str, BeforeValidator(_answer)]
Phone = Annotated[str, BeforeValidator(_answer), Field(pattern=r"^1[0-9]{10}$")]

STATUSES = ("active", "suspended_arrears", "suspended_lost")


class Subscriber(Strict):
    """A subscriber the scenario creates in the practice database (reset each time the drill starts)."""

    number: Phone
    name: str = Field(min_length=1, max_length=20)
    id_number: str
    male: bool | None = None
    plan: Ident = "szx_fashion"
    status: Literal["active", "suspended_arrears", "suspended_lost"] = "active"
    balance: SignedFen = 0
    month_charges: Fen = 0
    prepaid_1st: Fen = 0
    last_unpaid: Fen = 0
    points: int = Field(0, ge=0)
    local: bool = True
    password: Answer = Field(pattern=r"^[0-9]{6}$")
    services: list[Ident] = []
    #: how many open numbers the subscriber's ID holds, this one included (the rest are created)
    numbers_held: int = Field(1, ge=1, le=6)


class Person(Strict):
    """Someone at the counter who is not a subscriber (yet): a new customer, a buyer, a new owner."""

    name: str = Field(min_length=1, max_length=20)
    id_number: str  # as printed on the card: a scenario about a bad card gives a bad one
    male: bool | None = None
    #: open numbers this ID already holds in the practice data (created when the drill starts)
    numbers_held: int = Field(0, ge=0, le=6)


class Party(Strict):
    """One person in the scenario: exactly one of `subscriber`, `creates`, `person`."""

    subscriber: Phone | None = None  # a subscriber of the practice (demo) data, reset to its demo state
    creates: Subscriber | None = None
    person: Person | None = None
    label: Line_ | None = None  # how the customer bubble names them (default: their name)

    @model_validator(mode="after")
    def _one(self) -> "Party":
        if [self.subscriber is not None, self.creates is not None, self.person is not None].count(True) != 1:
            raise ValueError("a party is exactly one of `subscriber` (a number of the practice data), `creates` or `person`")
        return self


class Line(Strict):
    """What the scripted customer says, hands over and answers at one step of the procedure."""

    step: Ident
    who: Ident | None = None  # `customer` (the default) or a key of `others`
    says: Line_ | None = None
    hands: Line_ | None = None  # what they hand over: an ID card, banknotes, a phone
    answer: Answer | None = None  # the value the clerk should key in or pick
    choose: Literal["any"] | None = None  # the customer leaves the choice to the clerk
    first: Answer | None = None  # what the customer offers first; the engine refuses it, then `answer`
    refused: bool = False  # the engine refuses `answer` and the visit ends here (expect: declined)
    free: bool = False  # free text (a complaint, a reason): anything the step accepts is right, in the clerk's words
    document: Ident | None = None  # a document checked at this step: a run that skips the step missed it
    hint: Line_ | None = None  # shown after a mistake at this step (never in an exam)

    @model_validator(mode="after")
    def _answer_or_choose(self) -> "Line":
        if self.answer is not None and self.choose is not None:
            raise ValueError("give `answer` or `choose: any`, not both")
        if self.refused and self.answer is None:
            raise ValueError("`refused` needs the `answer` the engine refuses")
        if self.first is not None and self.answer is None and self.choose is None:
            raise ValueError("`first` needs the `answer` the customer gives after")
        return self


class Changes(Strict):
    """The customer's account after the commit (each key is checked when given)."""

    status: Literal["active", "suspended_arrears", "suspended_lost", "closed"] | None = None
    balance: SignedFen | None = None
    plan: Ident | None = None
    pending_plan: Ident | None = None
    points: int | None = None
    name: str | None = None
    family_role: Literal["main", "secondary", "none"] | None = None
    services: list[Ident] | None = None
    new_sim: bool | None = None  # the SIM serial differs from the one before
    bill_printed: Answer | None = None  # a month now recorded as printed ({month-1} or YYYY-MM)


class CommittedOutcome(Strict):
    total: Fen | None = None
    change: Fen | None = None
    papers: list[Layout] | None = None
    changes: Changes | None = None


class StoppedOutcome(Strict):
    gate: Ident  # the gate step (or the choice's step) that stops the visit
    line: Line_ | None = None  # words the stop line must contain


class DeclinedOutcome(Strict):
    step: Ident  # the input step whose refusal ends the visit (the clerk cancels it there)
    refusal: Line_ | None = None  # words the refusal must contain


class Expect(Strict):
    committed: CommittedOutcome | None = None
    stopped: StoppedOutcome | None = None
    declined: DeclinedOutcome | None = None

    @model_validator(mode="after")
    def _one(self) -> "Expect":
        if [self.committed is not None, self.stopped is not None, self.declined is not None].count(True) != 1:
            raise ValueError("expect exactly one of `committed`, `stopped`, `declined`")
        return self

    @property
    def kind(self) -> str:
        return "committed" if self.committed else "stopped" if self.stopped else "declined"


class Scenario(Strict):
    id: Ident
    title: Line_
    procedure: Ident
    level: int = Field(1, ge=1, le=3)  # 1 routine, 2 a trap, 3 several
    traps: list[Ident] = []  # what it drills: arrears, no_id, bad_id, quota, retention, ...
    brief: Line_  # the situation, shown before the drill starts
    customer: Party
    others: dict[Ident, Party] = {}
    script: list[Line] = Field(min_length=1, max_length=100)
    expect: Expect

    def line(self, step_id: str) -> Line | None:
        return next((ln for ln in self.script if ln.step == step_id), None)

    def party(self, who: str | None) -> Party:
        return self.customer if who in (None, "customer") else self.others[who]


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    path: Path
    lines: dict = field(default_factory=dict)  # "script.<step>" / "expect" -> line in the file

    def line_of(self, step: str | None = None) -> int | None:
        return self.lines.get(f"script.{step}") if step else self.lines.get("expect")

    @property
    def id(self) -> str:
        return self.scenario.id


# ---- answer tokens: dates relative to the day of the drill ----------------------------------------
_TOKEN = re.compile(r"\{([^{}]*)\}")
_TODAY = re.compile(r"^today(?:([+-])(\d{1,3}))?(?: (\d{2}):(\d{2}))?$")
_MONTH = re.compile(r"^month-([1-9])$")


def resolve(text: str, now: datetime) -> str:
    """Fill `{today}`, `{today+3}`, `{today+2 10:00}` and `{month-1}` (a month before this one)."""
    return _TOKEN.sub(lambda m: _token(m.group(1), now), text)


def _token(name: str, now: datetime) -> str:
    m = _TODAY.match(name)
    if m:
        sign, days, hh, mm = m.groups()
        day = now.date() + timedelta(days=(int(days) if sign == "+" else -int(days)) if days else 0)
        return f"{day.isoformat()} {hh}:{mm}" if hh else day.isoformat()
    m = _MONTH.match(name)
    if m:
        y, mo = now.year, now.month - int(m.group(1))
        while mo < 1:
            y, mo = y - 1, mo + 12
        return f"{y:04d}-{mo:02d}"
    raise ValueError(f"unknown token {{{name}}}")


def bad_tokens(text: str) -> list[str]:
    out = []
    for name in _TOKEN.findall(text or ""):
        if not (_TODAY.match(name) or _MONTH.match(name)):
            out.append(name)
    return out


# ---- loading ----------------------------------------------------------------------------------
def parse(text: str, path: str | Path, procedures: dict[str, "LoadedProcedure"]) -> LoadedScenario:
    """Validate one scenario's text against the procedures; ProcedureError lists every problem."""
    from teller.practice.scenario_checks import semantic_problems
    from teller.procedures.yaml_problems import capped as _capped, field_name as _field_name, parse_mapping, pydantic_message as _pydantic_message

    name = str(path)
    root, data, lines = parse_mapping(text, name, "a scenario file is a mapping (id, title, procedure, customer, script, expect)")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(name, lines(e["loc"]), _field_name(e["loc"]), _pydantic_message(e)) for e in exc.errors()]
        raise ProcedureError(_capped(problems, name)) from None
    problems = [Problem(name, lines(loc), _field_name(loc), msg) for loc, msg in semantic_problems(scenario, procedures)]
    if problems:
        raise ProcedureError(_capped(problems, name))
    where = {f"script.{ln.step}": lines(("script", i, "step")) for i, ln in enumerate(scenario.script)}
    where["expect"] = lines(("expect", scenario.expect.kind))
    return LoadedScenario(scenario, Path(path), where)


def load_file(path: str | Path, procedures: dict[str, "LoadedProcedure"]) -> LoadedScenario:
    from teller.procedures.yaml_problems import read_source

    text, p = read_source(path)
    return parse(text, p, procedures)


def scenario_files(folder: str | Path) -> list[Path]:
    return sorted(Path(folder).glob("*.yaml")) + sorted(Path(folder).glob("*.yml"))


def load_folder(folder: str | Path, procedures: dict[str, "LoadedProcedure"]) -> tuple[list[LoadedScenario], list[Problem]]:
    """Every good scenario of a folder and every problem of the bad ones (never all-or-nothing)."""
    good: list[LoadedScenario] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for count, path in enumerate(scenario_files(folder), 1):
        if count > MAX_FILES:
            problems.append(Problem(str(path), None, "", f"not loaded: the folder holds more than {MAX_FILES} scenario files"))
            continue
        try:
            loaded = load_file(path, procedures)
        except ProcedureError as exc:
            problems.extend(exc.problems)
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file never keeps the others from loading
            problems.append(Problem(str(path), None, "", f"unexpected error reading this file ({type(exc).__name__}: {str(exc)[:120]})"))
            continue
        if loaded.id in seen:
            problems.append(Problem(str(path), 1, "id", f"id {loaded.id!r} is also used by {seen[loaded.id].name}"))
            continue
        seen[loaded.id] = path
        good.append(loaded)
    return good, problems


# ---- the practice data (what teller.practice.scenario_checks checks names against) ----------------
def demo_subscribers() -> dict[str, tuple]:
    from teller.domain import catalog

    return {row[0]: row for row in catalog.CUSTOMERS}
