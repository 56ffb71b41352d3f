"""The engine driven through a real Desk: payment, open account and SIM replacement."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, func, select

from teller.domain import catalog
from teller.domain.secrets import verify_secret
from teller.errors import AuthError, InputRefused
from teller.procedures.engine import CANCELLED, FINISHED, STOPPED
from teller.store.models import (
    AuditRecord,
    CustomerRecord,
    FeeLineRecord,
    NumberRecord,
    ReceiptJobRecord,
    TransactionRecord,
)
from tests.conftest import start, walk

WANG, WANG_ID = "13800138000", catalog.demo_id("11010519800101123")  # 王小明, balance 35.20
LI = "13912345678"  # 李静, balance -30.50, suspended_arrears
ZHANG, ZHANG_ID = "13700001111", catalog.demo_id("44030619751120361")  # 张伟, balance 12.00
LIU = "18800003333"  # 刘洋, out of province
NEW_ID = "11010519491231002X"  # valid, check character X
NEW_NUMBER = "13477771314"


def count(desk, model, *where) -> int:
    with Session(desk.engine) as s:
        stmt = select(func.count()).select_from(model)
        for w in where:
            stmt = stmt.where(w)
        return int(s.exec(stmt).one())


def customer(desk, number):
    with Session(desk.engine) as s:
        return s.get(CustomerRecord, number)


def transactions(desk):
    with Session(desk.engine) as s:
        return list(s.exec(select(TransactionRecord).order_by(TransactionRecord.id)))


def refused(run, value) -> str:
    """Submit a value that must be refused; the run stays where it was. Returns the reason."""
    step, answers = run.step.id, dict(run.answers)
    with pytest.raises(InputRefused) as exc:
        run.submit(value)
    assert run.step.id == step
    assert run.answers == answers
    assert exc.value.message
    return exc.value.message


def pay_to_confirm(desk, number=WANG, name="王小明", amount="120", tendered="150"):
    run = start(desk, "payment")
    walk(run, number, name)
    if run.step.id.startswith("account_"):
        run.submit()
    walk(run, amount, tendered)
    assert run.step.id == "confirm"
    return run


# ---- payment ---------------------------------------------------------------------------------


def test_payment_main_path(desk):
    run = start(desk, "payment")
    assert run.step.id == "number"
    assert run.line.startswith("早上好")  # 10:00 at the hall
    walk(run, WANG)
    assert run.customer is not None and run.customer.name == "王小明"
    walk(run, "王小明")
    assert run.step.id == "account_in_credit"
    assert "王先生" in run.line and "35.2元" in run.line and "80.8元" in run.line
    walk(run, None, "120")
    assert run.step.id == "cash"
    assert run.total_fen == 12000
    assert "应收120元" in run.line
    walk(run, "150")
    assert run.answers["change"] == 3000
    assert run.step.id == "confirm"
    assert "收您150元" in run.line and "找您30元" in run.line
    assert count(desk, TransactionRecord) == 0
    run.submit()
    assert run.committed is not None
    assert run.committed.receipt_no == "01-20261123-0001"
    assert run.step.id == "paid"
    assert "王先生" in run.line and "155.2元" in run.line

    rec = customer(desk, WANG)
    assert rec.balance_fen == 3520 + 12000
    (tx,) = transactions(desk)
    assert (tx.amount_due_fen, tx.tendered_fen, tx.change_fen) == (12000, 15000, 3000)
    assert tx.customer_number == WANG and tx.clerk == "1001" and tx.counter == "01"
    assert tx.procedure_id == "payment" and tx.procedure_digest == desk.procedures["payment"].digest
    assert tx.visit_token == run.visit_token
    assert ["缴费后余额", "￥155.20"] in json.loads(tx.answers_json)["_paper"]
    with Session(desk.engine) as s:
        lines = s.exec(select(FeeLineRecord).where(FeeLineRecord.tx_id == tx.id)).all()
        assert [(f.code, f.amount_fen) for f in lines] == [("amount", 12000)]
        jobs = s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.tx_id == tx.id)).all()
        assert [(j.layout, j.status) for j in jobs] == [("invoice", "pending")]
    assert count(desk, AuditRecord, AuditRecord.action == "commit", AuditRecord.tx_id == tx.id) == 1

    walk(run, None, "no")
    assert run.step.id == "farewell"
    run.submit()
    assert run.state == FINISHED


def test_back_keeps_what_was_typed(desk):
    run = start(desk, "payment")
    walk(run, WANG, "王小明")
    assert run.step.id == "account_in_credit"
    assert run.back()
    assert run.step.id == "holder_name"
    assert run.typed["holder_name"] == "王小明"
    assert run.back()
    assert run.step.id == "number"
    assert run.typed == {"number": WANG, "holder_name": "王小明"}
    assert not run.back()  # nothing before the first step
    walk(run, run.typed["number"], run.typed["holder_name"])
    assert run.step.id == "account_in_credit"


def test_cancel_before_commit_writes_nothing(desk):
    before = count(desk, AuditRecord)
    run = pay_to_confirm(desk)
    run.cancel()
    assert run.state == CANCELLED
    run.submit()  # a stray Enter after cancelling does nothing
    assert run.committed is None
    assert count(desk, TransactionRecord) == 0
    assert count(desk, FeeLineRecord) == 0
    assert count(desk, ReceiptJobRecord) == 0
    assert count(desk, AuditRecord) == before
    assert customer(desk, WANG).balance_fen == 3520


def test_wrong_holder_name_is_refused(desk):
    run = walk(start(desk, "payment"), WANG)
    assert "机主姓名" in refused(run, "王大明")
    assert "holder_name" not in run.answers
    assert "请输入" in refused(run, "  ")
    walk(run, "王小明")
    assert run.step.id == "account_in_credit"


def test_unknown_and_malformed_numbers_are_refused(desk):
    run = start(desk, "payment")
    assert "不是本系统用户" in refused(run, "13000000000")
    assert "11 位" in refused(run, "1380013800")
    assert "11 位" in refused(run, "23800138000")
    assert run.customer is None


@pytest.mark.parametrize("amount, word", [
    ("0", "大于零"),
    ("-5", "负数"),
    ("abc", "不是有效的数字"),
    ("12.345", "两位小数"),
    ("5000.01", "上限"),
    ("", "请输入"),
])
def test_bad_amounts_are_refused_with_a_reason(desk, amount, word):
    run = walk(start(desk, "payment"), WANG, "王小明", None)
    assert run.step.id == "amount"
    assert word in refused(run, amount)


def test_amount_at_the_limit_is_accepted(desk):
    run = walk(start(desk, "payment"), WANG, "王小明", None, "5000")
    assert run.step.id == "cash" and run.total_fen == 500_000


def test_cash_short_shows_the_shortfall(desk):
    run = walk(start(desk, "payment"), WANG, "王小明", None, "120")
    reason = refused(run, "100")
    assert "还差" in reason and "20" in reason
    walk(run, "120")
    assert run.answers["change"] == 0
    assert "收您120元整好" in run.line and "找您" not in run.line  # exact cash is called out so (唱收唱付)


def test_arrears_must_be_cleared_and_reopen_the_number(desk):
    run = walk(start(desk, "payment"), LI, "李静")
    assert run.step.id == "account_in_arrears"
    assert "李女士" in run.line and "30.5元" in run.line
    walk(run, None)
    reason = refused(run, "20")
    assert "欠费" in reason and "30.5" in reason
    walk(run, "30.5", "50")
    assert run.answers["change"] == 1950
    run.submit()
    rec = customer(desk, LI)
    assert rec.balance_fen == 0
    assert rec.status == "active"
    assert run.customer.status == "active"


def test_overpaying_arrears_leaves_a_credit(desk):
    """Paying more than the arrears leaves a credit and reopens the number."""
    run = walk(start(desk, "payment"), LI, "李静", None, "100", "100")
    run.submit()
    rec = customer(desk, LI)
    assert (rec.balance_fen, rec.status) == (10000 - 3050, "active")


def test_out_of_province_number_stops(desk):
    run = walk(start(desk, "payment"), LIU)
    assert run.state == STOPPED
    assert run.stop_code == "out_of_province"
    assert "外省" in run.line
    run.submit("刘洋")  # a stopped run takes nothing more
    assert "holder_name" not in run.answers
    assert count(desk, TransactionRecord) == 0


def test_another_number_starts_a_fresh_visit(desk):
    run = pay_to_confirm(desk)
    run.submit()
    first_token = run.visit_token
    assert run.committed.receipt_no == "01-20261123-0001"
    walk(run, None)
    assert run.step.id == "another"
    walk(run, "yes")
    assert run.step.id == "number"
    assert run.answers == {} and run.typed == {} and run.customer is None and run.committed is None
    assert run.visit_token != first_token
    walk(run, ZHANG, "张伟")
    assert "张先生" in run.line
    walk(run, None, "50", "50")
    assert run.step.id == "confirm" and "收您50元" in run.line
    run.submit()
    assert run.committed.receipt_no == "01-20261123-0002"
    assert [v.receipt_no for v in run.visits] == ["01-20261123-0001", "01-20261123-0002"]
    assert customer(desk, ZHANG).balance_fen == 1200 + 5000
    assert customer(desk, WANG).balance_fen == 3520 + 12000
    assert len(transactions(desk)) == 2


def test_commit_step_twice_records_one_transaction(desk):
    run = pay_to_confirm(desk)
    run.submit()
    first = run.committed
    # the clerk goes back onto the commit step (if allowed) and presses Enter again
    if run.back():
        assert run.step.id == "confirm"
        run.submit()
        assert run.committed == first
    run.submit()  # and Enter on the following steps
    assert run.commit() == first
    assert run.commit() == first
    assert len(transactions(desk)) == 1
    assert customer(desk, WANG).balance_fen == 3520 + 12000
    assert count(desk, AuditRecord, AuditRecord.action == "commit") == 1


def test_no_going_back_past_the_commit(desk):
    run = pay_to_confirm(desk)
    run.submit()
    while run.back():
        assert run.step.id in ("paid", "confirm"), "went back past the commit"
    assert run.step.id in ("paid", "confirm")


def test_two_runs_sharing_a_visit_token_record_one_transaction(desk):
    a = pay_to_confirm(desk)
    b = pay_to_confirm(desk)
    b.visit_token = a.visit_token
    ca = a.commit()
    cb = b.commit()
    assert cb.tx_id == ca.tx_id and cb.receipt_no == ca.receipt_no
    assert len(transactions(desk)) == 1
    assert customer(desk, WANG).balance_fen == 3520 + 12000


def test_commit_needs_a_logged_in_clerk(desk):
    run = pay_to_confirm(desk)
    desk.logout()
    with pytest.raises(AuthError):
        run.submit()
    assert run.committed is None
    assert count(desk, TransactionRecord) == 0


# ---- open account -------------------------------------------------------------------------------


NEW_ID_LOWER_X = NEW_ID.lower()  # the check letter typed in lower case


def open_to_confirm(desk, id_number=NEW_ID_LOWER_X, number=NEW_NUMBER, prepay="100", tendered="200"):
    run = walk(start(desk, "open_account"), "yes", id_number, "赵小刚", "local")
    assert run.step.id == "plan"
    assert {o.value for o in run.options()} == {p[0] for p in catalog.PLANS}
    walk(run, "szx_fashion")
    assert run.step.id == "tariff"
    assert "神州行大众卡时尚套餐" in run.line and "月费15元" in run.line
    walk(run, None)
    assert number in {o.value for o in run.options()}
    walk(run, number, "135790", "135790", "", prepay)
    assert run.step.id == "cash"
    walk(run, tendered)
    assert run.step.id == "confirm"
    return run


def test_open_account_main_path(desk):
    run = open_to_confirm(desk)
    assert run.total_fen == 1500 + 10000
    assert [(f.code, f.amount_fen) for f in run.fee_lines()] == [("card_fee", 1500), ("prepay", 10000)]
    assert "收您200元" in run.line and "找您85元" in run.line
    run.submit()
    assert run.committed.receipt_no == "01-20261123-0001"
    assert NEW_NUMBER in run.line  # "这是您的卡，号码..."

    with Session(desk.engine) as s:
        assert s.get(NumberRecord, NEW_NUMBER).free is False
        rec = s.get(CustomerRecord, NEW_NUMBER)
        assert rec.name == "赵小刚"
        assert rec.id_number == NEW_ID  # lowercase x normalised
        assert rec.balance_fen == 10000
        assert rec.plan_code == "szx_fashion" and rec.status == "active"
        assert rec.password_hash and "135790" not in rec.password_hash
        assert verify_secret("135790", rec.password_hash)
        assert not verify_secret("135791", rec.password_hash)
        assert rec.sim_serial.startswith("8986") and len(rec.sim_serial) == 20
        tx = s.exec(select(TransactionRecord)).one()
        assert (tx.amount_due_fen, tx.tendered_fen, tx.change_fen) == (11500, 20000, 8500)
        fees = s.exec(select(FeeLineRecord).where(FeeLineRecord.tx_id == tx.id).order_by(FeeLineRecord.id)).all()
        assert [(f.code, f.amount_fen) for f in fees] == [("card_fee", 1500), ("prepay", 10000)]
        jobs = s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.tx_id == tx.id).order_by(ReceiptJobRecord.id)).all()
        assert [(j.layout, j.copy_no) for j in jobs] == [("invoice", 1), ("slip", 1), ("slip", 2)]  # one job per copy
        stored = json.loads(tx.answers_json)
    assert "password" not in stored and "password_again" not in stored
    assert "135790" not in tx.answers_json
    assert NEW_ID not in tx.answers_json.upper()
    assert NEW_NUMBER not in desk.free_numbers()
    assert desk.find_customer(NEW_NUMBER).male is False  # 17th digit 2


def test_open_account_without_id_stops_and_writes_nothing(desk):
    run = walk(start(desk, "open_account"), "no")
    assert run.state == STOPPED and run.stop_code == "no_id"
    assert "营业时间" in run.line
    assert count(desk, TransactionRecord) == 0
    assert count(desk, CustomerRecord) == len(catalog.CUSTOMERS)


def test_open_account_refuses_a_bad_id(desk):
    run = walk(start(desk, "open_account"), "yes")
    assert "校验位" in refused(run, NEW_ID[:17] + "1")
    assert "18" in refused(run, NEW_ID[:16])


def test_open_account_password_rules_and_mismatch(desk):
    run = walk(start(desk, "open_account"), "yes", NEW_ID, "赵小刚", "local", "jiayuan", None, NEW_NUMBER)
    assert run.step.id == "password"
    assert "同一数字" in refused(run, "111111")
    assert "连号" in refused(run, "123456")
    assert "连号" in refused(run, "654321")
    assert "6 位" in refused(run, "13579")
    walk(run, "135790")
    assert run.step.id == "password_again"
    assert "不一致" in refused(run, "135791")
    walk(run, "135790")
    assert run.step.id == "contact"
    # the password never shows in a spoken line's values
    assert "135790" not in run.placeholders().values()


def test_open_account_refuses_an_unknown_plan_and_number(desk):
    run = walk(start(desk, "open_account"), "yes", NEW_ID, "赵小刚", "local")
    assert "选择" in refused(run, "platinum")
    walk(run, "jiayuan", None)
    assert "选择" in refused(run, WANG)  # a number in use is not on the list


def test_open_account_fifty_yuan_prepay(desk):
    run = open_to_confirm(desk, prepay="50", tendered="65")
    assert run.total_fen == 6500
    assert "收您65元整好" in run.line and "找您" not in run.line
    run.submit()
    assert customer(desk, NEW_NUMBER).balance_fen == 5000


# ---- SIM replacement -----------------------------------------------------------------------------


def test_replace_sim_refuses_someone_elses_id(desk):
    run = walk(start(desk, "replace_sim"), WANG, "yes")
    assert run.step.id == "owner_id"
    assert "机主" in refused(run, ZHANG_ID)


def test_replace_sim_for_arrears_suspended_number_stops(desk):
    run = walk(start(desk, "replace_sim"), LI)
    assert run.state == STOPPED and run.stop_code == "pay_first"
    assert "30.5元" in run.line
    assert count(desk, TransactionRecord) == 0


def test_replace_sim_records_a_new_serial(desk):
    old = customer(desk, WANG).sim_serial
    run = walk(start(desk, "replace_sim"), WANG, "yes", WANG_ID, None)
    assert run.step.id == "cash" and run.total_fen == 1500
    walk(run, "20")
    assert "找您5元" in run.line
    run.submit()
    rec = customer(desk, WANG)
    assert rec.sim_serial != old and rec.sim_serial.startswith("8986") and len(rec.sim_serial) == 20
    assert rec.balance_fen == 3520  # the card fee is paid in cash, not from the balance
    (tx,) = transactions(desk)
    paper = json.loads(tx.answers_json)["_paper"]
    assert ["SIM卡号", "****" + rec.sim_serial[-6:]] in paper and rec.sim_serial not in tx.answers_json
    with Session(desk.engine) as s:
        audit = s.exec(select(AuditRecord).where(AuditRecord.tx_id == tx.id)).one()
    assert old[-4:] in audit.detail and rec.sim_serial[-4:] in audit.detail
    assert WANG_ID not in tx.answers_json
    with Session(desk.engine) as s:
        jobs = s.exec(select(ReceiptJobRecord).where(ReceiptJobRecord.tx_id == tx.id)).all()
    assert sorted((j.layout, j.copy_no) for j in jobs) == [("invoice", 1), ("slip", 1), ("slip", 2)]
    walk(run, None, None)
    assert run.state == FINISHED


def test_absurd_cash_is_refused_at_the_cash_step(desk):
    run = walk(start(desk, "payment"), WANG, "王小明", None, "120")
    assert run.step.id == "cash"
    refused(run, "1" + "0" * 20)


# ---- fee waivers (减免): a supervisor at the cash step ------------------------------------------------
def test_a_supervisor_waives_the_card_fee_at_the_cash_step(desk):
    run = walk(start(desk, "replace_sim"), WANG, "yes", WANG_ID, None)
    assert run.step.id == "cash" and [f.code for f in run.waivable_fees()] == ["card_fee"]
    with pytest.raises(AuthError):
        run.waive("9001", "0000")  # a wrong PIN waives nothing
    with pytest.raises(AuthError):
        run.waive("1001", "1234")  # the clerk cannot authorise their own waiver
    assert run.total_fen == 1500
    run.waive("9001", "9999")
    assert run.total_fen == 0 and run.fee_lines() == [] and run.waivable_fees() == []
    run.submit("")  # nothing to pay: Enter goes on
    assert "卡费已为您减免" in run.line and "收您" not in run.line  # not 收您0元
    run.submit()  # commit
    (tx,) = transactions(desk)
    assert (tx.amount_due_fen, tx.tendered_fen) == (0, 0)
    answers = json.loads(tx.answers_json)
    assert answers["waived_by"] == "9001" and answers["waived_fees"] == ["card_fee"]
    assert ["减免", "￥15.00（值班长9001授权）"] in answers["_paper"]
    with Session(desk.engine) as s:
        granted = s.exec(select(AuditRecord).where(AuditRecord.action == "authorize")).all()
    assert [a.actor for a in granted] == ["9001"] and "fee_waiver" in granted[0].detail


def test_nothing_to_waive_away_from_the_cash_step_or_on_a_payment(desk):
    run = start(desk, "replace_sim")
    assert run.waivable_fees() == []
    with pytest.raises(InputRefused):
        run.waive("9001", "9999")
    pay = walk(start(desk, "payment"), WANG, "王小明", None, "50")
    assert pay.step.id == "cash" and pay.waivable_fees() == []  # a payment is not a fee
