"""Issue 3 procedures through the engine and a real Desk: each main path, then each gate and rule.

The clock stands at 2026-11-23 10:00 in the hall (conftest.DAY): the bill months offered are
2026-10 back to 2026-06, and effective dates of the next month are 2026-12-01.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from teller.domain import catalog
from teller.domain.billing import first_of_next_month
from teller.domain.rules import bill_months
from teller.errors import InputRefused
from teller.procedures.engine import FINISHED, STOPPED
from teller.store.models import (
    AuditRecord,
    BillPrintRecord,
    ComplaintRecord,
    CustomerRecord,
    HandsetRecord,
    HandsetSaleRecord,
    PointsRedemptionRecord,
    ReceiptJobRecord,
    ReservationRecord,
    SubscriptionRecord,
    TransactionRecord,
)
from tests.conftest import DAY, start, walk
from tests.support.escpos_decoder import decode

WANG, WANG_ID, WANG_PW = "13800138000", catalog.demo_id("11010519800101123"), "135790"  # 全球通, 1200 points
ZHANG, ZHANG_PW = "13700001111", "102938"  # 神州行, 80 points, 彩铃 + 梦网
LIU = "18800003333"  # out of province
ZHAO = "13600004444"  # no value-added services
NEW_ID = "11010519491231002X"
IMEI = "490154203237518"  # 15 digits, the last its Luhn check digit


def rows(desk, model, *where):
    with Session(desk.engine) as s:
        stmt = select(model)
        for w in where:
            stmt = stmt.where(w)
        return list(s.exec(stmt))


def customer(desk, number) -> CustomerRecord:
    with Session(desk.engine) as s:
        return s.get(CustomerRecord, number)


def refused(run, value) -> str:
    step, answers = run.step.id, dict(run.answers)
    with pytest.raises(InputRefused) as exc:
        run.submit(value)
    assert run.step.id == step and run.answers == answers
    return exc.value.message


def papers(desk, run) -> dict[str, str]:
    """Print the committed run's jobs to the preview spool and decode the ESC/POS bytes."""
    outcomes = desk.print_transaction(run.committed.tx_id)
    assert outcomes and all(o.ok for o in outcomes), outcomes
    return {o.layout: decode(o.spooled.with_suffix(".bin").read_bytes()).text for o in outcomes}


def commit(run):
    assert run.step.kind == "commit", run.step.id
    run.submit()
    assert run.committed is not None
    return run.committed


# ---- 账单打印 bill printing ------------------------------------------------------------------------


def test_bill_months_are_the_five_before_the_current_month():
    assert bill_months(DAY) == ["2026-10", "2026-09", "2026-08", "2026-07", "2026-06"]
    assert bill_months(DAY.replace(month=2, day=1)) == ["2026-01", "2025-12", "2025-11", "2025-10", "2025-09"]
    assert first_of_next_month(date(2026, 12, 31)) == date(2027, 1, 1)


def bill_to_month(desk, number=WANG, *verify):
    run = start(desk, "bill_print")
    walk(run, number, None, *verify)
    return run


def test_bill_print_by_password_records_the_month_and_prints_the_bill(desk):
    run = bill_to_month(desk, WANG, "password", WANG_PW)
    assert run.step.id == "month"
    options = run.options()
    assert [o.value for o in options] == bill_months(desk.now())
    assert "2026-11" not in [o.value for o in options]  # never the current month
    walk(run, "2026-10")
    assert "2026-10" in run.line
    commit(run)
    assert run.step.id == "explain"
    run.submit()
    assert run.step.id == "farewell"
    run.submit()
    assert run.state == FINISHED
    (printed,) = rows(desk, BillPrintRecord, BillPrintRecord.number == WANG)
    assert printed.month == "2026-10"
    assert WANG_PW not in json.dumps(run.record()) and "password" not in run.record()  # never kept
    text = papers(desk, run)["bill"]
    assert "账单" in text and "2026-10" in text and "全球通88元套餐" in text and "王*明" in text


def test_bill_print_by_id_card_and_by_dial_test(desk):
    run = bill_to_month(desk, WANG, "id_card")
    assert run.step.id == "id_card"
    assert "不符" in refused(run, NEW_ID)
    walk(run, WANG_ID, "2026-09")
    commit(run)
    run = bill_to_month(desk, WANG, "dial_test", "rang")
    walk(run, "2026-08")
    commit(run)
    assert sorted(r.month for r in rows(desk, BillPrintRecord, BillPrintRecord.number == WANG)) == ["2026-08", "2026-09"]


def test_a_month_already_printed_cannot_print_again(desk):
    run = bill_to_month(desk, WANG, "dial_test", "rang")
    walk(run, "2026-10")
    commit(run)
    again = bill_to_month(desk, WANG, "dial_test", "rang")
    labels = {o.value: o.label for o in again.options()}
    assert labels["2026-10"].endswith("（已打印）") and labels["2026-09"] == "2026-09"
    assert "已经打印过" in refused(again, "2026-10")
    assert refused(again, "2026-11")  # the current month is not offered
    assert len(rows(desk, BillPrintRecord)) == 1


def test_two_counters_cannot_print_the_same_month_twice(desk):
    first, second = bill_to_month(desk, WANG, "dial_test", "rang"), bill_to_month(desk, WANG, "dial_test", "rang")
    walk(first, "2026-07")
    walk(second, "2026-07")  # both chose before either committed
    commit(first)
    with pytest.raises(InputRefused, match="已经打印过"):
        second.submit()
    assert second.committed is None
    assert len(rows(desk, BillPrintRecord)) == 1
    assert len(rows(desk, TransactionRecord)) == 1


def test_bill_gate_out_of_province(desk):
    run = start(desk, "bill_print")
    walk(run, LIU)
    assert run.state == STOPPED and run.stop_code == "out_of_province"
    assert "外省" in run.line


def test_bill_gate_dial_test_failed(desk):
    run = start(desk, "bill_print")
    walk(run, WANG, None, "dial_test", "no_ring")
    assert run.state == STOPPED and run.stop_code == "not_verified"
    assert "拨测没有通过" in run.line
    assert rows(desk, BillPrintRecord) == []


# ---- 退订增值业务 cancel a value-added service --------------------------------------------------------


def test_cancel_service_takes_effect_next_month(desk):
    run = start(desk, "cancel_service")
    walk(run, WANG, WANG_PW)
    assert "彩铃" in run.line and "手机报" in run.line  # the subscribed services listed
    assert [o.value for o in run.options()] == ["cailing", "mobile_news"]
    walk(run, "cailing", "不常用", "declined")
    assert run.step.id == "channels"
    run.submit()
    commit(run)
    (sub,) = rows(desk, SubscriptionRecord, SubscriptionRecord.number == WANG, SubscriptionRecord.service_code == "cailing")
    assert sub.status == "cancelling" and sub.cancel_effective == date(2026, 12, 1) and sub.retention == "declined"
    assert [s.code for s in run.customer.subscriptions] == ["mobile_news"]
    slip = papers(desk, run)["slip"]
    assert "彩铃" in slip and "2026-12-01" in slip and "客户坚持退订" in slip


def test_cancel_service_retained_keeps_the_service_and_records_the_attempt(desk):
    run = start(desk, "cancel_service")
    walk(run, ZHANG, ZHANG_PW, "mengwang", "太贵", "retained")
    assert run.step.id == "confirm"  # straight to the record, no cancellation talk
    commit(run)
    (sub,) = rows(desk, SubscriptionRecord, SubscriptionRecord.number == ZHANG, SubscriptionRecord.service_code == "mengwang")
    assert sub.status == "active" and sub.cancel_effective is None and sub.retention == "retained"


def test_cancel_service_gate_no_services(desk):
    run = start(desk, "cancel_service")
    walk(run, ZHAO)
    assert run.state == STOPPED and run.stop_code == "no_services"


def test_cancel_service_needs_the_password(desk):
    run = walk(start(desk, "cancel_service"), WANG)
    assert "密码不正确" in refused(run, "111222")


# ---- 积分兑换 points redemption -----------------------------------------------------------------------


def test_points_redeemed_for_a_bill_credit(desk):
    run = start(desk, "redeem_points")
    walk(run, WANG, "password", WANG_PW, "王小明")
    assert "1200" in run.line  # the balance of points told
    run.submit()
    assert "保温杯" in " ".join(o.label for o in run.options())
    assert "积分不足" in refused(run, "thermos")  # 1500 > 1200: never below zero
    walk(run, "credit_10")
    commit(run)
    rec = customer(desk, WANG)
    assert rec.points == 200 and rec.balance_fen == 3520 + 1000
    (red,) = rows(desk, PointsRedemptionRecord)
    assert (red.reward_code, red.points, red.credit_fen) == ("credit_10", 1000, 1000)
    assert run.step.id == "done" and "200" in run.line
    assert "10元话费" in papers(desk, run)["slip"]


def test_points_redeemed_for_a_gift_with_the_id_card(desk):
    run = start(desk, "redeem_points")
    walk(run, LIU, "id_card", catalog.demo_id("51010719900606581"), "刘洋", None, "thermos")
    commit(run)
    rec = customer(desk, LIU)
    assert rec.points == 2600 - 1500 and rec.balance_fen == 15000  # a gift: no credit


def test_points_gate_not_enough_points(desk):
    run = start(desk, "redeem_points")
    walk(run, ZHANG, "password", ZHANG_PW, "张伟")
    assert run.state == STOPPED and run.stop_code == "not_enough_points"
    assert "80" in run.line


def test_points_holder_name_checked(desk):
    run = walk(start(desk, "redeem_points"), WANG, "password", WANG_PW)
    assert "不符" in refused(run, "王大明")


# ---- 跨区预约 cross-region reservation ----------------------------------------------------------------

FORM = ["yes", "13800138000", "陕西", "2026-12-01", "2026-12-31", "张三", "广东", "深圳", "2026-12-02 09:30"]


def test_cross_region_reservation_issues_a_number(desk):
    run = start(desk, "cross_region")
    walk(run, *FORM, "resident_id", NEW_ID, "李四", "13912345678")
    assert "1001" in run.line  # the clerk named as the home-region contact
    commit(run)
    (res,) = rows(desk, ReservationRecord)
    assert res.reservation_no == "KQ202611230001"
    assert (res.effective_date, res.end_date) == (date(2026, 12, 1), date(2026, 12, 31))
    assert (res.target_province, res.target_city, res.current_province) == ("广东", "深圳", "陕西")
    assert res.appointment == DAY.replace(month=12, day=2, hour=9, minute=30)
    assert res.callback_due == DAY + timedelta(hours=10)
    assert res.id_number == NEW_ID and res.second_name == "李四"
    tx = rows(desk, TransactionRecord)[0]
    assert NEW_ID not in tx.answers_json  # masked in the transaction's answers
    slip = papers(desk, run)["reservation"]
    assert "KQ202611230001" in slip and "广东 深圳" in slip and "张*" in slip and NEW_ID not in slip
    assert "10小时内" in slip


def test_cross_region_fields_validated_one_by_one(desk):
    run = walk(start(desk, "cross_region"), "yes")
    assert "手机号码" in refused(run, "12345")
    walk(run, "13800138000")
    assert refused(run, "火星")  # not a province
    walk(run, "陕西")
    assert "年-月-日" in refused(run, "12/01")
    assert "不能早于今天" in refused(run, "2026-11-22")
    walk(run, "２０２６-１２-０１")  # full-width digits from the input method
    assert run.answers["effective_date"] == date(2026, 12, 1)
    assert "须晚于 2026-12-01" in refused(run, "2026-12-01")
    walk(run, "20261231", "张三", "广东", "深圳")
    assert "时:分" in refused(run, "2026-12-02")
    assert "不能早于今天" in refused(run, "2026-11-23 09:59")
    walk(run, "2026-11-23 10:00", "passport")
    assert run.step.id == "other_id"  # not a resident ID: the number is free text
    walk(run, "E12345678", "李四", "13912345678")
    commit(run)
    assert rows(desk, ReservationRecord)[0].id_type == "passport"


def test_cross_region_gate_no_id(desk):
    run = walk(start(desk, "cross_region"), "no")
    assert run.state == STOPPED and run.stop_code == "no_id"
    assert "有效证件" in run.line


# ---- 客户投诉 complaint -----------------------------------------------------------------------------


def test_complaint_resolved_on_the_spot(desk):
    run = start(desk, "complaint")
    walk(run, WANG, "王小明", None, "上月多扣了彩铃费", "resolved")
    assert run.step.id == "compensation"  # no ticket promise when resolved
    walk(run, "")  # no bill credit: the supervisor steps are skipped
    assert run.step.id == "confirm"
    commit(run)
    (c,) = rows(desk, ComplaintRecord)
    assert (c.kind, c.outcome, c.text, c.reply_due, c.compensation_fen) == ("service", "resolved", "上月多扣了彩铃费", None, 0)
    ticket = papers(desk, run)["ticket"]
    assert "现场解决" in ticket and c.ticket_no in ticket


@pytest.mark.parametrize("number, name, hours", [(WANG, "王小明", 24), (ZHANG, "张伟", 48)])
def test_complaint_ticket_promises_the_brands_reply_time(desk, number, name, hours):
    run = start(desk, "complaint")
    walk(run, number, name, None, "信号差扣费", "ticket")
    assert run.step.id == "contact" and number in run.line  # the number it promises to call
    walk(run, "")
    assert run.step.id == "promise" and f"{hours}小时内" in run.line and number in run.line
    walk(run, None, "")
    commit(run)
    (c,) = rows(desk, ComplaintRecord)
    assert c.outcome == "ticket" and c.reply_due == DAY + timedelta(hours=hours)


def test_complaint_bill_credit_needs_a_supervisor(desk):
    run = start(desk, "complaint")
    walk(run, ZHANG, "张伟", None, "停机期间仍扣月费", "ticket", "", None, "10", "1002")
    assert run.step.id == "approval"
    assert "不是值班长" in refused(run, "2345")  # another clerk cannot authorise
    run.back()
    walk(run, "1001")
    assert "另一位值班长" in refused(run, "1234")  # nor the clerk serving
    run.back()
    walk(run, "9001")
    assert "不正确" in refused(run, "0000")
    walk(run, "9999")
    assert run.answers["approval"] == "9001" and "approval" not in run.typed
    commit(run)
    assert customer(desk, ZHANG).balance_fen == 1200 + 1000
    (c,) = rows(desk, ComplaintRecord)
    assert (c.compensation_fen, c.authorized_by) == (1000, "9001")
    tx = rows(desk, TransactionRecord)[0]
    assert "9999" not in tx.answers_json and tx.amount_due_fen == 0
    assert [a.action for a in rows(desk, AuditRecord, AuditRecord.actor == "9001")].count("authorize") == 1
    ticket = papers(desk, run)["ticket"]
    assert "￥10.00" in ticket and "9001" in ticket


def test_complaint_about_a_closed_number_is_refused_at_the_number(desk):
    with Session(desk.engine) as s:
        rec = s.get(CustomerRecord, WANG)
        rec.status = "closed"
        s.add(rec)
        s.commit()
    run = start(desk, "complaint")
    assert "已销户" in refused(run, WANG)  # every procedure's number step refuses a closed account
    assert run.step.id == "number" and run.customer is None


def test_complaint_holder_name_checked(desk):
    run = walk(start(desk, "complaint"), WANG)
    assert "不符" in refused(run, "李雷")


# ---- 网络投诉 network complaint ------------------------------------------------------------------------


def test_network_complaint_registers_a_ticket(desk):
    run = start(desk, "network_complaint")
    walk(run, WANG, "上周一", "经常", "ok", "长安路", "3号楼", "1202", "华为", "Mate 60", "13912345678")
    assert "24小时内" in run.line
    commit(run)
    (c,) = rows(desk, ComplaintRecord)
    assert c.kind == "network" and c.ticket_no.startswith("WL20261123") and c.reply_due == DAY + timedelta(hours=24)
    details = json.loads(c.details_json)
    assert details["road"] == "长安路" and details["frequency"] == "经常" and details["handset_model"] == "Mate 60"
    assert run.step.id == "apologise" and "来电提醒" in run.line
    ticket = papers(desk, run)["ticket"]
    assert "长安路 3号楼 1202" in ticket and "华为 Mate 60" in ticket


def test_network_complaint_gate_handset_fault(desk):
    run = walk(start(desk, "network_complaint"), WANG, "昨天", "偶尔", "faulty")
    assert run.state == STOPPED and run.stop_code == "handset_fault"
    assert rows(desk, ComplaintRecord) == []


# ---- 终端销售 handset sale -----------------------------------------------------------------------------


def test_handset_sale_charges_the_catalogue_price_and_prints_the_agreement(desk):
    run = start(desk, "handset_sale")
    run.submit()
    offered = [o.value for o in run.options()]
    assert offered == ["oppo_a2", "hw_nova12", "mi_14"]  # by price; the one out of stock is not offered
    walk(run, "oppo_a2")
    assert run.total_fen == 129900 and [f.code for f in run.fee_lines()] == ["handset_price"]
    assert "三包" in run.line and "7天" in run.line
    walk(run, None, "yes", "赵六", NEW_ID, "")
    assert run.step.id == "imei"
    assert "串号" in refused(run, "49015420323751")  # 14 digits
    assert "校验" in refused(run, "490154203237519")  # the check digit wrong
    walk(run, IMEI)
    assert "1299" in run.line
    assert refused(run, "1000")  # short
    walk(run, "1300")
    assert run.answers["change"] == 100
    commit(run)
    with Session(desk.engine) as s:
        assert s.get(HandsetRecord, "oppo_a2").stock == 7
    (sale,) = rows(desk, HandsetSaleRecord)
    assert (sale.handset_code, sale.price_fen, sale.id_number) == ("oppo_a2", 129900, NEW_ID)
    tx = rows(desk, TransactionRecord)[0]
    assert (tx.amount_due_fen, tx.tendered_fen, tx.change_fen) == (129900, 130000, 100)
    out = papers(desk, run)
    assert set(out) == {"invoice", "agreement"}
    assert "￥1299.00" in out["invoice"]
    agreement = out["agreement"]
    assert "购机协议" in agreement and "OPPO A2" in agreement and "赵*" in agreement and NEW_ID not in agreement
    assert "7日内" in agreement  # the warranty terms on paper
    assert IMEI in agreement and IMEI in out["invoice"] and "OPPO A2" in out["invoice"]


def test_handset_sale_gate_no_id(desk):
    run = walk(start(desk, "handset_sale"), None, "mi_14", None, "no")
    assert run.state == STOPPED and run.stop_code == "no_id"
    assert rows(desk, HandsetSaleRecord) == []


def test_handset_sold_out_meanwhile_writes_nothing(desk):
    run = walk(start(desk, "handset_sale"), None, "mi_14", None, "yes", "赵六", NEW_ID, "", IMEI, "4000")
    with Session(desk.engine) as s:
        rec = s.get(HandsetRecord, "mi_14")
        rec.stock = 0
        s.add(rec)
        s.commit()
    with pytest.raises(InputRefused, match="库存"):
        run.submit()
    assert rows(desk, HandsetSaleRecord) == [] and rows(desk, TransactionRecord) == []
    assert rows(desk, ReceiptJobRecord) == []
