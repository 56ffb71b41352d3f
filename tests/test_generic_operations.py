"""The businesses written in YAML alone through the generic operations, on a real Desk:
国际漫游/国际长途开通 (two service flags and a deposit) and 更改帐务信息 (an order), each main
path, gates, the papers (decoded ESC/POS), the report category and the deposit ledger; closing
returns a held deposit in its refund; a YAML-only close-and-return procedure written in a test
home; a void that cannot undo one step of a list refuses the whole void before the PIN.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from teller.domain import books, catalog
from teller.errors import InputRefused
from teller.operations import VoidRefused
from teller.procedures.engine import STOPPED
from teller.store.models import (
    AuditRecord,
    CustomerRecord,
    DepositRecord,
    FeeLineRecord,
    OrderRecord,
    RefundClaimRecord,
    SubscriptionRecord,
    TransactionRecord,
)
from tests.conftest import start, walk
from tests.test_procedures_service import papers
from tests.test_void_every_procedure import NEW_ID, WANG, WANG_ID, ZHANG, roaming, to_commit

LI = "13912345678"  # suspended for arrears
CHEN, CHEN_ID = "15000002222", catalog.demo_id("61070219880808004")  # 神州行, no international services


def rows(desk, model, *where):
    with Session(desk.engine) as s:
        stmt = select(model)
        for w in where:
            stmt = stmt.where(w)
        return list(s.exec(stmt))


def tx_of(desk, committed) -> TransactionRecord:
    with Session(desk.engine) as s:
        return s.get(TransactionRecord, committed.tx_id)


def report_rows(desk, name):
    report = desk.report(name, start=desk.now().date(), end=desk.now().date())
    return report


def services(desk, number) -> dict[str, str]:
    return {s.service_code: s.status for s in rows(desk, SubscriptionRecord, SubscriptionRecord.number == number)}


def held(desk, number=WANG) -> list[int]:
    return [d.amount_fen for d in rows(desk, DepositRecord, DepositRecord.number == number, DepositRecord.status == "held")]


# ---- 国际漫游/国际长途开通 ---------------------------------------------------------------------------


def test_roaming_opens_both_services_holds_the_deposit_and_prints_them(desk):
    run = walk(start(desk, "intl_roaming"), WANG, "王小明", WANG_ID)
    assert run.step.id == "services" and "押金500元" in run.line
    walk(run, "roaming", None)
    assert run.step.id == "cash" and run.total_fen == 50000
    walk(run, "600")
    assert run.step.id == "call_out" and "找您100元" in run.line
    walk(run, None)
    run.submit()  # the commit
    committed = run.committed
    assert services(desk, WANG) == {"cailing": "active", "mobile_news": "active", "intl_ldd": "active", "intl_roaming": "active"}
    assert held(desk) == [50000]
    view = desk.find_customer(WANG)  # what the customer panel shows
    assert view.deposit_fen == 50000 and {"国际长途", "国际漫游"} <= {s.name for s in view.subscriptions}
    assert run.customer.deposit_fen == 50000  # the run's customer after the commit: the panel's source
    tx = tx_of(desk, committed)
    answers = json.loads(tx.answers_json)
    assert (tx.amount_due_fen, tx.tendered_fen, tx.change_fen) == (50000, 60000, 10000)
    assert answers["_category"] == books.DEPOSIT and answers["_deposit_fen"] == 50000
    assert [f.label for f in rows(desk, FeeLineRecord, FeeLineRecord.tx_id == tx.id)] == ["国际漫游押金"]
    slip = papers(desk, run)["slip"]
    for text in ("开通业务", "国际长途", "国际漫游", "押金", "￥500.00", "押金用途", "国际漫游押金",
                 "办理业务", "开通国际漫游（含国际长途）", "实收（现金）", "￥600.00", "￥100.00"):
        assert text in slip, text
    assert slip.index("国际长途") < slip.index("押金用途") < slip.index("办理业务")  # operations in order, then paper lines


def test_long_distance_alone_takes_no_cash_and_no_deposit(desk):
    committed = to_commit(start(desk, "intl_roaming"), CHEN, "陈晓红", CHEN_ID, "ldd", None)
    assert services(desk, CHEN)["intl_ldd"] == "active" and "intl_roaming" not in services(desk, CHEN)
    assert held(desk, CHEN) == []
    tx = tx_of(desk, committed)
    assert tx.amount_due_fen == 0 and json.loads(tx.answers_json)["_category"] == books.NON_CASH


def test_roaming_on_a_number_with_long_distance_opens_roaming_only(desk):
    to_commit(start(desk, "intl_roaming"), CHEN, "陈晓红", CHEN_ID, "ldd", None)
    committed = to_commit(start(desk, "intl_roaming"), CHEN, "陈晓红", CHEN_ID, "roaming", None, "500")
    assert services(desk, CHEN) == {"caller_reminder": "active", "intl_ldd": "active", "intl_roaming": "active"}
    with Session(desk.engine) as s:
        audit = s.exec(select(AuditRecord.detail).where(AuditRecord.tx_id == committed.tx_id, AuditRecord.action == "commit")).one()
    assert "intl_roaming opened" in audit and "intl_ldd" not in audit  # the ldd call's `when` did not hold


@pytest.mark.parametrize("case", ["suspended", "roaming_open", "ldd_open"])
def test_the_gates_stop_with_their_own_line(desk, case):
    if case == "suspended":
        run = walk(start(desk, "intl_roaming"), LI)
        assert run.state == STOPPED and run.stop_code == "not_active" and "欠费" in run.line
        return
    to_commit(start(desk, "intl_roaming"), CHEN, "陈晓红", CHEN_ID, "roaming" if case == "roaming_open" else "ldd", None,
              *(["500"] if case == "roaming_open" else []))
    run = walk(start(desk, "intl_roaming"), CHEN, "陈晓红", CHEN_ID)
    if case == "roaming_open":
        assert run.state == STOPPED and run.stop_code == "already_open" and "已经开通了国际漫游" in run.line
    else:
        walk(run, "ldd")
        assert run.state == STOPPED and run.stop_code == "already_open" and "已经开通了国际长途" in run.line


def test_the_holder_in_person_only(desk):
    run = walk(start(desk, "intl_roaming"), WANG)
    with pytest.raises(InputRefused):
        run.submit("李四")  # not the holder's name
    walk(run, "王小明")
    with pytest.raises(InputRefused):
        run.submit(NEW_ID)  # a valid ID, not the holder's
    assert run.step.id == "owner_id"


def test_the_deposit_is_its_own_report_category_and_a_void_takes_it_out(desk):
    committed = roaming(desk)
    assert report_rows(desk, "prepay-arrears").rows == []  # not a payment
    assert sum(r["count"] for r in report_rows(desk, "bands").rows) == 0
    deposits = report_rows(desk, "deposits")
    got = {r["kind"]: (r["count"], r["amount_fen"]) for r in deposits.rows}
    assert got == {"收取押金": (1, 50000), "退还押金": (0, 0), "净增押金": (1, 50000)}
    assert "1 笔" in deposits.note and "500.00" in deposits.note
    assert report_rows(desk, "daily").rows[0]["deposit_fen"] == 50000
    preview = desk.check_void(committed.receipt_no)
    assert preview.category == books.DEPOSIT and preview.refund_fen == 50000 and preview.operation == "sequence"
    desk.void(committed.receipt_no, reason="customer_request", supervisor="9001", pin="9999")
    assert report_rows(desk, "deposits").rows == [] and "0 笔" in report_rows(desk, "deposits").note
    assert held(desk) == [] and "intl_roaming" not in services(desk, WANG)
    with Session(desk.engine) as s:
        detail = s.exec(select(AuditRecord.detail).where(AuditRecord.action == "void")).one()
    # reversed in reverse order: the deposit first, then roaming, then long distance
    assert detail.index("take_deposit") < detail.index("open_service: service intl_roaming") < detail.index("service intl_ldd")


def test_closing_returns_the_held_deposit_in_its_refund_and_a_void_holds_it_again(desk):
    roaming(desk)
    balance = rows(desk, CustomerRecord, CustomerRecord.number == WANG)[0].balance_fen
    kept = to_commit(start(desk, "close_account"), WANG, "yes", WANG_ID, "王小明", "tariff", None, "retained")
    assert held(desk) == [50000]
    assert "￥500.00，继续保留" in papers(desk, _ran(desk, kept))["slip"]  # retained: the slip says it is held
    closed = to_commit(start(desk, "close_account"), WANG, "yes", WANG_ID, "王小明", "tariff", None, "closed")
    claim = rows(desk, RefundClaimRecord, RefundClaimRecord.number == WANG)[0]
    assert claim.amount_fen == balance + 50000
    dep = rows(desk, DepositRecord, DepositRecord.number == WANG)[0]
    assert (dep.status, dep.returned_to) == ("returned", "closing")
    assert "￥500.00，并入退费" in papers(desk, _ran(desk, closed))["slip"]
    got = {r["kind"]: (r["count"], r["amount_fen"]) for r in report_rows(desk, "deposits").rows}
    assert got["退还押金"] == (1, 50000) and got["净增押金"] == (0, 0)
    desk.void(closed.receipt_no, reason="customer_request", supervisor="9001", pin="9999")
    assert held(desk) == [50000] and rows(desk, RefundClaimRecord) == []


def _ran(desk, committed):
    """A stand-in run for `papers`: only its committed receipt is read."""
    class Ran:
        pass

    ran = Ran()
    ran.committed = committed
    return ran


def test_a_roaming_visit_whose_deposit_was_returned_cannot_be_voided_and_says_why_before_the_pin(desk):
    committed = roaming(desk)
    to_commit(start(desk, "close_account"), WANG, "yes", WANG_ID, "王小明", "tariff", None, "closed")
    with Session(desk.engine) as s:
        asked = len(s.exec(select(AuditRecord).where(AuditRecord.action == "authorize")).all())
    with pytest.raises(VoidRefused, match="押金已退还"):
        desk.check_void(committed.receipt_no)
    with pytest.raises(VoidRefused, match="押金已退还"):
        desk.void(committed.receipt_no, reason="customer_request", supervisor="9001", pin="0000")
    with Session(desk.engine) as s:
        assert len(s.exec(select(AuditRecord).where(AuditRecord.action == "authorize")).all()) == asked
        assert s.get(TransactionRecord, committed.tx_id).status == "completed"
    assert services(desk, WANG)["intl_roaming"] == "active"  # nothing of the list was undone


# ---- 更改帐务信息 -------------------------------------------------------------------------------


def billing(desk, who="agent", item="bill_email", value="wang@example.com"):
    agent = ["李四", NEW_ID] if who == "agent" else []
    return to_commit(start(desk, "billing_info"), WANG, "王小明", who, *agent, WANG_ID, item, value)


def test_an_order_keeps_its_answers_masks_ids_and_prints_its_paper_lines(desk):
    run = walk(start(desk, "billing_info"), WANG, "王小明", "agent", "李四", NEW_ID, WANG_ID, "bill_email", "wang@example.com")
    assert run.step.id == "read_back" and "wang@example.com" in run.line
    committed = to_commit(run)
    (order,) = rows(desk, OrderRecord)
    assert order.order_no == "ZW202611230001" and (order.kind, order.name, order.number) == ("billing_info", "更改帐务信息", WANG)
    details = json.loads(order.details_json)
    assert details == {"item": "bill_email", "new_value": "wang@example.com", "who": "agent", "agent_name": "李四",
                       "agent_id": details["agent_id"]}
    assert NEW_ID not in order.details_json and details["agent_id"] == "110***********002X"
    assert json.loads(tx_of(desk, committed).answers_json)["_category"] == books.NON_CASH
    slip = papers(desk, run)["slip"]
    for text in ("工单号", "ZW202611230001", "受理事项", "更改帐务信息", "变更项目", "电子账单邮箱", "更改后内容",
                 "wang@example.com", "代办人", "李四"):
        assert text in slip, text
    assert NEW_ID not in slip


def test_the_holder_in_person_prints_no_agent_line(desk):
    committed = billing(desk, who="holder", item="invoice_title", value="某某科技有限公司")
    slip = papers(desk, _ran(desk, committed))["slip"]
    assert "发票抬头" in slip and "某某科技有限公司" in slip and "代办人" not in slip


def test_an_order_needs_the_holders_id_and_a_voided_order_number_is_never_issued_again(desk):
    run = walk(start(desk, "billing_info"), WANG, "王小明", "holder")
    with pytest.raises(InputRefused):
        run.submit(NEW_ID)
    first = billing(desk)
    desk.void(first.receipt_no, reason="duplicate", supervisor="9001", pin="9999")
    assert rows(desk, OrderRecord) == []
    billing(desk)
    assert [o.order_no for o in rows(desk, OrderRecord)] == ["ZW202611230002"]


def test_an_order_marked_done_cannot_be_voided(desk):
    committed = billing(desk)
    with Session(desk.engine) as s:
        order = s.exec(select(OrderRecord)).one()
        order.status = "done"
        s.add(order)
        s.commit()
    with pytest.raises(VoidRefused, match="已有后续变动"):
        desk.check_void(committed.receipt_no)


# ---- a YAML-only procedure written in the test's home: close a service, return its deposit ------

CLOSE_ROAMING = """\
id: roaming_close
title: {zh: 国际漫游关闭, en: Close roaming}
time_limit_s: 120
reversible: required
steps:
  - id: number
    kind: input
    say: {zh: "{greeting}！请问要关闭哪个号码的国际漫游？"}
    input: {field: number, kind: phone, lookup: customer}
  - id: no_roaming
    kind: gate
    when: {field: customer.service.intl_roaming, exists: false}
    say: {zh: "{customer.title}，您的号码没有开通国际漫游。"}
    stop: not_open
  - id: confirm
    kind: commit
    say: {zh: "好的，押金{customer.deposit}元转入您的话费余额。"}
  - id: bye
    kind: end
    say: {zh: "请慢走！"}
effect:
  - op: close_service
    params: {service: intl_roaming, name: {zh: 国际漫游}}
  - op: return_deposit
    params: {purpose: intl_roaming, to: __TO__}
paper:
  - {label: {zh: 号码}, field: number}
print: [slip]
"""


@pytest.fixture
def close_desk(settings, clock, request):
    from tests.conftest import open_desk

    (settings.procedures_dir / "roaming_close.yaml").write_text(CLOSE_ROAMING.replace("__TO__", request.param), encoding="utf-8")
    d = open_desk(settings, clock)
    assert "roaming_close" in d.procedures and not d.problems
    yield d
    d.close()


@pytest.mark.parametrize("close_desk", ["balance"], indirect=True)
def test_closing_roaming_returns_the_deposit_onto_the_account_and_a_void_puts_everything_back(close_desk):
    desk = close_desk
    roaming(desk)
    balance = rows(desk, CustomerRecord, CustomerRecord.number == WANG)[0].balance_fen
    run = walk(start(desk, "roaming_close"), WANG)
    assert "押金500元" in run.line
    committed = to_commit(run)
    assert services(desk, WANG)["intl_roaming"] == "cancelled" and services(desk, WANG)["intl_ldd"] == "active"
    assert held(desk) == [] and rows(desk, CustomerRecord, CustomerRecord.number == WANG)[0].balance_fen == balance + 50000
    tx = tx_of(desk, committed)
    answers = json.loads(tx.answers_json)
    assert answers["_category"] == books.DEPOSIT and answers["_deposit_fen"] == -50000 and tx.amount_due_fen == 0
    slip = papers(desk, run)["slip"]
    assert "关闭业务" in slip and "退还押金" in slip and "￥500.00" in slip and "号码" in slip
    got = {r["kind"]: (r["count"], r["amount_fen"]) for r in report_rows(desk, "deposits").rows}
    assert got == {"收取押金": (1, 50000), "退还押金": (1, 50000), "净增押金": (0, 0)}
    desk.void(committed.receipt_no, reason="customer_request", supervisor="9001", pin="9999")
    assert services(desk, WANG)["intl_roaming"] == "active" and held(desk) == [50000]
    assert rows(desk, CustomerRecord, CustomerRecord.number == WANG)[0].balance_fen == balance
    again = walk(start(desk, "roaming_close"), ZHANG)
    assert again.state == STOPPED and again.stop_code == "not_open"


@pytest.mark.parametrize("close_desk", ["refund"], indirect=True)
def test_a_deposit_returned_as_a_refund_claim_cannot_be_voided_once_paid(close_desk):
    desk = close_desk
    roaming(desk)
    committed = to_commit(start(desk, "roaming_close"), WANG)
    (claim,) = rows(desk, RefundClaimRecord)
    assert claim.amount_fen == 50000 and claim.payable_from.isoformat() == "2026-12-03"
    with Session(desk.engine) as s:
        c = s.get(RefundClaimRecord, claim.id)
        c.status = "paid"
        s.add(c)
        s.commit()
    with pytest.raises(VoidRefused, match="退款已支付"):
        desk.check_void(committed.receipt_no)


@pytest.mark.sqlite_only  # edits the SQLite file behind the program's back
def test_an_older_database_gets_the_deposit_columns_and_tables(settings, clock):
    """A database from before deposits and orders: the summary's columns are added on open, the
    tables created, and a roaming visit and its report work on it."""
    import sqlite3

    from tests.conftest import open_desk

    path = settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as con:
        for col in ("deposit_count", "deposit_fen", "deposit_back_count", "deposit_back_fen"):
            con.execute(f"alter table daily_summary drop column {col}")
        con.execute("drop table deposit")
        con.execute("drop table order_request")
        con.execute("update alembic_version set version_num = '0003'")  # the schema before deposits (Alembic)
    con.close()
    desk = open_desk(settings, clock)
    try:
        roaming(desk)
        got = {r["kind"]: r["amount_fen"] for r in report_rows(desk, "deposits").rows}
        assert got["收取押金"] == 50000 and held(desk) == [50000]
    finally:
        desk.close()


def test_paper_lines_on_a_classic_effect_by_name(settings, clock):
    """`effect: pay` with `paper:` lines (and a second layout): the operation's own lines first."""
    from tests.conftest import open_desk
    from tests.support.flows import pay

    path = settings.procedures_dir / "payment.yaml"
    text = path.read_text(encoding="utf-8").replace("print: [invoice]", "print: [invoice, slip]").replace("effect: pay", "effect: pay\npaper:\n  - {label: {zh: 核对姓名}, field: holder_name}\n  - {label: {zh: 本次缴费}, field: amount}")
    path.write_text(text, encoding="utf-8")
    desk = open_desk(settings, clock)
    try:
        committed = pay(desk, amount="30")
        slip = papers(desk, _ran(desk, committed))["slip"]  # the invoice has no details block
        assert slip.index("缴费后余额") < slip.index("核对姓名") < slip.index("本次缴费")
        assert "王小明" in slip and "￥30.00" in slip
        assert json.loads(tx_of(desk, committed).answers_json)["_category"] == books.PREPAYMENT
    finally:
        desk.close()
