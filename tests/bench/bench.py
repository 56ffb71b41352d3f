"""Performance figures for the counter console.

    python -m tests.bench.bench [--quick] [--json]     # from the checkout's root
    python tests/bench/bench.py [--quick] [--json]

It prints figures beside the targets from the issue and never fails on wall time. It exits 1
only when a measurement could not be made (the app crashed, a screen never appeared, a
payment was not recorded), so `--quick` doubles as a CI smoke test of the whole console.
The whole run is bounded: about 50 s full and 30 s quick on an idle 2-core machine; every
wait has a timeout, no section starts after a budget (90 s, quick 60 s) and waits are cut
30 s past it.

What it measures, each in a fresh temporary teller home (a copy of scripts_yaml/ and
receipts/ with an empty teller.toml; the user's database, spool, settings and caches are
never touched):

1. cold start to the first screen: `python -m teller` and a minimal Textual app (a Static
   and an Input), spawned under a pseudo-terminal (80x24, xterm-256color), interleaved;
   time from spawn to the log-in title on screen. The console's first run compiles teller's
   byte code (reported apart), and "ready" is when the log-in screen says the database
   is open;
2. peak memory (VmHWM) of both processes, the console's once a payment has started;
3. keystroke-to-screen latency in the payment wizard's phone-number field and in the
   minimal app's Input: write one key to the pty, time to the first output byte, a digit
   and a backspace alternately, KEY_GAP apart;
4. commits, and commits with their receipts printed to the preview spool, per second,
   in-process with a fixed clock; receipts rendered per second per layout and paper width;
5. time to load all procedure files, warm (in-process) and in a fresh process;
6. the keystrokes a routine payment needs besides typed values, driven in the pty from the
   picker back to the picker, checked against the database and the spool (a second payment
   follows, to show the commit-to-screen time once first-use costs are paid);
7. keys typed while the database opens: from the first frame of the log-in screen until it
   says the database is open, keys into the staff-number field, timed as in 3;
8. every report over a generated year of transactions, in-process, and `teller-admin report`
   as a whole process (start-up, opening the desk, the query, the table) over the same data.

One temporary folder serves the whole bench: XDG_CACHE_HOME (python-escpos's capabilities
pickle is built by the first console and reused, as in production) and TMPDIR (which
catches the temp folder python-escpos leaves at every import). Children import the same
`teller` as the bench (PYTHONPATH is set to its checkout, ahead of any installed copy) and
write byte code as an installed program does: the first console start compiles teller's
modules (it is reported apart), later starts read them, as every start after installing.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

if __package__ in (None, ""):  # python tests/bench/bench.py: the checkout's teller and tests first
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

CTRL_Q = b"\x11"
ENTER = b"\r"
BACKSPACE = b"\x7f"
COLS, ROWS = 80, 24
KEY_GAP = 0.03  # seconds of quiet before each timed key
GRACE = 30.0  # seconds a started section may run past the budget before its waits are cut
MINI_MARK = "READY-MARK"
STAFF, PIN = "1001", "1234"
PAY_VALUES = ("13800138000", "王小明", None, "50", "50", None)  # number, holder, account, amount, cash, confirm

MINIMAL_APP = textwrap.dedent(
    f'''
    from textual.app import App
    from textual.widgets import Input, Static


    class Minimal(App):
        def compose(self):
            yield Static("{MINI_MARK}")
            yield Input(id="box")


    if __name__ == "__main__":
        Minimal().run()
    '''
)

_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1bP[^\x1b]*\x1b\\"  # DCS
    rb"|\x1b[()][0-9A-Za-z]"  # charset
    rb"|\x1b[@-Z\\-_=>78]"  # two-byte escapes
)


def _teller_root() -> Path:
    """The folder that holds the `teller` package this bench imports (the checkout)."""
    import teller

    return Path(teller.__file__).resolve().parents[1]


TELLER_ROOT = _teller_root()


class BenchError(Exception):
    """A measurement could not be made; the message says which and why."""


def plain(data: bytes) -> str:
    """Terminal output without escape sequences, for searching and for error reports."""
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def percentile(xs: list[float], p: float) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def tx_count(db: Path) -> int:
    """Transactions in a console's database, read without the app's code."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute('SELECT count(*) FROM "transaction"').fetchone()[0]
    finally:
        con.close()


# ---- pseudo-terminal sessions ---------------------------------------------------------------
class PtyApp:
    """One child process under a pty: spawn, read, wait for text, type, time keys, stop."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, *, label: str = "", cols: int = COLS, rows: int = ROWS) -> None:
        self.argv = argv
        self.label = label or " ".join(argv[1:3])
        self.t_spawn = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal before the app asks for it, then exec
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.chdir(cwd)
                os.execve(argv[0], argv, env)
            except BaseException as exc:  # noqa: BLE001 - report anything, then leave
                os.write(2, f"bench: exec failed: {exc}\n".encode())
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.out = bytearray()
        self.eof = False
        self.returncode: int | None = None
        self.ended = ""  # how stop() ended it: exited, SIGTERM or SIGKILL

    # reading
    def _read(self, timeout: float) -> int:
        """Read what is there within `timeout`; return the byte count (0 on silence or EOF)."""
        if self.eof:
            return 0
        try:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        except InterruptedError:
            return 0
        if not ready:
            return 0
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        if not chunk:
            self.eof = True
            return 0
        self.out += chunk
        return len(chunk)

    def drain(self, quiet: float = 0.005, limit: float = 2.0) -> None:
        """Read until `quiet` seconds pass without output (at most `limit` seconds)."""
        end = time.perf_counter() + limit
        while time.perf_counter() < end and not self.eof:
            if not self._read(min(quiet, end - time.perf_counter())):
                break

    def mark(self) -> int:
        return len(self.out)

    def wait_for(self, text: str, timeout: float, *, since: int = 0, what: str = "") -> float:
        """Wait until `text` shows in the output after offset `since`; return when (perf_counter)."""
        end = time.perf_counter() + timeout
        while True:
            # search the plain text of the new output; escapes may split styled runs
            if text in plain(bytes(self.out[since:])):
                return time.perf_counter()
            left = end - time.perf_counter()
            if left <= 0 or self.eof:
                break
            self._read(min(left, 0.05))
        self.poll()
        if self.returncode is not None:
            why = f"the {self.label} process exited with code {self.returncode} before {what or repr(text)} appeared"
        elif self.eof:
            why = f"the {self.label} process closed its terminal before {what or repr(text)} appeared"
        else:
            why = f"{what or repr(text)} did not appear within {timeout:.0f} s ({self.label} still running)"
        tail = plain(bytes(self.out[-3000:]))
        tail = "\n".join(line.rstrip() for line in tail.splitlines() if line.strip())[-1500:]
        raise BenchError(f"{why}.\nlast output:\n{textwrap.indent(tail or '(none)', '  | ')}")

    # writing
    def write(self, data: bytes) -> None:
        os.write(self.fd, data)

    def type(self, text: str, settle: float = 0.05) -> None:
        """Type a value, then let the app take it in before the next key."""
        self.write(text.encode("utf-8"))
        self.drain(quiet=settle, limit=2.0)

    def key_latency(self, key: bytes, timeout: float = 1.0, gap: float = 0.0) -> float | None:
        """Seconds from writing `key` to the first output byte; None if nothing came.

        `gap`: quiet time before the key (output is still read meanwhile), as between a
        typist's keys; without it each key lands inside the frame timer's previous tick."""
        self.drain(quiet=0.005, limit=1.0)
        if gap:
            end = time.perf_counter() + gap
            while (left := end - time.perf_counter()) > 0:
                self._read(left)
            self.drain(quiet=0.005, limit=1.0)
        t0 = time.perf_counter()
        self.write(key)
        try:
            ready, _, _ = select.select([self.fd], [], [], timeout)
        except InterruptedError:
            ready = []
        if not ready:
            return None
        latency = time.perf_counter() - t0
        self.drain(quiet=0.005, limit=1.0)
        return latency

    # process
    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = -1
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def peak_memory_mb(self) -> float:
        """VmHWM (peak resident set) of the child, in MB."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError as exc:
            raise BenchError(f"cannot read /proc/{self.pid}/status: {exc}") from None
        m = re.search(r"^VmHWM:\s+(\d+)\s+kB", status, re.M)
        if not m:
            raise BenchError("no VmHWM in /proc/<pid>/status")
        return int(m.group(1)) / 1024

    def _wait_exit(self, seconds: float) -> bool:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            if self.poll() is not None:
                return True
            self._read(0.02)  # keep reading, or the child may block writing its last frame
        return self.poll() is not None

    def stop(self) -> str:
        """ctrl+q (and "y" to the console's question), then SIGTERM, then SIGKILL, each with a
        bounded wait. Returns how it ended."""
        how = "exited"
        if self.poll() is None:
            try:
                self.write(CTRL_Q)
                if not self._wait_exit(0.5):  # the console asks first (quitting is deliberate)
                    self.write(b"y")
            except OSError:
                pass
            if not self._wait_exit(5.0):
                how = "SIGTERM"
                os.kill(self.pid, signal.SIGTERM)
                if not self._wait_exit(2.0):
                    how = "SIGKILL"
                    os.kill(self.pid, signal.SIGKILL)
                    self._wait_exit(2.0)
        try:
            os.close(self.fd)
        except OSError:
            pass
        return how

    def __enter__(self) -> "PtyApp":
        return self

    def __exit__(self, *exc) -> None:
        self.ended = self.stop()


# ---- the bench ---------------------------------------------------------------------------
@dataclass
class Markers:
    """Texts that prove a screen is showing, taken from the app's own strings and procedure."""

    login: str
    ready: str
    home: str
    steps: dict[str, str]  # step id -> "缴费 · 报号"


@dataclass
class Bench:
    quick: bool
    root: Path
    source: Path  # the folder holding scripts_yaml/ and receipts/
    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    homes: int = 0
    console_starts: int = 0
    report_rows: int = 200_000  # transactions generated for the report timings
    deadline: float = float("inf")
    spawned: list[PtyApp] = field(default_factory=list)

    # ---- set-up ----------------------------------------------------------------------
    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def new_home(self, label: str) -> Path:
        self.homes += 1
        home = self.root / f"home{self.homes}-{label}"
        home.mkdir()
        shutil.copytree(self.source / "scripts_yaml", home / "scripts_yaml")
        shutil.copytree(self.source / "receipts", home / "receipts")
        # an explicit empty settings file: defaults (preview printer), whatever $TELLER_CONFIG says
        (home / "teller.toml").write_text("# tests/bench/bench.py: all defaults\n", encoding="utf-8")
        return home

    def child_env(self, home: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL_", "TELLER_", "ESCPOS_"))}
        for k in ("COLUMNS", "LINES", "NO_COLOR", "PYTHONSTARTUP"):
            env.pop(k, None)
        env.update(
            TERM="xterm-256color",
            COLORTERM="truecolor",
            LANG=env.get("LANG") if "UTF-8" in env.get("LANG", "").upper() else "C.UTF-8",
            TELLER_HOME=str(home),
            TELLER_CONFIG=str(home / "teller.toml"),
            XDG_CACHE_HOME=str(self.cache),
            TMPDIR=str(self.tmp),
            PYTHONUNBUFFERED="1",
            # the teller under test, not an installed copy (an editable install points elsewhere)
            PYTHONPATH=os.pathsep.join([str(TELLER_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]),
        )
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # byte code is written and read, as after an install
        return env

    def markers(self) -> Markers:
        from teller.procedures.loader import load_file
        from teller.strings import set_locale, t

        set_locale("zh")
        payment = load_file(self.source / "scripts_yaml" / "payment.yaml").procedure
        steps = {s.id: f"{payment.title.zh} · {s.title.zh if s.title else s.id}" for s in payment.steps}
        # the focused filter box draws the cursor over the placeholder's first character
        # the log-in title inside its box's border: Textual draws a first frame with the labels
        # but neither the box nor the fields, and the screen is there only once the box is
        login = "│  " + t("login.title")
        return Markers(login=login, ready=t("login.ready"), home=t("home.filter")[2:], steps=steps)

    def spawn_console(self, home: Path) -> PtyApp:
        self.console_starts += 1
        app = PtyApp([sys.executable, "-m", "teller"], self.child_env(home), home, label="console")
        self.spawned.append(app)
        return app

    def spawn_minimal(self, home: Path) -> PtyApp:
        script = self.root / "minimal_app.py"
        if not script.exists():
            script.write_text(MINIMAL_APP, encoding="utf-8")
        app = PtyApp([sys.executable, str(script)], self.child_env(home), home, label="minimal app")
        self.spawned.append(app)
        return app

    def wait_pickle(self, timeout: float = 15.0) -> None:
        """Let the first console finish writing escpos's pickle before it is stopped."""
        folder = self.cache / "teller" / "escpos"
        end = time.perf_counter() + timeout
        last = -1
        while time.perf_counter() < end:
            # one folder per python-escpos install below it (teller.printing.escpos.capabilities_dir)
            sizes = [p.stat().st_size for p in folder.rglob("*.capabilities.pickle")] if folder.is_dir() else []
            if sizes and sizes[0] > 0 and sizes[0] == last:
                return
            last = sizes[0] if sizes else -1
            time.sleep(0.1)
        self.notes.append("the escpos capabilities pickle was not written within 15 s of log-in being ready")

    # ---- 1. cold start -------------------------------------------------------------------
    def cold_start(self, m: Markers) -> None:
        n = 2 if self.quick else 5
        home = self.new_home("start")
        from teller.config import load_settings

        _create_database(load_settings(home / "teller.toml", home=home))  # only `teller-admin db init` makes one
        console, ready, mini = [], [], []
        for i in range(n):
            with self.spawn_console(home) as app:
                first = app.wait_for(m.login, self.limit(30), what=f"console log-in screen (run {i + 1})") - app.t_spawn
                up = app.wait_for(m.ready, self.limit(60), what=f"console ready (run {i + 1})") - app.t_spawn
                if i == 0:
                    self.wait_pickle()
            console.append(first)
            ready.append(up)
            with self.spawn_minimal(home) as app:
                mini.append(app.wait_for(MINI_MARK, self.limit(30), what=f"minimal app (run {i + 1})") - app.t_spawn)
            if self.out_of_time() and i + 1 < n:
                self.notes.append(f"start-up: stopped after {i + 1} of {n} runs (time budget)")
                break
        later = console[1:] or console
        later_mini = mini[1:] or mini
        r = self.results
        r["start_console_first_s"] = console[0]
        r["start_console_median_s"] = median(later)
        r["start_console_runs_s"] = console
        r["start_minimal_first_s"] = mini[0]
        r["start_minimal_median_s"] = median(later_mini)
        r["start_minimal_runs_s"] = mini
        r["start_ratio"] = median(later) / median(later_mini)
        r["start_console_min_s"] = min(later)
        r["start_minimal_min_s"] = min(later_mini)
        r["start_ratio_of_minima"] = min(later) / min(later_mini)  # steadier on a busy machine
        r["ready_console_first_s"] = ready[0]
        r["ready_console_median_s"] = median(ready[1:] or ready)

    # ---- 7. keys while the database opens -----------------------------------------------------
    def keys_during_load(self, m: Markers) -> None:
        """From the log-in screen's first frame until it says the database is open, keys into
        the staff-number field (a digit and a backspace alternately, KEY_GAP apart), timed to
        the first output byte. A clerk who starts typing at once must see every key echo."""
        runs = 2 if self.quick else 5
        home = self.new_home("loading")
        self.open_shift_in(home)  # the database exists, as on any day after the first
        lat: list[float] = []
        missed = 0
        window: list[float] = []
        for i in range(runs):
            with self.spawn_console(home) as app:
                app.wait_for(m.login, self.limit(30), what=f"console log-in screen (keys while loading, run {i + 1})")
                since = app.mark()
                t0 = time.perf_counter()
                k = 0
                while m.ready not in plain(bytes(app.out[since:])):
                    if time.perf_counter() - t0 > self.limit(60) or app.eof:
                        raise BenchError(f"the log-in screen did not say the database was open within {self.limit(60):.0f} s")
                    v = app.key_latency(BACKSPACE if k % 2 else str(k % 10).encode(), gap=KEY_GAP)
                    k += 1
                    if v is None:
                        missed += 1
                    else:
                        lat.append(v)
                window.append(time.perf_counter() - t0)
            if self.out_of_time():
                self.notes.append(f"keys while loading: stopped after {i + 1} of {runs} starts (time budget)")
                break
        r = self.results
        r["load_keys_n"] = len(lat)
        r["load_keys_missed"] = missed
        r["load_keys_median_ms"] = median(lat) * 1000 if lat else None
        r["load_keys_p95_ms"] = percentile(lat, 95) * 1000 if lat else None
        r["load_keys_max_ms"] = max(lat) * 1000 if lat else None
        r["load_window_median_s"] = median(window)

    # ---- 2, 3, 6. the console session ---------------------------------------------------------
    def console_session(self, m: Markers) -> None:
        n_keys = 20 if self.quick else 100
        home = self.new_home("session")
        self.open_shift_in(home)  # log-in then lands on the picker, as on a working day
        r = self.results
        with self.spawn_console(home) as app:
            app.wait_for(m.login, self.limit(30), what="console log-in screen")
            app.wait_for(m.ready, self.limit(60), what="console ready for log-in")
            app.drain(quiet=0.1)
            # log in: one field at a time, letting the focus move before typing on
            app.type(STAFF, settle=0.05)
            app.write(ENTER)
            app.drain(quiet=0.15)
            app.type(PIN, settle=0.05)
            since = app.mark()
            t0 = time.perf_counter()
            app.write(ENTER)
            r["login_to_picker_s"] = app.wait_for(m.home, self.limit(20), since=since, what="procedure picker after log-in") - t0
            app.drain(quiet=0.2)

            # from the picker: Enter starts 缴费, the first procedure
            since = app.mark()
            t0 = time.perf_counter()
            app.write(ENTER)
            keys = 1  # non-typed keystrokes of the routine payment, from the picker back to it
            r["picker_to_wizard_s"] = app.wait_for(m.steps["number"], self.limit(10), since=since, what="payment wizard (number step)") - t0
            app.drain(quiet=0.2)
            r["mem_console_mb"] = app.peak_memory_mb()

            lat, missed = self.key_series(app, n_keys)
            r["key_console_median_ms"] = median(lat) * 1000 if lat else None
            r["key_console_p95_ms"] = percentile(lat, 95) * 1000 if lat else None
            r["key_console_missed"] = missed
            if not lat:
                raise BenchError("no keystroke in the phone-number field produced output")

            keys += self.pay_in_pty(app, m, "commit_print_to_screen_s")
            r["payment_keystrokes"] = keys
            db = home / "db" / "teller.db"
            count = tx_count(db)
            if count != 1:
                raise BenchError(f"back at the picker after a payment, but {db} holds {count} transactions, not 1")
            r["mem_console_after_payment_mb"] = app.peak_memory_mb()
            # a second payment: the first commit of a process pays for first-use costs
            since = app.mark()
            app.write(ENTER)
            app.wait_for(m.steps["number"], self.limit(10), since=since, what="payment wizard, second visit")
            app.drain(quiet=0.1)
            self.pay_in_pty(app, m, "commit_print_to_screen_2nd_s")
        count = tx_count(db)
        spooled = sorted((home / "receipts" / "spool").rglob("*.bin"))
        r["payment_transactions_in_db"] = count
        r["payment_receipts_spooled"] = len(spooled)
        if count != 2:
            raise BenchError(f"expected 2 transactions in {db} after two payments, found {count}")
        if len(spooled) != 2:
            raise BenchError(f"expected 2 receipts spooled under receipts/spool/, found {len(spooled)}")

    def pay_in_pty(self, app: PtyApp, m: Markers, timing: str) -> int:
        """One routine payment from the number step back to the picker, checked screen by
        screen; returns the non-typed keys pressed and records Enter-on-commit to the next screen."""
        plan = [
            ("13800138000", "holder_name"),
            ("王小明", "account_in_credit"),
            (None, "amount"),
            ("50", "cash"),
            ("50", "confirm"),
            (None, "paid"),  # commit and print
            (None, "another"),
            (None, "farewell"),  # "没有了" is the first choice
            (None, None),  # back to the picker
        ]
        keys = 0
        for value, next_step in plan:
            if value:
                app.type(value, settle=0.05)
            since = app.mark()
            t0 = time.perf_counter()
            app.write(ENTER)
            keys += 1
            if next_step:
                seen = app.wait_for(m.steps[next_step], self.limit(15), since=since, what=f"payment step {next_step!r}")
            else:
                seen = app.wait_for(m.home, self.limit(15), since=since, what="procedure picker after the payment")
            if next_step == "paid":
                self.results[timing] = seen - t0
            app.drain(quiet=0.05)
        return keys

    def key_series(self, app: PtyApp, n: int) -> tuple[list[float], int]:
        """n single keys, a digit then a backspace alternately, after a few untimed ones.

        Keys go KEY_GAP apart (a fast typist's pace, well inside the cursor's 0.5 s blink,
        which every key restarts). Back to back, a key often lands while Textual's 60 Hz
        screen-update timer is between ticks, and the figure measures that phase instead."""
        n += n % 2  # end on a backspace: the field is empty again
        for i in range(6):  # warm-up
            app.key_latency(BACKSPACE if i % 2 else b"7", gap=KEY_GAP)
        app.drain(quiet=0.05)
        out, missed = [], 0
        for i in range(n):
            if self.out_of_time():
                self.notes.append(f"keystrokes: stopped after {i} of {n} (time budget)")
                break
            v = app.key_latency(BACKSPACE if i % 2 else str(i % 10).encode(), gap=KEY_GAP)
            if v is None:
                missed += 1
            else:
                out.append(v)
        if len(out) % 2:  # stopped early on a digit: take it back
            app.key_latency(BACKSPACE)
        app.drain(quiet=0.1)
        return out, missed

    def minimal_session(self) -> None:
        n_keys = 20 if self.quick else 100
        home = self.new_home("minimal")
        with self.spawn_minimal(home) as app:
            app.wait_for(MINI_MARK, self.limit(30), what="minimal app")
            app.drain(quiet=0.2)
            self.results["mem_minimal_mb"] = app.peak_memory_mb()
            lat, missed = self.key_series(app, n_keys)
        self.results["key_minimal_median_ms"] = median(lat) * 1000 if lat else None
        self.results["key_minimal_p95_ms"] = percentile(lat, 95) * 1000 if lat else None
        self.results["key_minimal_missed"] = missed

    # ---- 4. throughput, in-process -------------------------------------------------------
    def throughput(self) -> None:

        from teller.clock import FixedClock
        from teller.config import load_settings
        from teller.desk import Desk
        from teller.procedures.engine import Run

        seconds, cap = (0.5, 100) if self.quick else (2.0, 300)
        home = self.new_home("throughput")
        settings = load_settings(home / "teller.toml", home=home)
        _create_database(settings)
        desk = Desk(settings, clock=FixedClock()).open()
        try:
            desk.login(STAFF, PIN)
            desk.open_shift({10000: 2})  # no sale without an open shift
            payment = desk.procedures["payment"]

            def pay() -> int:
                run = Run(payment, desk)
                for value in PAY_VALUES:
                    run.submit(value)
                if run.committed is None:
                    raise BenchError(f"the payment run did not commit (stopped at step {run.step.id!r}: {run.line})")
                return run.committed.tx_id

            pay()  # warm-up: first queries, first receipt (the printer driver loads here)
            desk.print_transaction(pay())

            def rate(fn: Callable[[], object], seconds: float, cap: int) -> tuple[float, int]:
                n, t0 = 0, time.perf_counter()
                while n < cap and time.perf_counter() - t0 < seconds:
                    fn()
                    n += 1
                return n / (time.perf_counter() - t0), n

            def pay_and_print() -> None:
                outcomes = desk.print_transaction(pay())
                bad = [o for o in outcomes if not o.ok]
                if bad or not outcomes:
                    raise BenchError(f"printing failed: {bad[0].error if bad else 'no receipt job'}")

            r = self.results
            r["commits_with_receipts_per_s"], r["commits_with_receipts_n"] = rate(pay_and_print, seconds, cap)
            r["commits_per_s"], r["commits_n"] = rate(pay, seconds, cap)

            from tests.bench.receipts import measure_layouts

            for name, cols, per_s in measure_layouts(settings, 0.1 if self.quick else 0.3, desk=desk):
                r[f"receipts_{name}_{cols}_per_s"] = per_s
        finally:
            desk.close()

    def open_shift_in(self, home: Path) -> None:
        from teller.config import load_settings

        open_demo_shift(load_settings(home / "teller.toml", home=home))

    # ---- 7. reports over a generated year -------------------------------------------------------
    def reports(self) -> None:
        from datetime import date, timedelta

        from teller.config import load_settings
        from teller.desk import Desk
        from teller.store import db
        from teller.store.reports import REPORTS, run_report
        from tests.bench.reports import generate_load

        n = self.report_rows
        home = self.new_home("reports")
        settings = load_settings(home / "teller.toml", home=home)
        db.create_database(settings.database_url, seed_demo=True, now=Desk(settings).now())  # `db init`
        Desk(settings).open().close()  # a hall's database: created and seeded, then a year on top
        engine = db.open_engine(settings.database_url)
        end = date(2026, 11, 23)
        start = end - timedelta(days=364)
        try:
            t0 = time.perf_counter()
            generate_load(engine, n)
            self.results["reports_generate_s"] = time.perf_counter() - t0
            times = {}
            for name in REPORTS:
                t0 = time.perf_counter()
                run_report(engine, name, start=start, end=end)
                times[name] = (time.perf_counter() - t0) * 1000
                self.results[f"report_{name}_ms"] = times[name]
            slowest = max(times, key=times.get)
            self.results.update(reports_rows=n, reports_slowest=slowest, reports_slowest_ms=times[slowest])
        finally:
            engine.dispose()
        self.report_command(home, list(REPORTS), start, end)

    def report_command(self, home: Path, names: list[str], start, end) -> None:
        """`teller-admin report NAME --from … --to …` over the whole year, as a whole process:
        interpreter start, imports, opening the desk, the query and the table on stdout."""
        script = Path(sys.executable).with_name("teller-admin")
        argv0 = [str(script)] if script.exists() else [sys.executable, "-m", "teller.cli.main"]
        env = self.child_env(home)
        env.update(COLUMNS="120")
        runs = 1 if self.quick else 3
        import resource

        walls: dict[str, list[float]] = {}
        cpus: list[float] = []
        for i in range(runs):
            for name in names:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                proc = subprocess.run(
                    argv0 + ["report", name, "--from", start.isoformat(), "--to", end.isoformat()],
                    capture_output=True, text=True, timeout=60, env=env, cwd=home,
                )
                wall = time.perf_counter() - t0
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                # CPU seconds of the process: steadier than wall time when other work shares the cores
                cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                if proc.returncode != 0:
                    raise BenchError(f"teller-admin report {name} exited {proc.returncode}:\n{(proc.stderr or proc.stdout)[-1500:]}")
                walls.setdefault(name, []).append(wall)
            if self.out_of_time() and i + 1 < runs:
                self.notes.append(f"report command: stopped after {i + 1} of {runs} rounds (time budget)")
                break
        medians = {name: median(w) for name, w in walls.items()}
        slowest = max(medians, key=medians.get)
        every = sorted(x for w in walls.values() for x in w)
        r = self.results
        r.update(report_cmd_median_s=median(every), report_cmd_slowest=slowest, report_cmd_slowest_s=medians[slowest],
                 report_cmd_runs=len(every), report_cmd_cpu_median_s=median(cpus))
        for name, value in medians.items():
            r[f"report_cmd_{name}_s"] = value

    # ---- 5. loading procedures ---------------------------------------------------------------
    def load_times(self) -> None:
        from teller.procedures.loader import load_folder

        folder = self.source / "scripts_yaml"
        good, problems = load_folder(folder)  # warm-up
        if problems:
            self.notes.append(f"{len(problems)} problem(s) in {folder}: {problems[0]}")
        runs = []
        for _ in range(5 if self.quick else 20):
            t0 = time.perf_counter()
            load_folder(folder)
            runs.append(time.perf_counter() - t0)
        self.results["load_procedures_files"] = len(good)
        self.results["load_procedures_warm_ms"] = median(runs) * 1000
        code = (
            "import json, sys, time\n"
            "t0 = time.perf_counter()\n"
            "from teller.procedures.loader import load_folder\n"
            "t1 = time.perf_counter()\n"
            "good, problems = load_folder(sys.argv[1])\n"
            "t2 = time.perf_counter()\n"
            "print(json.dumps({'import': t1 - t0, 'load': t2 - t1, 'n': len(good)}))\n"
        )
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", code, str(folder)],
            capture_output=True, text=True, timeout=60, env=self.child_env(self.root), cwd=self.root,
        )
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise BenchError(f"cold load subprocess failed ({proc.returncode}):\n{proc.stderr[-1500:]}")
        cold = json.loads(proc.stdout.strip().splitlines()[-1])
        self.results["load_procedures_cold_import_ms"] = cold["import"] * 1000
        self.results["load_procedures_cold_load_ms"] = cold["load"] * 1000
        self.results["load_procedures_cold_process_s"] = wall

    def limit(self, seconds: float) -> float:
        """A wait of `seconds`, cut so the bench ends at most GRACE seconds past its budget."""
        return max(2.0, min(seconds, self.deadline + GRACE - time.perf_counter()))

    def out_of_time(self) -> bool:
        return time.perf_counter() > self.deadline

    def tmp_count(self) -> int:
        return len(list(self.tmp.iterdir())) if self.tmp.is_dir() else 0

    # ---- running ----------------------------------------------------------------------
    def section(self, name: str, fn: Callable[[], None], deadline: float) -> None:
        if time.perf_counter() > deadline:
            self.notes.append(f"{name}: skipped, the bench ran out of its time budget (a slow or busy machine)")
            return
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            fn()
        except BenchError as exc:
            self.errors[name] = str(exc)
        except Exception as exc:  # noqa: BLE001 - report it and go on with the other sections
            self.errors[name] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
        self.results[f"section_{name}_s"] = time.perf_counter() - t0

    def run(self) -> None:
        budget = 60 if self.quick else 90  # seconds; no section starts after it
        deadline = self.deadline = time.perf_counter() + budget
        try:
            m = self.markers()
        except Exception as exc:  # noqa: BLE001
            self.errors["setup"] = f"cannot read the app's strings or payment.yaml: {type(exc).__name__}: {exc}"
            return
        tmp_before = self.tmp_count()
        self.section("cold_start", lambda: self.cold_start(m), deadline)
        self.section("keys_while_loading", lambda: self.keys_during_load(m), deadline)
        self.section("console_session", lambda: self.console_session(m), deadline)
        self.results["temp_folders_left"] = self.tmp_count() - tmp_before
        self.results["temp_folders_console_starts"] = self.console_starts
        self.section("minimal_session", self.minimal_session, deadline)
        self.section("throughput", self.throughput, deadline)
        self.section("load_procedures", self.load_times, deadline)
        self.section("reports", self.reports, deadline)
        for app in self.spawned:
            if app.ended != "exited" or app.returncode not in (0, None):
                self.notes.append(f"a {app.label} run did not end cleanly on ctrl+q: {app.ended or 'not stopped'}, exit code {app.returncode}")


# ---- report ------------------------------------------------------------------------------
def _f(value: Any, fmt: str, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:{fmt}}{unit}"


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def report(r: dict[str, Any]) -> str:
    g = r.get
    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, value: str, target: str = "", ok: bool | None = None) -> None:
        rows.append((what, value, target, _verdict(ok)))

    ratio = g("start_ratio")
    row("start-up, console, first run (byte code written)", _f(g("start_console_first_s"), ".3f", " s"))
    row("start-up, console, median (min) of later runs",
        f"{_f(g('start_console_median_s'), '.3f', ' s')} ({_f(g('start_console_min_s'), '.3f')})")
    row("start-up, minimal Textual app, median (min)",
        f"{_f(g('start_minimal_median_s'), '.3f', ' s')} ({_f(g('start_minimal_min_s'), '.3f')})")
    row("start-up ratio console / minimal, medians (minima)",
        f"{_f(ratio, '.2f', 'x')} ({_f(g('start_ratio_of_minima'), '.2f', 'x')})", "≤ 1.3x", None if ratio is None else ratio <= 1.3)
    row("log-in ready (db open), first run / later median",
        f"{_f(g('ready_console_first_s'), '.2f', ' s')} / {_f(g('ready_console_median_s'), '.2f', ' s')}")
    row("peak memory, console (payment started)", _f(g("mem_console_mb"), ".1f", " MB"))
    mem = g("mem_console_after_payment_mb")
    row("peak memory, console (after a payment)", _f(mem, ".1f", " MB"), "≤ 64 MB", None if mem is None else mem <= 64)
    row("peak memory, minimal app", _f(g("mem_minimal_mb"), ".1f", " MB"))
    km = g("key_console_median_ms")
    row(f"keystroke latency, wizard, median (keys {KEY_GAP * 1000:.0f} ms apart)", _f(km, ".1f", " ms"), "< 20 ms", None if km is None else km < 20)
    row("keystroke latency, wizard, p95", _f(g("key_console_p95_ms"), ".1f", " ms"))
    row("keystroke latency, minimal Input, median / p95",
        f"{_f(g('key_minimal_median_ms'), '.1f')} / {_f(g('key_minimal_p95_ms'), '.1f', ' ms')}")
    kr = km / g("key_minimal_median_ms") if km and g("key_minimal_median_ms") else None
    row("keystroke latency ratio wizard / minimal Input, medians", _f(kr, ".2f", "x"), "≤ 1.2x", None if kr is None else kr <= 1.2)
    lp = g("load_keys_p95_ms")
    row(f"keys while the database opens, median / p95 / max ({_f(g('load_keys_n'), 'd')} keys)",
        f"{_f(g('load_keys_median_ms'), '.1f')} / {_f(lp, '.1f')} / {_f(g('load_keys_max_ms'), '.1f', ' ms')}", "p95 ≤ 20 ms",
        None if lp is None else lp <= 20)
    if g("load_keys_missed"):
        row("  … keys while loading without any screen update", str(g("load_keys_missed")))
    missed = (g("key_console_missed") or 0) + (g("key_minimal_missed") or 0)
    if missed:
        row("keystrokes without any screen update", str(missed))
    row("log-in Enter to picker", _f(g("login_to_picker_s"), ".3f", " s"))
    row("picker Enter to wizard", _f(g("picker_to_wizard_s"), ".3f", " s"))
    row("commit Enter to 'paid' screen (commit + print), 1st / 2nd payment",
        f"{_f(g('commit_print_to_screen_s'), '.3f')} / {_f(g('commit_print_to_screen_2nd_s'), '.3f', ' s')}")
    cr = g("commits_with_receipts_per_s")
    row("commits with receipts per second", _f(cr, ".0f", "/s"), "> 100/s", None if cr is None else cr > 100)
    row("commits alone per second", _f(g("commits_per_s"), ".0f", "/s"))
    for key in sorted(k for k in r if k.startswith("receipts_") and k.endswith("_per_s")):
        name, cols = key.removeprefix("receipts_").removesuffix("_per_s").rsplit("_", 1)
        row(f"receipts rendered, {name} {cols} cols (layout + ESC/POS)", _f(g(key), ".0f", "/s"))
    slowest = g("reports_slowest_ms")
    row(f"reports over {_f(g('reports_rows'), ',d')} transactions, slowest ({g('reports_slowest') or '?'})",
        _f(slowest, ".0f", " ms"), "< 1 s", None if slowest is None else slowest < 1000)
    rc = g("report_cmd_slowest_s")
    row(f"teller-admin report over {_f(g('reports_rows'), ',d')} transactions, whole process, median of all / slowest ({g('report_cmd_slowest') or '?'})",
        f"{_f(g('report_cmd_median_s'), '.2f')} / {_f(rc, '.2f', ' s')}", "< 0.6 s", None if rc is None else rc < 0.6)
    row("  … its CPU time (user + system), median", _f(g("report_cmd_cpu_median_s"), ".2f", " s"))
    row(f"load {g('load_procedures_files') or '?'} procedure files, warm median", _f(g("load_procedures_warm_ms"), ".1f", " ms"))
    row("load procedures, cold process: import / load / whole process",
        f"{_f(g('load_procedures_cold_import_ms'), '.0f')} / {_f(g('load_procedures_cold_load_ms'), '.0f')} ms"
        f" / {_f(g('load_procedures_cold_process_s'), '.2f', ' s')}")
    keys = g("payment_keystrokes")
    row("routine payment, non-typed keystrokes", _f(keys, "d"), "≤ 12", None if keys is None else keys <= 12)
    row("  … transactions in db / receipts spooled",
        f"{_f(g('payment_transactions_in_db'), 'd')} / {_f(g('payment_receipts_spooled'), 'd')}")
    row("temp folders left in $TMPDIR by console runs",
        f"{_f(g('temp_folders_left'), 'd')} after {_f(g('temp_folders_console_starts'), 'd')} starts")

    from rich.cells import cell_len

    def pad(s: str, w: int) -> str:
        return s + " " * max(0, w - cell_len(s))

    widths = [max(cell_len(row[i]) for row in rows + [("figure", "value", "target", "status")]) for i in range(4)]
    head = ("figure", "value", "target", "status")
    lines = ["  ".join(pad(c, w) for c, w in zip(head, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths).rstrip())
    lines += ["  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)



def open_demo_shift(settings) -> None:
    """Create the home's database and open the demo clerk's shift, as before a working day."""
    from teller.desk import Desk

    _create_database(settings)
    desk = Desk(settings).open()
    try:
        desk.login(STAFF, PIN)
        desk.open_shift({10000: 2})
    finally:
        desk.close()


def _create_database(settings) -> None:
    """The demo hall's database, as `teller-admin db init` makes it (the desk opens, never creates)."""
    from teller.clock import FixedClock
    from teller.store import db

    db.create_database(settings.database_url, seed_demo=True, now=FixedClock().now())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench", description="Performance figures for the counter console, beside the targets (never fails on wall time).")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (CI smoke)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (for looking at the homes)")
    parser.add_argument("--report-rows", type=int, default=None, metavar="N",
                        help="transactions generated for the report timings (default 200,000; 20,000 with --quick; "
                             "1,000,000 for the issue's target, about 3 minutes to generate)")
    args = parser.parse_args(argv)

    here = Path(__file__).resolve().parents[2]  # the checkout: tests/bench/bench.py
    if (here / "scripts_yaml").is_dir() and (here / "receipts").is_dir():
        source = here
    else:
        from teller.config import default_home

        source = default_home()
    if not (source / "scripts_yaml").is_dir() or not (source / "receipts").is_dir():
        print(f"bench: no scripts_yaml/ and receipts/ under {source}", file=sys.stderr)
        return 2
    if not hasattr(os, "openpty") or not Path("/proc/self/status").exists():
        print("bench: needs Linux: pseudo-terminals and /proc", file=sys.stderr)
        return 2

    root = Path(tempfile.mkdtemp(prefix="teller-bench-"))
    (root / "cache").mkdir()
    (root / "tmp").mkdir()
    # this process too: its own caches and temp files, never the user's settings or pickle dir
    for key in ("TELLER_CONFIG", "TELLER_HOME", "ESCPOS_CAPABILITIES_PICKLE_DIR"):
        os.environ.pop(key, None)
    os.environ["XDG_CACHE_HOME"] = str(root / "cache")
    os.environ["TMPDIR"] = str(root / "tmp")
    tempfile.tempdir = None  # recomputed from TMPDIR

    bench = Bench(quick=args.quick, root=root, source=source)
    bench.report_rows = args.report_rows or (20_000 if args.quick else bench.report_rows)
    t0 = time.perf_counter()
    try:
        bench.run()
    finally:
        if args.keep:
            print(f"bench: kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    bench.results["bench_total_s"] = time.perf_counter() - t0

    print()
    print(f"teller bench ({'quick' if args.quick else 'full'}), {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
    print(report(bench.results))
    print(f"\nwhole bench: {bench.results['bench_total_s']:.1f} s")
    for note in bench.notes:
        print(f"note: {note}")
    sys.stdout.flush()
    for name, message in bench.errors.items():
        print(f"\nERROR in {name}: {message}", file=sys.stderr)
    if args.json:
        print(json.dumps({"results": bench.results, "errors": bench.errors, "notes": bench.notes}, ensure_ascii=False, indent=2, default=str))
    return 1 if bench.errors else 0


if __name__ == "__main__":
    sys.exit(main())
