"""Loading the hall's catalogue from CSV files into the database: every file in one
transaction, any refused row and nothing is written (the kinds, their columns and the row
checks: teller.domain.catalog_import)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from teller.counter import staff
from teller.domain.catalog_import import (
    KINDS, ORDER, CatalogResult, FileReport, _code, _count, _fen, _rows, _text, check_files_exist, kind_of,
)
from teller.domain.customer_import import RowError
from teller.domain.rules import check_phone
from teller.errors import InputRefused
from teller.store import audit
from teller.store.db import session_scope
from teller.store.models import ClerkRecord, CustomerRecord, HandsetRecord, NumberRecord, PlanRecord, ServiceRecord
from teller.strings import t

__all__ = ["CatalogResult", "check_files_exist", "import_catalog", "kind_of"]


def import_catalog(*, engine, files: list[tuple[Path, str]], actor: str, counter: str, now: datetime) -> CatalogResult:
    """Check and write every file in one transaction; nothing is written when any row is refused."""
    result = CatalogResult(files=[FileReport(Path(p), k) for p, k in files])
    parsed = {id(r): _rows(r) for r in result.files}
    if any(r.errors for r in result.files):
        return result

    class Refused(Exception):
        pass

    try:
        with session_scope(engine) as session:
            for kind in ORDER:
                for report in (r for r in result.files if r.kind == kind):
                    seen: dict[str, int] = {}
                    for line, row in parsed[id(report)]:
                        where = {"f": ""}

                        def check(name, fn, *a, **kw):
                            where["f"] = name
                            return fn(row[name], *a, **kw)

                        try:
                            if kind == "plans":
                                code = check("code", _code)
                                rec = PlanRecord(code=code, name=check("name", _text), brand=check("brand", _text),
                                                 monthly_fee_fen=check("monthly_fee", _fen), tariff=check("tariff", _text, limit=200))
                                key, exists = code, session.get(PlanRecord, code) is not None
                            elif kind == "services":
                                code = check("code", _code)
                                rec = ServiceRecord(code=code, name=check("name", _text), monthly_fee_fen=check("monthly_fee", _fen))
                                key, exists = code, session.get(ServiceRecord, code) is not None
                            elif kind == "handsets":
                                code = check("code", _code)
                                rec = HandsetRecord(code=code, make=check("make", _text), model=check("model", _text),
                                                    price_fen=check("price", _fen, positive=True), stock=check("stock", _count))
                                key, exists = code, session.get(HandsetRecord, code) is not None
                            elif kind == "numbers":
                                number = check("number", check_phone)
                                rec = NumberRecord(number=number, free=True)
                                key = number
                                exists = session.get(NumberRecord, number) is not None or session.get(CustomerRecord, number) is not None
                            else:  # clerks: checked as `teller-admin clerks add` checks them
                                key = check("staff_no", str.strip)
                                if not staff.STAFF_NO.match(key):
                                    raise InputRefused(t("staff.staff_no"))
                                name = check("name", _text)
                                role = check("role", staff.check_role)
                                pin = check("pin", staff.check_pin_rule)
                                exists = session.get(ClerkRecord, key) is not None
                                rec = None
                            if key in seen:
                                where["f"] = KINDS[kind][0]
                                raise InputRefused(t("catalog.duplicate", row=seen[key]))
                            seen[key] = line
                            if exists:
                                where["f"] = KINDS[kind][0]
                                raise InputRefused(t("catalog.exists", what=key))
                            if rec is None:
                                staff.add_clerk(session=session, staff_no=key, name=name, role=role, pin=pin,
                                                actor=actor, counter=counter, now=now)
                            else:
                                session.add(rec)
                        except InputRefused as exc:
                            report.errors.append(RowError(line, where["f"], exc.message))
            if any(r.errors for r in result.files):
                raise Refused
            for report in result.files:
                audit.append(session=session, at=now, actor=actor, counter=counter, action="catalog_import",
                             detail=f"{report.rows} {report.kind} from {report.path.name}")
    except Refused:
        return result  # rolled back: nothing written
    result.written = True
    return result
