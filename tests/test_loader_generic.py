"""Bad input for generic operations, paper lines and layouts: each a load error naming the file,
the line and the field (issue 9's "Bad input"); and what is accepted: any layout of the receipts
folder, `customer.service.<code>` conditions, an `effect:` list of classic operations."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from teller.errors import ProcedureError
from teller.procedures.loader import load_folder, parse
from tests.test_loader import line_of

REPO = Path(__file__).resolve().parents[1]
ROAMING = (REPO / "scripts_yaml" / "intl_roaming.yaml").read_text(encoding="utf-8")
BILLING = (REPO / "scripts_yaml" / "billing_info.yaml").read_text(encoding="utf-8")
PATH = REPO / "scripts_yaml" / "x.yaml"  # beside the shipped receipts/ folder


def problems(text: str, *, layouts=None) -> list:
    with pytest.raises(ProcedureError) as exc:
        parse(text, PATH, layouts=layouts)
    return exc.value.problems


def one(found, field: str):
    hits = [p for p in found if p.field == field]
    assert len(hits) == 1, f"{field!r}: {found}"
    return hits[0]


def test_a_missing_param_is_named_with_its_line():
    text = ROAMING.replace("params: {service: intl_roaming, name: {zh: 国际漫游, en: International roaming}}",
                           "params: {name: {zh: 国际漫游, en: International roaming}}")
    p = one(problems(text), "effect[1].params.service")
    assert p.line == line_of(text, "params: {name: {zh: 国际漫游") and "required" in p.message
    assert str(p).startswith(f"{PATH}:{p.line}: effect[1].params.service:")


def test_unknown_params_keys_and_bad_amounts_are_refused():
    text = ROAMING.replace("params: {service: intl_ldd,", "params: {colour: red, monthly_fee: \"5.001\", service: intl_ldd,")
    found = problems(text)
    assert one(found, "effect[0].params.colour").message == "unknown key"
    assert "5.001" in one(found, "effect[0].params.monthly_fee").message


def test_a_deposit_naming_a_fee_the_file_does_not_have():
    text = ROAMING.replace("fee: roaming_deposit}", "fee: roaming_fee}")
    p = one(problems(text), "effect[2].params.fee")
    assert "roaming_fee" in p.message and p.line == line_of(text, "fee: roaming_fee}")


def test_an_order_keeping_a_field_that_is_no_input_or_a_secret():
    text = BILLING.replace("keep: [item, new_value, who, agent_name, agent_id]", "keep: [item, new_valeu]")
    assert "new_valeu" in one(problems(text), "effect[0].params.keep[1]").message
    secret = BILLING.replace("""  - id: read_back""", """  - id: pw
    kind: input
    say: {zh: "请输入服务密码。"}
    input: {field: password, kind: password}

  - id: read_back""").replace("keep: [item, new_value, who, agent_name, agent_id]", "keep: [item, password]")
    assert "secret" in one(problems(secret), "effect[0].params.keep[1]").message


def test_an_operation_without_the_fields_it_needs_or_unknown_or_internal():
    no_number = BILLING.replace("field: number, kind: phone", "field: phone_no, kind: phone")
    assert "needs input fields: number" in one(problems(no_number), "effect[0].op").message
    assert "unknown operation 'open_servise'" in one(problems(ROAMING.replace("op: take_deposit", "op: open_servise")), "effect[2].op").message
    assert "unknown operation 'sequence'" in one(problems(ROAMING.replace("op: take_deposit", "op: sequence")), "effect[2].op").message


def test_a_generic_operation_by_name_alone_and_params_on_a_classic_one():
    by_name = BILLING[: BILLING.index("effect:")] + "effect: record_order\nprint: [slip]\n"
    p = one(problems(by_name), "effect")
    assert "takes params" in p.message and p.line == line_of(by_name, "effect: record_order")
    classic = ROAMING.replace("op: take_deposit", "op: pay")
    assert "takes no params" in one(problems(classic), "effect[2].params").message


def test_an_effect_of_the_wrong_shape_gets_one_clear_message():
    text = ROAMING.replace("effect:\n  - op: open_service", "effect: 7\nx:\n  - op: open_service", 1)
    found = problems(text)
    assert [p.message for p in found if p.field == "effect"] == ["an operation name, or a list of {op, params, when}"]
    listed = ROAMING.replace("  - op: take_deposit\n", "  - op: take_deposit\n    colour: red\n")
    p = one(problems(listed), "effect[2].colour")  # no union branch tag in the field's name
    assert p.message == "unknown key" and p.line == line_of(listed, "colour: red")


def test_a_condition_on_an_unknown_field_in_the_list():
    text = ROAMING.replace("when: {field: customer.service.intl_ldd, exists: false}", "when: {field: customer.servise.intl_ldd, exists: false}")
    assert "customer.servise.intl_ldd" in one(problems(text), "effect[0].when.field").message


def test_reversible_required_refuses_an_operation_that_cannot_be_reversed(monkeypatch):
    from teller.operations._base import REGISTRY

    monkeypatch.setitem(REGISTRY, "take_deposit", dataclasses.replace(REGISTRY["take_deposit"], reverse=None, irreversible="void.irreversible_why"))
    p = one(problems(ROAMING), "effect[2].op")
    assert "cannot be reversed" in p.message and "reversible: required" in p.message
    parse(ROAMING.replace("reversible: required", "reversible: optional"), PATH)  # without the flag it loads


def test_reversible_required_on_a_classic_effect(monkeypatch):
    from teller.operations._base import REGISTRY

    payment = (REPO / "scripts_yaml" / "payment.yaml").read_text(encoding="utf-8")
    monkeypatch.setitem(REGISTRY, "pay", dataclasses.replace(REGISTRY["pay"], reverse=None, irreversible="void.irreversible_why"))
    text = payment.replace("effect: pay", "reversible: required\neffect: pay")
    p = one(problems(text), "effect")
    assert p.line == line_of(text, "effect: pay") and "cannot be reversed" in p.message


def test_a_layout_that_does_not_exist_or_is_a_void_slip():
    text = BILLING.replace("print: [slip]", "print: [slip, slipp, void]")
    found = problems(text)
    p = one(found, "print[1]")
    assert "no layout 'slipp'" in p.message and "slip" in p.message and p.line == line_of(text, "print: [slip, slipp")
    assert "printed by a void" in one(found, "print[2]").message


def test_any_layout_of_the_receipts_folder_is_accepted(tmp_path):
    folder = tmp_path / "receipts"
    folder.mkdir()
    (folder / "deposit_receipt.yaml").write_text((REPO / "receipts" / "slip.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = BILLING.replace("print: [slip]", "print: [deposit_receipt]")
    assert parse(text, PATH, layouts=folder).procedure.print == ["deposit_receipt"]
    assert "no layout 'slip'" in one(problems(BILLING, layouts=folder), "print[0]").message
    # a teller home: receipts/ beside scripts_yaml/ is the folder checked by default
    (tmp_path / "scripts_yaml").mkdir()
    (tmp_path / "scripts_yaml" / "billing_info.yaml").write_text(text, encoding="utf-8")
    good, bad = load_folder(tmp_path / "scripts_yaml")
    assert [g.id for g in good] == ["billing_info"] and bad == []


def test_paper_lines_name_an_input_or_a_fee_never_a_secret():
    text = BILLING.replace("field: new_value}", "field: new_valeu}")
    p = one(problems(text), "paper[1].field")
    assert "new_valeu" in p.message and p.line == line_of(text, "field: new_valeu}")
    fee = ROAMING.replace("field: services}", "field: roaming_deposit}")
    assert parse(fee, PATH).procedure.paper[0].field == "roaming_deposit"
    secret = BILLING.replace("""  - id: read_back""", """  - id: pw
    kind: input
    say: {zh: "请输入服务密码。"}
    input: {field: password, kind: password}

  - id: read_back""").replace("field: new_value}", "field: password}")
    assert "never prints" in one(problems(secret), "paper[1].field").message


def test_paper_lines_need_an_effect():
    text = (REPO / "scripts_yaml" / "network_complaint.yaml").read_text(encoding="utf-8")
    head = text[: text.index("effect:")]
    head = head.replace("kind: commit", "kind: say")
    found = problems(head + "paper:\n  - {label: {zh: 道路}, field: road}\n")
    assert "set `effect`" in one(found, "paper").message


def test_service_conditions_and_classic_operations_in_a_list_load():
    payment = (REPO / "scripts_yaml" / "payment.yaml").read_text(encoding="utf-8")
    listed = payment.replace("effect: pay", "effect:\n  - op: pay\n    when: {field: customer.service.cailing, exists: true}")
    assert parse(listed, PATH).procedure.effect_names == ["pay"]
    unknown = payment.replace("when: {field: customer.local, equals: false}", "when: {field: customer.lokal, equals: false}")
    assert "customer.lokal" in one(problems(unknown), "steps[1].when.field").message
