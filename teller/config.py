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

from teller.errors import TellerError

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


def load_settings(path: str | Path | None = None, *, home: Path | None = None, **overrides) -> Settings:
    """Read the settings file if there is one; keyword overrides win (used by tests and flags)."""
    home = Path(home) if home else default_home()
    cfg_path = Path(path) if path else Path(os.environ.get("TELLER_CONFIG") or home / "teller.toml")
    data: dict = {}
    if cfg_path.is_file():
        try:
            data = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise TellerError(f"{cfg_path}: {exc}") from None
    elif path:
        raise TellerError(f"{cfg_path}: settings file not found")
    printer_data = data.pop("printer", {})
    if "payment_limit_yuan" in data:  # the file speaks yuan; the program keeps fen
        data["payment_limit_fen"] = int(data.pop("payment_limit_yuan")) * 100
    if "payment_bands_yuan" in data:
        data["payment_bands_fen"] = tuple(int(round(float(b) * 100)) for b in data.pop("payment_bands_yuan"))
    known_printer = {f.name for f in dataclasses.fields(PrinterSettings)}
    known = {f.name for f in dataclasses.fields(Settings)} - {"home", "printer", "practice", "live_database_url"}
    unknown = (set(data) - known) | {f"printer.{k}" for k in set(printer_data) - known_printer}
    if unknown:
        raise TellerError(f"{cfg_path}: unknown setting(s): {', '.join(sorted(unknown))}")
    printer = PrinterSettings(**{**printer_data, **overrides.pop("printer", {})})
    for key in ("spool_dir", "procedures_dir", "layouts_dir", "scenarios_dir"):
        if key in data:
            p = Path(data[key])
            data[key] = p if p.is_absolute() else home / p
    return Settings(home=home, printer=printer, **{**data, **overrides})
