"""A real hall's first day: its catalogue loaded from CSV files, all or nothing, row by row.

One file per kind, named by its kind (or given one), header row first, UTF-8 or GB18030:

    plans.csv      code, name, brand, monthly_fee (yuan), tariff
    numbers.csv    number                                   (the pool of free numbers)
    handsets.csv   code, make, model, price (yuan), stock
    services.csv   code, name, monthly_fee (yuan)           (value-added services)
    clerks.csv     staff_no, name, role, pin                (clerk | trainer | supervisor | ops)

Every file given is checked and written in ONE transaction: any refused row in any file and
nothing at all is written; every refusal is reported with its file, line and field. The
checks are the console's: phone numbers as a clerk types them, amounts as yuan, staff numbers,
roles and PIN rules as `teller-admin clerks add` takes them (PINs are stored hashed; delete
the file afterwards). A code, number or staff number already in the hall is refused (the
catalogue is loaded, not edited, here). An entry in the audit trail names each file.

Here the kinds, their columns and the row checks that need nothing stored; the transaction
that checks against the hall and writes is teller.counter.catalog_import's.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from teller.domain.customer_import import RowError, has_control_characters, read_text
from teller.domain.money import parse_yuan
from teller.errors import InputRefused, TellerError
from teller.strings import t

KINDS: dict[str, tuple[str, ...]] = {
    "plans": ("code", "name", "brand", "monthly_fee", "tariff"),
    "numbers": ("number",),
    "handsets": ("code", "make", "model", "price", "stock"),
    "services": ("code", "name", "monthly_fee"),
    "clerks": ("staff_no", "name", "role", "pin"),
}
#: the order files are written in (a clerk or a plan never depends on a later kind)
ORDER = ("plans", "services", "handsets", "numbers", "clerks")
_CODE = re.compile(r"^[a-z0-9_]{1,32}$")
_LIMIT_FEN = 100_000_000  # a million yuan: beyond it a figure is a typing error


@dataclass
class FileReport:
    path: Path
    kind: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class CatalogResult:
    files: list[FileReport] = field(default_factory=list)
    written: bool = False

    @property
    def errors(self) -> list[tuple[Path, RowError]]:
        return [(f.path, e) for f in self.files for e in f.errors]


def kind_of(path: Path, given: str | None = None) -> str:
    kind = (given or Path(path).stem).strip().lower()
    if kind not in KINDS:
        raise InputRefused(t("catalog.unknown_kind", name=Path(path).name, kinds=", ".join(KINDS)))
    return kind


def _rows(report: FileReport) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(read_text(report.path), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    wanted = KINDS[report.kind]
    for column in wanted:
        if column not in header:
            report.errors.append(RowError(1, column, t("import.missing_column", column=column)))
    for column in header:
        if column not in wanted:
            report.errors.append(RowError(1, column, t("import.unknown_column", column=column)))
    if report.errors:
        return []
    rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None})
            for row in reader if any((v or "").strip() for k, v in row.items() if k is not None)]
    if not rows:
        report.errors.append(RowError(1, "", t("import.no_rows")))
    report.rows = len(rows)
    return rows


def _text(value: str, *, limit: int = 32) -> str:
    if not value:
        raise InputRefused(t("import.empty"))
    if has_control_characters(value):
        raise InputRefused(t("import.name_control"))
    if len(value) > limit:
        raise InputRefused(t("catalog.too_long", n=limit))
    return value


def _code(value: str) -> str:
    if not _CODE.match(value):
        raise InputRefused(t("catalog.bad_code"))
    return value


def _fen(value: str, *, positive: bool = False) -> int:
    fen = parse_yuan(value)
    if fen > _LIMIT_FEN or (positive and fen <= 0):
        raise InputRefused(t("import.bad_amount", text=value))
    return fen


def _count(value: str) -> int:
    if not re.fullmatch(r"[0-9]{1,6}", value):
        raise InputRefused(t("catalog.bad_count", text=value))
    return int(value)


def check_files_exist(paths: list[Path]) -> None:
    for p in paths:
        if not Path(p).is_file():
            raise TellerError(t("catalog.no_file", path=p))
