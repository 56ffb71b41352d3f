"""The print journal: every paper is a job in the database, printed after the commit.

A failed job keeps its reason and can be printed again; the transaction it belongs to is
never touched by printing.
"""

from __future__ import annotations

import logging

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from teller.clock import local_text
from teller.config import Settings
from teller.domain.money import capital_yuan, money
from teller.domain.rules import mask_id, mask_name
from teller.errors import TellerError
from teller.mode import Mode
from teller.printing import escpos
from teller.printing.layouts import EXTRA_PLACEHOLDERS, LayoutError, ReceiptData, load_layout, preview_text, render
from teller.store.models import CustomerRecord, FeeLineRecord, ReceiptJobRecord, TransactionRecord
from teller.strings import t


@dataclass(frozen=True)
class JobOutcome:
    job_id: int
    layout: str
    ok: bool
    error: str = ""
    spooled: Path | None = None
    copy_no: int = 1
    title: str = ""  # the paper's name for the clerk: 业务受理单（营业厅联）


#: papers whose second print needs a supervisor's PIN (a duplicate invoice is money)
SUPERVISED_REPRINTS = ("invoice",)


def _log_db_fault(exc: BaseException) -> None:
    """The database's own (English) words go to the log; the clerk reads `print.db_reason`."""
    logging.getLogger("teller.printing").warning("print journal: %s: %s", type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")


def spool_failed(exc: OSError) -> str:
    """The clerk's words for a spool folder that cannot be written; the system's words go to the log."""
    logging.getLogger("teller.printing").warning("receipt spool failed: %s", exc)
    return t("print.spool_failed")


def copies_of(settings: Settings, layout: str) -> int:
    """How many copies a layout prints; 1 if its file cannot be read (the print will say why)."""
    try:
        return len(load_layout(str(settings.layouts_dir), layout).copies)
    except TellerError:
        return 1


def paper_title(settings: Settings, layout: str, copy_no: int = 1) -> str:
    """The paper's name for the clerk (业务受理单（营业厅联）); the layout id if it cannot be read."""
    try:
        return load_layout(str(settings.layouts_dir), layout).copy_title(copy_no)
    except TellerError:
        return layout


def add_jobs(session: Session, tx_id: int, layouts: list[str], settings: Settings, *, now: datetime) -> None:
    """One journal entry per copy of each paper, in the transaction being committed."""
    for layout in layouts:
        for copy_no in range(1, copies_of(settings, layout) + 1):
            session.add(ReceiptJobRecord(tx_id=tx_id, layout=layout, copy_no=copy_no, updated_at=now))


def receipt_data(session: Session, tx: TransactionRecord, settings: Settings, *, procedure_title: str, reprints: int = 0) -> ReceiptData:
    """The values a layout shows for one transaction: masked, formatted, in the hall's time zone.

    Tendered and change are empty when no cash changed hands (a layout shows them `if:`
    tendered). A feature may add values in the answers under `_receipt` (original receipt
    no, reason and supervisor of a void), already masked; only EXTRA_PLACEHOLDERS are taken.
    """
    cust = session.get(CustomerRecord, tx.customer_number) if tx.customer_number else None
    fees = [(f.label, f.amount_fen) for f in session.exec(select(FeeLineRecord).where(FeeLineRecord.tx_id == tx.id).order_by(FeeLineRecord.id))]
    return receipt_data_from(tx, fees, cust.name if cust else None, cust.id_number if cust else None, settings,
                             procedure_title=procedure_title, reprints=reprints)


def receipt_data_from(tx, fees: list[tuple[str, int]], customer_name: str | None, customer_id: str | None, settings: Settings,
                      *, procedure_title: str, reprints: int = 0) -> ReceiptData:
    """`receipt_data` from values at hand (a commit's rows in memory): the same paper, no query."""
    answers = json.loads(tx.answers_json or "{}")
    details = [(str(label), str(value)) for label, value in answers.get("_paper", [])]
    fees = [(label, money(fen)) for label, fen in split_arrears(list(fees), int(answers.get("_arrears_fen") or 0))]
    banners = Mode.named(tx.mode).paper_banners()
    if reprints:
        banners.append(f"{t('print.reprint')} #{reprints}")
    values = {
        "hall": settings.hall_name,
        "counter": tx.counter,
        "clerk": tx.clerk,
        "time": local_text(tx.created_at, settings.timezone),
        "receipt_no": tx.receipt_no,
        "procedure": procedure_title,
        "procedure_version": f"{tx.procedure_version}-{tx.procedure_digest[:8]}",
        "customer_number": tx.customer_number or "",
        "customer_name": mask_name(customer_name) if customer_name is not None else "",
        "customer_id": mask_id(customer_id) if customer_id is not None else "",
        "total": money(tx.amount_due_fen),
        "total_capital": capital_yuan(tx.amount_due_fen) if tx.amount_due_fen else "",
        "tendered": money(tx.tendered_fen) if tx.tendered_fen else "",
        "change": money(tx.change_fen) if tx.tendered_fen else "",
        "status": tx.status,
    }
    signatures = [str(s) for s in answers.get("_signatures", [])]
    extra = answers.get("_receipt") or {}
    if isinstance(extra, dict):
        values.update({k: str(extra[k]) for k in EXTRA_PLACEHOLDERS if extra.get(k) not in (None, "")})
    return ReceiptData(values=values, fees=fees, details=details, banners=banners, signatures=signatures)


def split_arrears(lines: list[tuple[str, int]], arrears_fen: int) -> list[tuple[str, int]]:
    """Fee lines as the invoice prints them: the part of a payment that cleared arrears on a
    line of its own (结清欠费), the rest under the fee's own label (预存话费). A payment clears
    arrears first, so the arrears are taken from the first lines (the books count it so too)."""
    out: list[tuple[str, int]] = []
    left = max(0, arrears_fen)
    for label, fen in lines:
        part = min(left, max(0, fen))
        if part:
            out.append((t("paper.arrears_cleared"), part))
            left -= part
        if fen - part:
            out.append((label, fen - part))
    return out


def _zone(settings: Settings):
    from teller.clock import hall_zone

    return hall_zone(settings.timezone)


def spool_path(settings: Settings, tx: TransactionRecord, layout: str, reprints: int, copy_no: int = 1) -> Path:
    return _spool_at(settings, tx.business_day.strftime("%Y%m%d"), tx.receipt_no, layout, reprints, copy_no)


def _spool_at(settings: Settings, day_folder: str, name: str, layout: str, reprints: int, copy_no: int) -> Path:
    copy = f"-{copy_no}" if copy_no > 1 else ""
    suffix = f"-reprint{reprints}" if reprints else ""
    return Path(settings.spool_dir) / day_folder / f"{name}-{layout}{copy}{suffix}"


def possibly_printed(job: ReceiptJobRecord) -> bool:
    """Whether the job's paper may exist: printed, or some of its bytes may have reached a printer."""
    return job.status == "printed" or bool(job.bytes_sent)


def add_subject_jobs(session: Session, layout: str, settings: Settings, *, now: datetime, void_id: int | None = None, shift_id: int | None = None) -> list[ReceiptJobRecord]:
    """The journal entries of a void slip or a settlement slip (one per copy), unless already there."""
    column = ReceiptJobRecord.void_id if void_id is not None else ReceiptJobRecord.shift_id
    key = void_id if void_id is not None else shift_id
    have = session.exec(select(ReceiptJobRecord).where(column == key).order_by(ReceiptJobRecord.id)).all()
    if have:
        return list(have)
    made = [
        ReceiptJobRecord(void_id=void_id, shift_id=shift_id, layout=layout, copy_no=n, updated_at=now)
        for n in range(1, copies_of(settings, layout) + 1)
    ]
    session.add_all(made)
    session.flush()
    return made


@dataclass(frozen=True)
class _Paper:
    data: ReceiptData
    day_folder: str
    name: str
    cash_sale: bool = False  # the sale took cash: its first paper may open the drawer


def _paper_of(session: Session, job: ReceiptJobRecord, settings: Settings, *, procedure_title: str, reprints: int) -> _Paper:
    """What one job prints: a transaction's receipt, a void slip or a settlement slip."""
    banner = [f"{t('print.reprint')} #{reprints}"] if reprints else []
    if job.void_id is not None:
        from teller.printing.papers import void_data
        from teller.store.shifts import VoidRecord

        void = session.get(VoidRecord, job.void_id)
        tx = session.get(TransactionRecord, void.tx_id)
        data = void_data(void, tx, settings, procedure_title=procedure_title)
        data.banners.extend(banner)
        # cash paid back opens the drawer, like cash taken in
        return _Paper(data, void.business_day.strftime("%Y%m%d"), data.values["receipt_no"], cash_sale=void.amount_fen > 0)
    if job.shift_id is not None:
        from teller.printing.papers import settlement_data
        from teller.store import audit, shifts

        shift = shifts.find_shift(session, shift_id=job.shift_id)
        closing = shifts.closing_of(session, shift=shift, threshold_fen=settings.settle_variance_fen)
        data = settlement_data(shift, closing, shifts.movements(session, shift_id=shift.id), settings,
                               counts=shifts.transaction_counts(session, shift=shift), anchor=audit.anchor_of(session))
        data.banners.extend(banner)
        return _Paper(data, shift.business_day.strftime("%Y%m%d"), f"shift{shift.id}-{shift.counter}")
    tx = session.get(TransactionRecord, job.tx_id)
    data = receipt_data(session, tx, settings, procedure_title=procedure_title, reprints=reprints)
    return _Paper(data, tx.business_day.strftime("%Y%m%d"), tx.receipt_no, cash_sale=tx.tendered_fen > 0)


def _first_of_subject(session: Session, job: ReceiptJobRecord) -> bool:
    """The first job of its sale or void (the one that may open the drawer); never a settlement."""
    if job.tx_id is not None:
        column, key = ReceiptJobRecord.tx_id, job.tx_id
    elif job.void_id is not None:
        column, key = ReceiptJobRecord.void_id, job.void_id
    else:
        return False
    return job.id == session.exec(select(ReceiptJobRecord.id).where(column == key).order_by(ReceiptJobRecord.id)).first()


def print_job(engine, settings: Settings, job_id: int, *, procedure_title: str, now: datetime, reprint: bool = False) -> JobOutcome:
    """Render and send one job; record the attempt and its outcome. Never raises for a printer fault.

    A job whose paper may exist already (printed, or bytes sent in an earlier attempt) prints
    as a 补打 whatever the caller asked. Before the first byte goes out, `bytes_sent` is
    committed: if the outcome cannot be written afterwards (a locked database, a kill), the
    job still counts as possibly printed. If that first write fails, nothing is sent.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from teller.printing.fresh import flush_outcomes

    flush_outcomes(engine)  # the journal as this process last printed it
    with Session(engine, expire_on_commit=False) as session:
        job = session.get(ReceiptJobRecord, job_id)
        was_sent = bool(job.bytes_sent)
        reprint = reprint or possibly_printed(job)
        reprints = job.reprints + 1 if reprint else 0
        first_job = _first_of_subject(session, job)
        paper = _paper_of(session, job, settings, procedure_title=procedure_title, reprints=reprints)
    cfg = settings.printer
    # once per sale, with its first paper, only while no copy of it may have printed
    drawer = cfg.cash_drawer and paper.cash_sale and not reprint and first_job
    error, spooled, title, delivered = "", None, job.layout, False
    clerk_error = ""  # what the clerk reads when the journal keeps more (a layout's technical reason)
    layout_name, copy_no = job.layout, job.copy_no
    try:
        layout = load_layout(str(settings.layouts_dir), job.layout)
        title = layout.copy_title(job.copy_no)
        ops = render(layout, paper.data, cfg.columns, copy_no=job.copy_no, charset=cfg.charset)
        raw = escpos.to_bytes(ops, profile=cfg.profile, drawer=drawer)
        _mark_sending(engine, job_id, now)  # committed before the first byte leaves
        delivered = True
        if settings.mode.spools(cfg):
            spooled = _spool_at(settings, paper.day_folder, paper.name, job.layout, reprints, job.copy_no)
            spool(spooled, preview_text(ops, cfg.columns), raw)
        else:
            escpos.send(cfg, raw)
    except escpos.PrinterFault as exc:
        error, delivered = exc.message, exc.maybe_delivered
    except LayoutError as exc:  # the layout cannot print: the clerk reads it in the UI language,
        clerk_error = t("print.layout_bad", layout=title)  # the journal keeps the file and block for ops
        error = f"{clerk_error}: {exc.message}"
    except TellerError as exc:
        error = exc.message
    except SQLAlchemyError as exc:  # could not mark the job: nothing was sent
        _log_db_fault(exc)
        error = t("print.io", error=t("print.db_reason"))
    except OSError as exc:  # the spool folder itself failed (disk full, permissions)
        error = spool_failed(exc)
    try:
        with Session(engine) as session:
            job = session.get(ReceiptJobRecord, job_id)
            job.attempts += 1
            job.bytes_sent = was_sent or delivered
            if reprint and not error:
                job.reprints = reprints
            if not error:
                job.status = "printed"
            elif job.status != "printed":
                job.status = "failed"
            job.error = error
            job.updated_at = now
            session.add(job)
            session.commit()
    except SQLAlchemyError as exc:  # the job stays `sending` with bytes_sent: a later copy is a 补打
        _log_db_fault(exc)
        error = error or t("print.unrecorded", error=t("print.db_reason"))
    if clerk_error:
        error = clerk_error
    return JobOutcome(job_id, layout_name, not error, error, spooled, copy_no, title)


def _mark_sending(engine, job_id: int, now: datetime) -> None:
    with Session(engine) as session:
        job = session.get(ReceiptJobRecord, job_id)
        job.bytes_sent = True
        if job.status != "printed":
            job.status = "sending"
        job.updated_at = now
        session.add(job)
        session.commit()


def spool(path: Path, preview: str, raw: bytes) -> None:
    """The preview spool: the readable lines (.txt) and the exact bytes (.bin)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".txt").write_text(preview, encoding="utf-8")
    path.with_suffix(".bin").write_bytes(raw)


# ---- test page -----------------------------------------------------------------------------------
TEST_PAGE = "testpage"
#: characters of names outside GB2312 (in GBK and GB18030): a GB2312-only font cannot print them
CHARSET_PROBE = "镕 喆 堃 昇"
_CJK_RULER = "一二三四五六七八九十"


def test_page_data(settings: Settings, now: datetime) -> ReceiptData:
    """What the test page shows: the hall, the printer as configured, the rulers of its width,
    the character-set probe (sent as is, and as the configured charset prints it), a test number."""
    from teller.printing.layouts import paper_safe

    cfg = settings.printer
    local = now.astimezone(_zone(settings))
    target = escpos.describe(cfg).removeprefix(cfg.backend).strip()
    return ReceiptData(
        values={
            "hall": settings.hall_name,
            "counter": settings.counter,
            "time": local_text(now, settings.timezone),
            "receipt_no": f"TEST-{settings.counter}-{local:%Y%m%d%H%M%S}",
            "printer": cfg.backend,
            "printer_target": target,
            "profile": cfg.profile,
            "paper_mm": str(cfg.paper_mm),
            "columns": str(cfg.columns),
            "encoding": escpos.ENCODING.upper(),
            "charset": cfg.charset.upper(),
            "cjk_ruler": (_CJK_RULER * 10)[: cfg.columns // 2],
            "probe": CHARSET_PROBE,
            "probe_as_set": paper_safe(CHARSET_PROBE, cfg.charset),
        },
        fees=[(t("print.test_amount"), "￥0.01")],
        banners=settings.mode.paper_banners(),
    )


def print_test_page(settings: Settings, *, now: datetime) -> JobOutcome:
    """Print receipts/testpage.yaml to the configured printer (the preview spool by default).

    Not a transaction, so not in the journal; the outcome says whether it printed and why not.
    """
    cfg = settings.printer
    data = test_page_data(settings, now)
    error, spooled, title = "", None, TEST_PAGE
    try:
        layout = load_layout(str(settings.layouts_dir), TEST_PAGE)
        title = layout.copy_title(1)
        ops = render(layout, data, cfg.columns)  # the probe goes out as is, whatever the charset setting
        raw = escpos.to_bytes(ops, profile=cfg.profile)
        if settings.mode.spools(cfg):
            spooled = Path(settings.spool_dir) / now.astimezone(_zone(settings)).strftime("%Y%m%d") / data.values["receipt_no"]
            spool(spooled, preview_text(ops, cfg.columns), raw)
        else:
            escpos.send(cfg, raw)
    except TellerError as exc:
        error = exc.message
    except OSError as exc:
        error = spool_failed(exc)
    return JobOutcome(0, TEST_PAGE, not error, error, spooled, 1, title)
