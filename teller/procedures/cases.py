"""Tests as data: the cases of a procedure, in `scripts_yaml/cases/<procedure id>.yaml`.

Each case is a customer (the number answered at the look-up step), the answers by input
field, and what must come of them: the stop the visit ends with, or the committed total, the
operation's changes to the demo data, the lines on its papers and the words said. The cases
run on a throwaway copy of the demo data (teller.simulation), by `teller-admin procedures
test` and by pytest (tests/test_cases.py).

```yaml
procedure: payment
at: "2026-11-23 10:00"          # the clock of every case (this is the default)
cases:
  - name: pays 10 yuan, in credit
    number: "13800138000"
    answers: {holder_name: 王小明, amount: "10", tendered: "20", another: "no"}
    expect:
      total: "10.00"
      change: "10.00"
      changes: ["customer 13800138000: balance_fen 3520 → 4520"]
      papers: {invoice: [预存话费, ¥10.00]}
  - name: another province
    number: "18800003333"
    expect: {stop: out_of_province}
```

Pure: models and file reading only (the runner is teller.simulation).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from teller import safe_yaml
from teller.errors import ProcedureError, Problem
from teller.procedures.schema import Fen, Ident

#: The clock of a case that names none: the demo data's day (the tests' fixed clock).
DEFAULT_AT = "2026-11-23 10:00"
CASES_FOLDER = "cases"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Refused(_Strict):
    """An answer refused at a step (a check, a rule): the clerk would stay on it."""

    step: Ident
    message: str | None = None  # words the refusal holds


class Expect(_Strict):
    """What must come of a case: a stop, a refusal, or the visit finished (committed when the
    procedure has an effect), with its money, changes, papers and spoken words."""

    stop: str | None = None  # the stop code (a gate's, or a choice's)
    refused: Ident | Refused | None = None  # the step that refuses an answer (and its words)
    committed: bool | None = None  # whether a transaction was recorded (implied by total and changes)
    total: Fen | None = None
    tendered: Fen | None = None
    change: Fen | None = None
    changes: list[str] = []  # lines that must be among the operation's changes
    unchanged: bool = False  # the demo data must not change at all
    papers: dict[str, list[str]] = {}  # layout -> words that must be printed on it
    no_papers: bool = False
    said: list[str] = []  # words that must be said on the way (any step's line, placeholders filled)

    @model_validator(mode="after")
    def _one_outcome(self) -> "Expect":
        ends = [self.stop is not None, self.refused is not None]
        money = [self.total, self.tendered, self.change]
        if all(ends):
            raise ValueError("a case ends with either `stop` or `refused`, not both")
        if any(ends) and (any(m is not None for m in money) or self.changes or self.papers or self.committed):
            raise ValueError("a stopped or refused case commits nothing: no total, changes or papers")
        return self


class Given(_Strict):
    """A visit made first, on the same copy of the demo data (e.g. a family link a gate tests);
    it must finish with its commit."""

    procedure: Ident | None = None  # another procedure of the folder (default: the case's own)
    number: str | None = None
    answers: dict[Ident, str | list[str]] = {}


class Case(_Strict):
    name: str = Field(min_length=1)
    given: list[Given] = []  # visits made before this one
    number: str | None = None  # the customer: answered at the step with `lookup: customer`
    answers: dict[Ident, str | list[str]] = {}  # by input field; a list when the field is asked again
    at: str | None = None  # "YYYY-MM-DD HH:MM" in the hall's zone (the file's `at`, else DEFAULT_AT)
    waive: str | None = None  # "staff_no:PIN": a supervisor waives the waivable fees at the cash step
    expect: Expect


class CaseFile(_Strict):
    procedure: Ident
    at: str | None = None
    cases: list[Case] = Field(min_length=1)


def when(case: Case, file: CaseFile) -> str:
    return case.at or file.at or DEFAULT_AT


def parse_at(text: str, zone) -> datetime:
    """`YYYY-MM-DD HH:MM` (or with seconds) in the hall's zone."""
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    raise ValueError(f"`at` is YYYY-MM-DD HH:MM, not {text!r}")


def cases_path(procedure_file: Path) -> Path:
    """Where the cases of a procedure file are: `cases/<file stem>.yaml` beside it."""
    return procedure_file.parent / CASES_FOLDER / f"{procedure_file.stem}.yaml"


def parse_cases(text: str, path: str | Path) -> CaseFile:
    """A case file checked (strict, file:line: field for every problem)."""
    from teller.procedures.yaml_problems import clean_errors, field_name as _field_name, parse_mapping, pydantic_message as _pydantic_message

    name = str(path)
    root, data, lines = parse_mapping(text, name, "a case file is a mapping: procedure, cases")
    try:
        out = CaseFile.model_validate(data)
    except ValidationError as exc:
        raise ProcedureError([
            Problem(name, lines(e["loc"]), _field_name(e["loc"]), _pydantic_message(e, lines.node(e["loc"]), CaseFile))
            for e in clean_errors(exc.errors())[:50]
        ]) from None
    problems = []
    for i, case in enumerate(out.cases):
        for loc, value in (((("cases", i, "at")), case.at), (("at",), out.at if i == 0 else None)):
            if value is not None:
                try:
                    parse_at(value, None)
                except ValueError as exc:
                    problems.append(Problem(name, lines(loc), _field_name(loc), str(exc)))
        if case.waive is not None and ":" not in case.waive:
            problems.append(Problem(name, lines(("cases", i, "waive")), f"cases[{i}].waive", 'write the supervisor as "staff_no:PIN"'))
    if problems:
        raise ProcedureError(problems)
    return out


def read_cases(path: str | Path) -> CaseFile:
    from teller.procedures.yaml_problems import read_source

    text, p = read_source(path)
    return parse_cases(text, p)


def case_line(path: str | Path, index: int) -> int | None:
    """The line of the index-th case in its file (for failures: file:line)."""
    try:
        root, _ = safe_yaml.parse(safe_yaml.read_text(Path(path)))
    except (OSError, safe_yaml.YamlRefused, yaml.YAMLError):
        return None
    return safe_yaml.line_at(root, "cases", index)
