"""A procedure walked on a throwaway copy of the demo data: what `teller-admin procedures
simulate` shows and what `procedures test` (the cases of tests as data) checks.

A `Sandbox` is a counter of its own in a temporary folder: a copy of a demo-seeded SQLite
database (seeded once per process), the demo clerk logged in, a shift opened with a float,
papers rendered by the preview backend into its own spool, a fixed clock. Nothing of the
hall's live database, printer or shift is touched; the folder is deleted afterwards.

`walk` drives the very Run the console drives, step by step, with answers by input field
(or asking for each when a prompt is given), and records what happened: every line said with
its placeholders filled, every gate passed or taken and every step skipped, the fee table,
the transaction, the changes the operation made to the demo data (a diff of the business
tables before and after the commit) and the papers as the preview prints them.
"""

from __future__ import annotations

import atexit
import difflib
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from teller.clock import FixedClock, hall_zone
from teller.config import PrinterSettings, Settings
from teller.domain.money import change_due, money
from teller.errors import InputRefused, TellerError
from teller.procedures.engine import ACTIVE, FINISHED, STOPPED, FeeLine, Run
from teller.procedures.loader import LoadedProcedure

#: Moves one walk may make before it is called a loop (the largest shipped visit makes ~20).
MAX_MOVES = 400

#: Tables that keep the books of a visit rather than what the operation changed: shown apart.
BOOKKEEPING = frozenset({
    "meta", "clerk", "transaction", "fee_line", "audit", "receipt_job", "shift", "cash_move", "day_close",
    "void", "reversal", "daily_summary", "payment_amount", "alembic_version",
})

#: The float the sandbox's shift opens with (2×100, 4×50, 5×20, 5×10, 4×5, 20×1, 10×0.5 yuan).
FLOAT = {10000: 2, 5000: 4, 2000: 5, 1000: 5, 500: 4, 100: 20, 50: 10}


# ---- what a walk records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    step: str
    kind: str
    text: str
    answer: str | None = None  # what was typed or chosen (masked for a secret)


@dataclass(frozen=True)
class Passed:
    """A gate that did not hold, a step skipped (its `when` did not hold), or a gate taken."""

    step: str
    what: str  # "gate passed" | "skipped" | "gate taken"
    condition: str


@dataclass(frozen=True)
class Refusal:
    step: str
    message: str
    answer: str


@dataclass
class Visit:
    """One commit of the walk (a loop with `again` commits once per visit)."""

    receipt_no: str
    fees: list[FeeLine]
    total_fen: int
    tendered_fen: int
    change_fen: int
    changes: list[str]
    papers: dict[str, list[str]] = field(default_factory=dict)  # layout -> the text of each copy
    paper_errors: list[str] = field(default_factory=list)


@dataclass
class Walk:
    procedure_id: str
    events: list = field(default_factory=list)
    state: str = ACTIVE  # finished | stopped | refused | missing | loop
    stop_code: str = ""
    stop_step: str = ""
    stop_line: str = ""
    refusal: Refusal | None = None
    missing: tuple[str, str] | None = None  # (step id, field)
    visits: list[Visit] = field(default_factory=list)
    fees: list[FeeLine] = field(default_factory=list)  # the fee table when the walk ended (or committed)
    used: set[str] = field(default_factory=set)  # the answers the walk asked for

    @property
    def said(self) -> list[Said]:
        return [e for e in self.events if isinstance(e, Said)]


class Missing(Exception):
    """No answer for an input step (scripted walks)."""


# ---- the sandbox ------------------------------------------------------------------------------------

_TEMPLATE: Path | None = None


def demo_template(at: datetime | None = None) -> Path:
    """A demo-seeded database file, made once per process (a temporary folder removed at exit)."""
    global _TEMPLATE
    if _TEMPLATE is not None and _TEMPLATE.is_file():
        return _TEMPLATE
    from teller.store import db

    folder = Path(tempfile.mkdtemp(prefix="teller-demo-"))
    atexit.register(shutil.rmtree, folder, True)
    settings = Settings(home=folder, procedures_dir=folder / "scripts_yaml")
    db.create_database(settings.database_url, seed_demo=True, now=at or datetime(2026, 11, 23, 10, 0, tzinfo=hall_zone()))  # as `db init`
    _TEMPLATE = folder / "db" / "teller.db"
    return _TEMPLATE


def copy_database(src: Path, dest: Path) -> None:
    """A consistent copy of a SQLite file (the backup API; safe with WAL)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    s, d = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        with d:
            s.backup(d)
    finally:
        s.close()
        d.close()


def demo_clerk() -> tuple[str, str]:
    from teller.domain.catalog import CLERKS

    staff_no, _name, _role, pin = next(c for c in CLERKS if c[2] == "clerk")
    return staff_no, pin


class Sandbox:
    """A counter of its own on a throwaway copy of the demo data (use as a context manager)."""

    def __init__(
        self, *, layouts_dir: Path, at: datetime, hall: Settings | None = None, template: Path | None = None,
    ) -> None:
        self.layouts_dir = Path(layouts_dir)
        self.at = at
        self.hall = hall
        self.template = template
        self.folder: Path | None = None
        self.desk = None

    def __enter__(self) -> "Sandbox":
        from teller.desk import Desk

        self.folder = Path(tempfile.mkdtemp(prefix="teller-sim-"))
        try:
            copy_database(self.template or demo_template(self.at), self.folder / "db" / "teller.db")
            (self.folder / "scripts_yaml").mkdir()
            hall = self.hall
            printer = PrinterSettings(backend="preview", paper_mm=hall.printer.paper_mm if hall else 80)
            keep = {k: getattr(hall, k) for k in ("hall_name", "counter", "locale", "timezone", "payment_limit_fen")} if hall else {}
            settings = Settings(
                home=self.folder, procedures_dir=self.folder / "scripts_yaml", layouts_dir=self.layouts_dir,
                spool_dir=self.folder / "spool", printer=printer, seed_demo=False, idle_lock_s=0, **keep,
            )
            self.desk = Desk(settings, clock=FixedClock(self.at)).open()
            self.desk.login(*demo_clerk())
            self.desk.open_shift(FLOAT)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.desk is not None:
            self.desk.close()
            self.desk = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    @property
    def database(self) -> Path:
        assert self.folder is not None
        return self.folder / "db" / "teller.db"

    def adopt(self, loaded: LoadedProcedure) -> None:
        """The procedure simulated is this counter's (its title on the papers)."""
        self.desk.procedures = {loaded.id: loaded}


# ---- the demo data before and after ----------------------------------------------------------------------


def snapshot(database: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The business tables (not the books of the visit): table -> key -> row."""
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for table in sorted(set(tables) - BOOKKEEPING):
            info = con.execute(f'PRAGMA table_info("{table}")').fetchall()
            cols = [c[1] for c in info]
            pk = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]]
            select = ", ".join(f'"{c}"' for c in cols)
            rows = {}
            for row in con.execute(f'SELECT rowid, {select} FROM "{table}"'):
                values = dict(zip(cols, row[1:]))
                key = "/".join(str(values[k]) for k in pk) if pk else f"#{row[0]}"
                rows[key] = values
            out[table] = rows
    finally:
        con.close()
    return out


def _shown(column: str, value: Any) -> str:
    if value is None:
        return "null"
    if "hash" in column or column.endswith("pin"):
        return "(secret)"
    if "id_number" in column and isinstance(value, str):
        from teller.domain.rules import mask_id

        return mask_id(value)
    return str(value)


def diff(before: dict, after: dict) -> list[str]:
    """The changes as lines: `customer 138…: balance_fen 3520 → 4520`, `+ table key: ...`, `- table key`."""
    out: list[str] = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        for key in sorted(set(old) | set(new)):
            if key not in old:
                cols = ", ".join(f"{c}={_shown(c, v)}" for c, v in new[key].items() if v is not None)
                out.append(f"+ {table} {key}: {cols}")
            elif key not in new:
                out.append(f"- {table} {key}")
            else:
                for col in new[key]:
                    a, b = old[key].get(col), new[key][col]
                    if a != b:
                        if "hash" in col or col.endswith("pin"):
                            out.append(f"{table} {key}: {col} changed")
                        else:
                            out.append(f"{table} {key}: {col} {_shown(col, a)} → {_shown(col, b)}")
    return out


# ---- the run, traced -----------------------------------------------------------------------------------


@dataclass
class TracedRun(Run):
    """A Run that tells which gates it passed and which steps it skipped on the way."""

    trace: list = field(default_factory=list)

    def _arrive(self, index: int) -> None:
        from teller.procedures.describe import condition_text

        start = index
        super()._arrive(index)
        steps = self.procedure.steps
        end = self.index if self.state in (ACTIVE, STOPPED) and self.index >= start else len(steps)
        for i in range(start, min(end, len(steps))):
            step = steps[i]
            if step.when is not None:
                self.trace.append(Passed(step.id, "gate passed" if step.kind == "gate" else "skipped", condition_text(step.when)))
        if self.state == STOPPED and steps[self.index].kind == "gate" and self.index >= start:
            gate = steps[self.index]
            self.trace.append(Passed(gate.id, "gate taken", condition_text(gate.when)))


def _lookup_field(loaded: LoadedProcedure) -> str | None:
    return next((s.input.field for s in loaded.procedure.steps if s.input and s.input.lookup == "customer"), None)


Ask = Callable[[TracedRun, Any], "str | None"]


def walk(
    sandbox: Sandbox, loaded: LoadedProcedure, answers: dict[str, Any] | None = None, *,
    number: str | None = None, ask: Ask | None = None, waive: str | None = None, on_event: Callable[[Any], None] | None = None,
) -> Walk:
    """Walk `loaded` at the sandbox's counter. Answers by input field (a list for a field asked
    again); `number` answers the customer look-up; `ask(run, step)` is called for an answer not
    given (None: scripted, the walk ends as `missing`). `on_event` sees each event as it happens."""
    from teller.procedures.engine import SECRET_KINDS

    sandbox.adopt(loaded)
    queue: dict[str, list[str]] = {k: ([str(x) for x in v] if isinstance(v, list) else [str(v)]) for k, v in (answers or {}).items()}
    lookup = _lookup_field(loaded)
    if number is not None and lookup and lookup not in queue:
        queue[lookup] = [number]
    out = Walk(loaded.id)
    run = TracedRun(loaded, sandbox.desk)

    def note(event) -> None:
        out.events.append(event)
        if on_event is not None:
            on_event(event)

    def flush_trace() -> None:
        while run.trace:
            note(run.trace.pop(0))

    flush_trace()
    waived = False
    for _move in range(MAX_MOVES):
        if run.state != ACTIVE:
            break
        step = run.step
        spec = step.input
        line = run.line
        if spec is None:
            note(Said(step.id, step.kind, line))
            if step.kind == "commit":
                _commit(sandbox, run, out, note)
            else:
                run.submit(None)
            flush_trace()
            continue
        if waive and not waived and spec.kind == "cash" and run.waivable_fees():
            staff_no, _, pin = waive.partition(":")
            lines = run.waive(staff_no, pin)
            waived = True
            note(Passed(step.id, "waived", "、".join(f"{x.label} {money(x.amount_fen)}" for x in lines)))
            line = run.line
        value, more = _next_answer(queue, spec.field)
        if value is None and ask is not None:
            note(Said(step.id, step.kind, line))
            value = ask(run, step)
            if value is None:
                out.state = "cancelled"
                return _finish(out, run)
            shown_line = None
        else:
            shown_line = line
        if value is None:
            note(Said(step.id, step.kind, line))
            out.state, out.missing = "missing", (step.id, spec.field)
            return _finish(out, run)
        out.used.add(spec.field)
        shown = "******" if spec.kind in SECRET_KINDS else value
        try:
            run.submit(value)
        except InputRefused as exc:
            if shown_line is not None:
                note(Said(step.id, step.kind, shown_line, shown))
            note(Refusal(step.id, exc.message, shown))
            if ask is not None or more:
                continue  # asked again at the same step (the next answer of a list, or the prompt)
            out.state, out.refusal = "refused", Refusal(step.id, exc.message, shown)
            return _finish(out, run)
        if shown_line is not None:
            note(Said(step.id, step.kind, shown_line, shown))
        flush_trace()
    else:
        out.state = "loop"
        return _finish(out, run)
    if run.state == STOPPED:  # the stop's own line (a gate's, or the step whose choice stops)
        note(Said(run.step.id, "stop", run.line))
    return _finish(out, run)


def _next_answer(queue: dict[str, list[str]], name: str) -> tuple[str | None, bool]:
    """(the next answer for a field, whether another follows): a list is consumed in order, its
    last value kept for a field asked again (a loop's next visit)."""
    values = queue.get(name)
    if not values:
        return None, False
    return (values.pop(0), True) if len(values) > 1 else (values[0], False)


def _commit(sandbox: Sandbox, run: TracedRun, out: Walk, note) -> None:
    before = snapshot(sandbox.database)
    fees = run.fee_lines()
    total = run.total_fen
    tendered = int(run.answers.get("tendered", 0) or 0)
    run.submit(None)  # the commit, then on past it
    committed = run.committed
    visit = Visit(committed.receipt_no, fees, total, tendered, change_due(total, tendered), diff(before, snapshot(sandbox.database)))
    for outcome in sandbox.desk.print_transaction(committed.tx_id):
        if outcome.ok and outcome.spooled is not None:
            text = outcome.spooled.with_suffix(".txt").read_text(encoding="utf-8")
            visit.papers.setdefault(outcome.layout, []).append(text)
        elif not outcome.ok:
            visit.paper_errors.append(f"{outcome.layout}: {outcome.error}")
    out.visits.append(visit)
    out.fees = fees
    note(visit)


def _finish(out: Walk, run: TracedRun) -> Walk:
    if out.state == ACTIVE:
        out.state = {FINISHED: "finished", STOPPED: "stopped"}.get(run.state, run.state)
    if run.state == STOPPED:
        out.stop_code = run.stop_code
        out.stop_step = run.step.id
        out.stop_line = run.line
    if not out.visits:
        out.fees = run.fee_lines()
    return out


# ---- the report, as `procedures simulate` prints it --------------------------------------------------------


def report(walk_: Walk, *, columns: int = 48) -> list[str]:
    """The walk as lines of text: the script, gates, the fee table, the changes and the papers."""
    lines: list[str] = []
    for event in walk_.events:
        if isinstance(event, Said):
            head = f"[{event.step}]" + (f" ({event.kind})" if event.kind not in ("say", "input") else "")
            lines.append(f"{head} 「{event.text}」")
            if event.answer is not None:
                lines.append(f"    → {event.answer}")
        elif isinstance(event, Passed):
            lines.append(f"  · {event.what}: {event.step} ({event.condition})")
        elif isinstance(event, Refusal):
            lines.append(f"    ✗ {event.step}: {event.message}")
        elif isinstance(event, Visit):
            lines += _visit_lines(event, columns)
    end = {
        "finished": "= finished",
        "stopped": f"= stopped at {walk_.stop_step}: {walk_.stop_code}",
        "refused": f"= refused at {walk_.refusal.step}: {walk_.refusal.message}" if walk_.refusal else "= refused",
        "missing": f"= no answer for `{walk_.missing[1]}` at step {walk_.missing[0]}" if walk_.missing else "= missing",
        "loop": f"= more than {MAX_MOVES} moves: a loop",
        "cancelled": "= cancelled",
    }.get(walk_.state, f"= {walk_.state}")
    if not walk_.visits and walk_.fees:
        lines += _fee_lines(walk_.fees, sum(f.amount_fen for f in walk_.fees), None, None)
    lines.append(end)
    if walk_.state == "finished" and not walk_.visits:
        lines.append("  没有记录交易 / nothing recorded")
    return lines


def _fee_lines(fees: list[FeeLine], total: int, tendered: int | None, change: int | None) -> list[str]:
    from teller.printing.layouts import cells

    out = ["", "fees:"]
    width = max([cells(f.label) for f in fees] + [4]) + 2

    def row(code: str, label: str, fen: int) -> str:
        return f"  {code:<14} {label}{' ' * (width - cells(label))} {money(fen):>12}"

    out += [row(f.code, f.label, f.amount_fen) for f in fees]
    out.append(row("total", "", total))
    if tendered:
        out += [row("tendered", "", tendered), row("change", "", change or 0)]
    return out


def _visit_lines(visit: Visit, columns: int) -> list[str]:
    out = _fee_lines(visit.fees, visit.total_fen, visit.tendered_fen, visit.change_fen) if visit.fees or visit.total_fen else ["", "fees: none"]
    out += ["", f"committed: {visit.receipt_no}", "changes:"]
    out += [f"  {c}" for c in visit.changes] or ["  (none)"]
    for layout, copies in visit.papers.items():
        for n, text in enumerate(copies, 1):
            out += ["", f"paper: {layout}" + (f" (copy {n})" if len(copies) > 1 else "")]
            out += [f"  {ln}" for ln in text.rstrip("\n").splitlines()]
    for error in visit.paper_errors:
        out.append(f"paper not rendered: {error}")
    out.append("")
    return out


# ---- tests as data ---------------------------------------------------------------------------------------


@dataclass
class CaseResult:
    name: str
    ok: bool
    failures: list[str]
    walk: Walk | None = None
    line: int | None = None


def check_case(loaded: LoadedProcedure, case, walk_: Walk) -> list[str]:
    """What of the case's expectations the walk does not meet (empty: it passed)."""
    e = case.expect
    fails: list[str] = []
    fields = {s.input.field for s in loaded.procedure.steps if s.input}
    for name in case.answers:
        if name not in fields:
            near = difflib.get_close_matches(name, sorted(fields), n=1)
            fails.append(f"answer for `{name}`, which no input step has" + (f" (did you mean `{near[0]}`?)" if near else ""))
    said = "\n".join(s.text for s in walk_.said)
    ending = _ending(walk_)
    if e.stop is not None:
        if walk_.state != "stopped" or walk_.stop_code != e.stop:
            fails.append(f"expected the stop {e.stop!r}, got {ending}")
    elif e.refused is not None:
        step = e.refused if isinstance(e.refused, str) else e.refused.step
        words = None if isinstance(e.refused, str) else e.refused.message
        if walk_.state != "refused" or walk_.refusal is None or walk_.refusal.step != step:
            fails.append(f"expected a refusal at step {step!r}, got {ending}")
        elif words and words not in walk_.refusal.message:
            fails.append(f"the refusal at {step!r} says {walk_.refusal.message!r}, not {words!r}")
    else:
        if walk_.state != "finished":
            fails.append(f"expected the visit to finish, got {ending}")
        unused = sorted((set(case.answers) & fields) - walk_.used)
        if unused and walk_.state == "finished":
            fails.append(f"answers never asked on this path: {', '.join(unused)}")
        committed = bool(walk_.visits)
        want = e.committed if e.committed is not None else (bool(loaded.procedure.effect) or e.total is not None or bool(e.changes))
        if committed != want:
            fails.append("expected a transaction, none was recorded" if want else f"expected nothing recorded, got {walk_.visits[0].receipt_no}")
        if committed:
            v = walk_.visits[0]
            for label, want_fen, got in (("total", e.total, v.total_fen), ("tendered", e.tendered, v.tendered_fen), ("change", e.change, v.change_fen)):
                if want_fen is not None and want_fen != got:
                    fails.append(f"{label}: expected {money(want_fen)}, got {money(got)}")
            for line in e.changes:
                if not _change_made(line, v.changes):
                    near = difflib.get_close_matches(line, v.changes, n=1, cutoff=0.5)
                    fails.append(f"change not made: {line!r}" + (f" (closest: {near[0]!r})" if near else f" (changes: {v.changes})"))
            if e.unchanged and v.changes:
                fails.append(f"expected no change to the demo data, got: {'; '.join(v.changes)}")
            for layout, words in e.papers.items():
                copies = v.papers.get(layout)
                if copies is None:
                    fails.append(f"paper {layout!r} not printed (printed: {', '.join(v.papers) or 'none'}){'; ' + '; '.join(v.paper_errors) if v.paper_errors else ''}")
                    continue
                text = "\n".join(copies)
                for word in words:
                    if word not in text:
                        fails.append(f"paper {layout!r} does not print {word!r}")
            if e.no_papers and v.papers:
                fails.append(f"expected no papers, got {', '.join(v.papers)}")
    for word in e.said:
        if word not in said:
            fails.append(f"never said: {word!r}")
    return fails


def _change_made(expected: str, changes: list[str]) -> bool:
    """An expected change is made when a line says it; an added row (`+ table key: a=1, b=2`)
    needs only the columns the case names."""
    if expected in changes:
        return True
    if not expected.startswith("+ ") or ": " not in expected:
        return False
    head, _, cols = expected.partition(": ")
    want = {c.strip() for c in cols.split(", ") if c.strip()}
    for line in changes:
        got_head, _, got_cols = line.partition(": ")
        if got_head == head and want <= {c.strip() for c in got_cols.split(", ")}:
            return True
    return False


def _ending(walk_: Walk) -> str:
    if walk_.state == "stopped":
        return f"the stop {walk_.stop_code!r} at step {walk_.stop_step!r}"
    if walk_.state == "refused" and walk_.refusal:
        return f"a refusal at step {walk_.refusal.step!r}: {walk_.refusal.message}"
    if walk_.state == "missing" and walk_.missing:
        return f"no answer for `{walk_.missing[1]}` at step {walk_.missing[0]!r}"
    if walk_.state == "finished":
        return "the visit finished" + (f" ({walk_.visits[0].receipt_no})" if walk_.visits else " (nothing recorded)")
    return walk_.state


def run_case(
    loaded: LoadedProcedure, file, case, *, layouts_dir: Path, hall: Settings | None = None, template: Path | None = None,
    others: Callable[[str], LoadedProcedure | None] | None = None,
) -> CaseResult:
    """One case on its own copy of the demo data (after its `given` visits, if any);
    `others(id)` finds another procedure a `given` visit names."""
    from teller.procedures.cases import parse_at, when

    zone = hall_zone(hall.timezone if hall else "Asia/Shanghai")
    try:
        at = parse_at(when(case, file), zone)
        with Sandbox(layouts_dir=layouts_dir, at=at, hall=hall, template=template) as box:
            for n, given in enumerate(case.given, 1):
                proc = loaded if given.procedure in (None, loaded.id) else (others(given.procedure) if others else None)
                if proc is None:
                    return CaseResult(case.name, False, [f"given[{n}]: no procedure {given.procedure!r} in the folder"])
                before = walk(box, proc, dict(given.answers), number=given.number)
                if before.state != "finished" or not before.visits:
                    return CaseResult(case.name, False, [f"given[{n}] ({proc.id}) did not commit: {_ending(before)}"], before)
            box.adopt(loaded)
            walked = walk(box, loaded, dict(case.answers), number=case.number, waive=case.waive)
    except TellerError as exc:
        return CaseResult(case.name, False, [f"could not run: {exc.message}"])
    fails = check_case(loaded, case, walked)
    return CaseResult(case.name, not fails, fails, walked)


def sibling_procedures(folder: Path) -> Callable[[str], LoadedProcedure | None]:
    """Another procedure of the folder by id (for a case's `given` visits), loaded when asked."""
    from teller.errors import ProcedureError
    from teller.procedures.loader import load_file, procedure_files

    cache: dict[str, LoadedProcedure | None] = {}

    def find(ident: str) -> LoadedProcedure | None:
        if ident not in cache:
            path = next((p for p in procedure_files(folder) if p.stem == ident), None)
            try:
                cache[ident] = load_file(path) if path else None
            except ProcedureError:
                cache[ident] = None
        return cache[ident]

    return find


def run_cases(loaded: LoadedProcedure, case_file_path: Path, *, layouts_dir: Path, hall: Settings | None = None, template: Path | None = None) -> list[CaseResult]:
    """Every case of a case file against its procedure."""
    from teller.procedures.cases import case_line, read_cases

    file = read_cases(case_file_path)
    if file.procedure != loaded.id:
        return [CaseResult(str(case_file_path), False, [f"the case file is for {file.procedure!r}, not {loaded.id!r}"])]
    results = []
    for i, case in enumerate(file.cases):
        result = run_case(loaded, file, case, layouts_dir=layouts_dir, hall=hall, template=template, others=sibling_procedures(loaded.path.parent))
        result.line = case_line(case_file_path, i)
        results.append(result)
    return results


__all__ = [
    "Sandbox", "Walk", "Said", "Passed", "Refusal", "Visit", "walk", "report", "run_case", "run_cases",
    "check_case", "demo_template", "snapshot", "diff",
]
