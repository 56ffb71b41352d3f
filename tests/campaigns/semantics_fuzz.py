"""Procedure-writing fuzz campaign: shipped procedures edited the way a writer edits them, through
the loader's checks of what a procedure does, and the valid mutants walked on the demo data.

Each run takes one shipped procedure as data and makes one to four seeded edits a writer could
make: a step dropped, duplicated or moved; a `goto` or a choice's `goto`/`stop` pointed at
another step (or itself); a `when` added, removed or combined (`all`/`any`/`not`); a kind
changed; a fee added or its source changed; the cash step dropped or moved; an input's field
or kind changed; a placeholder added to a line; `print` given a duplicate or the void slip;
documents, `party` and `refusals` given good and bad names. The text is dumped as YAML and
loaded with `parse` (the procedure loader).

Every few runs a mutant that loads is walked on a throwaway copy of the demo data
(teller.simulation) with answers drawn from its own choices and the demo customers.

A run fails when
- anything but the loader's ProcedureError escapes `parse`, or a walk raises anything but a
  TellerError (a traceback a writer or a clerk would see),
- a problem names a line outside the file, or the checks fell through ("please report it"),
- one load takes more than a second.
"Data lost" counts walks that committed a transaction whose total differs from its fee lines,
or whose cash tendered is less than its total (money recorded wrongly).

    python tests/campaigns/semantics_fuzz.py             # the small run CI makes (200 runs)
    python tests/campaigns/semantics_fuzz.py --runs 5000 --seed 3

Prints `runs · failures · data lost`; exit status 1 when anything failed or was lost.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from teller import safe_yaml  # noqa: E402
from teller.errors import ProcedureError, TellerError  # noqa: E402
from teller.procedures.loader import parse  # noqa: E402
from teller.procedures.semantics import Context  # noqa: E402

DEFAULT_RUNS = 200
WALK_EVERY = 10
SLOW_S = 1.0
SOURCES = sorted((REPO / "scripts_yaml").glob("*.yaml"))
CONTEXT = Context(layouts_dir=REPO / "receipts")
NUMBERS = ["13800138000", "13912345678", "13700001111", "15000002222", "18800003333", "13600004444"]
ANSWERS = {
    "text": ["王小明", "张三", "x"], "phone": NUMBERS, "money": ["10", "0", "30.5", "99999"], "cash": ["20", "200", "5000", ""],
    "id_number": ["110105198001011238", "11010519491231002X", "123"], "new_password": ["246813", "111111"],
    "password": ["135790", "000000"], "date": ["2026-11-25", "2026-11-20"], "datetime": ["2026-11-26 09:30"],
    "supervisor_pin": ["9999", "1234"],
}


@dataclass
class Tally:
    runs: int = 0
    failures: int = 0
    lost: int = 0
    loaded: int = 0
    walked: int = 0
    notes: list[str] = field(default_factory=list)

    def fail(self, note: str) -> None:
        self.failures += 1
        if len(self.notes) < 20:
            self.notes.append(note)


def _ids(data) -> list[str]:
    return [s.get("id") for s in data.get("steps", []) if isinstance(s, dict)]


def _step(rng, data):
    steps = [s for s in data.get("steps", []) if isinstance(s, dict)]
    return rng.choice(steps) if steps else {}


def _cond(rng, data):
    fields = [s["input"]["field"] for s in data["steps"] if isinstance(s, dict) and isinstance(s.get("input"), dict) and "field" in s["input"]]
    simple = rng.choice([
        {"field": rng.choice(fields or ["total_fen"]), "equals": rng.choice(["yes", "no", True, 0, "password"])},
        {"field": "customer.status", "equals": rng.choice(["active", "activ", "suspended_lost"])},
        {"field": "total_fen", "gt": 0},
        {"field": rng.choice(fields or ["x"]), "exists": rng.choice([True, False])},
        {"field": "customer.points", "lt": 500},
    ])
    roll = rng.random()
    if roll < 0.2:
        return {"all": [simple, {"not": {"field": "customer.local", "equals": False}}]}
    if roll < 0.3:
        return {"any": [simple, {"field": "total_fen", "gt": 100}]}
    return simple


def mutate(rng: random.Random, data: dict) -> dict:
    data = copy.deepcopy(data)
    steps = data.setdefault("steps", [])
    for _ in range(rng.randint(1, 4)):
        ids = _ids(data)
        what = rng.randrange(18)
        s = _step(rng, data)
        if what == 0 and len(steps) > 2:
            steps.pop(rng.randrange(len(steps)))
        elif what == 1 and steps:
            dup = copy.deepcopy(rng.choice(steps))
            if isinstance(dup, dict):
                dup["id"] = f"{dup.get('id', 'x')}_{rng.randrange(99)}"
            steps.insert(rng.randrange(len(steps) + 1), dup)
        elif what == 2 and len(steps) > 1:
            steps.insert(rng.randrange(len(steps)), steps.pop(rng.randrange(len(steps))))
        elif what == 3 and ids:
            s["goto"] = rng.choice(ids + [s.get("id")])
        elif what == 4 and isinstance(s.get("input"), dict) and s["input"].get("choices"):
            c = rng.choice(s["input"]["choices"])
            c[rng.choice(["goto", "stop"])] = rng.choice(ids + [s.get("id"), "stop_here"])
        elif what == 5:
            s["when"] = _cond(rng, data)
        elif what == 6:
            s.pop("when", None)
        elif what == 7 and s:
            s["kind"] = rng.choice(["say", "input", "gate", "commit", "end"])
        elif what == 8:
            data.setdefault("fees", []).append(rng.choice([
                {"code": "extra", "label": {"zh": "附加费"}, "amount": "5.00"},
                {"code": rng.choice([f for f in ids] or ["amount"]), "label": {"zh": "输入"}, "input": True},
                {"code": "cond_fee", "label": {"zh": "条件费"}, "amount": "3.00", "when": _cond(rng, data)},
            ]))
        elif what == 9:
            cash = [x for x in steps if isinstance(x, dict) and isinstance(x.get("input"), dict) and x["input"].get("kind") == "cash"]
            if cash:
                steps.remove(cash[0])
                if rng.random() < 0.5:
                    steps.insert(rng.randrange(len(steps) + 1), cash[0])
        elif what == 10 and isinstance(s.get("input"), dict):
            s["input"]["field"] = rng.choice([f for f in ids] + ["tendered", "amount", "password"])
        elif what == 11 and isinstance(s.get("input"), dict):
            s["input"]["kind"] = rng.choice(list(ANSWERS) + ["choice"])
        elif what == 12 and isinstance(s.get("say"), dict):
            s["say"]["zh"] = str(s["say"].get("zh", "")) + "{" + rng.choice(ids + ["total", "change", "customer.title", "amount", "password", "receipt_no"]) + "}"
        elif what == 13:
            data["print"] = rng.choice([["slip", "slip"], ["void"], ["invoice"], ["bill", "ticket"], []])
        elif what == 14:
            data["documents"] = rng.choice([
                {"any_of": ["service_password", "id_card"], "missing": rng.choice(ids + ["nowhere"])},
                {"all_of": [{"id": "letter", "checked_by": [rng.choice(ids + ["nowhere"])], "party": rng.choice(["holder", "party", "agent"])}]},
                {"all_of": ["numbr", "number"]},
            ])
        elif what == 15:
            data["party"] = {"label": {"zh": "代办人"}, "name": rng.choice(ids + ["nobody"])}
        elif what == 16:
            data["refusals"] = {rng.choice(["holder_name_matches", "id_quota", "nope"]): {"zh": "不行{" + rng.choice(["customer.number", "x"]) + "}"}}
        elif what == 17 and isinstance(s.get("input"), dict):
            s["input"]["min_yuan" if rng.random() < 0.5 else "min_fen"] = rng.choice(["30", "99999", "0.5"])
    return data


def walk_one(rng: random.Random, tally: Tally, loaded, template: Path, what: str) -> None:
    from teller.clock import hall_zone
    from teller.simulation import Sandbox, walk

    answers: dict[str, list[str]] = {}
    for step in loaded.procedure.steps:
        spec = step.input
        if spec is None:
            continue
        if spec.kind == "choice":
            values = [c.value for c in spec.choices or []] or ["x"]
            answers[spec.field] = [rng.choice(values) for _ in range(3)]
        else:
            answers[spec.field] = [rng.choice(ANSWERS.get(spec.kind, ["x"])) for _ in range(3)]
    try:
        with Sandbox(layouts_dir=REPO / "receipts", at=datetime(2026, 11, 23, 10, 0, tzinfo=hall_zone()), template=template) as box:
            walked = walk(box, loaded, answers, number=rng.choice(NUMBERS))
    except TellerError:
        return
    except Exception:  # noqa: BLE001
        tally.fail(f"{what}: the walk raised\n{traceback.format_exc(limit=4)}")
        return
    tally.walked += 1
    for visit in walked.visits:
        if visit.total_fen != sum(f.amount_fen for f in visit.fees):
            tally.lost += 1
            tally.notes.append(f"{what}: total {visit.total_fen} is not the sum of its fee lines")
        if visit.total_fen and visit.tendered_fen < visit.total_fen:
            tally.lost += 1
            tally.notes.append(f"{what}: {visit.total_fen} due, {visit.tendered_fen} tendered, and it committed")


def campaign(runs: int = DEFAULT_RUNS, seed: int = 1, walk_every: int = WALK_EVERY) -> Tally:
    from teller.simulation import demo_template

    rng = random.Random(seed)
    tally = Tally()
    sources = {p: safe_yaml.parse(p.read_text(encoding="utf-8"))[1] for p in SOURCES}
    template = demo_template() if walk_every else None
    for run in range(runs):
        src = rng.choice(SOURCES)
        data = mutate(rng, sources[src])
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        what = f"run {run} ({src.stem}, seed {seed})"
        tally.runs += 1
        started = time.perf_counter()
        try:
            loaded = parse(text, "fuzz.yaml", context=CONTEXT)
        except ProcedureError as exc:
            lines = text.count("\n") + 1
            for p in exc.problems:
                if p.line is not None and not 1 <= p.line <= lines:
                    tally.fail(f"{what}: line {p.line} outside the file: {p}")
                if "please report it" in p.message or p.message.startswith("unexpected error"):
                    tally.fail(f"{what}: the checks fell through: {p}")
            loaded = None
        except Exception:  # noqa: BLE001
            tally.fail(f"{what}: parse raised\n{traceback.format_exc(limit=4)}")
            continue
        if time.perf_counter() - started > SLOW_S:
            tally.fail(f"{what}: took {time.perf_counter() - started:.2f} s")
        if loaded is None:
            continue
        tally.loaded += 1
        if walk_every and run % walk_every == 0:
            walk_one(rng, tally, loaded, template, what)
    return tally


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--walk-every", type=int, default=WALK_EVERY, help="walk every n-th mutant that loads (0: never)")
    args = ap.parse_args(argv)
    tally = campaign(args.runs, args.seed, args.walk_every)
    for note in tally.notes:
        print(note)
    print(f"({tally.loaded} mutants loaded, {tally.walked} walked)")
    print(f"{tally.runs} runs · {tally.failures} failures · {tally.lost} data lost")
    return 1 if tally.failures or tally.lost else 0


if __name__ == "__main__":
    sys.exit(main())
