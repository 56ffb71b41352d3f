"""One settings object, read from one TOML file, with defaults that need no file at all.

Lookup order: the path in $TELLER_CONFIG, else `teller.toml` in the teller home folder.
The home folder is $TELLER_HOME, else the folder that holds `scripts_yaml/` next to this
package (a source checkout), else the current directory.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from teller.errors import TellerError

if TYPE_CHECKING:
    from teller.mode import Mode

PRINTER_BACKENDS = ("preview", "network", "file", "usb", "serial", "cups")
#: the Chinese character sets a printer's font may hold, largest first (each a subset of the
#: one before, with the same two-byte codes): what it cannot print is printed as `?`
PRINTER_CHARSETS = ("gb18030", "gbk", "gb2312")
_HOURS = re.compile(r"^(?:[01]?\d|2[0-4]):[0-5]\d-(?:[01]?\d|2[0-4]):[0-5]\d$")


@dataclass(frozen=True)
class PrinterSettings:
    backend: str = "preview"
    host: str = ""
    port: int = 9100
    timeout: float = 5.0
    path: str = ""
    vendor_id: int = 0
    product_id: int = 0
    device: str = ""
    baudrate: int = 9600
    queue: str = ""
    paper_mm: int = 80
    profile: str = "default"
    #: the character set of the printer's Chinese font (PRINTER_CHARSETS): gb2312 for a font
    #: without 镕 or 喆; the test page probes it
    charset: str = "gb18030"
    cash_drawer: bool = False

    @property
    def columns(self) -> int:
        return 32 if self.paper_mm <= 58 else 48


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str = ""
    practice_database_url: str = ""
    hall_name: str = "城东示范营业厅"
    counter: str = "01"
    locale: str = "zh"
    timezone: str = "Asia/Shanghai"
    payment_limit_fen: int = 500_000
    #: the hall's hours, told to a customer sent away to fetch an ID (`{hall.opens}`, `{hall.closes}`)
    opening_hours: str = "8:00-20:00"
    spool_dir: Path | None = None
    procedures_dir: Path | None = None
    layouts_dir: Path | None = None
    scenarios_dir: Path | None = None  # practice scenarios (default: scripts_yaml/scenarios)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    practice: bool = False
    live_database_url: str = ""  # set in practice mode, so the desk can refuse to open it
    seed_demo: bool = True
    idle_lock_s: int = 300  # the console locks after this many idle seconds; 0 = never
    #: a shift closes by itself when |counted − expected| is at most this; beyond it a supervisor signs off
    settle_variance_fen: int = 0
    #: bounds of the payment amount bands in the reports (fen): [0,50), [50,100), … yuan
    payment_bands_fen: tuple[int, ...] = (5000, 10000, 20000, 50000)
    #: practice exams: the score (0-100) an exam's drills must reach on average to pass
    practice_pass_mark: int = 80

    def __post_init__(self) -> None:
        home = self.home
        put = object.__setattr__
        if not self.database_url:
            put(self, "database_url", f"sqlite:///{home / 'db' / 'teller.db'}")
        if not self.practice_database_url:
            put(self, "practice_database_url", f"sqlite:///{home / 'db' / 'practice.db'}")
        put(self, "spool_dir", Path(self.spool_dir or home / "receipts" / "spool"))
        put(self, "procedures_dir", Path(self.procedures_dir or home / "scripts_yaml"))
        put(self, "layouts_dir", Path(self.layouts_dir or home / "receipts"))
        put(self, "scenarios_dir", Path(self.scenarios_dir or Path(self.procedures_dir) / "scenarios"))
        if self.printer.backend not in PRINTER_BACKENDS:
            raise TellerError(f"printer.backend must be one of {', '.join(PRINTER_BACKENDS)}")
        if self.locale not in ("zh", "en"):
            raise TellerError("locale must be zh or en")
        if not isinstance(self.opening_hours, str) or not _HOURS.match(self.opening_hours):
            raise TellerError('opening_hours must be "H:MM-H:MM", e.g. "8:00-20:00"')
        if self.printer.charset not in PRINTER_CHARSETS:
            raise TellerError(f"printer.charset must be one of {', '.join(PRINTER_CHARSETS)}")

    @property
    def mode(self) -> "Mode":
        """Live or practice, and all that follows from it (teller.mode: the one place that decides)."""
        from teller.mode import Mode

        return Mode.of(self)

    @property
    def hours(self) -> tuple[str, str]:
        """(opens, closes) of `opening_hours`: ("8:00", "20:00")."""
        opens, closes = self.opening_hours.split("-")
        return opens, closes
        if not isinstance(self.idle_lock_s, int) or isinstance(self.idle_lock_s, bool) or self.idle_lock_s < 0:
            raise TellerError("idle_lock_s must be a whole number of seconds, 0 or more (0 = never lock)")
        mark = self.practice_pass_mark
        if not isinstance(mark, int) or isinstance(mark, bool) or not 0 <= mark <= 100:
            raise TellerError("practice_pass_mark must be a whole number from 0 to 100")

    def for_practice(self) -> "Settings":
        """Practice mode: its own database, its own spool, never a real printer."""
        return dataclasses.replace(
            self,
            database_url=self.practice_database_url,
            live_database_url=self.database_url,
            printer=dataclasses.replace(self.printer, backend="preview", cash_drawer=False),
            spool_dir=Path(self.spool_dir) / "practice",
            practice=True,
            seed_demo=True,
        )


def default_home() -> Path:
    env = os.environ.get("TELLER_HOME")
    if env:
        return Path(env).resolve()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "scripts_yaml").is_dir():
        return checkout
    return Path.cwd()


class SettingsError(TellerError):
    """The settings file is wrong: every problem as `file:line: key: what is wrong`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


#: keys the file writes in yuan; the program keeps fen
_YUAN_KEYS = {"payment_limit_yuan": "payment_limit_fen", "payment_bands_yuan": "payment_bands_fen"}
#: what a key may hold beyond its type: (test, what it must be)
_RULES = {
    "hall_name": (lambda v: 0 < len(v.strip()) <= 40, "the hall's name, 1-40 characters"),
    "counter": (lambda v: re.fullmatch(r"[0-9A-Za-z]{1,8}", v) is not None, 'the counter as text, 1-8 letters or digits, e.g. "01"'),
    "locale": (lambda v: v in ("zh", "en"), '"zh" or "en"'),
    "timezone": (lambda v: _zone_ok(v), 'a time zone name such as "Asia/Shanghai"'),
    "idle_lock_s": (lambda v: 0 <= v <= 86_400, "seconds, 0 (never lock) to 86400"),
    "settle_variance_fen": (lambda v: 0 <= v <= 10_000_000, "fen, 0 or more"),
    "payment_limit_yuan": (lambda v: 0 < v <= 10_000_000 and _two_decimals(v), "yuan above 0, at most 10000000, two decimals at most"),
    "payment_bands_yuan": (
        lambda v: 0 < len(v) <= 20 and all(0 < b <= 10_000_000 and _two_decimals(b) for b in v) and list(v) == sorted(set(v)),
        "a list of yuan bounds, rising, e.g. [50, 100, 200, 500]",
    ),
    "printer.backend": (lambda v: v in PRINTER_BACKENDS, " | ".join(PRINTER_BACKENDS)),
    "printer.paper_mm": (lambda v: v in (58, 80), "58 (32 columns) or 80 (48 columns)"),
    "printer.port": (lambda v: 1 <= v <= 65535, "a TCP port, 1-65535"),
    "printer.timeout": (lambda v: 0 < v <= 600, "seconds above 0, at most 600"),
    "printer.vendor_id": (lambda v: 0 <= v <= 0xFFFF, "a USB id, 0x0000-0xFFFF"),
    "printer.product_id": (lambda v: 0 <= v <= 0xFFFF, "a USB id, 0x0000-0xFFFF"),
    "printer.baudrate": (lambda v: 0 < v <= 4_000_000, "bits per second, e.g. 9600"),
    "printer.profile": (lambda v: bool(v.strip()), "a python-escpos printer profile name"),
}
_TYPE_NAMES = {str: "text in quotes", int: "a whole number", float: "a number", bool: "true or false"}


def _toml(value) -> str:
    """A value as the file spells it (`true`, `"nine"`, `70`), cut when long."""
    import json

    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:40] + "…"


def _zone_ok(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def _two_decimals(value: float) -> bool:
    return abs(round(value * 100) - value * 100) < 1e-6


def _kind_of(hint) -> type | tuple:
    """The TOML type a field's annotation asks for (a Path is written as text)."""
    text = str(hint)
    if hint is bool:
        return bool
    if hint is int:
        return int
    if hint is float:
        return float
    if hint is str or "Path" in text:
        return str
    if "tuple" in text or "list" in text:
        return list
    return object


def _file_kinds() -> tuple[dict[str, type], dict[str, type]]:
    """Each key the file may hold and its type, read from the dataclasses (a new field is checked too)."""
    import typing

    top = {name: _kind_of(hint) for name, hint in typing.get_type_hints(Settings).items()
           if name not in ("home", "printer", "practice", "live_database_url", *_YUAN_KEYS.values())}
    top.update({"payment_limit_yuan": float, "payment_bands_yuan": list})
    printer = {name: _kind_of(hint) for name, hint in typing.get_type_hints(PrinterSettings).items()}
    return top, printer


def _type_ok(value, kind) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:  # a number: 5000 or 5000.5
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) != float("inf")
    if kind is list:
        return isinstance(value, list) and all(_type_ok(v, float) for v in value)
    if kind is str:
        return isinstance(value, str)
    return True


def key_lines(text: str) -> dict[str, int]:
    """Line of each `key = ...` in a TOML text (`printer.port` for keys under `[printer]`)."""
    found: dict[str, int] = {}
    table = ""
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        header = re.match(r"^\[\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\s*(#.*)?$", line)
        if header:
            table = header.group(1).strip().strip("\"'")
            found.setdefault(table, n)
            continue
        m = re.match(r"^([A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')\s*=", line)
        if m:
            key = m.group(1).strip("\"'")
            found.setdefault(f"{table}.{key}" if table else key, n)
    return found


def check_settings(data: dict, text: str, where: str) -> list[str]:
    """Every problem of a parsed settings file, as `file:line: key: message` (empty when good)."""
    lines = key_lines(text)
    top, printer_kinds = _file_kinds()
    problems: list[str] = []

    def problem(key: str, message: str) -> None:
        line = lines.get(key) or lines.get(key.split(".")[0])
        problems.append(f"{where}:{line}: {key}: {message}" if line else f"{where}: {key}: {message}")

    def check(key: str, value, kind) -> None:
        if not _type_ok(value, kind):
            got = _toml(value)
            rule = _RULES.get(key)
            problem(key, f"must be {_TYPE_NAMES.get(kind, 'a list of numbers') if kind is not object else 'valid'}"
                         f"{' (' + rule[1] + ')' if rule else ''}, not {got}")
            return
        rule = _RULES.get(key)
        if rule and not rule[0](value):
            problem(key, f"must be {rule[1]}, not {_toml(value)}")

    for key, value in data.items():
        if key == "printer":
            if not isinstance(value, dict):
                problem("printer", "must be a table: [printer]")
                continue
            for pkey, pvalue in value.items():
                if pkey not in printer_kinds:
                    problem(f"printer.{pkey}", f"unknown setting (known: {', '.join(sorted(printer_kinds))})")
                else:
                    check(f"printer.{pkey}", pvalue, printer_kinds[pkey])
        elif key not in top:
            problem(key, f"unknown setting (known: {', '.join(sorted([*top, 'printer']))})")
        else:
            check(key, value, top[key])
    return problems


def load_settings(path: str | Path | None = None, *, home: Path | None = None, **overrides) -> Settings:
    """Read the settings file if there is one; keyword overrides win (used by tests and flags).

    The file is checked as strictly as a procedure file: an unknown key, a value of the wrong
    type (`counter = 1`, `port = "nine"`) or out of range (`paper_mm = 70`) is a SettingsError
    listing every problem with file and line."""
    home = Path(home) if home else default_home()
    cfg_path = Path(path) if path else Path(os.environ.get("TELLER_CONFIG") or home / "teller.toml")
    data: dict = {}
    if cfg_path.is_file():
        try:
            text = cfg_path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise SettingsError([f"{cfg_path}: not UTF-8 text"]) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError([f"{cfg_path}: {exc}"]) from None
        problems = check_settings(data, text, str(cfg_path))
        if problems:
            raise SettingsError(problems)
    elif path:
        raise SettingsError([f"{cfg_path}: settings file not found"])
    printer_data = data.pop("printer", {})
    if "payment_limit_yuan" in data:  # the file speaks yuan; the program keeps fen
        data["payment_limit_fen"] = int(round(data.pop("payment_limit_yuan") * 100))
    if "payment_bands_yuan" in data:
        data["payment_bands_fen"] = tuple(int(round(float(b) * 100)) for b in data.pop("payment_bands_yuan"))
    if "timeout" in printer_data:
        printer_data["timeout"] = float(printer_data["timeout"])
    printer = PrinterSettings(**{**printer_data, **overrides.pop("printer", {})})
    for key in ("spool_dir", "procedures_dir", "layouts_dir", "scenarios_dir"):
        if key in data:
            p = Path(data[key])
            data[key] = p if p.is_absolute() else home / p
    env_url = os.environ.get("TELLER_DATABASE_URL", "").strip()
    if env_url and "database_url" not in overrides:  # a service's environment names the shared database
        data["database_url"] = env_url
    return Settings(home=home, printer=printer, **{**data, **overrides})
