"""Receipts: layouts rendered in cells, ESC/POS bytes decoded back, preview = paper, network printing."""

from __future__ import annotations

import dataclasses
import random
import unicodedata

import pytest
from rich.cells import cell_len
from sqlmodel import Session, select

from teller.domain import catalog
from teller.errors import AuthError, TellerError
from teller.printing import escpos
from teller.strings import t
from teller.printing.layouts import Cut, Line, Qr, load_layout, pair, preview_text, render, wrap
from teller.store.models import ReceiptJobRecord, TransactionRecord
from tests.conftest import network_settings, open_desk, start, walk
from tests.support.escpos_decoder import cells, decode
from tests.support.fake_printer import FakePrinter

WANG = "13800138000"
NEW_ID = "11010519491231002X"
NEW_NUMBER = "13477771314"


def paper(settings, mm: int):
    return dataclasses.replace(settings, printer=dataclasses.replace(settings.printer, paper_mm=mm))


def commit_payment(desk, amount="120", tendered="150"):
    run = walk(start(desk, "payment"), WANG, "王小明", None, amount, tendered)
    run.submit()
    return run.committed


def commit_open_account(desk):
    run = walk(start(desk, "open_account"), "yes", NEW_ID, "赵小刚", "local", "szx_fashion", None,
               NEW_NUMBER, "135790", "135790", "", "100", "200")
    run.submit()
    return run.committed


def jobs_of(desk, tx_id):
    with Session(desk.engine) as s:
        return s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.tx_id == tx_id).order_by(ReceiptJobRecord.id)).all()


def printed(desk, committed, columns):
    """Print every job of a transaction to the preview spool; return {(layout, copy_no): (decoded, bytes, txt)}."""
    desk.settings = paper(desk.settings, 58 if columns == 32 else 80)
    assert desk.settings.printer.columns == columns
    outcomes = desk.print_transaction(committed.tx_id, only_unprinted=False)
    assert outcomes and all(o.ok for o in outcomes), outcomes
    out = {}
    for o in outcomes:
        raw = o.spooled.with_suffix(".bin").read_bytes()
        txt = o.spooled.with_suffix(".txt").read_text(encoding="utf-8")
        out[(o.layout, o.copy_no)] = (decode(raw), raw, txt)
    return out


def paper_lines_of_preview(txt: str) -> list[str]:
    """The preview's lines without its QR box and cut mark (which paper shows as graphics/a cut)."""
    return [ln for ln in txt.splitlines() if not ln.startswith("✂") and not ln.strip().startswith("[QR ")]


COLUMNS = [32, 48]


# ---- invoice and slip of real transactions --------------------------------------------------------


@pytest.mark.parametrize("columns", COLUMNS)
def test_invoice_for_a_payment(desk, columns):
    committed = commit_payment(desk)
    (d, raw, txt) = printed(desk, committed, columns)[("invoice", 1)]
    assert raw.startswith(b"\x1b@\x1c&")
    assert d.commands[:2] == ["init", "chinese_on"]
    first_line = d.events.index(("line", d.lines[0]))
    assert d.events.index(("cmd", "chinese_on")) < first_line
    assert all(cells(ln) <= columns for ln in d.lines), [(ln, cells(ln)) for ln in d.lines if cells(ln) > columns]
    money_lines = [ln for ln in d.lines if "￥" in ln]
    assert len(money_lines) == 5  # the fee line, total, tendered, change, the balance after
    for ln in money_lines:
        assert cells(ln) == columns, ln
    assert any(ln.startswith("预存话费") and ln.endswith("￥120.00") for ln in money_lines)
    assert any(ln.startswith("合计") and ln.endswith("￥120.00") for ln in money_lines)
    assert any(ln.startswith("实收") and ln.endswith("￥150.00") for ln in money_lines)
    assert any(ln.startswith("找零") and ln.endswith("￥30.00") for ln in money_lines)
    assert any(ln.startswith("缴费后余额") and ln.endswith("￥155.20") for ln in money_lines)
    assert "壹佰贰拾元整" in d.text  # the total in capitals
    assert d.qr_data == [committed.receipt_no]
    assert "qr" in d.commands
    assert d.commands.count("cut") == 1 and d.commands[-1] == "cut"
    text = d.text
    assert committed.receipt_no in text
    assert "王*明" in text and "王小明" not in text
    assert "2026-11-23 10:00:00" in text  # local hall time, not UTC
    assert "01/1001" in text
    assert "收费凭证" in text and "缴费" in text
    assert "练习" not in text and "补打" not in text
    assert paper_lines_of_preview(txt) == d.lines
    assert "王小明" not in txt


@pytest.mark.parametrize("columns", COLUMNS)
def test_invoice_and_slip_for_a_new_account(desk, columns):
    committed = commit_open_account(desk)
    papers = printed(desk, committed, columns)
    assert set(papers) == {("invoice", 1), ("slip", 1), ("slip", 2)}  # one job per copy
    for layout, (d, raw, txt) in papers.items():
        assert "chinese_on" in d.commands
        assert all(cells(ln) <= columns for ln in d.lines), layout
        for ln in (ln for ln in d.lines if "￥" in ln):
            assert cells(ln) == columns and ln[-1].isdigit(), ln
        assert paper_lines_of_preview(txt) == d.lines, layout
        for secret in (NEW_ID, NEW_ID[3:14], "赵小刚", "135790"):
            assert secret not in d.text, (layout, secret)
            assert secret not in txt, (layout, secret)
            assert secret.encode("gb18030") not in raw
        assert "赵*刚" in d.text
    for copy_no, label in ((1, "客户联"), (2, "营业厅联")):
        slip = papers[("slip", copy_no)][0]
        assert NEW_ID[:3] + "*" * 11 + NEW_ID[-4:] in slip.text
        assert slip.qr_data == [committed.receipt_no]
        assert slip.commands.count("cut") == 1
        assert label in slip.text and "神州行大众卡时尚套餐" in slip.text
        assert NEW_NUMBER in slip.text
        assert "客户签名" in slip.text and "营业员签名" in slip.text
    invoice = papers[("invoice", 1)][0]
    fee_lines = [ln for ln in invoice.lines if "￥" in ln]
    assert fee_lines[0].startswith("卡费") and fee_lines[0].endswith("￥15.00")
    assert fee_lines[1].startswith("首次预存话费") and fee_lines[1].endswith("￥100.00")
    assert any(ln.startswith("合计") and ln.endswith("￥115.00") for ln in fee_lines)


def test_sim_serial_is_shortened_on_the_slip(desk):
    run = walk(start(desk, "replace_sim"), WANG, "yes", catalog.demo_id("11010519800101123"), None, "15")
    run.submit()
    serial = run.customer.sim_serial
    slip = printed(desk, run.committed, 48)[("slip", 1)][0]
    assert serial not in slip.text
    assert "****" + serial[-6:] in slip.text


def test_printing_marks_the_jobs_printed(desk):
    committed = commit_payment(desk)
    (job,) = jobs_of(desk, committed.tx_id)
    assert job.status == "pending"
    (outcome,) = desk.print_transaction(committed.tx_id)
    assert outcome.ok
    (job,) = jobs_of(desk, committed.tx_id)
    assert (job.status, job.attempts, job.error) == ("printed", 1, "")
    assert desk.print_transaction(committed.tx_id) == []  # nothing left to print


def test_reprint_is_marked(desk):
    committed = commit_payment(desk)
    desk.print_transaction(committed.tx_id)
    (outcome,) = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999")
    assert outcome.ok and "reprint1" in outcome.spooled.name
    d = decode(outcome.spooled.with_suffix(".bin").read_bytes())
    assert any("补打 #1" in ln for ln in d.lines)
    assert all(cells(ln) <= 48 for ln in d.lines)
    (job,) = jobs_of(desk, committed.tx_id)
    assert job.reprints == 1 and job.status == "printed"


def test_practice_receipts_carry_the_training_banner(settings, clock):
    practice = settings.for_practice()
    pd = open_desk(practice, clock)
    try:
        committed = commit_payment(pd)
        assert committed.receipt_no.startswith("P")
        (outcome,) = pd.print_transaction(committed.tx_id)
        assert outcome.ok
        assert "practice" in outcome.spooled.parts
        d = decode(outcome.spooled.with_suffix(".bin").read_bytes())
        assert any("练习 / TRAINING" in ln for ln in d.lines)
        assert "练习 / TRAINING" in outcome.spooled.with_suffix(".txt").read_text(encoding="utf-8")
        assert all(cells(ln) <= 48 for ln in d.lines)
    finally:
        pd.close()


def drawer_settings(settings):
    return dataclasses.replace(settings, printer=dataclasses.replace(settings.printer, cash_drawer=True))


def test_cash_drawer_opens_for_a_cash_payment_not_for_a_reprint(desk, settings):
    desk.settings = drawer_settings(settings)
    committed = commit_payment(desk)
    (outcome,) = desk.print_transaction(committed.tx_id)
    assert decode(outcome.spooled.with_suffix(".bin").read_bytes()).commands.count("cash_drawer") == 1
    (again,) = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999")
    assert decode(again.spooled.with_suffix(".bin").read_bytes()).commands.count("cash_drawer") == 0


def test_cash_drawer_opens_once_per_transaction(desk, settings):
    desk.settings = drawer_settings(settings)
    committed = commit_open_account(desk)
    outcomes = desk.print_transaction(committed.tx_id)
    assert [(o.layout, o.copy_no) for o in outcomes] == [("invoice", 1), ("slip", 1), ("slip", 2)]
    kicks = sum(decode(o.spooled.with_suffix(".bin").read_bytes()).commands.count("cash_drawer") for o in outcomes)
    assert kicks == 1


# ---- layout primitives --------------------------------------------------------------------------------

ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyz0123456789-/.:") + [" "] * 6
    + list("营业厅缴费号码机主姓名预存话费合计") + list("，。（）：￥") + ["😀", "e\u0301", "\n"]
)


def test_wrap_never_splits_or_overflows():
    rng = random.Random(20261123)
    for _ in range(1500):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 120)))
        width = rng.randint(16, 48)
        lines = wrap(text, width)
        for ln in lines:
            assert cell_len(ln) <= width and cells(ln) <= width, (text, width, ln)
            assert not (ln and unicodedata.combining(ln[0])), (text, width, ln)  # accent left behind
            assert ln.encode("gb18030").decode("gb18030") == ln
        # nothing lost: only the spaces at a break may go
        assert "".join(lines).replace(" ", "") == text.replace("\n", "").replace(" ", "")
        assert len(lines) >= text.count("\n") + 1


def test_wrap_keeps_full_lines_full():
    s = "营业厅" * 20  # 60 characters, 120 cells: 16 characters a line at 32 columns
    assert wrap(s, 32) == [s[0:16], s[16:32], s[32:48], s[48:60]]
    # words are not split: the line breaks at a space, and the space at the break goes
    assert wrap("ab " * 12, 16) == ["ab ab ab ab ab", "ab ab ab ab ab", "ab ab "]
    assert wrap("营业厅营业厅营业厅", 17) == ["营业厅营业厅营业", "厅"]


@pytest.mark.parametrize("width", [16, 32, 48])
def test_pair_right_aligns_and_wraps_long_values(width):
    (line,) = pair("合计", "￥115.00", width)
    assert cell_len(line) == width and line.endswith("￥115.00") and line.startswith("合计")
    long = pair("地址", "城东区" * 12, width)
    assert all(cell_len(ln) <= width for ln in long)
    assert long[0] == "地址"
    assert "".join(ln.strip() for ln in long[1:]) == "城东区" * 12


@pytest.mark.parametrize("columns", [16, 24, 32, 42, 48])
def test_layouts_fit_any_width(settings, columns):
    from teller.printing.layouts import ReceiptData

    data = ReceiptData(
        values={"hall": "城东示范营业厅" * 3, "receipt_no": "01-20261123-0001", "time": "2026-11-23 10:00:00",
                "counter": "01", "clerk": "1001", "procedure": "缴费", "customer_number": WANG,
                "customer_name": "王*明", "customer_id": "110***********1238", "total": "￥99999.99",
                "tendered": "￥100000.00", "change": "￥0.01", "procedure_version": "1-abcdef12"},
        fees=[("首次预存话费（含赠送礼品说明）", "￥99999.99")],
        details=[("套餐", "神州行大众卡时尚套餐")],
        banners=["补打 #1"],
    )
    for name in ("invoice", "slip"):
        ops = render(load_layout(str(settings.layouts_dir), name), data, columns)
        lines = [op.text for op in ops if isinstance(op, Line)]
        assert all(cell_len(ln) <= columns for ln in lines), (name, [ln for ln in lines if cell_len(ln) > columns])
        assert any(isinstance(op, Qr) for op in ops) and isinstance(ops[-1], Cut)
        d = decode(escpos.to_bytes(ops))
        assert d.lines == lines
        assert all(cells(ln) <= columns for ln in d.lines)
        assert paper_lines_of_preview(preview_text(ops, columns)) == lines


@pytest.mark.parametrize("columns", [16, 20])
def test_training_banner_fits_narrow_paper(columns):
    from teller.printing.layouts import ReceiptData, _block

    lines = _block("banner", ReceiptData(values={}, banners=["练习 / TRAINING"]), None, columns)
    assert all(cell_len(op.text) <= columns for op in lines)


# ---- a network printer ----------------------------------------------------------------------------


def test_network_printer_receives_the_same_lines(desk, settings):
    committed = commit_payment(desk)
    with FakePrinter("accept") as fp:
        desk.settings = network_settings(settings, fp)
        (outcome,) = desk.print_transaction(committed.tx_id)
        assert outcome.ok and outcome.error == "" and outcome.spooled is None
        fp.wait_closed(1)
        (job_bytes,) = fp.jobs
        # real-time status first (nothing of the job sent to a printer that is not ready),
        # then the job, then GS r: answered in order, after the job went through
        assert fp.status_asked == [b"\x10\x04\x01", b"\x1dr\x01"]
    desk.settings = paper(settings, 80)
    (copy,) = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999")
    preview = decode(copy.spooled.with_suffix(".bin").read_bytes())
    got = decode(job_bytes)
    assert [ln for ln in preview.lines if "补打" not in ln] == got.lines
    assert got.qr_data == [committed.receipt_no]
    assert "chinese_on" in got.commands
    assert got.commands[0] == "status_request" and got.commands[-2:] == ["cut", "status"]


def test_refused_printer_fails_the_job_not_the_transaction(desk, settings):
    committed = commit_payment(desk)
    with FakePrinter("refuse") as fp:
        desk.settings = network_settings(settings, fp)
        (outcome,) = desk.print_transaction(committed.tx_id)
        address = f"{fp.host}:{fp.port}"
    assert not outcome.ok
    assert address in outcome.error
    (job,) = jobs_of(desk, committed.tx_id)
    assert job.status == "failed" and address in job.error and job.attempts == 1
    with Session(desk.engine) as s:
        assert s.get(TransactionRecord, committed.tx_id).receipt_no == committed.receipt_no
    assert desk.find_customer(WANG).balance_fen == 3520 + 12000

    with FakePrinter("accept") as fp:
        desk.settings = network_settings(settings, fp)
        (outcome,) = desk.print_transaction(committed.tx_id)  # only the unprinted job
        assert outcome.ok
        fp.wait_closed(1)
        assert decode(fp.jobs[0]).qr_data == [committed.receipt_no]
        (job,) = jobs_of(desk, committed.tx_id)
        assert (job.status, job.error, job.attempts) == ("printed", "", 2)
        (again,) = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999")
        assert again.ok
        fp.wait_closed(2)
        assert any("补打 #1" in ln for ln in decode(fp.jobs[1]).lines)


def test_reprint_of_a_failed_job_after_the_printer_is_back(desk, settings):
    committed = commit_payment(desk)
    with FakePrinter("refuse") as fp:
        desk.settings = network_settings(settings, fp)
        desk.print_transaction(committed.tx_id)
    with FakePrinter("accept") as fp:
        desk.settings = network_settings(settings, fp)
        (outcome,) = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999")
        assert outcome.ok
        fp.wait_closed(1)
    (job,) = jobs_of(desk, committed.tx_id)
    assert job.status == "printed"


@pytest.mark.parametrize("mode", ["close_mid_job", "stall"])
def test_printer_dropping_the_job_fails_it(desk, settings, mode):
    committed = commit_payment(desk)
    with FakePrinter(mode, close_after=64) as fp:
        desk.settings = network_settings(settings, fp, timeout=1.0)
        (outcome,) = desk.print_transaction(committed.tx_id)
    (job,) = jobs_of(desk, committed.tx_id)
    assert not outcome.ok and outcome.error
    assert job.status == "failed" and job.error
    with Session(desk.engine) as s:
        assert s.get(TransactionRecord, committed.tx_id) is not None


# ---- item 6: a job that may be on paper is never printed again unmarked ---------------------------
@pytest.mark.parametrize("mode", ["slow", "reset_after_data", "close_mid_job"])
def test_a_job_that_may_be_on_paper_comes_back_as_a_supervised_reprint(desk, settings, mode):
    """The printer got the bytes but the job failed (too slow to confirm, reset after the data or
    in the middle): the invoice may be in the customer's hand. The next copy is 补打, and an
    invoice needs a supervisor: F5's retry (print_transaction) refuses it, reprint asks."""
    committed = commit_payment(desk)
    with FakePrinter(mode, close_after=64, delay=3.0) as fp:
        desk.settings = network_settings(settings, fp, timeout=0.5)
        (outcome,) = desk.print_transaction(committed.tx_id)
        fp.wait_connections(1)
    assert not outcome.ok and "补打" in outcome.error  # the clerk is told the paper may be out
    (job,) = jobs_of(desk, committed.tx_id)
    assert job.status == "failed" and job.bytes_sent
    assert desk.reprint_needs_supervisor(committed.receipt_no)
    with FakePrinter("accept") as fp:
        desk.settings = network_settings(settings, fp)
        (retry,) = desk.print_transaction(committed.tx_id)  # F5: not without a supervisor
        assert not retry.ok and "值班长" in retry.error and fp.connections == 0
        with pytest.raises(AuthError):
            desk.reprint(committed.receipt_no)
        (again,) = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999")
        assert again.ok
        fp.wait_closed(1)
        d = decode(fp.jobs[0])
    assert any("补打 #1" in ln for ln in d.lines) and d.qr_data == [committed.receipt_no]
    (job,) = jobs_of(desk, committed.tx_id)
    assert (job.status, job.reprints, job.bytes_sent) == ("printed", 1, True)


@pytest.mark.parametrize("mode, reason", [("refuse", "拒绝连接"), ("offline", "脱机"), ("paper_out", "缺纸"), ("silent", "不回应")])
def test_a_printer_not_ready_gets_no_byte_and_the_retry_is_the_original(desk, settings, mode, reason):
    """Refused, offline, out of paper or silent before the job: nothing of it was sent, so the
    retry is the first paper (no 补打, no supervisor); offline and paper-out are told apart."""
    committed = commit_payment(desk)
    with FakePrinter(mode) as fp:
        desk.settings = network_settings(settings, fp, timeout=0.5)
        (outcome,) = desk.print_transaction(committed.tx_id)
        if mode != "refuse":
            fp.wait_connections(1)
            assert b"\x1b@" not in fp.received  # not a byte of the job
    assert not outcome.ok and reason in outcome.error and "补打" not in outcome.error
    (job,) = jobs_of(desk, committed.tx_id)
    assert job.status == "failed" and not job.bytes_sent
    assert not desk.reprint_needs_supervisor(committed.receipt_no)
    with FakePrinter("accept") as fp:
        desk.settings = network_settings(settings, fp)
        (retry,) = desk.print_transaction(committed.tx_id)
        assert retry.ok
        fp.wait_closed(1)
        assert not any("补打" in ln for ln in decode(fp.jobs[0]).lines)


def test_paper_running_out_during_the_job_says_paper_out_and_may_be_on_paper(desk, settings):
    committed = commit_payment(desk)
    with FakePrinter("paper_out", fault_after=200) as fp:
        desk.settings = network_settings(settings, fp, timeout=0.5)
        (outcome,) = desk.print_transaction(committed.tx_id)
    assert not outcome.ok and "缺纸" in outcome.error and "补打" in outcome.error
    assert jobs_of(desk, committed.tx_id)[0].bytes_sent


def test_a_job_whose_outcome_could_not_be_recorded_still_counts_as_on_paper(desk, settings, monkeypatch, caplog):
    """A locked database at the job's update after the bytes went out: the job stays `sending`
    with bytes_sent (written before sending), so the next copy is a supervised 补打."""
    from teller.printing import fresh as jobs_module  # the first print of a commit

    committed = commit_payment(desk)
    real_session = jobs_module.Session
    calls = {"n": 0}

    class LockedAfterSend(real_session):
        def commit(self):
            calls["n"] += 1
            if calls["n"] == 2:  # 1: bytes_sent before sending; 2: the outcome
                from sqlalchemy.exc import OperationalError

                raise OperationalError("UPDATE receipt_job", {}, Exception("database is locked"))
            return super().commit()

    with FakePrinter("accept") as fp:
        desk.settings = network_settings(settings, fp)
        monkeypatch.setattr(jobs_module, "Session", LockedAfterSend)
        (outcome,) = desk.print_transaction(committed.tx_id)
        monkeypatch.setattr(jobs_module, "Session", real_session)
        fp.wait_closed(1)
    assert not outcome.ok and outcome.error == t("print.unrecorded", error=t("print.db_reason"))  # the UI language
    assert "database is locked" in caplog.text  # the database's own words go to the log
    (job,) = jobs_of(desk, committed.tx_id)
    assert (job.status, job.bytes_sent) == ("sending", True)
    assert desk.reprint_needs_supervisor(committed.receipt_no)


# ---- item 7: void and settlement slips are journal jobs ---------------------------------------------
def test_void_and_settlement_slips_fail_into_the_journal_and_reprint_by_reference(desk, settings):
    from tests.conftest import FLOAT
    from teller.store.queries import unprinted

    committed = commit_payment(desk, "100", "100")
    desk.print_transaction(committed.tx_id)
    with FakePrinter("paper_out") as fp:
        desk.settings = network_settings(settings, fp, timeout=0.5)
        void = desk.void(committed.receipt_no, reason="wrong_amount", supervisor="9001", pin="9999")
        closing = desk.count_drawer(FLOAT | {10000: FLOAT[10000]})  # the float and the 100 paid back: no sale left
    assert closing.closed
    assert desk.slip_problems(void_id=void.id) and "缺纸" in desk.slip_problems(void_id=void.id)[0]
    assert "缺纸" in desk.slip_problems(shift_id=closing.shift.id)[0]
    with Session(desk.engine) as s:
        pending = sorted((subject.receipt_no, job.layout, job.copy_no) for subject, job in unprinted(s))
    ref = getattr(void, "void_no", None) or committed.receipt_no
    assert pending == sorted([(ref, "void", 1), (ref, "void", 2), (f"shift-{closing.shift.id}", "settlement", 1)])
    with FakePrinter("accept") as fp:
        desk.settings = network_settings(settings, fp)
        slips = desk.reprint(committed.receipt_no, layout="void")  # the voided receipt's void slip
        (settle,) = desk.reprint(f"shift-{closing.shift.id}")
        assert all(o.ok for o in slips) and settle.ok and len(slips) == 2
        fp.wait_closed(3)
        copies = [decode(job) for job in fp.jobs]
    assert all(committed.receipt_no in " ".join(d.lines) for d in copies[:2])  # the original as reference
    assert not any("补打" in ln for d in copies for ln in d.lines)  # paper out before the job: no byte had gone
    with Session(desk.engine) as s:
        assert unprinted(s) == []
    with pytest.raises(TellerError):
        desk.reprint("shift-999")


@pytest.mark.sqlite_only  # a SQLite database of an older release
def test_an_old_print_journal_is_rebuilt_and_its_printed_jobs_count_as_on_paper(desk, settings, clock):
    import sqlite3

    committed = commit_payment(desk)
    desk.print_transaction(committed.tx_id)
    desk.close()
    db = settings.home / "db" / "teller.db"
    with sqlite3.connect(db) as con:  # the journal as it was: tx_id NOT NULL, no void/shift/bytes_sent
        con.executescript("""
            CREATE TABLE rj AS SELECT id, tx_id, layout, copy_no, status, attempts, reprints, error, updated_at FROM receipt_job;
            DROP TABLE receipt_job;
            CREATE TABLE receipt_job (id INTEGER PRIMARY KEY, tx_id INTEGER NOT NULL REFERENCES "transaction"(id),
                layout VARCHAR NOT NULL, copy_no INTEGER NOT NULL, status VARCHAR NOT NULL, attempts INTEGER NOT NULL,
                reprints INTEGER NOT NULL, error VARCHAR NOT NULL, updated_at DATETIME);
            INSERT INTO receipt_job SELECT * FROM rj; DROP TABLE rj;
            DROP TABLE alembic_version; DROP TABLE hall_close; DROP TABLE service;  -- a database of 0.1
        """)
    again = open_desk(settings, clock)
    try:
        (job,) = jobs_of(again, committed.tx_id)
        assert (job.status, job.bytes_sent, job.void_id) == ("printed", True, None)
        assert again.reprint_needs_supervisor(committed.receipt_no)
    finally:
        again.close()
