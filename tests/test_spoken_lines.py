"""The spoken lines against the seed scripts (/work/shared/seeds, DOMAIN.md): the line the engine
renders for the answers that matter, in both languages; and the `instead` lines they rest on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from teller.errors import ProcedureError
from teller.procedures.loader import parse
from teller.strings import set_locale
from tests.conftest import start, walk

WANG = "13800138000"  # 王小明, in credit ¥35.20, 神州行
LI = "13912345678"  # 李静, suspended for arrears, owes ¥30.50


@pytest.fixture
def english():
    set_locale("en")
    yield
    set_locale("zh")


# ---- `instead`: a line said while a condition holds -----------------------------------------------
BASE = """\
id: t
title: {zh: 测试}
time_limit_s: 60
fees:
  - {code: fee, label: {zh: 费}, amount: "15.00"}
steps:
  - id: cash
    kind: input
    say: {zh: "应收{total}元。"}
    input: {field: tendered, kind: cash}
  - id: confirm
    kind: commit
    say: {zh: "收您{tendered}元，请稍等。找您{change}元，请确认。"}
    instead:
      - when: {field: change, equals: 0}
        say: {zh: "%s"}
effect: replace_sim
"""


def test_instead_lines_are_checked_when_the_file_loads():
    with pytest.raises(ProcedureError) as exc:
        parse(BASE % "收您{tendred}元整好")
    assert any("instead[0].say.zh" in p.field and "{tendred}" in p.message for p in exc.value.problems)
    bad_field = (BASE % "收您{tendered}元整好").replace("field: change", "field: chnage")
    with pytest.raises(ProcedureError) as exc:
        parse(bad_field)
    assert any("instead[0].when" in p.field and "chnage" in p.message for p in exc.value.problems)
    no_say = "  - id: s\n    instead:\n      - when: {field: change, equals: 0}\n        say: {zh: x}\n"
    with pytest.raises(ProcedureError):
        parse(BASE.replace("steps:\n", "steps:\n" + no_say, 1) % "x")


def test_the_step_says_its_own_line_when_no_instead_holds_and_the_first_that_holds_otherwise(desk):
    text = (BASE % "收您{tendered}元整好，请稍等。").replace(
        "      - when: {field: change, equals: 0}",
        "      - when: {field: tendered, gt: 10000}\n        say: {zh: \"大额\"}\n      - when: {field: change, equals: 0}")
    loaded = parse(text.replace("kind: commit", "kind: say").replace("effect: replace_sim\n", ""))
    from teller.procedures.engine import Run

    def line(tendered):
        run = Run(loaded, desk)
        run.submit(tendered)
        return run.line

    assert line("20") == "收您20元，请稍等。找您5元，请确认。"
    assert line("15") == "收您15元整好，请稍等。"
    assert line("200") == "大额"  # the first that holds wins, in file order


# ---- 唱收唱付: exact cash is 收您XX元整好, never 找您0元 (seed 000: 缴费, 入网, 换卡) ---------------------------
WANG_ID = "110105198001011238"
NEW_ID = "11010519491231002X"
IMEI = "490154203237518"


def at_confirm(desk, procedure, *values):
    run = walk(start(desk, procedure), *values)
    assert run.step.id == "confirm", run.step.id
    return run


CASH_VISITS = {
    "payment": lambda t: (WANG, "王小明", None, "120", t),
    "open_account": lambda t: ("yes", NEW_ID, "赵小刚", "local", "szx_fashion", None, "13477771314", "135790", "135790", "", "100", t),
    "replace_sim": lambda t: (WANG, "yes", WANG_ID, None, t),
    "handset_sale": lambda t: (None, "oppo_a2", None, "yes", "赵六", NEW_ID, "", IMEI, t),
}
DUE = {"payment": "120", "open_account": "115", "replace_sim": "15", "handset_sale": "1299"}


@pytest.mark.parametrize("procedure", sorted(CASH_VISITS))
def test_exact_cash_is_called_out_as_such(desk, procedure):
    due = DUE[procedure]
    exact = at_confirm(desk, procedure, *CASH_VISITS[procedure](due)).line
    assert f"收您{due}元整好" in exact and "找您" not in exact and "0元" not in exact.replace(f"{due}元", "")
    more = at_confirm(desk, procedure, *CASH_VISITS[procedure](str(int(due) + 100))).line
    assert f"收您{int(due) + 100}元" in more and "找您100元" in more and "整好" not in more


def test_exact_cash_in_english(desk, english):
    exact = at_confirm(desk, "payment", *CASH_VISITS["payment"]("120")).line
    assert "120 yuan, the exact sum" in exact and "change" not in exact
    assert "Your change is 30 yuan" in at_confirm(desk, "payment", *CASH_VISITS["payment"]("150")).line


def test_a_waived_card_fee_is_not_called_out_as_cash(desk):
    run = walk(start(desk, "replace_sim"), WANG, "yes", WANG_ID, None)
    run.waive("9001", "9999")
    walk(run, "")
    assert run.step.id == "confirm" and "减免" in run.line and "收您" not in run.line


def test_a_waived_card_fee_is_not_named_at_the_cash_step_of_a_new_subscription(desk):
    values = CASH_VISITS["open_account"]("")[:-1]
    run = walk(start(desk, "open_account"), *values)
    assert run.step.id == "cash" and "卡费15元" in run.line and "一共115元" in run.line
    run.waive("9001", "9999")
    assert "卡费已减免" in run.line and "一共100元" in run.line and "卡费元" not in run.line


# ---- 缴费: the gift for 30 yuan prepaid past the arrears (seed 000 台席缴费) -------------------------------
@pytest.mark.parametrize("number,name,amount,gift", [
    (WANG, "王小明", "50", True), (WANG, "王小明", "10", False),
    (LI, "李静", "100", True),  # ¥69.50 prepaid past the ¥30.50 cleared
    (LI, "李静", "50", False),  # only ¥19.50 prepaid
])
def test_the_gift_is_promised_only_for_30_yuan_prepaid(desk, number, name, amount, gift):
    run = walk(start(desk, "payment"), number, name, None, amount, amount)
    run.submit()  # commit
    assert run.step.id == "paid"
    assert ("礼品区领取礼品" in run.line) == gift
    assert "CXHF" in run.line and "10086发送到10086" in run.line  # the e-channels, as the seed recommends


# ---- the hours: one setting, every line that tells them (seed 000 入网: 营业时间是XX点到XX点) ---------------
HOURS_LINES = {
    "open_account": ("no",),
    "cross_region": ("no",),
    "replace_sim": (WANG, "not_owner"),
    "close_account": (WANG, "no"),
    "handset_sale": (None, "mi_14", None, "no"),
    "transfer_ownership": (WANG, "no"),
}


@pytest.mark.parametrize("procedure", sorted(HOURS_LINES))
def test_the_hours_told_come_from_the_setting(settings, clock, procedure):
    import dataclasses

    from tests.conftest import open_desk

    for hours, closes in (("8:00-20:00", "20:00"), ("9:00-17:30", "17:30")):
        desk = open_desk(dataclasses.replace(settings, opening_hours=hours), clock)
        try:
            run = walk(start(desk, procedure), *HOURS_LINES[procedure])
            assert run.state == "stopped", (procedure, run.step.id)
            assert closes in run.line, (procedure, run.line)
        finally:
            desk.close()


def test_no_line_names_hours_of_its_own():
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parents[1] / "scripts_yaml").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\d{1,2}[:：]\d\d(到|-|~| to )\d", text), path.name
        assert not re.search(r"[早晚上午下]+\d+点", text), path.name


def test_the_hours_setting_is_checked(home):
    from teller.config import load_settings
    from teller.errors import TellerError

    (home / "teller.toml").write_text('opening_hours = "from 8 till late"\n', encoding="utf-8")
    with pytest.raises(TellerError, match="opening_hours"):
        load_settings(home=home)


# ---- 暂停服务 and 不好意思，让您久等了 around an ID copied by the clerk (seed 000 入网 12-14, 亲情 11-12) --------
COPIES = {  # procedure: (answers to the step that takes the ID away, the step's id, answers on to the return)
    "open_account": (("yes",), "id_number", (NEW_ID,)),
    "replace_sim": ((WANG, "yes"), "owner_id", (WANG_ID,)),
    "close_account": ((WANG, "yes"), "owner_id", (WANG_ID,)),
    "change_plan": ((WANG, "too_expensive", None, "jiayuan", None, "id_card"), "owner_id", (WANG_ID,)),
    "change_password": ((WANG, "id_card"), "owner_id", (WANG_ID,)),
    "handset_sale": ((None, "mi_14", None, "yes"), "name", ("赵六",)),
    "transfer_ownership": ((WANG, "yes", WANG_ID, "135790", "赵六"), "new_owner_id", (NEW_ID,)),
}


@pytest.mark.parametrize("procedure", sorted(COPIES))
def test_the_sign_goes_up_before_copying_an_id_and_the_apology_comes_after(desk, procedure):
    before, step_id, back = COPIES[procedure]
    run = walk(start(desk, procedure), *before)
    assert run.step.id == step_id, (procedure, run.step.id)
    assert "暂停服务" in run.line and "复印" in run.line
    walk(run, *back)
    assert ("让您久等了" in run.line or "让两位久等了" in run.line or "耐心等待" in run.line), (procedure, run.line)
    assert "复印无效" in run.line


def test_family_number_copies_both_ids_behind_the_back_in_a_moment_sign(desk):
    from teller.domain.catalog import demo_id

    ZHANG, zhang_id = "13700001111", demo_id("44030619751120361")
    run = walk(start(desk, "family_number"), WANG, ZHANG, None, "id_card", WANG_ID)
    assert run.step.id == "secondary_id" and "马上回来" in run.line
    walk(run, zhang_id)
    assert run.step.id == "notify" and "让您久等了" in run.line and "复印无效" in run.line
    password_way = walk(start(desk, "family_number"), WANG, ZHANG, None, "password", "135790", "102938")
    assert password_way.step.id == "notify" and "久等" not in password_way.line  # nothing was copied


# ---- 补卡: only the holder, in person (seed 000 换卡: 是你本人的吗？…请你转告机主…) --------------------------
def test_a_customer_who_is_not_the_holder_is_told_to_send_the_holder(desk):
    run = walk(start(desk, "replace_sim"), WANG, "not_owner")
    assert run.state == "stopped" and run.stop_code == "not_owner"
    assert "转告机主" in run.line and "20:00" in run.line


def test_replace_sim_stamps_the_copy_and_warns_of_the_lost_contacts(desk):
    run = walk(start(desk, "replace_sim"), WANG, "yes", WANG_ID)
    assert run.step.id == "warning"
    assert "复印无效" in run.line and "盗用" in run.line and "联系人" in run.line and "卡费15元" in run.line


# ---- 销户: a refund only for a balance (seed 000 销户: 你的卡上还有余额…), no SMS to a closed number ---------
def set_balance(desk, number, fen):
    from sqlmodel import Session

    from teller.store.models import CustomerRecord

    with Session(desk.engine) as s:
        rec = s.get(CustomerRecord, number)
        rec.balance_fen = fen
        s.add(rec)
        s.commit()


@pytest.mark.parametrize("balance_fen,refund", [(3520, True), (0, False)])
def test_closing_tells_of_a_refund_only_when_there_is_a_balance(desk, balance_fen, refund):
    set_balance(desk, WANG, balance_fen)
    run = walk(start(desk, "close_account"), WANG, "yes", WANG_ID, "王小明", "moving", None, "closed")
    assert run.step.id == "closing_terms"
    assert ("退费" in run.line and "35.2元" in run.line) == refund
    if not refund:
        assert "不需要再来办理退费" in run.line and "3号" not in run.line
    walk(run, None, None)  # commit
    assert run.step.id == "closed_done" and "退费" not in run.line
    walk(run, None)
    assert run.step.id == "farewell" and "满意度" not in run.line  # the closed number gets no SMS


def test_a_retained_customer_is_told_of_the_satisfaction_sms(desk):
    run = walk(start(desk, "close_account"), WANG, "yes", WANG_ID, "王小明", "tariff", None, "retained", None, None)
    assert run.step.id == "farewell" and "满意度" in run.line


# ---- 退订: the pitch of the service being cancelled (seed 000 取消彩铃: 说出该业务的卖点) ----------------------
@pytest.mark.parametrize("number,service,says,never", [
    (WANG, "cailing", "彩铃", "手机报"),
    (WANG, "mobile_news", "手机报", "彩铃"),
    ("15000002222", "caller_reminder", "来电提醒", "彩铃"),
    ("13700001111", "mengwang", "包月", "彩铃"),
])
def test_the_retention_pitch_is_the_cancelled_service_s_own(desk, number, service, says, never):
    passwords = {WANG: "135790", "15000002222": "564738", "13700001111": "102938"}
    run = walk(start(desk, "cancel_service"), number, passwords[number], service, "用不上")
    assert run.step.id == "retain"
    assert says in run.line and never not in run.line
    assert ("音乐" in run.line) == (service == "cailing")  # the 彩铃 pitch only for 彩铃


def test_the_cancellation_offers_sms_self_service_first(desk):
    run = walk(start(desk, "cancel_service"), WANG, "135790", "cailing", "用不上", "declined")
    assert run.step.id == "channels" and "短信自助退订" in run.line and run.line.index("短信") < run.line.index("柜台")


# ---- 停机: a suspended number receives no satisfaction SMS --------------------------------------------
def test_suspending_a_lost_phone_promises_no_sms_but_resuming_does(desk):
    suspend = walk(start(desk, "suspend_resume"), WANG, "suspend", None, "password", "135790")
    suspend.submit()
    assert suspend.step.id == "farewell" and "满意度" not in suspend.line and "补卡" in suspend.line
    resume = walk(start(desk, "suspend_resume"), "13600004444", "resume", None, "password", "374615")
    resume.submit()
    assert resume.step.id == "farewell" and "10086700" in resume.line


# ---- 投诉: the contact it promises to call (seed 000 客户投诉 16; 网络类投诉 8) ------------------------------
def test_the_network_complaint_promises_to_call_the_contact_left(desk):
    run = walk(start(desk, "network_complaint"), WANG, "上周一", "经常", "ok", "长安路", "3号楼", "1202", "华为", "Mate 60")
    assert "联系" in run.line and "打这个电话" in run.line
    walk(run, "13912345678")
    assert run.step.id == "confirm" and "13912345678" in run.line and "24小时内" in run.line


# ---- 入网: the usage survey and the password's purpose, as the seed asks them -----------------------------
def test_open_account_asks_where_the_phone_is_used_and_why_the_password(desk):
    run = walk(start(desk, "open_account"), "yes", NEW_ID, "赵小刚")
    assert run.step.id == "usage" and "其他地方" in run.line and "一个月大概" in run.line
    walk(run, "local", "szx_fashion", None, "13477771314", "135790")
    assert run.step.id == "password_again" and "查询话单" in run.line


# ---- English lines in step with the Chinese -----------------------------------------------------------
def test_every_line_has_english_with_the_same_placeholders():
    from teller.procedures.loader import load_folder

    good, problems = load_folder(Path(__file__).resolve().parents[1] / "scripts_yaml")
    assert problems == [] and len(good) == len(list((Path(__file__).resolve().parents[1] / "scripts_yaml").glob("*.yaml")))
    placeholder = re.compile(r"\{([^{}]*)\}")
    han = re.compile(r"[\u4e00-\u9fff]")
    for loaded in good:
        for step in loaded.procedure.steps:
            for text in [step.say, *(alt.say for alt in step.instead)]:
                if text is None:
                    continue
                assert text.en, (loaded.id, step.id)
                assert set(placeholder.findall(text.zh)) == set(placeholder.findall(text.en)), (loaded.id, step.id)
                english = re.sub(r"'[^']*'|\([^)]*\)", "", text.en)  # a sign's name quoted, a clerk's aside
                assert not han.search(english), (loaded.id, step.id, text.en)


def test_the_roaming_deposit_taken_exact_is_called_out_as_such(desk):
    run = walk(start(desk, "intl_roaming"), WANG, "王小明", WANG_ID, "roaming", None, "500")
    assert run.step.id == "call_out" and "收您押金500元整好" in run.line and "找您" not in run.line
    run = walk(start(desk, "intl_roaming"), WANG, "王小明", WANG_ID, "roaming", None, "600")
    assert run.step.id == "call_out" and "找您100元" in run.line
