"""The documents a visit needs (ticked as they are checked, alternatives, both parties), a missing
document stopping the visit with the procedure's line, combined conditions and a check's refusal
in the procedure's words: engine first, then on screen with Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest

from teller.errors import InputRefused, ProcedureError
from teller.procedures.engine import DOCUMENTS_MISSING, Run
from teller.procedures.loader import parse
from tests.conftest import start, walk

REPO = Path(__file__).resolve().parents[1]
WANG, WANG_ID, WANG_PW = "13800138000", "110105198001011238", "135790"
NEW_ID = "11010519491231002X"


def ticks(run) -> dict[str, bool]:
    return {d.id: d.checked for d in run.documents()}


# ---- documents ticked as they are checked -----------------------------------------------------------------


def test_documents_tick_as_the_steps_that_check_them_pass(desk):
    run = start(desk, "payment")
    assert ticks(run) == {"number": False, "holder_name": False}
    assert [d.label for d in run.documents()] == ["手机号码", "机主姓名"]
    walk(run, WANG)
    assert ticks(run) == {"number": True, "holder_name": False}
    with pytest.raises(InputRefused):
        run.submit("张三")  # refused: not ticked
    assert ticks(run)["holder_name"] is False
    walk(run, "王小明")
    assert ticks(run) == {"number": True, "holder_name": True}


def test_alternatives_password_or_id_card(desk):
    run = walk(start(desk, "change_plan"), WANG, "too_expensive", None, "mzone_18", None, "id_card")
    docs = {d.id: d for d in run.documents()}
    assert docs["service_password"].group == docs["id_card"].group == "any_of"
    assert not docs["id_card"].checked
    walk(run, WANG_ID)
    assert ticks(run) == {"service_password": False, "id_card": True}


def test_both_cards_are_ticked_only_when_both_are_checked(desk):
    run = walk(start(desk, "family_number"), WANG, "13700001111", None, "password", WANG_PW)
    assert ticks(run)["service_password_both_cards"] is False
    walk(run, "102938")
    assert ticks(run)["service_password_both_cards"] is True


def test_both_parties_of_a_transfer(desk):
    run = walk(start(desk, "transfer_ownership"), WANG, "yes", WANG_ID)
    assert ticks(run) == {"id_card_old_owner": True, "id_card_new_owner": False, "service_password": False}
    assert {d.id: d.party for d in run.documents()}["id_card_new_owner"] == "party"
    assert run.parties() == [("新机主", [("party.name", "—"), ("party.id", "—")])]
    walk(run, WANG_PW, "赵小刚", NEW_ID)
    assert run.parties() == [("新机主", [("party.name", "赵*刚"), ("party.id", "110***********002X")])]
    assert ticks(run)["id_card_new_owner"] is True


def test_the_secondary_card_is_a_party(desk):
    run = walk(start(desk, "family_number"), WANG, "13700001111")
    ((label, rows),) = run.parties()
    assert label == "副卡号码" and ("party.number", "13700001111") in rows and ("party.name", "张*") in rows


# ---- a missing document stops the visit with the procedure's line -------------------------------------------


def test_a_missing_document_stops_with_the_procedures_gate(desk):
    run = walk(start(desk, "transfer_ownership"), WANG, "yes")
    assert run.documents_missing()
    assert run.state == "stopped" and run.stop_code == "both_parties" and run.step.id == "parties_missing"
    assert "双方本人持有效证件" in run.line
    assert run.back() and run.state == "active" and run.step.id == "old_owner_id"  # Esc takes it back


def test_a_missing_document_without_a_gate_says_the_consoles_line(desk):
    run = walk(start(desk, "payment"), WANG)
    assert run.documents_missing()
    assert run.stop_code == DOCUMENTS_MISSING and "证件不全" in run.line


def test_no_missing_document_after_the_commit(desk):
    run = walk(start(desk, "replace_sim"), WANG, "yes", WANG_ID, None, "20")
    run.submit()  # commit
    assert run.committed is not None and not run.documents_missing() and run.state == "active"


# ---- the file side: documents, party, refusals, combined conditions ---------------------------------------

BASE = (REPO / "scripts_yaml" / "payment.yaml").read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    with pytest.raises(ProcedureError) as exc:
        parse(text, "p.yaml")
    return [str(p) for p in exc.value.problems]


def test_documents_written_out_with_label_party_and_steps(desk):
    text = BASE.replace("  all_of: [number, holder_name]\n", (
        "  all_of:\n    - number\n    - {id: power_of_attorney, label: {zh: 授权委托书}, party: party, checked_by: [agent]}\n"
        "  missing: out_of_province\n"
        "party: {label: {zh: 代办人, en: Agent}, name: agent}\n"))
    text = text.replace("  - id: holder_name\n", "  - id: agent\n    kind: input\n    say: {zh: 代办人姓名？}\n    input: {field: agent, kind: text}\n\n  - id: holder_name\n")
    loaded = parse(text, "p.yaml")
    assert loaded.warnings == ()
    run = Run(loaded, desk)
    assert [(d.id, d.label, d.party) for d in run.documents()] == [("number", "手机号码", "holder"), ("power_of_attorney", "授权委托书", "party")]
    walk(run, WANG, "李四")
    assert ticks(run) == {"number": True, "power_of_attorney": True}
    assert run.parties() == [("代办人", [("party.name", "李*")])]


@pytest.mark.parametrize("documents,words", [
    ("  all_of: [number]\n  missing: out_of_provinc\n", "`missing` names no gate: 'out_of_provinc' (did you mean `out_of_province`?)"),
    ("  all_of: [{id: letter, checked_by: [holdr_name]}]\n", "checked_by names no input step: 'holdr_name' (did you mean `holder_name`?)"),
    ("  all_of: [{id: letter, party: agent, checked_by: [holder_name]}]\n", "party 'agent' is not in this procedure"),
])
def test_document_mistakes(documents, words):
    text = BASE.replace("  all_of: [number, holder_name]\n", documents)
    assert any(words in p for p in problems(text)), problems(text)


def test_an_unknown_document_name_is_a_warning():
    text = BASE.replace("  all_of: [number, holder_name]\n", "  all_of: [numbr]\n")
    (w,) = parse(text, "p.yaml").warnings
    assert "document 'numbr' is not one the console knows" in w.message and "did you mean `number`?" in w.message


def test_a_party_naming_no_input():
    text = BASE.replace("documents:\n", "party: {label: {zh: 代办人}, name: agnt}\ndocuments:\n")
    assert any("party.name names no input field: 'agnt'" in p for p in problems(text))


def test_a_refusal_in_the_procedures_words(desk):
    text = BASE.replace("effect: pay", "refusals:\n  holder_name_matches: {zh: \"姓名与{customer.number}的机主不符，请核对证件。\"}\neffect: pay")
    run = walk(Run(parse(text, "p.yaml"), desk), WANG)
    with pytest.raises(InputRefused) as exc:
        run.submit("张三")
    assert exc.value.message == "姓名与13800138000的机主不符，请核对证件。"


@pytest.mark.parametrize("refusals,words,warning", [
    ("  holder_name_matchs: {zh: 不对}\n", "no check 'holder_name_matchs' (did you mean `holder_name_matches`?)", False),
    ("  id_quota: {zh: 太多了}\n", "no step uses the check 'id_quota'", True),
    ("  holder_name_matches: {zh: \"{nme}不对\"}\n", "unknown placeholder {nme}", False),
])
def test_refusal_mistakes(refusals, words, warning):
    text = BASE.replace("effect: pay", "refusals:\n" + refusals + "effect: pay")
    if warning:
        assert any(words in w.message for w in parse(text, "p.yaml").warnings)
    else:
        assert any(words in p for p in problems(text)), problems(text)


def test_conditions_combine_with_all_any_not(desk):
    gate = (
        "  - id: careful\n    kind: gate\n"
        "    when: {all: [{field: customer.brand, equals: 全球通}, {not: {field: customer.status, equals: active}}, "
        "{any: [{field: customer.points, gt: 1000}, {field: customer.arrears_fen, gt: 0}]}]}\n"
        "    say: {zh: 请到VIP窗口。}\n    stop: vip\n\n  - id: holder_name\n")
    loaded = parse(BASE.replace("  - id: holder_name\n", gate, 1), "p.yaml")
    assert walk(Run(loaded, desk), WANG).state == "active"  # 全球通 but active: not(...) fails
    holds = gate.replace("{not: {field: customer.status, equals: active}}", "{not: {field: customer.status, equals: closed}}")
    run = walk(Run(parse(BASE.replace("  - id: holder_name\n", holds, 1), "p.yaml"), desk), WANG)
    assert run.state == "stopped" and run.stop_code == "vip"  # 全球通, not closed, 1200 points
    assert walk(Run(loaded, desk), "13700001111").state == "active"  # 神州行
    from teller.procedures.describe import condition_text

    cond = loaded.procedure.steps[2].when
    assert condition_text(cond) == "customer.brand = 全球通 and (not customer.status = active) and (customer.points > 1000 or customer.arrears_fen > 0)"


@pytest.mark.parametrize("when,words", [
    ("{field: customer.status, equals: active, all: [{field: customer.points, gt: 1}]}", "a combined condition is one of"),
    ("{all: []}", "need at least one condition"),
    ("{any: [{field: customer.stauts, equals: active}]}", "unknown field 'customer.stauts' in condition (did you mean `customer.status`?)"),
    ("{not: {field: customer.status, equals: activ}}", "'customer.status' is never 'activ'"),
    ("{all: [{field: customer.title, equals: x}]}", "unknown field 'customer.title'"),
])
def test_combined_condition_mistakes(when, words):
    gate = f"  - id: careful\n    kind: gate\n    when: {when}\n    say: {{zh: 请等一下。}}\n    stop: vip\n\n  - id: holder_name\n"
    found = problems(BASE.replace("  - id: holder_name\n", gate, 1))
    assert any(words in p for p in found), found


def test_a_nested_condition_is_reported_at_its_own_line():
    gate = "  - id: careful\n    kind: gate\n    when:\n      any:\n        - {field: customer.points, gt: 10}\n        - {field: amount, gt: 100}\n    say: {zh: 请等一下。}\n    stop: vip\n\n  - id: holder_name\n"
    text = BASE.replace("  - id: holder_name\n", gate, 1)
    found = [p for p in problems(text) if "before any step sets it" in p]
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "{field: amount, gt: 100}" in t)
    assert found and f"p.yaml:{line}: steps[2].when.any[1].field:" in found[0]


# ---- on screen -----------------------------------------------------------------------------------------------


async def test_the_documents_are_on_screen_and_ticked_and_f3_stops_the_visit(home) -> None:
    from tests.test_ui import answer, login, make_app, start as start_on_screen, text_of, until

    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start_on_screen(app, pilot, "过户")
        docs = text_of(app, "DocumentsPanel")
        assert "☐ 原机主身份证" in docs and "☐ 新机主身份证" in docs and "☐ 服务密码" in docs and "F3" in docs
        await answer(pilot, app, WANG)
        await pilot.press("1")  # both present
        await pilot.pause()
        await answer(pilot, app, WANG_ID)
        assert "✓ 原机主身份证" in text_of(app, "DocumentsPanel")
        panel = text_of(app, "CustomerPanel")
        assert "王*明" in panel and "新机主" in panel
        await answer(pilot, app, WANG_PW)
        await answer(pilot, app, "赵小刚")
        assert "赵*刚" in text_of(app, "CustomerPanel")
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen.run.state == "stopped" and "双方本人持有效证件" in text_of(app, "#line")
        await pilot.press("escape")  # the clerk pressed it by mistake
        await pilot.pause()
        assert app.screen.run.state == "active" and app.screen.run.step.id == "new_owner_id"
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")


async def test_ctrl_r_reloads_a_procedure_a_writer_just_added(home) -> None:
    from tests.test_ui import login, make_app, text_of, until

    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        text = (home / "scripts_yaml" / "payment.yaml").read_text(encoding="utf-8")
        (home / "scripts_yaml" / "top_up.yaml").write_text(text.replace("id: payment", "id: top_up").replace("title: {zh: 缴费,", "title: {zh: 充值,"), encoding="utf-8")
        (home / "scripts_yaml" / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
        app.screen.query_one("#filter").value = "充值"
        await pilot.pause()
        assert "没有匹配的业务" in text_of(app, "#home-note")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "top_up" in app.desk.procedures)
        await pilot.pause()
        n = len(list((home / "scripts_yaml").glob("*.yaml"))) - 1
        assert f"已重新加载 {n} 个业务；1 个文件有错误未加载" in text_of(app, "#home-note")
        assert app.screen.query_one("#procedures").option_count == 1
