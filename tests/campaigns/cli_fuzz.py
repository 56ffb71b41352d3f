"""A seeded fuzz of teller-admin: bad arguments for every command, against a temporary home.

    python -m tests.campaigns.cli_fuzz                 # 200 cases, a few seconds
    python -m tests.campaigns.cli_fuzz --runs 5000 --seed 7

Each case is one command with one or more of its arguments replaced by something hostile (huge
numbers, the ends of the calendar, empty strings, control characters, unicode, reversed
ranges, long strings, CSV files with huge fields, bad encodings or formulas), run through
Typer's CliRunner (a few through `python -m teller.cli.main` in a subprocess). A case fails when:
- the exit code is not 0, 1 or 2, or an exception escaped (a traceback);
- "Traceback" or a boxed error panel reaches the output;
- it failed and its last line on stderr is not one line that, for a usage error (exit 2),
  names one of the options, arguments or files of the command.
Data lost: a command that failed changed the transactions, the customers, or an existing
audit entry (entries appended by a refused log-in are expected; rewriting or dropping one is not).
Prints `runs · failures · data lost`.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.homes import copy_sources

REPO = Path(__file__).resolve().parents[2]

# ---- hostile values ----------------------------------------------------------------------------
TEXT = ["", " ", "\x00", "\x1b[2J\x1b[31mred", "a" * 5000, "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3",
        "'; DROP TABLE audit; --", "\u202eevil", "😀" * 40, "王" * 300, "\r\n", "line\nbreak", "\t", "NULL", "%s%n", "../../etc/passwd"]
DATES = ["0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30", "2026-13-01", "", " ", "２０２６-１１-２３",
         "2026-11-23\n", "\x00", "9" * 50, "-1", "2026-11-23T00:00", "1969-12-31", "3000-01-01", "23/11/2026", "today"]
AMOUNTS = ["9" * 20, "9" * 400, "1e400", "nan", "inf", "-1", "0", "", "¥", "1.001", "１２", "\x1b[31m1", "1,000,000.00",
           "0x10", "10000000.01", "  5  ", "5元"]
COUNTS = ["100=" + "9" * 20, "inf=1", "nan=1", "100=-1", "=", "", ",,,", "100=1=2", "1e400=1", "3=2", "100=1.5",
          "x" * 5000, "100=１", "100=99999", "100=100000", "0.5=" + "9" * 4400, "１００=1"]
INTS = ["0", "-1", "9" * 20, "abc", "1e3", "", "58.0", "80"]
STAFF = ["", "1001", "9001", "9" * 20, "\x00", "0000", "１００１"]
PINS = ["", "0000", "9" * 20, "\x00", "１２３４", "1234"]
RECEIPTS = ["", "01-20261123-0001", "01-99999999-9999", "\x00", "x" * 3000, "01-20261123-" + "9" * 20]
FORMATS = ["xml", "", "JSON", "table;"]
REPORTS = ["daily", "period", "prepay-arrears", "procedures", "bands", "retention", "complaints", "exceptions", "", "nonsense", "../x"]
ROLES = ["clerk", "supervisor", "", "root", "\x00"]


def csv_files(folder: Path) -> list[Path]:
    """Hostile customer files (and a few that are not files at all)."""
    from teller.domain.catalog import demo_id

    good_id = demo_id("11010519900307451")
    head = "number,name,id_number,plan,balance\n"
    files = {
        "huge_field.csv": head + f"13900000001,张三,{good_id},{'x' * 200_000},0\n",
        "huge_balance.csv": head + f"13900000001,张三,{good_id},jiayuan,{'9' * 20}\n",
        "neg_balance.csv": head + f"13900000001,张三,{good_id},jiayuan,-{'9' * 20}\n",
        "formula.csv": head + f"13900000001,=HYPERLINK(\"x\"),{good_id},jiayuan,0\n",
        "nul.csv": head + "13900000001,张\x00三,x,jiayuan,0\n",
        "header_only.csv": head,
        "empty.csv": "",
        "many_columns.csv": head + ",".join(["1"] * 5000) + "\n",
        "unknown_column.csv": "number,name,id_number,plan,evil\n1,2,3,4,5\n",
        "quote.csv": head + '13900000001,"unterminated,x,jiayuan,0\n',
        "control.csv": head + f"13900000001,\x1b[2J张三,{good_id},jiayuan,0\n",
    }
    out = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        out.append(path)
    bad = folder / "bad_encoding.csv"
    bad.write_bytes(b"number,name\n\xff\xfe\x80\x81\x00\n")
    gbk = folder / "gb18030.csv"
    gbk.write_bytes((head + f"13900000002,李四,{good_id},jiayuan,1\n").encode("gb18030"))
    out += [bad, gbk, folder, folder / "missing.csv"]
    return out


# ---- the commands -----------------------------------------------------------------------------
@dataclass
class Slot:
    """One argument of a command: its option name (None for a positional), a good value, hostile ones."""

    option: str | None
    good: str | None
    bad: list[str]
    name: str = ""  # how Typer names a positional in its messages (AMOUNT, RECEIPT_NO, ...)


@dataclass
class Command:
    words: list[str]
    slots: list[Slot] = field(default_factory=list)


def catalogue(files: list[Path], tmp: Path) -> list[Command]:
    paths = [str(p) for p in files]
    out_paths = ["", str(tmp), str(tmp / "no" / "such" / "dir" / "x.db"), str(tmp / ("n" * 300)), "\x00"]
    fmt = Slot("--format", "table", FORMATS)
    clerk = [Slot("--clerk", "1001", STAFF), Slot("--pin", "1234", PINS)]
    return [
        Command(["db", "init"]),
        Command(["db", "check"]),
        Command(["db", "backup"], [Slot(None, str(tmp / "backup.db"), out_paths, "PATH")]),
        Command(["seed", "demo"]),
        Command(["procedures", "list"]),
        Command(["procedures", "validate"], [Slot(None, str(REPO / "scripts_yaml"), paths + TEXT[:6], "PATHS")]),
        Command(["procedures", "show"], [Slot(None, "payment", TEXT + paths[:3], "ID")]),
        Command(["procedures", "diagram"], [Slot(None, "payment", TEXT + paths[:3], "ID")]),
        Command(["procedures", "schema"], [Slot("--output", str(tmp / "schema.json"), out_paths)]),
        # procedure authoring (issue 10): a skeleton, a walk on a throwaway copy, the cases, layouts
        Command(["procedures", "new"], [Slot(None, "fuzz_new", TEXT + ["Bad-Id", "payment"], "ID"), Slot("--operation", "pay", TEXT + ["pya"]),
                                        Slot("--output", str(tmp / "new.yaml"), out_paths), Slot("--title", "新业务", TEXT)]),
        Command(["procedures", "simulate"], [Slot(None, "payment", TEXT + paths[:3], "FILE"), Slot("--number", "13800138000", TEXT),
                                             Slot("--answer", "holder_name=王小明", TEXT + ["=", "amount", "amount=" + "9" * 40]),
                                             Slot("--at", "2026-11-23 10:00", DATES + TEXT[:4]), Slot("--waive", "9001:9999", TEXT)]),
        Command(["procedures", "test"], [Slot(None, str(REPO / "scripts_yaml" / "cases" / "payment.yaml"), paths + TEXT[:6], "PATH"),
                                         Slot("--name", "gate", TEXT)]),
        Command(["receipts", "validate"], [Slot(None, str(REPO / "receipts"), paths + TEXT[:6], "PATHS")]),
        Command(["tx", "list"], [Slot("--date", "2026-11-23", DATES), fmt]),
        Command(["tx", "void"], [Slot(None, "01-20261123-0001", RECEIPTS, "RECEIPT_NO"),
                                 Slot("--reason", "duplicate", TEXT), Slot("--supervisor", "9001", STAFF), Slot("--pin", "0000", PINS),
                                 Slot("--by", "1001", STAFF)]),
        Command(["receipts", "reprint"], [Slot(None, "01-20261123-0001", RECEIPTS, "RECEIPT_NO"), Slot("--supervisor", "9001", STAFF),
                                          Slot("--pin", "0000", PINS), Slot("--layout", "slip", TEXT), Slot("--copy", "1", INTS)]),
        Command(["receipts", "pending"], [fmt]),
        Command(["receipts", "test-page"], [Slot("--paper", "58", INTS)]),
        Command(["settle", "open"], [*clerk, Slot("--float", "100=2", COUNTS), Slot("--counter", "01", TEXT)]),
        Command(["settle", "cash-in"], [Slot(None, "10", AMOUNTS, "AMOUNT"), Slot("--reason", "零钱", TEXT), *clerk]),
        Command(["settle", "cash-out"], [Slot(None, "10", AMOUNTS, "AMOUNT"), Slot("--reason", "上缴", TEXT), *clerk]),
        Command(["settle", "close"], [*clerk, Slot("--count", "100=2", COUNTS), Slot("--supervisor", "9001", STAFF),
                                      Slot("--supervisor-pin", "0000", PINS), Slot("--note", "x", TEXT)]),
        Command(["settle", "day"], [*clerk, Slot("--date", "2026-11-22", DATES)]),
        Command(["settle", "show"], [Slot("--date", "2026-11-23", DATES), fmt]),
        Command(["report"], [Slot(None, "daily", REPORTS, "NAME"), Slot("--from", "2026-11-01", DATES),
                             Slot("--to", "2026-10-01", DATES), fmt]),
        Command(["clerks", "list"], [fmt]),
        Command(["clerks", "add"], [Slot(None, "1050", STAFF + TEXT[:8], "STAFF_NO"), Slot(None, "测试", TEXT, "NAME"),
                                    Slot("--role", "clerk", ROLES), Slot("--pin", "4826", PINS)]),
        Command(["clerks", "set-pin"], [Slot(None, "1050", STAFF, "STAFF_NO"), Slot("--pin", "5937", PINS)]),
        Command(["clerks", "set-role"], [Slot(None, "1050", STAFF, "STAFF_NO"), Slot(None, "clerk", ROLES, "ROLE")]),
        Command(["clerks", "disable"], [Slot(None, "1050", STAFF, "STAFF_NO")]),
        Command(["clerks", "enable"], [Slot(None, "1050", STAFF, "STAFF_NO")]),
        Command(["clerks", "unlock"], [Slot(None, "1050", STAFF, "STAFF_NO"), Slot("--supervisor", "9001", STAFF), Slot("--pin", "0000", PINS)]),
        Command(["audit", "verify"]),
        Command(["audit", "show"], [Slot("--since", "2026-11-23", DATES), Slot("--clerk", "1001", STAFF),
                                    Slot("--action", "login", TEXT), fmt]),
        Command(["customers", "import"], [Slot(None, paths[0], paths, "FILE")]),
        Command(["practice", "scenarios", "list"], [fmt]),
        Command(["practice", "scenarios", "show"], [Slot(None, "payment_arrears", TEXT + paths[:3], "ID")]),
        Command(["practice", "scenarios", "validate", "--no-run"], [Slot(None, str(REPO / "scripts_yaml" / "scenarios"), paths + TEXT[:6], "PATHS")]),
        Command(["practice", "results"], [Slot("--trainee", "1001", STAFF), Slot("--scenario", "payment_routine", TEXT), fmt]),
        Command(["practice", "report"], [Slot(None, "1001", STAFF, "STAFF"), Slot("--format", "json", FORMATS)]),
        Command(["practice", "assign"], [Slot(None, "1001", STAFF, "STAFF"), Slot(None, "payment_routine", TEXT, "SCENARIO..."),
                                         Slot("--title", "x", TEXT), Slot("--by", "8001", STAFF)]),
        Command(["orders", "list"], [Slot("--date", "2026-11-23", DATES), Slot("--kind", "billing_info", TEXT),
                                     Slot("--number", "13800138000", TEXT), fmt]),
        Command(["deposits", "list"], [Slot("--status", "held", TEXT), Slot("--number", "13800138000", TEXT), fmt]),
    ]


def make_case(rng: random.Random, command: Command) -> tuple[list[str], list[str]]:
    """argv of one case (at least one hostile value when the command takes any) and the names a
    usage error may give (options, positional names, the values of file arguments)."""
    hostile = {rng.randrange(len(command.slots))} if command.slots else set()
    for i in range(len(command.slots)):
        if rng.random() < 0.25:
            hostile.add(i)
    argv, names = list(command.words), []
    for i, slot in enumerate(command.slots):
        value = rng.choice(slot.bad) if i in hostile else slot.good
        if slot.option is None:
            names.append(slot.name)
            if value is not None:
                argv.append(value)
                names.append(value[:60])
        elif value is not None:
            argv += [slot.option, value]
            names.append(slot.option)
    names += [a[:2] for a in argv if a.startswith("-")]  # "-2+3" as a positional reads as the short option -2
    return argv, [n for n in names if n]


# ---- running and judging ----------------------------------------------------------------------
def snapshot(db: Path) -> dict:
    with sqlite3.connect(db) as con:
        return {
            "transactions": con.execute('SELECT * FROM "transaction" ORDER BY id').fetchall(),
            "customers": con.execute("SELECT * FROM customer ORDER BY rowid").fetchall(),
            "audit": con.execute("SELECT id, hash FROM audit ORDER BY id").fetchall(),
        }


def data_lost(before: dict, after: dict) -> str:
    if before["transactions"] != after["transactions"]:
        return "transactions changed"
    if before["customers"] != after["customers"]:
        return "customers changed"
    if after["audit"][: len(before["audit"])] != before["audit"]:
        return "an existing audit entry changed or went missing"
    return ""


def judge(code: int, out: str, err: str, names: list[str], escaped: BaseException | None) -> str:
    """'' when the case behaved; else why not."""
    if escaped is not None and not isinstance(escaped, SystemExit):
        return f"exception escaped: {type(escaped).__name__}: {str(escaped)[:120]}"
    if code not in (0, 1, 2):
        return f"exit code {code}"
    text = out + err
    if "Traceback" in text or "╭─ Error" in text:
        return "traceback or error panel in the output"
    if code == 0:
        return ""
    lines = [line for line in err.splitlines() if line.strip()]
    if not lines:
        return "failed without a message on stderr"
    if code == 2 and not any(name.lower() in lines[-1].lower() for name in names):
        return f"usage error does not name an option, argument or file: {lines[-1][:160]!r}"
    return ""


def setup_home(root: Path) -> Path:
    """A temporary home with the demo hall, an open shift and two committed payments."""
    from typer.testing import CliRunner

    from teller.cli.main import app
    from teller.config import load_settings
    from teller.desk import Desk
    from tests.support.flows import pay

    home = root / "home"
    home.mkdir()
    copy_sources(home)
    runner = CliRunner()
    for argv in (["db", "init"], ["seed", "demo"]):
        result = runner.invoke(app, ["--home", str(home), *argv])
        assert result.exit_code == 0, result.output
    desk = Desk(load_settings(home=home)).open()
    try:
        desk.login("1001", "1234")
        desk.open_shift({10000: 2})
        for amount in ("20", "35"):
            pay(desk, amount=amount)
    finally:
        desk.close()
    return home


def campaign(runs: int = 200, seed: int = 1, subprocesses: int = 2, verbose: bool = False) -> tuple[int, list[str], int]:
    """Run `runs` cases; returns (runs, failure descriptions, data lost count)."""
    from typer.testing import CliRunner

    from teller.cli.main import app

    rng = random.Random(seed)
    failures: list[str] = []
    lost = 0
    saved = {k: os.environ.pop(k, None) for k in ("TELLER_HOME", "TELLER_CONFIG", "TELLER_PIN", "TELLER_SUPERVISOR_PIN")}
    with tempfile.TemporaryDirectory(prefix="cli-fuzz-") as tmp:
        root = Path(tmp)
        home = setup_home(root)
        db = home / "db" / "teller.db"
        files_dir = root / "files"
        files_dir.mkdir()
        commands = catalogue(csv_files(files_dir), root)
        runner = CliRunner()
        sub_at = set(rng.sample(range(runs), min(subprocesses, runs)))
        for i in range(runs):
            argv, names = make_case(rng, rng.choice(commands))
            before = snapshot(db)
            if i in sub_at:
                argv = [a.replace("\x00", "") for a in argv]  # a NUL cannot be passed to exec
                env = {**os.environ, "PYTHONPATH": str(REPO)}
                proc = subprocess.run([sys.executable, "-m", "teller.cli.main", "--home", str(home), *argv],
                                      capture_output=True, text=True, cwd=REPO, env=env, stdin=subprocess.DEVNULL, timeout=120)
                code, out, err, escaped = proc.returncode, proc.stdout, proc.stderr, None
            else:
                result = runner.invoke(app, ["--home", str(home), *argv])
                code, out, err, escaped = result.exit_code, result.stdout, result.stderr, result.exception
            why = judge(code, out, err, names, escaped)
            loss = data_lost(before, snapshot(db)) if code != 0 else ""
            if loss:
                lost += 1
                why = f"{why}; " if why else ""
                why += f"data lost: {loss}"
            if why:
                failures.append(f"{argv!r:.300}: {why}")
            if verbose:
                print(f"{i:5d} exit {code} {argv!r:.120}")
    for key, value in saved.items():
        if value is not None:
            os.environ[key] = value
    return runs, failures, lost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="cases to run (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--subprocesses", type=int, default=2, help="cases run through `python -m teller.cli.main`")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    started = time.monotonic()
    runs, failures, lost = campaign(args.runs, args.seed, args.subprocesses, args.verbose)
    for failure in failures[:30]:
        print("✗", failure)
    print(f"cli fuzz (seed {args.seed}, {time.monotonic() - started:.1f} s): {runs} runs · {len(failures)} failures · {lost} data lost")
    return 1 if failures or lost else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
