"""Importing subscribers from a CSV file, all or nothing, with a per-row error report.

Columns (header row, any order): `number`, `name`, `id_number`, `plan` are required;
`balance` (yuan, minus for arrears), `status` (active | suspended_arrears | suspended_lost),
`password` (the 6-digit service password, stored hashed), `contact` and `local` (yes/no)
are optional. Every row is checked before anything is written: phone format, duplicate
number (in the file or already a subscriber), ID number and its check digit, numbers per ID,
unknown plan, bad amount. With any invalid row nothing is imported, unless `skip_invalid`,
which imports the valid rows and reports the others.

Here the columns, the result and the checks that need nothing stored; the rows checked against
the database and written in chunks are teller.counter.customer_import's.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from teller.domain.money import parse_yuan
from teller.errors import InputRefused, TellerError
from teller.strings import t

REQUIRED = ("number", "name", "id_number", "plan")
OPTIONAL = ("balance", "status", "password", "contact", "local")
STATUSES = ("active", "suspended_arrears", "suspended_lost")
_YES = {"yes", "y", "true", "1", "是"}
_NO = {"no", "n", "false", "0", "否"}

Progress = Callable[[str, int, int], None]

#: a subscriber's balance in an import is at most this many fen either way (a million yuan):
#: beyond it the figure is a typing or export error, not an account
BALANCE_LIMIT_FEN = 100_000_000


@dataclass(frozen=True)
class RowError:
    row: int  # the line of the file (the header is line 1)
    field: str
    reason: str


@dataclass
class ImportResult:
    total_rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors if e.row > 1})


def read_text(path: Path) -> str:
    raw = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TellerError(t("import.encoding"))


def parse_balance(text: str) -> int:
    raw = text.strip()
    if not raw:
        return 0
    negative = raw.startswith("-")
    if len(raw) > 20:  # a 20-digit figure is no balance; do not even parse it
        raise InputRefused(t("import.balance_limit", limit=BALANCE_LIMIT_FEN // 100))
    try:
        fen = parse_yuan(raw[1:] if negative else raw)
    except InputRefused:
        raise InputRefused(t("import.bad_amount", text=text[:24])) from None
    if fen > BALANCE_LIMIT_FEN:
        raise InputRefused(t("import.balance_limit", limit=BALANCE_LIMIT_FEN // 100))
    return -fen if negative else fen


def has_control_characters(text: str) -> bool:
    """Control, escape or format characters (ESC sequences, NUL, tabs, bidi overrides, zero-width)."""
    return any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") for c in text)
