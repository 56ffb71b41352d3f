"""The account procedures through the engine and a real Desk: 销户, 产品变更, 密码修改/重置, 过户,
停机/复机, 亲情号, and the 5-numbers-per-ID quota told at the ID step. Each main path checks the
account in the database afterwards; each gate stops with the procedure's own line."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from teller.domain import catalog
from teller.domain.secrets import hash_secret, verify_secret
from teller.errors import InputRefused, ProcedureError
from teller.procedures.engine import FINISHED, STOPPED
from teller.procedures.loader import parse
from teller.store.models import CustomerRecord, FamilyLinkRecord, RefundClaimRecord, TransactionRecord
from tests.conftest import DAY, REPO, start, walk
from tests.test_engine import customer, refused, transactions

WANG, WANG_ID, WANG_PW = "13800138000", catalog.demo_id("11010519800101123"), "135790"  # 全球通, balance 35.20
LI = "13912345678"  # 李静, owes 30.50, suspended for arrears
ZHANG, ZHANG_ID, ZHANG_PW = "13700001111", catalog.demo_id("44030619751120361"), "102938"  # 神州行时尚套餐
CHEN = "15000002222"  # 陈晓红, 家园卡
ZHAO, ZHAO_ID = "13600004444", catalog.demo_id("32010219851212122")  # suspended (lost phone)
NEW_ID = "11010519491231002X"
NEW_PW = "258036"


def last_tx(desk) -> TransactionRecord:
    return transactions(desk)[-1]


def paper_of(desk) -> dict[str, str]:
    return dict(json.loads(last_tx(desk).answers_json)["_paper"])


def slip_text(desk) -> str:
    outcomes = desk.print_transaction(last_tx(desk).id)
    slips = [o for o in outcomes if o.layout == "slip"]
    assert len(slips) == 2 and all(o.ok for o in slips), slips  # customer copy and hall copy
    slip = slips[0]
    return slip.spooled.with_suffix(".txt").read_text(encoding="utf-8")


def stopped_with(run, code: str) -> str:
    assert run.state == STOPPED and run.stop_code == code, (run.state, run.stop_code, run.step.id)
    return run.line


def give_id_five_numbers(desk, id_number: str) -> None:
    with Session(desk.engine) as s:
        for n in range(5):
            s.add(CustomerRecord(number=f"1990000000{n}", name="某某", id_number=id_number, brand="神州行",
                                 plan_code="jiayuan", password_hash=hash_secret("258036")))
        s.commit()


# ---- 销户 account closing ---------------------------------------------------------------------------


def close_to_outcome(desk, number=WANG, id_number=WANG_ID, name="王小明"):
    run = start(desk, "close_account")
    walk(run, number, "yes", id_number, name, "tariff")
    assert run.step.id == "retain" and desk.find_customer(number).plan_name in run.line  # a cheaper plan offered
    walk(run, None)
    assert run.step.id == "retention"
    return run


def test_close_account_main_path_leaves_a_refund_claim(desk):
    run = close_to_outcome(desk)
    walk(run, "closed")
    assert run.step.id == "closing_terms" and "35.2元" in run.line and "3号" in run.line
    walk(run, None)
    assert run.step.kind == "commit"
    walk(run, None, None, None)
    assert run.state == FINISHED
    rec = customer(desk, WANG)
    assert (rec.status, rec.balance_fen) == ("closed", 0)
    with Session(desk.engine) as s:
        (claim,) = s.exec(select(RefundClaimRecord).where(RefundClaimRecord.number == WANG)).all()
    assert (claim.amount_fen, claim.payable_from, claim.status) == (3520, date(2026, 12, 3), "open")
    tx = last_tx(desk)
    answers = json.loads(tx.answers_json)
    assert (answers["reason"], answers["retention"]) == ("tariff", "closed")
    assert WANG_ID not in tx.answers_json
    paper = paper_of(desk)
    assert paper["销户原因"] == "资费太高" and paper["余额退费"] == "￥35.20"
    slip = slip_text(desk)
    assert "2026-12-03起凭证件办理" in slip and "已销户" in slip


def test_closed_number_is_refused_by_every_lookup(desk):
    walk(close_to_outcome(desk), "closed", None, None)
    run = start(desk, "payment")
    assert "已销户" in refused(run, WANG)


def test_close_account_retained_records_the_outcome_and_keeps_the_number(desk):
    run = close_to_outcome(desk)
    walk(run, "retained")
    assert run.step.id == "retained_note"
    walk(run, None)
    assert run.step.kind == "commit"  # past the arrears gate and the closing terms
    walk(run, None)
    assert run.step.id == "farewell"  # the closing-done line is skipped
    rec = customer(desk, WANG)
    assert (rec.status, rec.balance_fen) == ("active", 3520)
    with Session(desk.engine) as s:
        assert s.exec(select(RefundClaimRecord)).all() == []
    assert json.loads(last_tx(desk).answers_json)["retention"] == "retained"
    assert paper_of(desk)["挽留结果"] == "挽留成功，号码继续使用"


def test_close_account_without_id_stops(desk):
    run = walk(start(desk, "close_account"), WANG, "no")
    assert "本人持有效身份证件" in stopped_with(run, "no_id")
    assert transactions(desk) == []


def test_close_account_with_arrears_stops_with_the_pay_first_line(desk):
    run = close_to_outcome(desk, LI, catalog.demo_id("31010419920315242"), "李静")
    walk(run, "closed")
    assert "欠费30.5元" in stopped_with(run, "pay_first")
    assert customer(desk, LI).status == "suspended_arrears"
    assert transactions(desk) == []


def test_close_account_only_by_the_owner(desk):
    run = walk(start(desk, "close_account"), WANG, "yes")
    assert "机主本人" in refused(run, ZHANG_ID)
    walk(run, WANG_ID)
    assert "不符" in refused(run, "王大明")


# ---- 产品变更 plan change ------------------------------------------------------------------------------


def test_change_plan_by_password_waits_for_the_first_of_next_month(desk):
    run = walk(start(desk, "change_plan"), ZHANG, "too_expensive")
    assert run.step.id == "usage" and "神州行大众卡时尚套餐" in run.line and "15元" in run.line  # usage read out
    walk(run, None, "jiayuan")
    assert "月费8元" in run.line and "下个月1号" in run.line  # the tariff explained
    walk(run, None, "password")
    assert run.step.id == "password"
    walk(run, ZHANG_PW)
    assert run.step.kind == "commit"
    walk(run, None)
    rec = customer(desk, ZHANG)
    assert (rec.plan_code, rec.pending_plan_code) == ("szx_fashion", "jiayuan")
    assert desk.find_customer(ZHANG).pending_plan_name == "家园卡"  # what the customer panel shows
    paper = paper_of(desk)
    assert paper["生效日期"] == "2026-12-01" and paper["新套餐"] == "家园卡" and paper["原套餐"] == "神州行大众卡时尚套餐"


def test_change_plan_by_id_instead_of_password(desk):
    run = walk(start(desk, "change_plan"), ZHANG, "other", None, "gotone_88", None, "id_card")
    assert run.step.id == "owner_id"  # the password step does not apply
    assert "机主本人" in refused(run, WANG_ID)
    walk(run, ZHANG_ID, None)
    assert customer(desk, ZHANG).pending_plan_code == "gotone_88"


def test_change_plan_refuses_the_current_plan_and_a_wrong_password(desk):
    run = walk(start(desk, "change_plan"), ZHANG, "other", None)
    assert "当前的套餐" in refused(run, "szx_fashion")
    walk(run, "jiayuan", None, "password")
    assert "密码不正确" in refused(run, "111111")


def test_change_plan_suspended_for_arrears_pays_first(desk):
    run = walk(start(desk, "change_plan"), LI)
    assert "请您先缴清话费" in stopped_with(run, "pay_first")


def test_change_plan_lost_number_resumes_first(desk):
    run = walk(start(desk, "change_plan"), ZHAO)
    assert "复机" in stopped_with(run, "resume_first")


# ---- 密码修改 / 重置 ---------------------------------------------------------------------------------


def test_change_password_knowing_the_old_one(desk):
    run = walk(start(desk, "change_password"), ZHANG, "password")
    assert "密码不正确" in refused(run, "111111")
    walk(run, ZHANG_PW)
    assert "相同" in refused(run, ZHANG_PW)  # the new one must differ
    assert "连号" in refused(run, "123456")  # the opening rule
    walk(run, NEW_PW)
    assert "不一致" in refused(run, "258037")
    walk(run, NEW_PW, None)
    rec = customer(desk, ZHANG)
    assert verify_secret(NEW_PW, rec.password_hash) and not verify_secret(ZHANG_PW, rec.password_hash)
    tx = last_tx(desk)
    assert NEW_PW not in tx.answers_json and ZHANG_PW not in tx.answers_json
    assert paper_of(desk)["核验方式"] == "服务密码"


def test_reset_a_forgotten_password_with_the_id(desk):
    run = walk(start(desk, "change_password"), ZHANG, "id_card")
    assert run.step.id == "owner_id"
    assert "机主本人" in refused(run, WANG_ID)
    walk(run, ZHANG_ID, NEW_PW, NEW_PW, None)
    assert verify_secret(NEW_PW, customer(desk, ZHANG).password_hash)
    assert paper_of(desk)["核验方式"] == "身份证"


def test_change_password_suspended_for_arrears_pays_first(desk):
    run = walk(start(desk, "change_password"), LI)
    assert "先缴清话费" in stopped_with(run, "pay_first")


# ---- 过户 transfer of ownership ------------------------------------------------------------------------


def test_transfer_changes_the_holder_and_both_sign(desk):
    run = walk(start(desk, "transfer_ownership"), WANG, "yes", WANG_ID)
    assert "密码不正确" in refused(run, ZHANG_PW)
    walk(run, WANG_PW, "李四", NEW_ID, NEW_PW, NEW_PW, None)
    assert run.step.kind == "commit"
    walk(run, None)
    rec = customer(desk, WANG)
    assert (rec.name, rec.id_number, rec.male, rec.balance_fen) == ("李四", NEW_ID, False, 3520)
    assert verify_secret(NEW_PW, rec.password_hash) and not verify_secret(WANG_PW, rec.password_hash)
    tx = last_tx(desk)
    assert NEW_ID not in tx.answers_json and WANG_ID not in tx.answers_json  # ID numbers kept masked
    assert paper_of(desk)["原机主"] == "王*明" and paper_of(desk)["新机主"] == "李*"
    slip = slip_text(desk)
    assert slip.count("原机主签名：") == 1 and slip.count("新机主签名：") == 1  # on each copy
    assert "客户签名" not in slip


def test_other_slips_keep_the_customer_signature(desk):
    walk(start(desk, "change_plan"), ZHANG, "other", None, "jiayuan", None, "password", ZHANG_PW, None)
    slip = slip_text(desk)
    assert slip.count("客户签名：") == 1 and "原机主签名" not in slip


def test_transfer_needs_both_parties(desk):
    run = walk(start(desk, "transfer_ownership"), WANG, "no")
    assert "双方本人" in stopped_with(run, "both_parties")


def test_transfer_with_arrears_pays_first(desk):
    run = walk(start(desk, "transfer_ownership"), LI, "yes")
    assert "先缴清欠费" in stopped_with(run, "pay_first")


def test_transfer_to_the_holder_themself_is_refused(desk):
    run = walk(start(desk, "transfer_ownership"), WANG, "yes", WANG_ID, WANG_PW, "王小明")
    assert "无需过户" in refused(run, WANG_ID)


def test_transfer_tells_the_id_quota_at_the_id_step(desk):
    give_id_five_numbers(desk, NEW_ID)
    run = walk(start(desk, "transfer_ownership"), WANG, "yes", WANG_ID, WANG_PW, "李四")
    assert "最多 5 个" in refused(run, NEW_ID)


def test_open_account_tells_the_id_quota_at_the_id_step(desk):
    give_id_five_numbers(desk, NEW_ID)
    run = walk(start(desk, "open_account"), "yes")
    assert run.step.id == "id_number"
    assert "已有 5 个号码" in refused(run, NEW_ID)


def test_open_account_tells_and_prints_the_prorated_first_month(desk, clock):
    clock.at = DAY.replace(day=16)
    run = walk(start(desk, "open_account"), "yes", NEW_ID, "李四", "local", "gotone_88")
    assert "本月的月费是44元" in run.line  # 88 a month, joined on the 16th: half
    walk(run, None, "13477771314", NEW_PW, NEW_PW, "", "100", "200", None)
    assert paper_of(desk)["首月月费"] == "￥44.00"
    assert customer(desk, "13477771314").balance_fen == 10000  # the fee is billed at month start, not here


# ---- 停机 / 复机 -----------------------------------------------------------------------------------------


def test_suspend_a_lost_phone(desk):
    run = walk(start(desk, "suspend_resume"), ZHANG, "suspend")
    assert run.step.id == "suspend_terms"
    walk(run, None)
    assert run.step.id == "document"
    walk(run, "password", ZHANG_PW, None)
    assert customer(desk, ZHANG).status == "suspended_lost"
    assert paper_of(desk)["办理后状态"] == "挂失停机"


def test_resume_a_lost_number_with_the_id(desk):
    run = walk(start(desk, "suspend_resume"), ZHAO, "resume", None, "id_card")
    assert "机主本人" in refused(run, ZHANG_ID)
    walk(run, ZHAO_ID, None)
    assert customer(desk, ZHAO).status == "active"


def test_suspend_an_already_suspended_number_stops(desk):
    run = walk(start(desk, "suspend_resume"), ZHAO, "suspend")
    assert "挂失停机状态" in stopped_with(run, "already_suspended")


def test_resume_an_active_number_stops(desk):
    run = walk(start(desk, "suspend_resume"), ZHANG, "resume")
    assert "不需要复机" in stopped_with(run, "not_suspended")


def test_resume_after_arrears_needs_the_arrears_paid(desk):
    run = walk(start(desk, "suspend_resume"), LI, "resume")
    assert "欠费30.5元" in stopped_with(run, "pay_first")
    assert customer(desk, LI).status == "suspended_arrears"


# ---- 亲情号 family number -------------------------------------------------------------------------------


def family_by_passwords(desk, main=WANG, secondary=ZHANG, main_pw=WANG_PW, secondary_pw=ZHANG_PW):
    run = walk(start(desk, "family_number"), main, secondary)
    assert run.step.id == "terms" and "1元" in run.line and "300分钟" in run.line
    walk(run, None, "password", main_pw, secondary_pw)
    assert run.step.id == "notify" and secondary in run.line
    walk(run, None, None)
    return run


def test_family_number_by_both_passwords(desk):
    family_by_passwords(desk)
    with Session(desk.engine) as s:
        (link,) = s.exec(select(FamilyLinkRecord)).all()
    assert (link.main_number, link.secondary_number, link.monthly_fee_fen) == (WANG, ZHANG, 100)
    assert link.effective_at == DAY + timedelta(hours=24) and link.ended_at is None
    assert desk.find_customer(ZHANG).family_role == "secondary"
    assert desk.find_customer(WANG).family_role == "main"
    paper = paper_of(desk)
    assert paper["最迟生效"] == "2026-11-24 10:00" and paper["亲情号功能费"] == "￥1.00/月（主卡支付）"
    slip = slip_text(desk)
    assert "2026-11-24 10:00" in slip and slip.count("副卡机主签名：") == 1


def test_family_number_by_both_ids(desk):
    run = walk(start(desk, "family_number"), WANG, ZHANG, None, "id_card")
    assert run.step.id == "main_id"
    walk(run, WANG_ID)
    assert run.step.id == "secondary_id"
    assert "机主本人" in refused(run, WANG_ID)  # checked against the secondary's holder
    walk(run, ZHANG_ID, None, None)
    with Session(desk.engine) as s:
        assert len(s.exec(select(FamilyLinkRecord)).all()) == 1
    tx = last_tx(desk)
    assert ZHANG_ID not in tx.answers_json and WANG_ID not in tx.answers_json


def test_family_secondary_password_is_the_secondarys(desk):
    run = walk(start(desk, "family_number"), WANG, ZHANG, None, "password", WANG_PW)
    assert "密码不正确" in refused(run, WANG_PW)


def test_family_number_cannot_link_to_itself(desk):
    run = walk(start(desk, "family_number"), WANG, WANG)
    assert "同一个号码" in stopped_with(run, "same_number")


def test_family_secondary_already_linked_is_refused(desk):
    family_by_passwords(desk)
    run = walk(start(desk, "family_number"), CHEN, ZHANG)
    assert "已经绑定了亲情号" in stopped_with(run, "ineligible")
    run = walk(start(desk, "family_number"), ZHANG)
    assert "副卡" in stopped_with(run, "ineligible")  # a secondary card cannot be a main card


def test_family_main_card_suspended_pays_first(desk):
    run = walk(start(desk, "family_number"), LI)
    assert "欠费停机" in stopped_with(run, "pay_first")


def test_family_secondary_suspended_stops(desk):
    run = walk(start(desk, "family_number"), WANG, ZHAO)
    assert "挂失停机" in stopped_with(run, "secondary_not_active")


def test_closing_ends_the_family_link(desk):
    family_by_passwords(desk)
    walk(close_to_outcome(desk), "closed", None, None)
    assert desk.find_customer(ZHANG).family_role == ""


# ---- the language features these procedures use -------------------------------------------------------


def _procedure(steps: str) -> str:
    return (
        "id: x\ntitle: {zh: 测试}\ntime_limit_s: 60\nsteps:\n" + steps
    )


def test_of_must_name_a_looked_up_phone_field():
    text = _procedure(
        "  - id: a\n    kind: input\n    say: {zh: 号码}\n    input: {field: a, kind: phone}\n"
        "  - id: b\n    kind: input\n    say: {zh: 密码}\n    input: {field: b, kind: password, of: a}\n"
    )
    with pytest.raises(ProcedureError) as exc:
        parse(text, "x.yaml")
    (p,) = exc.value.problems
    assert (p.field, p.line) == ("steps[1].input.of", 12)


def test_equals_field_and_account_fields_are_checked_at_load():
    text = _procedure(
        "  - id: a\n    kind: input\n    say: {zh: 号码}\n    input: {field: a, kind: phone, lookup: account}\n"
        "  - id: g\n    kind: gate\n    when: {field: a, equals_field: nothing}\n    say: {zh: '{a.title}'}\n    stop: s\n"
        "  - id: h\n    kind: gate\n    when: {field: a.colour, equals: red}\n    say: {zh: '{a.status}'}\n    stop: s\n"
    )
    with pytest.raises(ProcedureError) as exc:
        parse(text, "x.yaml")
    fields = {p.field for p in exc.value.problems}
    assert fields == {"steps[1].when.equals_field", "steps[2].when.field"}  # {a.title}, {a.status} are fine


def test_a_step_may_run_several_checks_and_each_is_known():
    path = REPO / "scripts_yaml" / "transfer_ownership.yaml"
    text = path.read_text(encoding="utf-8").replace("check: [id_is_not_holder, id_quota]", "check: [id_is_not_holder, id_qouta]")
    with pytest.raises(ProcedureError) as exc:
        parse(text, path)
    (p,) = exc.value.problems
    assert p.field.endswith(".check") and "id_qouta" in p.message


def test_wrong_answers_never_reach_the_database(desk):
    run = walk(start(desk, "family_number"), WANG, ZHANG, None, "password")
    with pytest.raises(InputRefused):
        run.submit("000000")
    with Session(desk.engine) as s:
        assert s.exec(select(FamilyLinkRecord)).all() == []


@pytest.mark.parametrize(
    "operation, kwargs, message",
    [
        ("add_family_number", {"number": WANG, "secondary": WANG}, "同一个号码"),
        ("close_account", {"number": LI, "id_number": catalog.demo_id("31010419920315242"), "reason": "other", "retention": "closed"}, "欠费"),
        ("suspend_resume", {"number": LI, "action": "resume"}, "欠费"),
        ("change_plan", {"number": ZHANG, "plan_code": "szx_fashion"}, "当前的套餐"),
        ("change_plan", {"number": LI, "plan_code": "jiayuan"}, "欠费"),
        ("transfer_ownership", {"number": LI, "id_number": catalog.demo_id("31010419920315242"), "new_name": "李四",
                                "new_id_number": NEW_ID, "password": NEW_PW}, "欠费"),
    ],
)
def test_operations_refuse_on_their_own_and_write_nothing(desk, operation, kwargs, message):
    """The gates are the clerk's early warning; the operations hold the same rules at the commit."""
    from teller import operations
    from teller.store.db import session_scope

    before = {n: customer(desk, n).model_dump() for n in (WANG, LI, ZHANG)}
    with pytest.raises(InputRefused) as exc:
        with session_scope(desk.engine) as s:
            answers = {{"plan_code": "plan"}.get(k, k): v for k, v in kwargs.items()}
            operations.get(operation).apply(s, answers, DAY)
    assert message in exc.value.message
    assert {n: customer(desk, n).model_dump() for n in (WANG, LI, ZHANG)} == before
