"""Loader fuzz campaign: mutated copies of the shipped YAML files through the real loaders.

Each run takes one shipped file (a procedure from scripts_yaml/ or a receipt layout from
receipts/), applies one to three seeded mutations — byte flips, line deletions and
duplications, indentation changes, tabs, anchors and aliases (recursive and "billion
laughs"), deep nesting, huge keys, many keys, many steps, wrong types, odd unicode,
truncation, an oversize file — and loads it with `load_file` (procedures) or `load_layout`
(layouts). Every few runs the mutant is also dropped into a copy of the whole procedure
folder and `load_folder` must still load every good procedure.

A run fails when
- an exception other than the loader's own error escapes (a traceback),
- a reported problem does not name the file, or names a line outside the file,
- one load takes more than a second.
"Data lost" counts good procedures that did not load because a bad file sat beside them.

    python tests/campaigns/loader_fuzz.py            # the small run CI makes (300 runs)
    python tests/campaigns/loader_fuzz.py --runs 20000 --seed 7

Prints `runs · failures · data lost`; exit status 1 when anything failed or was lost.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from teller.errors import ProcedureError  # noqa: E402
from teller.printing.layouts import LayoutError, load_layout  # noqa: E402
from teller.procedures.loader import load_file, load_folder  # noqa: E402

SLOW_S = 1.0
DEFAULT_RUNS = 300
FOLDER_EVERY = 25  # every n-th run also loads the mutant beside the good procedures


# ---- mutations (bytes in, bytes out) ---------------------------------------------------------------
def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def byte_flip(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


def delete_lines(rng, data):
    lines = _lines(data)
    for _ in range(rng.randint(1, 4)):
        if len(lines) > 1:
            del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def duplicate_lines(rng, data):
    lines = _lines(data)
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randint(1, 8))
    return b"\n".join(lines[:j] + lines[i:j] * rng.randint(1, 3) + lines[j:])


def reindent(rng, data):
    lines = _lines(data)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            lines[i] = b" " * rng.randint(1, 5) + lines[i]
        else:
            lines[i] = lines[i].lstrip(b" ")
    return b"\n".join(lines)


def tabs(rng, data):
    lines = _lines(data)
    indented = [i for i, line in enumerate(lines) if line.startswith(b"  ")] or [0]
    i = rng.choice(indented)
    lines[i] = b"\t" + lines[i].lstrip(b" ")
    return b"\n".join(lines)


def anchor_alias(rng, data):
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if b": " in line] or [0]
    i = rng.choice(keyed)
    lines[i] = lines[i].replace(b": ", b": &a ", 1)
    j = rng.randint(i, len(lines))
    indent = len(lines[i]) - len(lines[i].lstrip(b" "))
    lines.insert(j, b" " * indent + b"again: *a")
    return b"\n".join(lines)


def recursive_alias(rng, data):
    forms = [b"loop: &r [*r]\n", b"loop: &r {self: *r}\n", b"loop: &r [1, [2, *r]]\n"]
    return (rng.choice(forms) + data) if rng.random() < 0.5 else (data + b"\n" + rng.choice(forms))


def billion_laughs(rng, data):
    levels = rng.randint(4, 12)
    out = [b'lol0: &l0 "lol"']
    for n in range(1, levels):
        out.append(b"lol%d: &l%d [%s]" % (n, n, b",".join([b"*l%d" % (n - 1)] * 9)))
    bomb = b"\n".join(out) + b"\n"
    return bomb + data if rng.random() < 0.5 else data + b"\n" + bomb


def deep_nesting(rng, data):
    n = rng.choice([17, 40, 200, 1000, 5000, 50_000])
    if rng.random() < 0.5:
        deep = b"deep: " + b"[" * n + b"]" * n + b"\n"
    else:
        n = min(n, 2000)
        deep = b"".join(b"  " * k + b"k%d:\n" % k for k in range(n)) + b"  " * n + b"end: 1\n"
    return data + b"\n" + deep


def huge_key(rng, data):
    size = rng.choice([100, 1_000, 10_000, 200_000])
    key = rng.choice([b"k", "键".encode(), b"x "]) * size
    return data + b"\n" + key + b": 1\n"


def many_keys(rng, data):
    n = rng.choice([500, 5_000, 20_000, 100_000])
    return data + b"\n" + b"".join(b"k%d: %d\n" % (i, i) for i in range(n))


def many_steps(rng, data):
    lines = _lines(data)
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith(b"  - id:"))
    except StopIteration:
        start = next((i for i, line in enumerate(lines) if line.startswith(b"  - ")), 0)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(b"  - ")), len(lines))
    block = lines[start:end]
    copies = []
    for n in range(rng.choice([50, 201, 1000])):
        copies += [line.replace(b"- id: ", b"- id: s%d_" % n, 1) for line in block]
    return b"\n".join(lines[:start] + copies + lines[start:])


WRONG = [b"[1, 2]", b"{a: 1}", b"~", b"2026-02-30", b"!!binary AAAA", b"1e999", b"9" * 5000, b"yes",
         b"!!python/object/apply:os.system ['true']", b"!!set {a}", b'"\\x00"', b"-1", b"''", b"!!float nan"]


def wrong_types(rng, data):
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if b": " in line and not line.rstrip().endswith(b":")] or [0]
    for _ in range(rng.randint(1, 3)):
        i = rng.choice(keyed)
        head, _, _ = lines[i].partition(b": ")
        lines[i] = head + b": " + rng.choice(WRONG)
    return b"\n".join(lines)


ODD = ["\x00", "\x1b[31m", "\u202e", "\ufeff", "\u2028", "\x85", "\u3000", "😀", "𠀀", "\r", "\x7f", "键：值", "\u0301"]


def odd_unicode(rng, data):
    text = data.decode("utf-8", "replace")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(text) + 1)
        text = text[:i] + rng.choice(ODD) + text[i:]
    return text.encode("utf-8")


def bad_utf8(rng, data):
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe9\x94"]) + data[i:]


def truncate(rng, data):
    return data[: rng.randrange(len(data) + 1)]


def oversize(rng, data):
    return data + b"\n# " + b"x" * rng.choice([130_000, 2_000_000]) + b"\n"


MUTATIONS = [byte_flip, delete_lines, duplicate_lines, reindent, tabs, anchor_alias, recursive_alias,
             billion_laughs, deep_nesting, huge_key, many_keys, many_steps, wrong_types, odd_unicode,
             bad_utf8, truncate, oversize]


# ---- the campaign ------------------------------------------------------------------------------------
@dataclass
class Tally:
    runs: int = 0
    failures: int = 0
    lost: int = 0
    slowest_s: float = 0.0
    refused: int = 0
    loaded: int = 0
    notes: list[str] = field(default_factory=list)

    def fail(self, note: str) -> None:
        self.failures += 1
        if len(self.notes) < 20:
            self.notes.append(note)


def _check_problems(tally: Tally, problems, path: Path, line_count: int, what: str) -> None:
    for p in problems:
        if p.path != str(path) or not str(p).startswith(str(path)):
            tally.fail(f"{what}: problem does not name the file: {p!r}")
        elif p.line is not None and not (1 <= p.line <= line_count + 1):
            tally.fail(f"{what}: line {p.line} outside the file ({line_count} lines): {p!r}")
        elif p.message.startswith("unexpected error") or "please report it" in p.message:
            tally.fail(f"{what}: loader fell through to its catch-all: {p!r}")


def _check_layout_error(tally: Tally, exc: LayoutError, path: Path, line_count: int, what: str) -> None:
    message = str(exc)
    if not message.startswith(str(path)):
        tally.fail(f"{what}: layout error does not name the file: {message[:200]}")
        return
    rest = message[len(str(path)):]
    if rest.startswith(":") and rest[1:].split(":", 1)[0].isdigit():
        line = int(rest[1:].split(":", 1)[0])
        if not 1 <= line <= line_count + 1:
            tally.fail(f"{what}: line {line} outside the file: {message[:200]}")


def one_run(rng: random.Random, tally: Tally, work: Path, sources: list[Path], run: int) -> None:
    src = rng.choice(sources)
    data = src.read_bytes()
    names = []
    for mutate in rng.sample(MUTATIONS, rng.randint(1, 3)):
        data = mutate(rng, data)
        names.append(mutate.__name__)
    what = f"run {run} {src.parent.name}/{src.name} [{', '.join(names)}]"
    folder = work / f"r{run}"
    folder.mkdir()
    path = folder / src.name
    path.write_bytes(data)
    line_count = data.count(b"\n") + 1
    started = time.perf_counter()
    try:
        if src.parent.name == "receipts":
            try:
                load_layout.__wrapped__(str(folder), src.stem)  # past the cache: every run really reads
                tally.loaded += 1
            except LayoutError as exc:
                tally.refused += 1
                _check_layout_error(tally, exc, path, line_count, what)
        else:
            try:
                load_file(path)
                tally.loaded += 1
            except ProcedureError as exc:
                tally.refused += 1
                _check_problems(tally, exc.problems, path, line_count, what)
    except Exception:  # noqa: BLE001 - the very thing this campaign hunts
        tally.fail(f"{what}: traceback\n{traceback.format_exc(limit=4)}")
    took = time.perf_counter() - started
    tally.slowest_s = max(tally.slowest_s, took)
    if took > SLOW_S:
        tally.fail(f"{what}: took {took:.2f} s")
    if src.parent.name == "scripts_yaml" and run % FOLDER_EVERY == 0:
        _folder_run(tally, work, src, data, run, what)
    shutil.rmtree(folder, ignore_errors=True)


def _folder_run(tally: Tally, work: Path, src: Path, data: bytes, run: int, what: str) -> None:
    """The mutant beside every good procedure: all the good ones still load, the folder fast."""
    folder = work / f"folder{run}"
    shutil.copytree(REPO / "scripts_yaml", folder)
    (folder / f"zz_mutant_{src.name}").write_bytes(data)
    expected = {p.stem for p in (REPO / "scripts_yaml").glob("*.yaml")}
    started = time.perf_counter()
    try:
        good, problems = load_folder(folder)
    except Exception:  # noqa: BLE001
        tally.fail(f"{what} (folder): traceback\n{traceback.format_exc(limit=4)}")
        tally.lost += len(expected)
        return
    finally:
        took = time.perf_counter() - started
    if took > SLOW_S * 2:
        tally.fail(f"{what} (folder): took {took:.2f} s")
    got = {g.path.stem for g in good}
    tally.lost += len(expected - got)
    for p in problems:
        if Path(p.path).parent != folder:
            tally.fail(f"{what} (folder): problem does not name a file of the folder: {p!r}")
    shutil.rmtree(folder, ignore_errors=True)


def campaign(runs: int = DEFAULT_RUNS, seed: int = 1) -> Tally:
    rng = random.Random(seed)
    sources = sorted((REPO / "scripts_yaml").glob("*.yaml")) + sorted((REPO / "receipts").glob("*.yaml"))
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="loader_fuzz_") as tmp:
        work = Path(tmp)
        for run in range(1, runs + 1):
            one_run(rng, tally, work, sources, run)
            tally.runs += 1
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"mutated files to load (default {DEFAULT_RUNS})")
    parser.add_argument("--seed", type=int, default=1, help="random seed (the same seed gives the same files)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tally = campaign(args.runs, args.seed)
    for note in tally.notes:
        print(note)
    print(f"loaded {tally.loaded} · refused {tally.refused} · slowest load {tally.slowest_s * 1000:.0f} ms · "
          f"{time.perf_counter() - started:.1f} s in all (seed {args.seed})")
    print(f"{tally.runs} runs · {tally.failures} failures · {tally.lost} data lost")
    return 1 if tally.failures or tally.lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
