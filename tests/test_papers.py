"""What each paper says (issue 13, items 13-15 and the settlement slip of 14), decoded from the real
ESC/POS bytes at 32 and 48 columns in both languages: the invoice's arrears and prepayment apart,
the balance after, goods and IMEI, the total in capitals; one reservation or ticket number per
slip, the appointment; the bill's charge lines and total; the agreement's IMEI and 三包 terms;
the 入网 slip's three signature places; the complaint ticket's contact; the settlement slip's
counts, reasons in the UI language and width in cells."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from teller.domain.billing import month_charges
from teller.printing import escpos
from teller.printing.jobs import receipt_data, split_arrears
from teller.printing.layouts import load_layout, render
from teller.store.models import TransactionRecord
from teller.strings import set_locale
from tests.conftest import FLOAT, start, walk
from tests.support.escpos_decoder import cells, decode
from tests.support.flows import IMEI, LI, NEW_ID, NEW_NUMBER, WANG, WANG_ID, pay

BOTH = pytest.mark.parametrize("locale,columns", [("zh", 32), ("zh", 48), ("en", 32), ("en", 48)])


@pytest.fixture
def locale_of():
    yield set_locale
    set_locale("zh")


def paper(desk, committed, layout: str, columns: int, locale: str = "zh", copy_no: int = 1) -> list[str]:
    """The lines one copy of a transaction's paper prints, decoded from its bytes, checked for width."""
    set_locale(locale)
    try:
        with Session(desk.engine) as s:
            tx = s.get(TransactionRecord, committed.tx_id)
            data = receipt_data(s, tx, desk.settings, procedure_title="-")
        ops = render(load_layout(str(desk.settings.layouts_dir), layout), data, columns, copy_no=copy_no)
        d = decode(escpos.to_bytes(ops))
    finally:
        set_locale("zh")
    for ln in d.lines:
        assert max(cells(ln), len(ln.encode("gb18030"))) <= columns, (layout, columns, ln)
        if "￥" in ln:
            assert len(ln.encode("gb18030")) == columns and ln[-1].isdigit(), (layout, ln)  # amounts flush right
    return d.lines


def pair_value(lines: list[str], label: str) -> str:
    """The value printed against a label (on its line, or flush right on the next when it did not fit)."""
    for i, ln in enumerate(lines):
        if ln.startswith(label):
            rest = ln[len(label):].strip()
            return rest or lines[i + 1].strip()
    raise AssertionError(f"no {label!r} in {lines}")


def to_commit(run, *values):
    walk(run, *values)
    for _ in range(12):
        if run.committed is not None:
            return run.committed
        run.submit()
    raise AssertionError(f"no commit, stuck at {run.step.id}")


# ---- 收费凭证: arrears cleared and prepayment apart, the balance after, the total in capitals -------------
def test_split_arrears_takes_the_arrears_from_the_first_lines():
    assert split_arrears([("预存话费", 5000)], 3050) == [("结清欠费", 3050), ("预存话费", 1950)]
    assert split_arrears([("预存话费", 3050)], 3050) == [("结清欠费", 3050)]
    assert split_arrears([("预存话费", 5000)], 0) == [("预存话费", 5000)]
    assert split_arrears([("卡费", 1500), ("预存", 10000)], 2000) == [("结清欠费", 1500), ("结清欠费", 500), ("预存", 9500)]


@BOTH
def test_a_payment_that_clears_arrears_prints_both_parts_and_the_balance_after(desk, locale, columns, locale_of):
    locale_of(locale)  # the visit in the UI language: its fee labels are kept as said
    committed = pay(desk, LI, "李静", "50", "50")  # owes ¥30.50
    lines = paper(desk, committed, "invoice", columns, locale)
    zh = locale == "zh"
    assert pair_value(lines, "结清欠费" if zh else "Arrears cleared") == "￥30.50"
    assert pair_value(lines, "预存话费" if zh else "Prepayment") == "￥19.50"
    assert not any(ln.endswith("￥50.00") and ln.startswith(("预存", "Prepay")) for ln in lines)  # not ¥50 of prepayment
    assert pair_value(lines, "合计" if zh else "Total") == "￥50.00"
    assert pair_value(lines, "合计（大写）" if zh else "Total in capitals") == "伍拾元整"
    assert pair_value(lines, "缴费后余额" if zh else "Balance after") == "￥19.50"


@BOTH
def test_a_payment_in_credit_is_all_prepayment(desk, locale, columns, locale_of):
    locale_of(locale)
    committed = pay(desk, WANG, "王小明", "120.5", "150")
    lines = paper(desk, committed, "invoice", columns, locale)
    assert not any("结清欠费" in ln or "Arrears" in ln for ln in lines)
    assert pair_value(lines, "预存话费" if locale == "zh" else "Prepayment") == "￥120.50"
    assert pair_value(lines, "合计（大写）" if locale == "zh" else "Total in capitals") == "壹佰贰拾元伍角整"
    assert pair_value(lines, "缴费后余额" if locale == "zh" else "Balance after") == "￥155.70"


def sell_handset(desk, tendered="1299"):
    return to_commit(start(desk, "handset_sale"), None, "oppo_a2", None, "yes", "赵六", NEW_ID, "", IMEI, tendered)


@BOTH
def test_a_handset_sale_prints_goods_and_imei_on_the_invoice(desk, locale, columns):
    lines = paper(desk, sell_handset(desk), "invoice", columns, locale)
    zh = locale == "zh"
    assert pair_value(lines, "商品" if zh else "Goods") == "OPPO A2"
    assert pair_value(lines, "串号（IMEI）" if zh else "IMEI") == IMEI
    assert pair_value(lines, "合计（大写）" if zh else "Total in capitals") == "壹仟贰佰玖拾玖元整"
    assert not any(ln.startswith(("缴费后余额", "Balance after")) for ln in lines)  # only where a balance changed


# ---- 购机协议: the IMEI, the 三包 terms, no tariff sentence without a tariff ----------------------------
@BOTH
def test_the_purchase_agreement_has_the_imei_and_the_warranty_and_no_tariff(desk, locale, columns, locale_of):
    locale_of(locale)
    committed = sell_handset(desk)
    for copy_no in (1, 2):
        lines = paper(desk, committed, "agreement", columns, locale, copy_no)
        text = "".join(ln.strip() for ln in lines)  # wrapped text joined back
        assert IMEI in text and "OPPO A2" in text
        assert ("7日内" in text and "15日内" in text and "三包" in text) if locale == "zh" else ("7 days" in text and "15 days" in text)
        assert "资费" not in text and "tariff" not in text.lower()


# ---- 预约单: one reservation number, the appointment at the head ----------------------------------------
def reserve(desk):
    return to_commit(start(desk, "cross_region"), "yes", "13912345678", "陕西", "2026-11-25", "2026-12-31", "王小明",
                     "广东", "深圳", "2026-11-26 10:30", "resident_id", WANG_ID, "李四", "13700001111")


@BOTH
def test_the_reservation_slip_carries_one_reservation_number_and_the_appointment(desk, locale, columns):
    committed = reserve(desk)
    for copy_no in (1, 2):
        lines = paper(desk, committed, "reservation", columns, locale, copy_no)
        numbers = [n for ln in lines for n in re.findall(r"KQ\d{12}", ln)]
        assert numbers == ["KQ202611230001"]  # once, and only one reservation number
        assert pair_value(lines, "预约单号" if locale == "zh" else "Booking no") == "KQ202611230001"
        assert pair_value(lines, "受理流水号" if locale == "zh" else "Receipt no") == committed.receipt_no
        head = lines[: lines.index(next(ln for ln in lines if ln.startswith(("号码", "证件", "ID", "客户姓名", "Name"))))]
        assert any("2026-11-26 10:30" in ln for ln in head)  # the appointment line, at the head
        assert sum("2026-11-26 10:30" in ln for ln in lines) == 1


# ---- 账单: each charge line and a real total ----------------------------------------------------------
def test_month_charges_follow_the_first_month_rule_and_cancellations():
    from datetime import date

    oct1, nov1 = date(2026, 10, 1), date(2026, 11, 1)
    services = [("彩铃", 500, None), ("手机报", 300, nov1), ("来电提醒", 200, oct1)]
    assert month_charges(oct1, 8800, date(2020, 1, 1), services) == (8800, [("彩铃", 500), ("手机报", 300)])
    assert month_charges(oct1, 8800, date(2026, 10, 20), services)[0] == 4400  # joined on the 20th: half
    assert month_charges(oct1, 8800, date(2026, 10, 15), services)[0] == 8800
    assert month_charges(oct1, 8800, date(2026, 11, 2), services) == (0, [])  # not yet a subscriber


@BOTH
def test_the_bill_lists_each_charge_and_their_total(desk, locale, columns, locale_of):
    locale_of(locale)
    committed = to_commit(start(desk, "bill_print"), WANG, None, "id_card", WANG_ID, "2026-10")
    lines = paper(desk, committed, "bill", columns, locale)
    assert pair_value(lines, "月费" if locale == "zh" else "Monthly fee") == "￥88.00"  # 全球通88元套餐
    assert pair_value(lines, "彩铃") == "￥5.00" and pair_value(lines, "手机报") == "￥3.00"
    assert pair_value(lines, "本期合计" if locale == "zh" else "Bill total") == "￥96.00"
    assert not any("￥0.00" in ln for ln in lines)  # no 合计 of the (free) printing


# ---- 业务受理单 of 入网: the three places the spoken line asks the customer to sign -----------------------
@BOTH
def test_the_new_subscription_slip_has_the_three_signature_places(desk, locale, columns, locale_of):
    locale_of(locale)
    run = walk(start(desk, "open_account"), "yes", NEW_ID, "赵小刚", "local", "szx_fashion", None,
               NEW_NUMBER, "135790", "135790", "", "100", "115")
    assert run.step.id == "confirm"
    if locale == "zh":  # the line asks for three signatures
        assert "三处" in run.line and all(place in run.line for place in ("入网登记", "资费", "入网协议"))
    else:
        assert "three places" in run.line and all(place in run.line for place in ("registration", "tariff", "agreement"))
    committed = to_commit(run)
    for copy_no in (1, 2):
        lines = paper(desk, committed, "slip", columns, locale, copy_no)
        signs = [ln.split("：")[0] if "：" in ln else ln for ln in lines if "_____" in ln or ln.endswith("：")]
        if locale == "zh":
            for place in ("客户签名（入网登记）", "客户签名（资费确认）", "客户签名（入网协议）"):
                assert any(place in ln for ln in lines), (place, lines)
        else:
            for place in ("Customer (form)", "Customer (tariff)", "Customer (agreement)"):
                assert any(place in ln for ln in lines), (place, lines)
        assert len(signs) == 4, signs  # three for the customer, one for the clerk
        text = "".join(ln.strip() for ln in lines)
        assert "150条短信" in text  # the tariff confirmed, printed where it is signed
        assert ("入网协议" in text) if locale == "zh" else ("agreement" in text)


# ---- 投诉受理单: the contact it promises to call ---------------------------------------------------------
@BOTH
def test_the_complaint_ticket_prints_the_contact_it_promises(desk, locale, columns):
    run = walk(start(desk, "complaint"), WANG, "王小明", None, "彩铃费扣了两次", "ticket")
    assert run.step.id == "contact" and WANG in run.line
    walk(run, "13912345678")
    assert "13912345678" in run.line  # the promise names the number it will call
    committed = to_commit(run, None, "")
    lines = paper(desk, committed, "ticket", columns, locale)
    assert pair_value(lines, "联系电话" if locale == "zh" else "Contact") == "13912345678"
    assert re.search(r"TS\d{12}", "".join(lines)) and sum(bool(re.search(r"TS\d{12}", ln)) for ln in lines) == 1


def test_a_complaint_solved_at_the_counter_promises_no_call(desk):
    committed = to_commit(start(desk, "complaint"), WANG, "王小明", None, "话费疑问", "resolved", "")
    lines = paper(desk, committed, "ticket", 32)
    assert not any(ln.startswith("联系电话") or "致电" in ln for ln in lines)


def test_a_complaint_contact_left_empty_is_the_number_itself(desk):
    run = walk(start(desk, "complaint"), WANG, "王小明", None, "信号差", "ticket", "")
    assert WANG in run.line and "打电话" in run.line
    lines = paper(desk, to_commit(run, None, ""), "ticket", 48)
    assert pair_value(lines, "联系电话") == WANG


# ---- 交班日结单: every transaction counted, reasons in the UI language, width by cells --------------------
@BOTH
def test_the_settlement_slip_counts_every_transaction_and_names_reasons_in_the_ui_language(desk, locale, columns, locale_of):
    first = pay(desk, WANG, "王小明", "50", "50")
    pay(desk, WANG, "王小明", "20", "50")
    to_commit(start(desk, "complaint"), WANG, "王小明", None, "话费疑问", "resolved", "")  # no cash
    reserve(desk)  # no cash
    desk.void(first.receipt_no, reason="wrong_amount", supervisor="9001", pin="9999")
    long_reason = "上缴营业款给财务室值班会计（第二次），附单据编号二〇二六一一二三"
    desk.cash_move("cash_out", 2000, long_reason)
    locale_of(locale)
    # expected: float 595 + 50 + (50 − 30) − 50 paid back for the void − 20 taken out = 595
    closing = desk.count_drawer(FLOAT)
    assert closing.closed
    from teller.printing.jobs import _paper_of  # the slip exactly as the journal prints it
    from teller.store.models import ReceiptJobRecord
    from sqlmodel import select

    with Session(desk.engine) as s:
        job = s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.shift_id == closing.shift.id)).first()
        data = _paper_of(s, job, desk.settings, procedure_title="", reprints=0).data
    d = decode(escpos.to_bytes(render(load_layout(str(desk.settings.layouts_dir), "settlement"), data, columns)))
    set_locale("zh")
    for ln in d.lines:
        assert max(cells(ln), len(ln.encode("gb18030"))) <= columns, ln
    zh = locale == "zh"
    assert pair_value(d.lines, "交易笔数" if zh else "Transactions") == "4"
    assert pair_value(d.lines, "  其中现金" if zh else "  cash") == "2"
    assert pair_value(d.lines, "  非现金" if zh else "  non-cash") == "2"
    assert pair_value(d.lines, "  已冲正" if zh else "  voided since") == "1"
    # lines break between words (teller.text): read the paper without the spaces at the breaks
    text = "".join(ln.strip() for ln in d.lines).replace(" ", "")
    assert "wrong_amount" not in text and ("金额错误" if zh else "Wrongamount") in text
    assert first.receipt_no in text
    assert long_reason.replace(" ", "") in text  # whole, wrapped by cells rather than cut at 40 characters


def test_the_settlement_slip_carries_the_audit_anchor_that_verify_accepts(desk):
    """The chain's head printed on the slip: kept outside the database, it lets `audit verify
    --anchor` prove later that nothing before it was cut away."""
    from sqlmodel import select

    from teller.printing.jobs import _paper_of
    from teller.store import audit
    from teller.store.models import ReceiptJobRecord

    closing = desk.count_drawer(FLOAT)
    assert closing.closed
    with Session(desk.engine) as s:
        job = s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.shift_id == closing.shift.id)).first()
        data = _paper_of(s, job, desk.settings, procedure_title="", reprints=0).data
    d = decode(escpos.to_bytes(render(load_layout(str(desk.settings.layouts_dir), "settlement"), data, 32)))
    printed = pair_value(d.lines, "审计锚点")
    assert ":" in printed and printed != "-"
    desk.lock(idle_s=60)  # the chain goes on after the slip (an audited lock)
    with Session(desk.engine) as s:
        assert audit.verify(session=s, anchor=printed).ok
        assert not audit.verify(session=s, anchor=printed.split(":")[0] + ":0000000000000000").ok
