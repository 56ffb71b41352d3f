"""Drill campaign: seeded random trainees drill the shipped scenarios on one practice PC.

Each run picks a scenario and a trainee (1001 / 1002 taking turns, as on a shared practice PC)
and plays it as a hurried trainee would: mostly what the scripted customer says, sometimes a
wrong value, a random choice, Esc back or F8; every few runs a perfect trainee drills instead.
Each drill is scored and stored. Checked after every run:

- the score is 0..100 and explains itself (outcome + time + mistakes); 100 only for the right
  ending, every detail right, no mistake; a wrong ending at most 30;
- a perfect drill scores 100 whatever earlier drills did to the same subscribers (the stage);
- the stored attempt has the score, the ending and exactly the breakdown's mistakes (data lost
  otherwise), and the live database is never created.

    python tests/campaigns/drills.py [--runs 200] [--seed 1]

prints `runs · failures · data lost`.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def wrong_value(rng: random.Random, kind: str) -> str:
    pool = {
        "phone": ["13800000000", "12345", "1391234567x", ""],
        "text": ["某某", "", "x" * 70],
        "money": ["0", "-5", "abc", "7", "99999999"],
        "cash": ["1", "abc", ""],
        "id_number": ["110101198507072316", "123", "11010119850707231X"],
        "password": ["000000", "12", "999999"],
        "new_password": ["123456", "111111", "12"],
        "date": ["2020-01-01", "tomorrow", ""],
        "datetime": ["2020-01-01 10:00", "x"],
        "supervisor_pin": ["0000", "1"],
    }.get(kind, ["?"])
    return rng.choice(pool)


def hurried(run, rng: random.Random, *, max_moves: int = 80) -> None:
    """Play a drill as a trainee who makes mistakes; stops when the visit is over (or gives up)."""
    from teller.errors import InputRefused, TellerError
    from teller.practice.scenario import resolve

    drill = run.drill
    for _ in range(max_moves):
        if run.state == "stopped":
            return
        if run.state != "active":
            return
        step = run.step
        roll = rng.random()
        if roll < 0.04:
            run.cancel()
            return
        if roll < 0.09 and run.back():
            continue
        try:
            if step.kind != "input":
                run.submit(None)
                continue
            line = drill.line(step.id)
            if step.input.kind == "choice" and (line is None or roll < 0.2):
                options = run.options()
                run.submit(rng.choice(options).value if options else "")
            elif line is None or roll < 0.25:
                run.submit(wrong_value(rng, step.input.kind))
            elif line.choose == "any":
                run.submit(run.options()[0].value)
            else:
                if line.first is not None and rng.random() < 0.5:
                    try:
                        run.submit(resolve(line.first, drill.now))
                    except InputRefused:
                        pass
                    if run.state != "active" or run.step.id != step.id:
                        continue
                run.submit(drill.answer(line))
        except InputRefused:
            if line is not None and getattr(line, "refused", False) and rng.random() < 0.7:
                run.cancel()
                return
        except TellerError:
            run.cancel()  # a commit refused by the operation itself
            return


def check(result, stored, mistakes_stored) -> list[str]:
    b = result.breakdown
    out = []
    if not 0 <= b.score <= 100 or b.score != b.outcome_points + b.time_points + b.mistake_points:
        out.append(f"score {b.score} != {b.outcome_points}+{b.time_points}+{b.mistake_points}")
    if b.score == 100 and (b.mistakes or not b.outcome_ok or not b.within):
        out.append("100 without a clean, right, timely drill")
    if not b.ending_ok and b.score > 30:
        out.append(f"wrong ending scored {b.score}")
    if stored is None:
        out.append("attempt not stored")
    elif (stored[0], stored[1]) != (b.score, result.actual.kind):
        out.append(f"stored {stored} != {(b.score, result.actual.kind)}")
    if sorted(mistakes_stored) != sorted((m.kind, m.step) for m in b.mistakes):
        out.append(f"mistakes stored {mistakes_stored} != {[(m.kind, m.step) for m in b.mistakes]}")
    return out


def campaign(runs: int = 30, seed: int = 1, verbose: bool = False) -> tuple[int, list[str], int]:
    from teller.config import load_settings
    from teller.desk import Desk
    from teller.practice.drill import play
    from teller.practice.records import finish_drill, load_scenarios, start_drill

    rng = random.Random(seed)
    failures: list[str] = []
    lost = 0
    with tempfile.TemporaryDirectory(prefix="teller-drills-") as tmp:
        home = Path(tmp)
        from tests.support.homes import copy_sources

        copy_sources(home, source=REPO)  # the shipped files only (never the checkout's spool)
        settings = load_settings(home=home).for_practice()
        desk = Desk(settings, clock=None).open()
        scenarios = load_scenarios(desk.settings, desk.procedures)[0]
        practice_db = home / "db" / "practice.db"
        pins = {"1001": "1234", "1002": "2345"}
        try:
            for i in range(runs):
                staff = "1001" if i % 2 == 0 else "1002"
                desk.login(staff, pins[staff])
                loaded = rng.choice(scenarios)
                perfect = i % 5 == 4
                run = start_drill(desk, loaded)
                if perfect:
                    play(run)
                else:
                    hurried(run, rng)
                result = finish_drill(desk, run)
                with sqlite3.connect(practice_db) as con:
                    stored = con.execute("select score, ending from practice_attempt where id = ?", (result.attempt_id,)).fetchone()
                    mistakes = con.execute("select kind, step from practice_mistake where attempt_id = ?", (result.attempt_id,)).fetchall()
                con.close()
                problems = check(result, stored, mistakes)
                if stored is None or len(mistakes) != len(result.breakdown.mistakes):
                    lost += 1
                if perfect and result.breakdown.score != 100:
                    problems.append(f"a perfect drill scored {result.breakdown.score}")
                for p in problems:
                    failures.append(f"run {i} {loaded.id} ({'perfect' if perfect else 'hurried'}): {p}")
                if verbose:
                    print(f"{i:4d} {staff} {loaded.id:28s} {result.actual.kind:10s} {result.breakdown.score:3d} "
                          f"{len(result.breakdown.mistakes)} mistakes")
                desk.logout()
            with sqlite3.connect(practice_db) as con:
                if con.execute("select count(*) from practice_attempt").fetchone()[0] != runs:
                    lost += 1
                    failures.append("attempts stored != runs")
            con.close()
            if (home / "db" / "teller.db").exists():
                failures.append("the live database was created")
        finally:
            desk.close()
    return runs, failures, lost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="drills to run (default 30)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    started = time.monotonic()
    runs, failures, lost = campaign(args.runs, args.seed, args.verbose)
    for failure in failures[:30]:
        print("✗", failure)
    print(f"drill campaign (seed {args.seed}, {time.monotonic() - started:.1f} s): {runs} runs · {len(failures)} failures · {lost} data lost")
    return 1 if failures or lost else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
