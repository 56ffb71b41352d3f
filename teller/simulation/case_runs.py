"""Tests as data: a case file's cases each walked on its own copy of the demo data, and what of
each case's expectations the walk did not meet."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from teller.clock import hall_zone
from teller.config import Settings
from teller.domain.money import money
from teller.errors import TellerError
from teller.procedures.loader import LoadedProcedure
from teller.simulation.sandbox import Sandbox
from teller.simulation.traced import Walk, walk

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
