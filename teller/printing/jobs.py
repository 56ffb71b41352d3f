"""The print journal: every paper is a job in the database, printed after the commit.

A failed job keeps its reason and can be printed again; the transaction it belongs to is
never touched by printing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from teller.config import Settings
from teller.domain.money import money
from teller.domain.rules import mask_id, mask_name
from teller.errors import PrintFailed
from teller.printing import escpos
from teller.printing.layouts import ReceiptData, load_layout, preview_text, render
from teller.store.models import CustomerRecord, FeeLineRecord, ReceiptJobRecord, TransactionRecord
from teller.strings import t

@dataclass(frozen=True)
class JobOutcome:
    job_id: int
    layout: str
    ok: bool
    error: str = ""
    spooled: Path | None = None


def receipt_data(session: Session, tx: TransactionRecord, settings: Settings, *, procedure_title: str, reprints: int = 0) -> ReceiptData:
    """The values a layout shows for one transaction: masked, formatted, in the hall's time zone."""
    cust = session.get(CustomerRecord, tx.customer_number) if tx.customer_number else None
    local = tx.created_at.astimezone(_zone(settings))
    answers = json.loads(tx.answers_json or "{}")
    details = [(str(label), str(value)) for label, value in answers.get("_paper", [])]
    fees = [(f.label, money(f.amount_fen)) for f in session.exec(select(FeeLineRecord).where(FeeLineRecord.tx_id == tx.id))]
    banners = []
    if tx.mode == "practice":
        banners.append(t("print.training"))
    if reprints:
        banners.append(f"{t('print.reprint')} #{reprints}")
    values = {
        "hall": settings.hall_name,
        "counter": tx.counter,
        "clerk": tx.clerk,
        "time": local.strftime("%Y-%m-%d %H:%M:%S"),
        "receipt_no": tx.receipt_no,
        "procedure": procedure_title,
        "procedure_version": f"{tx.procedure_version}-{tx.procedure_digest[:8]}",
        "customer_number": tx.customer_number or "",
        "customer_name": mask_name(cust.name) if cust else "",
        "customer_id": mask_id(cust.id_number) if cust else "",
        "total": money(tx.amount_due_fen),
        "tendered": money(tx.tendered_fen),
        "change": money(tx.change_fen),
    }
    signatures = [str(s) for s in answers.get("_signatures", [])]
    return ReceiptData(values=values, fees=fees, details=details, banners=banners, signatures=signatures)


def _zone(settings: Settings):
    from teller.clock import hall_zone

    return hall_zone(settings.timezone)


def spool_path(settings: Settings, tx: TransactionRecord, layout: str, reprints: int) -> Path:
    suffix = f"-reprint{reprints}" if reprints else ""
    return Path(settings.spool_dir) / tx.business_day.strftime("%Y%m%d") / f"{tx.receipt_no}-{layout}{suffix}"


def print_job(engine, settings: Settings, job_id: int, *, procedure_title: str, now: datetime, reprint: bool = False) -> JobOutcome:
    """Render and send one job; record the attempt and its outcome. Never raises for a printer fault."""
    with Session(engine, expire_on_commit=False) as session:
        job = session.get(ReceiptJobRecord, job_id)
        tx = session.get(TransactionRecord, job.tx_id)
        reprints = job.reprints + 1 if reprint else 0
        first_job = job.id == session.exec(
            select(ReceiptJobRecord.id).where(ReceiptJobRecord.tx_id == job.tx_id).order_by(ReceiptJobRecord.id)
        ).first()
        data = receipt_data(session, tx, settings, procedure_title=procedure_title, reprints=reprints)
    cfg = settings.printer
    layout = load_layout(str(settings.layouts_dir), job.layout)
    ops = render(layout, data, cfg.columns)
    drawer = cfg.cash_drawer and tx.tendered_fen > 0 and not reprint and first_job  # once per sale
    error, spooled = "", None
    try:
        raw = escpos.to_bytes(ops, profile=cfg.profile, drawer=drawer)
        if settings.practice or cfg.backend == "preview":
            spooled = spool_path(settings, tx, job.layout, reprints)
            spooled.parent.mkdir(parents=True, exist_ok=True)
            spooled.with_suffix(".txt").write_text(preview_text(ops, cfg.columns), encoding="utf-8")
            spooled.with_suffix(".bin").write_bytes(raw)
        else:
            escpos.send(cfg, raw)
    except PrintFailed as exc:
        error = exc.message
    except OSError as exc:  # the spool folder itself failed (disk full, permissions)
        error = t("print.io", error=str(exc))
    layout_name = job.layout
    with Session(engine) as session:
        job = session.get(ReceiptJobRecord, job_id)
        job.attempts += 1
        if reprint and not error:
            job.reprints = reprints
        if not reprint or not error:
            job.status = "failed" if error else "printed"
        job.error = error
        job.updated_at = now
        session.add(job)
        session.commit()
    return JobOutcome(job_id, layout_name, not error, error, spooled)
