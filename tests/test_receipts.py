"""Every layout on both papers, decoded from its ESC/POS bytes; fit errors; the supervisor rule;
the fake network printer failing each way and the reprint afterwards; the receipts benchmark."""

from __future__ import annotations

import dataclasses
import json

import pytest

from teller.strings import t
from rich.cells import cell_len
from sqlmodel import Session, select

from teller.domain import catalog
from teller.errors import AuthError
from teller.printing import escpos
from tests.bench.receipts import measure_layouts
from teller.printing.jobs import receipt_data
from teller.printing.layouts import (
    PLACEHOLDERS,
    LayoutError,
    Line,
    ReceiptData,
    cells,
    layout_names,
    load_layout,
    paper_lines,
    paper_safe,
    preview_text,
    render,
)
from teller.store.models import ReceiptJobRecord, TransactionRecord
from teller.store.queries import unprinted
from teller.strings import set_locale, table
from tests.conftest import network_settings, open_desk, start, walk
from tests.support.escpos_decoder import decode
from tests.support.escpos_decoder import cells as decoded_cells
from tests.support.fake_printer import FakePrinter

WANG = "13800138000"
NEW_ID = "11010519491231002X"
NEW_NUMBER = "13477771314"
ALL_LAYOUTS = ["agreement", "bill", "invoice", "reservation", "settlement", "slip", "testpage", "ticket", "void"]
TX_LAYOUTS = [n for n in ALL_LAYOUTS if n not in ("testpage", "settlement")]  # settlement: tests/test_books.py
VOID_VALUES = {"original_receipt_no": "01-20261122-0007", "void_reason": "客户重复缴费", "supervisor": "9001", "original_total": "￥120.00"}


def printed_cells(line: str) -> int:
    """Width as a printer in Chinese mode prints it: one cell a byte of GB18030."""
    return len(line.encode("gb18030"))


def commit_open_account(desk):
    run = walk(start(desk, "open_account"), "yes", NEW_ID, "赵小刚", "local", "szx_fashion", None,
               NEW_NUMBER, "135790", "135790", "", "100", "200")
    run.submit()
    return run.committed


def commit_payment(desk, amount="120", tendered="150"):
    run = walk(start(desk, "payment"), WANG, "王小明", None, amount, tendered)
    run.submit()
    return run.committed


def data_of(desk, tx_id, **extra) -> ReceiptData:
    """What a layout shows for a committed transaction (the void values as the void feature records them)."""
    with Session(desk.engine) as s:
        tx = s.get(TransactionRecord, tx_id)
        if extra:
            answers = json.loads(tx.answers_json)
            answers["_receipt"] = extra
            tx.answers_json = json.dumps(answers, ensure_ascii=False)
            s.add(tx)
            s.commit()
            s.refresh(tx)
        return receipt_data(s, tx, desk.settings, procedure_title="入网")


def jobs_of(desk, tx_id):
    with Session(desk.engine) as s:
        return s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.tx_id == tx_id).order_by(ReceiptJobRecord.id)).all()


# ---- every layout, both papers, both languages --------------------------------------------------
def test_the_repository_has_every_layout(settings):
    assert layout_names(settings.layouts_dir) == ALL_LAYOUTS


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("columns", [32, 48])
def test_every_layout_prints_right_on_both_papers(desk, settings, columns, locale):
    committed = commit_open_account(desk)
    set_locale(locale)
    try:
        data = data_of(desk, committed.tx_id, **VOID_VALUES)
        for name in TX_LAYOUTS:
            layout = load_layout(str(settings.layouts_dir), name)
            for copy_no in range(1, len(layout.copies) + 1):
                ops = render(layout, data, columns, copy_no=copy_no)
                raw = escpos.to_bytes(ops)
                d = decode(raw)
                where = (name, copy_no, columns, locale)
                assert d.commands[:2] == ["init", "chinese_on"], where  # Chinese mode before any text
                for ln in d.lines:  # no line wider than the paper, however counted
                    assert max(decoded_cells(ln), printed_cells(ln), cell_len(ln)) <= columns, (where, ln)
                    assert all(len(ch.encode("gb18030")) <= 2 for ch in ln), (where, ln)  # no 4-byte codes
                money = [ln for ln in d.lines if "￥" in ln]
                assert money and all(printed_cells(ln) == columns and ln[-1].isdigit() for ln in money), (where, money)
                assert d.qr_data == [committed.receipt_no] and d.commands.count("qr") == 1, where
                assert d.commands.count("cut") == 1 and d.commands[-1] == "cut", where
                assert paper_lines(preview_text(ops, columns)) == d.lines, where  # preview = paper
                text = d.text
                assert settings.hall_name in text and committed.receipt_no in text, where
                assert "01/1001" in text and "2026-11-23 10:00:00" in text, where
                assert "v1-" in text, where  # the procedure's version
                for secret in ("赵小刚", NEW_ID, NEW_ID[3:14]):
                    assert secret not in text and secret.encode("gb18030") not in raw, (where, secret)
                assert "赵*刚" in text, where
                if name in ("slip", "ticket", "reservation", "agreement"):
                    assert NEW_ID[:3] + "*" * 11 + NEW_ID[-4:] in text, where
                if len(layout.copies) == 2:  # the signed papers
                    assert ("签名" if locale == "zh" else "_____") in text, where
                if name == "void":
                    assert VOID_VALUES["original_receipt_no"] in text and VOID_VALUES["void_reason"] in text, where
                    assert "9001" in text, where
    finally:
        set_locale("zh")


def test_tendered_and_change_only_where_cash_changed_hands(desk, settings):
    committed = commit_payment(desk)
    data = data_of(desk, committed.tx_id)
    lines = [op.text for op in render(load_layout(str(settings.layouts_dir), "invoice"), data, 48) if isinstance(op, Line)]
    assert any(ln.startswith("实收（现金）") and ln.endswith("￥150.00") for ln in lines)
    assert any(ln.startswith("找零") and ln.endswith("￥30.00") for ln in lines)
    no_cash = dataclasses.replace(data, values={**data.values, "tendered": "", "change": ""})
    lines = [op.text for op in render(load_layout(str(settings.layouts_dir), "invoice"), no_cash, 48) if isinstance(op, Line)]
    assert not any(ln.startswith(("实收", "找零")) for ln in lines)


def test_every_copy_of_every_layout_says_training_in_practice(settings, clock):
    pd = open_desk(settings.for_practice(), clock)
    try:
        committed = commit_open_account(pd)
        assert committed.receipt_no.startswith("P01-")
        data = data_of(pd, committed.tx_id, **VOID_VALUES)
        assert data.banners == ["练习 / TRAINING"]
        for name in TX_LAYOUTS:
            layout = load_layout(str(settings.layouts_dir), name)
            for copy_no in range(1, len(layout.copies) + 1):
                for columns in (32, 48):
                    d = decode(escpos.to_bytes(render(layout, data, columns, copy_no=copy_no)))
                    assert any("练习 / TRAINING" in ln for ln in d.lines), (name, copy_no, columns)
        outcomes = pd.print_transaction(committed.tx_id)
        assert [(o.layout, o.copy_no) for o in outcomes] == [("invoice", 1), ("slip", 1), ("slip", 2)]
        for o in outcomes:
            assert o.ok and "practice" in o.spooled.parts  # the practice spool only
            assert "练习 / TRAINING" in o.spooled.with_suffix(".txt").read_text(encoding="utf-8")
    finally:
        pd.close()


def test_practice_numbering_is_its_own(settings, clock, desk):
    live = commit_payment(desk)
    pd = open_desk(settings.for_practice(), clock)
    try:
        practice = commit_payment(pd)
    finally:
        pd.close()
    assert live.receipt_no == "01-20261123-0001" and practice.receipt_no == "P01-20261123-0001"


def test_a_failed_hall_copy_is_printed_again_alone(desk, settings):
    committed = commit_open_account(desk)
    desk.print_transaction(committed.tx_id)
    with Session(desk.engine) as s:  # as if the printer jammed on the hall copy
        job = s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.layout == "slip", ReceiptJobRecord.copy_no == 2)).one()
        job.status, job.error = "failed", "jammed"
        s.add(job)
        s.commit()
    outcomes = desk.print_transaction(committed.tx_id)
    assert [(o.layout, o.copy_no, o.title) for o in outcomes] == [("slip", 2, "业务受理单（营业厅联）")]
    text = outcomes[0].spooled.with_suffix(".txt").read_text(encoding="utf-8")
    assert "营业厅联" in text and "客户联" not in text


# ---- characters and widths -----------------------------------------------------------------------
def paper_strings() -> list[str]:
    keys = ["print.training", "print.reprint", "print.test_amount"] + [k for k in table("zh") if k.startswith("paper.")]
    out = [texts[k] for texts in (table("zh"), table("en")) for k in keys if k in texts]
    out += [plan[1] for plan in catalog.PLANS] if hasattr(catalog, "PLANS") else []
    return out


def test_every_string_on_paper_prints_and_counts_the_same_on_screen(settings):
    from teller.config import Settings

    texts = paper_strings() + [Settings(home=settings.home).hall_name]
    for name in layout_names(settings.layouts_dir):
        layout = load_layout(str(settings.layouts_dir), name)
        texts += [layout.copy_title(n) for n in range(1, len(layout.copies) + 1)]
        for block in layout.blocks:
            stack = [block]
            while stack:
                item = stack.pop()
                if isinstance(item, dict):
                    stack += list(item.values())
                elif isinstance(item, list):
                    stack += item
                elif isinstance(item, str):
                    texts.append(item)
    assert len(texts) > 100
    for text in texts:
        for ch in text:
            assert len(ch.encode("gb18030")) <= 2, (text, ch)  # a printer's GB font has it
            assert cells(ch) == cell_len(ch), (text, ch)  # the preview lines up like the paper
        assert "¥" not in text, text  # U+00A5 is a four-byte code in GB18030: use ￥ or 元


def test_paper_safe_keeps_what_prints_and_marks_what_cannot():
    assert paper_safe("王小明 ￥120.00 元，（）") == "王小明 ￥120.00 元，（）"
    assert paper_safe("e\u0301") == "é"  # composed: a two-byte GB code
    assert paper_safe("付款😀") == "付款?"
    assert paper_safe("\U00020000姓") == "?姓"  # an extension-B ideograph the font does not have
    assert paper_safe("¥5") == "?5"
    assert cells("·—é") == 6  # two-byte codes print full width on a Chinese printer


def test_unprintable_value_becomes_a_question_mark_on_paper(settings):
    data = ReceiptData(values={"hall": "城东😀营业厅", "receipt_no": "01-1", "total": "￥1.00"})
    d = decode(escpos.to_bytes(render(load_layout(str(settings.layouts_dir), "invoice"), data, 32)))
    assert any(ln.strip() == "城东?营业厅" for ln in d.lines)


# ---- what cannot fit says why ------------------------------------------------------------------
def write_layout(folder, name, body: str):
    (folder / f"{name}.yaml").write_text(body, encoding="utf-8")
    load_layout.cache_clear()
    return load_layout(str(folder), name)


def test_a_label_wider_than_the_paper_is_refused_naming_layout_and_block(tmp_path):
    layout = write_layout(tmp_path, "wide", f"""\
id: wide
title: {{zh: 宽}}
blocks:
  - rule
  - {{pair: ["{'很长的标签' * 4}", "{{total}}"]}}
""")
    data = ReceiptData(values={"total": "￥1.00"})
    assert render(layout, data, 48)  # 40 cells fit on 80 mm
    with pytest.raises(LayoutError) as exc:
        render(layout, data, 32)
    assert "wide" in exc.value.message and "blocks[1]" in exc.value.message and "pair" in exc.value.message
    assert "32" in exc.value.message


def test_a_qr_code_too_big_for_the_paper_is_refused(tmp_path):
    layout = write_layout(tmp_path, "bigqr", "id: bigqr\ntitle: {zh: 码}\nblocks:\n  - {qr: '{receipt_no}', size: 16}\n")
    data = ReceiptData(values={"receipt_no": "01-20261123-0001" * 4})  # 64 bytes: version 4, 33 modules
    with pytest.raises(LayoutError) as exc:
        render(layout, data, 32)  # 33 × 16 = 528 dots; 58 mm paper prints 384
    assert "bigqr" in exc.value.message and "blocks[0] (qr)" in exc.value.message and "528 dots" in exc.value.message
    assert render(layout, data, 48)  # 80 mm prints 576


@pytest.mark.parametrize("block,problem", [
    ('{text: "{amout}"}', "unknown placeholder {amout}"),
    ('{text: "¥5"}', "cannot print"),
    ('{text: "ok", size: 3}', "size is for qr"),
    ('{pair: [a]}', "pair needs"),
    ("wobble", "unknown block"),
    ('{text: "x", if: nothing}', "if: unknown placeholder"),
])
def test_layout_mistakes_are_found_when_it_loads(tmp_path, block, problem):
    with pytest.raises(LayoutError) as exc:
        write_layout(tmp_path, "bad", f"id: bad\ntitle: {{zh: 坏}}\nblocks:\n  - rule\n  - {block}\n")
    assert "bad.yaml:5: blocks[1]" in exc.value.message and problem in exc.value.message


def test_a_broken_layout_fails_the_job_with_the_reason_not_the_sale(desk, settings):
    (settings.layouts_dir / "invoice.yaml").write_text("id: invoice\nblocks:\n  - {text: '{nope}'}\n", encoding="utf-8")
    load_layout.cache_clear()
    try:
        committed = commit_payment(desk)
        (outcome,) = desk.print_transaction(committed.tx_id)
    finally:
        load_layout.cache_clear()
    # the clerk reads it in the UI language; the journal (receipts pending) keeps file, line and block
    assert not outcome.ok and outcome.error == t("print.layout_bad", layout="invoice")
    assert "nope" not in outcome.error
    with Session(desk.engine) as s:
        assert s.get(TransactionRecord, committed.tx_id) is not None
        (error,) = [job.error for _, job in unprinted(s)]
        assert error.startswith(outcome.error) and "unknown placeholder {nope}" in error


def test_the_placeholders_the_docs_promise_exist():
    for name in ("hall", "counter", "clerk", "receipt_no", "procedure_version", "customer_name", "customer_id",
                 "tendered", "change", "original_receipt_no", "void_reason", "supervisor"):
        assert name in PLACEHOLDERS


# ---- Chinese print modes ----------------------------------------------------------------------
def test_tall_lines_switch_both_size_commands_and_back(settings):
    data = ReceiptData(values={"hall": "城东示范营业厅", "receipt_no": "01-1", "total": "￥1.00"})
    raw = escpos.to_bytes(render(load_layout(str(settings.layouts_dir), "invoice"), data, 48))
    assert raw.count(escpos.TALL_ON) == 1 and raw.count(escpos.TALL_OFF) == 1
    assert raw.index(escpos.TALL_ON) < raw.index("城东示范营业厅".encode("gb18030")) < raw.index(escpos.TALL_OFF)
    d = decode(raw)
    assert "chinese_print_mode" in d.commands and "size" in d.commands and "bold_on" in d.commands
    assert b"\x1b!" not in raw and escpos.GS_SIZE + b"\x11" not in raw  # never double width


# ---- the supervisor rule in the Desk ------------------------------------------------------------
def test_invoice_reprint_needs_a_supervisor_at_the_desk(desk):
    committed = commit_payment(desk)
    (first,) = desk.print_transaction(committed.tx_id)
    assert first.ok
    assert desk.reprint_needs_supervisor(committed.receipt_no)
    with pytest.raises(AuthError):
        desk.reprint(committed.receipt_no)
    with pytest.raises(AuthError):
        desk.reprint(committed.receipt_no, supervisor="9001", pin="1111")
    with pytest.raises(AuthError):
        desk.reprint(committed.receipt_no, supervisor="1001", pin="1234")  # the clerk for herself
    with pytest.raises(AuthError):
        desk.reprint(committed.receipt_no, supervisor="8001", pin="8888")  # a trainer is not a supervisor
    (job,) = jobs_of(desk, committed.tx_id)
    assert job.reprints == 0
    (again,) = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999")
    assert again.ok and "补打 #1" in again.spooled.with_suffix(".txt").read_text(encoding="utf-8")
    (again,) = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999")
    assert "补打 #2" in again.spooled.with_suffix(".txt").read_text(encoding="utf-8")


def test_slip_reprint_needs_no_supervisor(desk):
    committed = commit_open_account(desk)
    desk.print_transaction(committed.tx_id)
    assert not desk.reprint_needs_supervisor(committed.receipt_no, layout="slip")
    outcomes = desk.reprint(committed.receipt_no, layout="slip")
    assert [(o.copy_no, o.ok) for o in outcomes] == [(1, True), (2, True)]


def test_last_receipt_of_the_clerk(desk, clock):
    assert desk.last_receipt_no() is None
    commit_payment(desk)
    second = commit_payment(desk, "10", "10")
    assert desk.last_receipt_no() == second.receipt_no


# ---- the fake network printer, each failure end to end ------------------------------------------
@pytest.mark.parametrize("mode", ["refuse", "stall", "close_mid_job"])
def test_each_printer_failure_keeps_the_sale_and_the_reprint_works(desk, settings, mode):
    with FakePrinter(mode, close_after=64) as fp:
        desk.settings = network_settings(settings, fp, timeout=1.0)
        committed = commit_payment(desk)
        (outcome,) = desk.print_transaction(committed.tx_id)
        if mode == "close_mid_job":
            assert 0 < len(fp.received) <= 64
    assert not outcome.ok
    reason = {"refuse": "拒绝连接", "stall": "不回应", "close_mid_job": "断开"}[mode]
    assert reason in outcome.error and f"127.0.0.1:{fp.port}" in outcome.error  # shown to the clerk as is
    with Session(desk.engine) as s:
        tx = s.get(TransactionRecord, committed.tx_id)
        assert (tx.status, tx.amount_due_fen, tx.tendered_fen) == ("completed", 12000, 15000)
        assert [(t.receipt_no, j.status, j.attempts, j.error) for t, j in unprinted(s)] == [
            (committed.receipt_no, "failed", 1, outcome.error)
        ]
    assert desk.find_customer(WANG).balance_fen == 3520 + 12000  # committed, once
    on_paper = mode == "close_mid_job"  # part of the job reached the printer: it may be out
    with FakePrinter("accept") as fp:
        desk.settings = network_settings(settings, fp)
        if on_paper:  # so the next copy is a 补打, with a supervisor
            with pytest.raises(AuthError):
                desk.reprint(committed.receipt_no)
            (retry,) = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999")
        else:
            (retry,) = desk.reprint(committed.receipt_no)  # never reached a printer: no supervisor needed
        assert retry.ok
        fp.wait_closed(1)
        d = decode(fp.jobs[0])
        assert d.qr_data == [committed.receipt_no] and "cut" in d.commands
        assert any("补打 #1" in ln for ln in d.lines) == on_paper  # the first paper only if none may be out
        (dup,) = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999")
        assert dup.ok
        fp.wait_closed(2)
        assert any(f"补打 #{1 + on_paper}" in ln for ln in decode(fp.jobs[1]).lines)
    (job,) = jobs_of(desk, committed.tx_id)
    assert (job.status, job.attempts, job.reprints, job.error) == ("printed", 3, 1 + on_paper, "")
    with Session(desk.engine) as s:
        assert unprinted(s) == []
        assert len(s.exec(select(TransactionRecord)).all()) == 1


# ---- the benchmark function ------------------------------------------------------------------
def test_measure_layouts_has_a_row_per_layout_and_width(desk, settings):
    rows = measure_layouts(settings, seconds=0.001, desk=desk)
    assert [(name, columns) for name, columns, _ in rows] == [(n, c) for n in ALL_LAYOUTS for c in (32, 48)]
    assert all(per_second > 0 for _, _, per_second in rows)


# ---- the test page: nothing wraps, the paper's own ruler as is, the character-set probe -----------
def _line_blocks(layout, data: ReceiptData) -> int:
    """The lines the test page's blocks make when none wraps: one each (rule, ruler, text, pair, fees row)."""
    n = 0
    for block in layout.blocks:
        if block in ("rule", "ruler", "blank") or (isinstance(block, dict) and not ({"qr"} & set(block))):
            if isinstance(block, dict) and "if" in block and not data.values.get(block["if"]):
                continue
            n += 1
        elif block == "fees":
            n += len(data.fees)
    return n


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("paper_mm,columns", [(58, 32), (80, 48)])
@pytest.mark.parametrize("backend", ["preview", "network"])
def test_the_test_page_fits_both_papers_without_a_wrapped_line(settings, clock, locale, paper_mm, columns, backend):
    from teller.printing.jobs import CHARSET_PROBE, test_page_data
    from teller.printing.layouts import ruler

    printer = dataclasses.replace(settings.printer, paper_mm=paper_mm, backend=backend, host="192.168.100.200", port=9100)
    set_locale(locale)
    try:
        data = test_page_data(dataclasses.replace(settings, printer=printer), clock.now())
        layout = load_layout(str(settings.layouts_dir), "testpage")
        raw = escpos.to_bytes(render(layout, data, columns))
    finally:
        set_locale("zh")
    d = decode(raw)
    assert len(d.lines) == _line_blocks(layout, data), d.lines  # every block one line: nothing wrapped
    assert all(max(decoded_cells(ln), printed_cells(ln)) <= columns for ln in d.lines)
    # the ruler of the configured width, sent whole: on narrower paper the printer itself wraps it
    assert ruler(columns) in d.lines and ruler(columns).encode() + b"\n" in raw
    assert [ln for ln in d.lines if ln.startswith("....+")] == [ruler(columns)]
    (cjk,) = [ln for ln in d.lines if ln.startswith("一二三四五")]
    assert printed_cells(cjk) == columns
    # the probe: characters of names outside GB2312, sent as GBK/GB18030 codes
    assert all(len(ch.encode("gb18030")) == 2 for ch in CHARSET_PROBE.replace(" ", ""))
    with pytest.raises(UnicodeEncodeError):
        CHARSET_PROBE.replace(" ", "").encode("gb2312")
    assert ("GBK：" + CHARSET_PROBE).encode("gb18030") in raw
    if backend == "network":
        assert any(ln.endswith("192.168.100.200:9100") for ln in d.lines)


def test_a_gb2312_printer_prints_what_its_font_lacks_as_a_question_mark(desk, settings):
    from teller.printing.jobs import test_page_data

    gb2312 = dataclasses.replace(settings, hall_name="镕城营业厅", printer=dataclasses.replace(settings.printer, charset="gb2312"))
    d = decode(escpos.to_bytes(render(load_layout(str(settings.layouts_dir), "testpage"), test_page_data(gb2312, desk.now()), 32)))
    assert any(ln.startswith("GBK：镕 喆 堃 昇") for ln in d.lines)  # the probe itself goes out as is
    assert any(ln.startswith("按字库设置打印为") and ln.endswith("? ? ? ?") for ln in d.lines)
    committed = commit_payment(desk)
    for charset, hall in (("gb2312", "?城营业厅"), ("gb18030", "镕城营业厅")):
        desk.settings = dataclasses.replace(gb2312, printer=dataclasses.replace(settings.printer, charset=charset))
        outcomes = desk.reprint(committed.receipt_no, supervisor="9001", pin="9999") if charset == "gb18030" else desk.print_transaction(committed.tx_id)
        raw = outcomes[0].spooled.with_suffix(".bin").read_bytes()
        assert any(ln.strip() == hall for ln in decode(raw).lines), charset
        assert ("镕".encode("gb18030") in raw) == (charset == "gb18030")  # never the bytes of a glyph the font lacks


def test_the_printer_charset_setting_is_checked(home):
    from teller.config import load_settings
    from teller.errors import TellerError

    (home / "teller.toml").write_text('[printer]\ncharset = "big5"\n', encoding="utf-8")
    with pytest.raises(TellerError, match="charset"):
        load_settings(home=home)
    (home / "teller.toml").write_text('[printer]\ncharset = "gb2312"\n', encoding="utf-8")
    assert load_settings(home=home).printer.charset == "gb2312"
