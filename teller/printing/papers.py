"""Papers that are not a transaction's receipt: the settlement slip (日结单) and the void slip
(冲正单). Same layouts language, and printed through the same print journal as receipts
(teller.printing.jobs: a job per copy with `void_id` / `shift_id`), so a failure is recorded,
listed by `receipts pending` and printed again like any receipt."""

from __future__ import annotations

import json
from datetime import datetime

from teller.clock import local_text
from teller.config import Settings
from teller.domain import books
from teller.domain.money import money, variance
from teller.mode import Mode
from teller.printing.layouts import ReceiptData
from teller.strings import t


def _local(at: datetime | None, settings: Settings) -> str:
    return local_text(at, settings.timezone)


def movement_reason(move) -> str:
    """A cash movement's reason as the slip prints it, in the UI language: a void's refund is
    recorded as `<receipt no> <reason code>` (冲正 01-20261123-0004 金额错误)."""
    if move.kind == books.VOID_REFUND:
        receipt_no, _, code = move.reason.partition(" ")
        if code in books.VOID_REASONS:
            return f"{receipt_no} {t(f'void.reason.{code}')}"
    return move.reason


def settlement_data(shift, closing, moves, settings: Settings, *, counts: dict[str, int] | None = None, anchor: str = "") -> ReceiptData:
    """The slip of a closed (or counted) shift: the transactions by kind, the count by
    denomination and the books. Labels wrap by cells on the paper, never cut by characters."""
    exp = closing.expected
    counted = {int(k): int(v) for k, v in json.loads(shift.counted_json or "{}").items()}
    details = [(f"{books.denomination_label(d)} × {counted.get(d, 0)}", money(d * counted.get(d, 0))) for d in books.DENOMINATIONS]
    fees = [
        (t("settle.float"), money(exp.float_fen)),
        (t("settle.taken"), money(exp.taken_fen)),
        (t("settle.change"), money(-exp.change_fen)),
        (t("settle.cash_in"), money(exp.cash_in_fen)),
        (t("settle.cash_out"), money(-(exp.cash_out_fen - exp.void_refund_fen))),
        (t("settle.void_refund"), money(-exp.void_refund_fen)),
    ]
    fees += [(f"  {t('settle.kind.' + m.kind)}：{movement_reason(m)}", money(m.amount_fen if m.kind == books.CASH_IN else -m.amount_fen)) for m in moves]
    counts = counts or {"all": exp.sales, "cash": exp.sales, "non_cash": 0, "voided": 0}
    banners = Mode.named(shift.mode).paper_banners()
    values = {
        "hall": settings.hall_name,
        "counter": shift.counter,
        "clerk": shift.clerk,
        "shift_no": str(shift.id),
        "business_day": shift.business_day.isoformat(),
        "opened": _local(shift.opened_at, settings),
        "time": _local(shift.closed_at or shift.counted_at, settings),
        "sales": str(exp.sales),
        "transactions": str(counts["all"]),
        "cash_sales": str(counts["cash"]),
        "non_cash": str(counts["non_cash"]),
        "voided": str(counts["voided"]),
        "expected": money(closing.settlement.expected_fen),
        "counted": money(closing.settlement.counted_fen),
        "variance": variance(closing.settlement.variance_fen),
        "supervisor": shift.supervisor or "-",
        "note": shift.note or "-",
        # the audit chain's head when the slip printed: kept on paper, outside the database,
        # `teller-admin audit verify --anchor` later proves nothing before it was cut away
        "audit_anchor": anchor or "-",
    }
    return ReceiptData(values=values, fees=fees, details=details, banners=banners)


def void_data(void, tx, settings: Settings, *, procedure_title: str) -> ReceiptData:
    values = {
        "hall": settings.hall_name,
        "counter": void.counter,
        "clerk": void.clerk,
        "time": _local(void.at, settings),
        # the void's own number when voids are numbered (VoidRecord.void_no), else the receipt's
        "receipt_no": getattr(void, "void_no", None) or void.receipt_no,
        "procedure": procedure_title,
        "customer_number": tx.customer_number or "",
        "tx_clerk": void.tx_clerk,
        "supervisor": void.supervisor,
        "reason": t(f"void.reason.{void.reason}"),
        "refund": money(void.amount_fen),
        "tx_time": _local(tx.created_at, settings),
        "original_receipt_no": tx.receipt_no,
        "procedure_version": f"{tx.procedure_version}-{tx.procedure_digest[:8]}",
        "original_total": money(tx.amount_due_fen),
        "void_reason": t(f"void.reason.{void.reason}"),
    }
    banners = Mode.named(tx.mode).paper_banners()
    return ReceiptData(values=values, banners=banners)
