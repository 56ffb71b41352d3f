"""The hall's reports, read from a daily summary kept in the same DB transaction as each commit
and void, so a year over a million transactions answers in milliseconds (DESIGN "Known traps").

Business days are the hall's local days (`transaction.business_day`, the summary's key); the
complaint report, which reads timestamps, converts them to UTC bounds. Every report returns a
`Report`: columns, rows (money in fen and yuan), and optionally which column a bar chart shows.

The retention report reads the `retention` answer that 销户 and 退订 visits record with their
transaction; the complaint report reads the `complaint` table of 客户投诉 / 网络投诉.

The load generator and the report benchmark live in tests/bench/reports.py.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

import sqlalchemy as sa

from teller.domain import books
from teller.domain.money import yuan

if TYPE_CHECKING:  # the reports read with SQLAlchemy Core alone (a Connection or a Session)
    from sqlmodel import Session


# ---- kept up to date at commit and void ------------------------------------------------------
_UPSERT_SUMMARY = sa.text(
    "INSERT INTO daily_summary (business_day, counter, clerk, procedure_id, mode, tx_count, amount_fen, pay_count, pay_fen,"
    " arrears_count, arrears_fen, void_count, void_fen, deposit_count, deposit_fen, deposit_back_count, deposit_back_fen)"
    " VALUES (:day, :counter, :clerk, :proc, :mode, :n, :amount, :pn, :pay, :an, :arrears, :vn, :void, :dn, :dep, :bn, :back)"
    " ON CONFLICT (business_day, counter, clerk, procedure_id, mode) DO UPDATE SET"
    " tx_count = daily_summary.tx_count + excluded.tx_count, amount_fen = daily_summary.amount_fen + excluded.amount_fen,"
    " pay_count = daily_summary.pay_count + excluded.pay_count, pay_fen = daily_summary.pay_fen + excluded.pay_fen,"
    " arrears_count = daily_summary.arrears_count + excluded.arrears_count, arrears_fen = daily_summary.arrears_fen + excluded.arrears_fen,"
    " void_count = daily_summary.void_count + excluded.void_count, void_fen = daily_summary.void_fen + excluded.void_fen,"
    " deposit_count = daily_summary.deposit_count + excluded.deposit_count, deposit_fen = daily_summary.deposit_fen + excluded.deposit_fen,"
    " deposit_back_count = daily_summary.deposit_back_count + excluded.deposit_back_count, deposit_back_fen = daily_summary.deposit_back_fen + excluded.deposit_back_fen"
).bindparams(sa.bindparam("day", type_=sa.Date))
_UPSERT_AMOUNT = sa.text(
    "INSERT INTO payment_amount (business_day, counter, mode, amount_fen, count) VALUES (:day, :counter, :mode, :amount, :n)"
    " ON CONFLICT (business_day, counter, mode, amount_fen) DO UPDATE SET count = payment_amount.count + excluded.count"
).bindparams(sa.bindparam("day", type_=sa.Date))


def _summary_params(tx, *, is_pay: bool, arrears_fen: int, sign: int, deposit_fen: int = 0) -> dict[str, Any]:
    amount = tx.amount_due_fen
    taken, back = max(0, deposit_fen), max(0, -deposit_fen)
    return {
        "day": tx.business_day, "counter": tx.counter, "clerk": tx.clerk, "proc": tx.procedure_id, "mode": tx.mode,
        "n": sign, "amount": sign * amount, "pn": sign if is_pay else 0, "pay": sign * amount if is_pay else 0,
        "an": sign if arrears_fen else 0, "arrears": sign * arrears_fen,
        "vn": 1 if sign < 0 else 0, "void": amount if sign < 0 else 0,
        "dn": sign if taken else 0, "dep": sign * taken, "bn": sign if back else 0, "back": sign * back,
    }


def add_to_summary(session: Session, *, tx, category: str, arrears_fen: int, deposit_fen: int = 0) -> None:
    """Count a committed transaction (call inside the commit's DB transaction) by its operation's
    report category (teller.domain.books.CATEGORIES): only prepayment counts as a payment.
    `deposit_fen`: deposits it took (> 0) or returned (< 0), counted in their own columns."""
    is_pay = books.is_payment(category)
    conn = session.connection()  # two statements of their own: nothing of the unit of work flushed for them
    conn.execute(_UPSERT_SUMMARY, _summary_params(tx, is_pay=is_pay, arrears_fen=arrears_fen, sign=1, deposit_fen=deposit_fen))
    if is_pay:
        conn.execute(_UPSERT_AMOUNT, {"day": tx.business_day, "counter": tx.counter, "mode": tx.mode, "amount": tx.amount_due_fen, "n": 1})


def take_out_of_summary(session: Session, *, tx, category: str, arrears_fen: int, deposit_fen: int = 0) -> None:
    """A voided transaction leaves the business figures (its deposits too) and is counted as a void."""
    is_pay = books.is_payment(category)
    session.execute(_UPSERT_SUMMARY, _summary_params(tx, is_pay=is_pay, arrears_fen=arrears_fen, sign=-1, deposit_fen=deposit_fen))
    if is_pay:
        session.execute(_UPSERT_AMOUNT, {"day": tx.business_day, "counter": tx.counter, "mode": tx.mode, "amount": tx.amount_due_fen, "n": -1})


# ---- reports ---------------------------------------------------------------------------------
@dataclass
class Report:
    name: str
    columns: dict[str, str]  # key -> header
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart: tuple[str, str] | None = None  # (label key, value key) for a bar chart
    note: str = ""

    @property
    def fields(self) -> list[str]:
        out = []
        for key in self.columns:
            if key.endswith("_yuan"):
                out.append(key[: -len("_yuan")] + "_fen")
            out.append(key)
        return out


def _money(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        row[f"{key}_yuan"] = yuan(row[f"{key}_fen"])
    return row


def _days(start: date, end: date) -> tuple[date, date]:
    if end < start:
        start, end = end, start
    return start, end


def _typed(sql: str, params: dict[str, Any]) -> sa.TextClause:
    """The statement with its date parameters bound as dates (PostgreSQL will not compare a
    date column with text; SQLite stores them as ISO text either way)."""
    stmt = sa.text(sql)
    dates = [sa.bindparam(k, type_=sa.Date) for k, v in params.items() if isinstance(v, date) and not isinstance(v, datetime)]
    return stmt.bindparams(*dates) if dates else stmt


def _rows(session: Session, sql: str, **params) -> list[sa.Row]:
    if "{counter}" in sql:  # a report of one counter, or (None) of the whole hall
        sql = sql.replace("{counter}", " AND counter = :counter" if params.get("counter") else "")
    return list(session.execute(_typed(sql, params), params))


def _t(key: str) -> str:
    from teller.strings import t

    return t(key)


def daily(session: Session, *, start: date, end: date, mode: str = "live", counter: str | None = None, hall: str = "", **_: Any) -> Report:
    """Business by hall, counter and clerk: count, amount, average per transaction, and the part
    of the amount that is deposits taken (held, not revenue)."""
    a, b = _days(start, end)
    where = "business_day BETWEEN :a AND :b AND mode = :mode{counter}"
    rows: list[dict[str, Any]] = []
    total = _rows(session, f"SELECT COALESCE(SUM(tx_count),0), COALESCE(SUM(amount_fen),0), COALESCE(SUM(deposit_fen),0) FROM daily_summary WHERE {where}", a=a, b=b, mode=mode, counter=counter)[0]
    rows.append({"level": _t("report.level.hall" if not counter else "report.level.counter"), "key": hall if not counter else counter, "count": total[0], "amount_fen": total[1], "deposit_fen": total[2]})
    for level, col in (("counter", "counter"), ("clerk", "clerk")):
        for key, n, amount, deposit in _rows(
            session,
            f"SELECT {col}, SUM(tx_count), SUM(amount_fen), SUM(deposit_fen) FROM daily_summary WHERE {where} GROUP BY {col} HAVING SUM(tx_count) > 0 ORDER BY {col}",
            a=a, b=b, mode=mode, counter=counter,
        ):
            rows.append({"level": _t(f"report.level.{level}"), "key": key, "count": n, "amount_fen": amount, "deposit_fen": deposit})
    for row in rows:
        row["avg_fen"] = books.average(row["amount_fen"], row["count"])
        _money(row, "amount", "avg", "deposit")
    columns = {"level": _t("report.col.level"), "key": _t("report.col.key"), "count": _t("report.col.count"),
               "amount_yuan": _t("report.col.amount"), "avg_yuan": _t("report.col.avg"), "deposit_yuan": _t("report.col.deposit")}
    return Report("daily", columns, rows, chart=("key", "amount_fen"))


def month_before(day: date) -> date:
    """The same day a month earlier (clamped to the month's last day)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period(session: Session, *, start: date, end: date, mode: str = "live", counter: str | None = None, **_: Any) -> Report:
    """A period's counters and clerks ranked by amount, each against the month before (环比)."""
    a, b = _days(start, end)
    pa, pb = _days(month_before(a), month_before(b))
    rows: list[dict[str, Any]] = []
    for level in ("counter", "clerk"):
        sql = (f"SELECT {level}, SUM(tx_count), SUM(amount_fen) FROM daily_summary"
               f" WHERE business_day BETWEEN :a AND :b AND mode = :mode{{counter}} GROUP BY {level}")
        now = {k: (n, amt) for k, n, amt in _rows(session, sql, a=a, b=b, mode=mode, counter=counter)}
        before = {k: (n, amt) for k, n, amt in _rows(session, sql, a=pa, b=pb, mode=mode, counter=counter)}
        ranked = sorted((k for k in now if now[k][0] > 0), key=lambda k: (-now[k][1], -now[k][0], k))
        for rank, key in enumerate(ranked, 1):
            n, amount = now[key]
            pn, pamount = before.get(key, (0, 0))
            row = {"level": _t(f"report.level.{level}"), "rank": rank, "key": key, "count": n, "amount_fen": amount,
                   "avg_fen": books.average(amount, n), "prev_count": pn, "prev_amount_fen": pamount,
                   "change_pct": books.change_pct(amount, pamount)}
            rows.append(_money(row, "amount", "avg", "prev_amount"))
    columns = {"level": _t("report.col.level"), "rank": _t("report.col.rank"), "key": _t("report.col.key"),
               "count": _t("report.col.count"), "amount_yuan": _t("report.col.amount"), "avg_yuan": _t("report.col.avg"),
               "prev_count": _t("report.col.prev_count"), "prev_amount_yuan": _t("report.col.prev_amount"),
               "change_pct": _t("report.col.change_pct")}
    return Report("period", columns, rows, chart=("key", "amount_fen"), note=f"{pa}..{pb}")


def prepay_arrears(session: Session, *, start: date, end: date, mode: str = "live", counter: str | None = None, **_: Any) -> Report:
    """Payments split into the part that cleared arrears and the part that is prepayment.

    A payment counts as arrears up to what the number owed; the rest is prepayment. Counts:
    a payment that cleared any arrears counts once under arrears, every other under prepayment.
    """
    a, b = _days(start, end)
    pn, pay, an, arrears = _rows(
        session,
        "SELECT COALESCE(SUM(pay_count),0), COALESCE(SUM(pay_fen),0), COALESCE(SUM(arrears_count),0), COALESCE(SUM(arrears_fen),0)"
        " FROM daily_summary WHERE business_day BETWEEN :a AND :b AND mode = :mode{counter}",
        a=a, b=b, mode=mode, counter=counter,
    )[0]
    rows = []
    if pn:
        for kind, n, amount in (("prepay", pn - an, pay - arrears), ("arrears", an, arrears)):
            rows.append(_money({"kind": _t(f"report.kind.{kind}"), "count": n, "amount_fen": amount,
                                "count_share": books.share(n, pn), "amount_share": books.share(amount, pay)}, "amount"))
    columns = {"kind": _t("report.col.kind"), "count": _t("report.col.count"), "count_share": _t("report.col.count_share"),
               "amount_yuan": _t("report.col.amount"), "amount_share": _t("report.col.amount_share")}
    return Report("prepay-arrears", columns, rows, chart=("kind", "amount_fen"))


def procedures(session: Session, *, start: date, end: date, mode: str = "live", counter: str | None = None, titles: dict[str, str] | None = None, **_: Any) -> Report:
    """Counts and amounts by procedure."""
    a, b = _days(start, end)
    found = _rows(
        session,
        "SELECT procedure_id, SUM(tx_count), SUM(amount_fen) FROM daily_summary WHERE business_day BETWEEN :a AND :b AND mode = :mode{counter}"
        " GROUP BY procedure_id HAVING SUM(tx_count) > 0 ORDER BY SUM(tx_count) DESC, procedure_id",
        a=a, b=b, mode=mode, counter=counter,
    )
    whole = sum(n for _, n, _ in found)
    rows = [
        _money({"procedure": pid, "title": (titles or {}).get(pid, pid), "count": n, "amount_fen": amount,
                "avg_fen": books.average(amount, n), "count_share": books.share(n, whole)}, "amount", "avg")
        for pid, n, amount in found
    ]
    columns = {"procedure": _t("report.col.procedure"), "title": _t("report.col.title"), "count": _t("report.col.count"),
               "count_share": _t("report.col.count_share"), "amount_yuan": _t("report.col.amount"), "avg_yuan": _t("report.col.avg")}
    return Report("procedures", columns, rows, chart=("title", "count"))


def amount_bands(session: Session, *, start: date, end: date, mode: str = "live", counter: str | None = None, bounds_fen=(5000, 10000, 20000, 50000), **_: Any) -> Report:
    """Payments by amount band (bands from Settings.payment_bands_fen)."""
    a, b = _days(start, end)
    all_bands = books.bands(bounds_fen)
    counts = [0] * len(all_bands)
    amounts = [0] * len(all_bands)
    for amount, n in _rows(
        session,
        "SELECT amount_fen, SUM(count) FROM payment_amount WHERE business_day BETWEEN :a AND :b AND mode = :mode{counter} GROUP BY amount_fen",
        a=a, b=b, mode=mode, counter=counter,
    ):
        i = books.band_of(amount, all_bands)
        counts[i] += n
        amounts[i] += n * amount
    whole = sum(counts)
    rows = []
    if whole:
        for band, n, amount in zip(all_bands, counts, amounts):
            rows.append(_money({"band": band.label, "count": n, "count_share": books.share(n, whole), "amount_fen": amount}, "amount"))
    columns = {"band": _t("report.col.band"), "count": _t("report.col.count"), "count_share": _t("report.col.count_share"),
               "amount_yuan": _t("report.col.amount")}
    return Report("bands", columns, rows, chart=("band", "count"))


def deposits(session: Session, *, start: date, end: date, mode: str = "live", counter: str | None = None, **_: Any) -> Report:
    """Deposits (押金, report category deposit) taken and returned in the period, and the net; the
    note gives what the deposit ledger holds now. Never counted as prepayment or payment."""
    from teller.strings import t

    a, b = _days(start, end)
    dn, taken, bn, back = _rows(
        session,
        "SELECT COALESCE(SUM(deposit_count),0), COALESCE(SUM(deposit_fen),0), COALESCE(SUM(deposit_back_count),0),"
        " COALESCE(SUM(deposit_back_fen),0) FROM daily_summary WHERE business_day BETWEEN :a AND :b AND mode = :mode{counter}",
        a=a, b=b, mode=mode, counter=counter,
    )[0]
    rows = []
    if dn or bn:
        for kind, n, amount in (("taken", dn, taken), ("returned", bn, back), ("net", dn - bn, taken - back)):
            rows.append(_money({"kind": _t(f"report.kind.deposit_{kind}"), "count": n, "amount_fen": amount}, "amount"))
    held_n, held_fen = _rows(session, "SELECT COUNT(*), COALESCE(SUM(amount_fen),0) FROM deposit WHERE status = 'held'")[0]
    columns = {"kind": _t("report.col.kind"), "count": _t("report.col.count"), "amount_yuan": _t("report.col.amount")}
    note = t("report.deposits_held", count=held_n, amount=yuan(held_fen))
    return Report("deposits", columns, rows, chart=("kind", "amount_fen"), note=note)


#: the procedures whose answers carry a retention outcome, and the value that means "kept"
RETENTION_PROCEDURES = {"close_account": "retained", "cancel_service": "retained"}


def retention(session: Session, *, start: date, end: date, mode: str = "live", counter: str | None = None, **_: Any) -> Report:
    """Closings and cancellations retained vs lost: the `retention` answer each such visit records."""
    a, b = _days(start, end)
    columns = {"procedure": _t("report.col.procedure"), "retained": _t("report.col.retained"), "lost": _t("report.col.lost"),
               "retained_share": _t("report.col.retained_share")}
    stmt = sa.text(
        'SELECT procedure_id, answers_json FROM "transaction" WHERE business_day BETWEEN :a AND :b'
        " AND procedure_id IN :procs AND status = 'completed' AND mode = :mode"
        + (" AND counter = :counter" if counter else "")
    ).bindparams(sa.bindparam("procs", expanding=True))
    counts: dict[str, list[int]] = {}
    for procedure_id, answers in session.execute(stmt, {"a": a, "b": b, "procs": list(RETENTION_PROCEDURES), "mode": mode, **({"counter": counter} if counter else {})}):
        outcome = json.loads(answers or "{}").get("retention")
        if outcome is None:
            continue
        kept = outcome == RETENTION_PROCEDURES[procedure_id]
        counts.setdefault(procedure_id, [0, 0])[0 if kept else 1] += 1
    rows = [{"procedure": p, "retained": r, "lost": lost, "retained_share": books.share(r, r + lost)}
            for p, (r, lost) in sorted(counts.items())]
    return Report("retention", columns, rows, chart=("procedure", "retained"))


def complaints(session: Session, *, start: date, end: date, now: datetime | None = None, zone=None, counter: str | None = None, **_: Any) -> Report:
    """Complaints registered in the period: resolved on the spot (closed), tickets open, and
    tickets past their promised reply time (overdue)."""
    columns = {"state": _t("report.col.state"), "count": _t("report.col.count")}
    lo, hi = utc_bounds(start, end, zone)  # naive UTC, as the store keeps times (models.UTCDateTime)
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    stmt = (
        sa.text("SELECT outcome, reply_due FROM complaint WHERE created_at >= :lo AND created_at < :hi")
        .bindparams(sa.bindparam("lo", type_=sa.DateTime), sa.bindparam("hi", type_=sa.DateTime))
        .columns(outcome=sa.String, reply_due=sa.DateTime)
    )
    found = [(outcome, due.replace(tzinfo=timezone.utc) if due is not None else None)
             for outcome, due in session.execute(stmt, {"lo": lo, "hi": hi})]
    if not found:
        return Report("complaints", columns, [], chart=("state", "count"))
    open_ = sum(1 for outcome, _ in found if outcome != "resolved")
    overdue = sum(1 for outcome, due in found if outcome != "resolved" and due is not None and due < now)
    closed = sum(1 for outcome, _ in found if outcome == "resolved")
    rows = [{"state": _t(f"report.state.{s}"), "count": n} for s, n in (("open", open_), ("overdue", overdue), ("closed", closed))]
    return Report("complaints", columns, rows, chart=("state", "count"))


def exceptions(session: Session, *, start: date, end: date, mode: str = "live", counter: str | None = None, **_: Any) -> Report:
    """By clerk: receipts that failed to print or never printed, and their voided transactions."""
    a, b = _days(start, end)
    by: dict[str, dict[str, int]] = {}

    def row(clerk: str) -> dict[str, int]:
        return by.setdefault(clerk, {"failed": 0, "pending": 0, "voids": 0, "void_amount_fen": 0})

    for clerk, status, n in _rows(
        session,
        'SELECT t.clerk, j.status, COUNT(*) FROM receipt_job j JOIN "transaction" t ON t.id = j.tx_id'
        " WHERE j.status IN ('failed', 'pending') AND t.business_day BETWEEN :a AND :b AND t.mode = :mode{counter} GROUP BY t.clerk, j.status",
        a=a, b=b, mode=mode, counter=counter,
    ):
        row(clerk)[status] += n
    for clerk, n, amount in _rows(
        session,
        "SELECT tx_clerk, COUNT(*), SUM(amount_fen) FROM void v WHERE business_day BETWEEN :a AND :b{counter}"
        ' AND EXISTS (SELECT 1 FROM "transaction" t WHERE t.id = v.tx_id AND t.mode = :mode) GROUP BY tx_clerk',
        a=a, b=b, mode=mode, counter=counter,
    ):
        r = row(clerk)
        r["voids"], r["void_amount_fen"] = n, amount
    rows = [_money({"clerk": clerk, **vals}, "void_amount") for clerk, vals in sorted(by.items())]
    columns = {"clerk": _t("report.col.clerk"), "failed": _t("report.col.failed"), "pending": _t("report.col.pending"),
               "voids": _t("report.col.voids"), "void_amount_yuan": _t("report.col.void_amount")}
    return Report("exceptions", columns, rows, chart=("clerk", "voids"))


REPORTS: dict[str, Callable[..., Report]] = {
    "daily": daily,
    "period": period,
    "prepay-arrears": prepay_arrears,
    "procedures": procedures,
    "bands": amount_bands,
    "deposits": deposits,
    "retention": retention,
    "complaints": complaints,
    "exceptions": exceptions,
}


def utc_bounds(start: date, end: date, zone=None) -> tuple[datetime, datetime]:
    """The hall's local days start..end as naive-UTC bounds [lo, hi) (the store's format)."""
    from teller.clock import hall_zone

    zone = zone or hall_zone()
    start, end = (start, end) if start <= end else (end, start)
    lo = datetime.combine(start, time(0), zone).astimezone(timezone.utc).replace(tzinfo=None)
    hi = datetime.combine(end + timedelta(days=1), time(0), zone).astimezone(timezone.utc).replace(tzinfo=None)
    return lo, hi


def run_report(engine, name: str, **params: Any) -> Report:
    if name not in REPORTS:
        from teller.errors import NotFound

        raise NotFound(f"unknown report {name!r}; one of: {', '.join(REPORTS)}")
    with engine.connect() as conn:  # Core alone: `teller-admin report` never loads the ORM
        return REPORTS[name](conn, **params)
