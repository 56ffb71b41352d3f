"""What a procedure does, checked at load (teller.procedures.semantics): one small bad file per
class of mistake, each asserting the line, the field, the step named and how to fix it.

Errors refuse the file; warnings let it load and are kept on it (validate prints them,
`--strict` refuses them)."""

from __future__ import annotations

from tests.support.homes import copy_sources  # noqa: E402

from pathlib import Path

import pytest
from typer.testing import CliRunner

from teller.errors import ProcedureError
from teller.procedures.loader import load_folder, parse
from teller.procedures.semantics import Context

REPO = Path(__file__).resolve().parents[1]

# a small sound procedure: number, amount, cash, commit, end (bad files are edits of it)
GOOD = """\
id: mini
title: {zh: 缴费, en: Payment}
time_limit_s: 60
fees:
  - {code: amount, label: {zh: 预存}, input: true}
steps:
  - id: number
    kind: input
    say: {zh: "请报号码。"}
    input: {field: number, kind: phone, lookup: customer}
  - id: amount
    kind: input
    say: {zh: "{customer.title}，交多少？"}
    input: {field: amount, kind: money}
  - id: cash
    kind: input
    say: {zh: "应收{total}元。"}
    input: {field: tendered, kind: cash}
  - id: confirm
    kind: commit
    say: {zh: "收您{tendered}元，找您{change}元。"}
  - id: bye
    kind: end
    say: {zh: "再见。"}
effect: pay
print: [invoice]
"""

LAYOUTS = Context(layouts_dir=REPO / "receipts")


def line_of(text: str, needle: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in text")


def errors(text: str, context: Context | None = None) -> list:
    with pytest.raises(ProcedureError) as exc:
        parse(text, "bad.yaml", context=context)
    return exc.value.problems


def warnings(text: str, context: Context | None = None) -> list:
    return list(parse(text, "ok.yaml", context=context).warnings)


def hit(problems, *words, field: str | None = None):
    """The one problem whose message holds every word (and whose field is `field`)."""
    found = [p for p in problems if all(w in p.message for w in words) and (field is None or p.field == field)]
    assert found, f"no problem with {words} / {field} in:\n" + "\n".join(map(str, problems))
    return found[0]


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# ---- the sound file, and the shipped ones ------------------------------------------------------------


def test_the_small_procedure_is_sound():
    loaded = parse(GOOD, "mini.yaml", context=LAYOUTS)
    assert loaded.warnings == ()


def test_every_shipped_procedure_passes_without_errors_or_warnings():
    good, problems = load_folder(REPO / "scripts_yaml", context=Context(layouts_dir=REPO / "receipts"))
    assert problems == []
    assert len(good) >= 16
    assert [str(w) for loaded in good for w in loaded.warnings] == []


# ---- flow ---------------------------------------------------------------------------------------------


def test_a_step_that_can_never_be_reached_is_a_warning():
    text = edit(GOOD, "  - id: amount\n", "  - id: aside\n    say: {zh: 顺便说一句。}\n  - id: amount\n")
    text = edit(text, "input: {field: number, kind: phone, lookup: customer}", "input: {field: number, kind: phone, lookup: customer}\n    goto: amount")
    w = hit(warnings(text), "step `aside`", "can never be reached")
    assert w.field == "steps[1]" and w.line == line_of(text, "id: aside") and w.is_warning
    assert str(w).startswith(f"ok.yaml:{w.line}: steps[1]: warning: ")


def test_a_commit_that_can_never_be_reached_is_an_error():
    text = edit(GOOD, "input: {field: tendered, kind: cash}", "input: {field: tendered, kind: cash}\n    goto: bye")
    p = hit(errors(text), "step `confirm`", "can never be reached", "never records")
    assert p.field == "steps[3]" and not p.is_warning


def test_a_loop_with_no_way_out():
    text = edit(GOOD, "  - id: confirm\n", "  - id: again\n    say: {zh: 再确认一下。}\n  - id: check\n    say: {zh: 核对。}\n    goto: again\n  - id: confirm\n")
    p = hit(errors(text), "a loop with no way out", "`again`", "`check`")
    assert p.field == "steps[3]" and "step `again`" in p.message and p.line == line_of(text, "id: again")


def test_a_loop_with_a_choice_out_is_fine():
    text = edit(GOOD, "  - id: confirm\n", (
        "  - id: sure\n    kind: input\n    say: {zh: 确定吗？}\n    input:\n      field: sure\n      kind: choice\n"
        "      choices:\n        - {value: ok, label: {zh: 确定}}\n        - {value: again, label: {zh: 再看看}, goto: cash}\n"
        "  - id: confirm\n"))
    assert warnings(text) == []


def test_a_goto_to_itself():
    text = edit(GOOD, "    say: {zh: \"应收{total}元。\"}\n", "    say: {zh: \"应收{total}元。\"}\n    goto: cash\n")
    p = hit(errors(text), "goto to itself")
    assert p.field == "steps[2].goto" and "step `cash`" in p.message and p.line == line_of(text, "goto: cash")


def test_no_end_step_is_a_warning():
    text = GOOD.replace("  - id: bye\n    kind: end\n    say: {zh: \"再见。\"}\n", "")
    w = hit(warnings(text), "no end step", "kind: end")
    assert w.field == "steps"


def test_a_path_that_ends_without_the_commit_is_a_warning():
    text = edit(GOOD, "  - id: amount\n", (
        "  - id: want\n    kind: input\n    say: {zh: 要缴费吗？}\n    input:\n      field: want\n      kind: choice\n"
        "      choices:\n        - {value: pay, label: {zh: 缴费}}\n        - {value: ask, label: {zh: 只是咨询}, goto: bye}\n"
        "  - id: amount\n"))
    w = hit(warnings(text), "reaches the end without the commit", "number → want → bye")
    assert w.is_warning


def test_anything_after_the_commit_that_jumps_back_before_it():
    text = edit(GOOD, "  - id: bye\n", "  - id: more\n    say: {zh: 还要再交吗？}\n    goto: amount\n  - id: bye\n")
    p = hit(errors(text), "after the commit", "back to `amount`", "again: true")
    assert p.field == "steps[4].goto" and "step `more`" in p.message


def test_a_jump_back_with_again_starts_a_new_visit_and_is_fine():
    text = edit(GOOD, "  - id: bye\n", (
        "  - id: more\n    kind: input\n    say: {zh: 还有号码吗？}\n    input:\n      field: more\n      kind: choice\n"
        "      choices:\n        - {value: \"no\", label: {zh: 没有}}\n        - {value: \"yes\", label: {zh: 还有}, goto: number}\n"
        "    again: true\n  - id: bye\n"))
    assert warnings(text) == []


def test_a_new_visit_every_time_is_a_loop_with_no_way_out():
    text = edit(GOOD, "  - id: bye\n", "  - id: more\n    say: {zh: 下一位。}\n    goto: number\n    again: true\n  - id: bye\n")
    p = hit(errors(text), "a loop with no way out", "`number`", "`more`")
    assert p.field == "steps[0]"


def test_a_when_on_the_commit_step():
    text = edit(GOOD, "    kind: commit\n", "    kind: commit\n    when: {field: amount, gt: 100}\n")
    p = hit(errors(text), "a `when` on the commit step", "nothing recorded")
    assert p.field == "steps[3].when" and p.line == line_of(text, "when: {field: amount")


def test_a_stop_outside_a_gate():
    text = edit(GOOD, "    say: {zh: \"{customer.title}，交多少？\"}\n", "    say: {zh: \"{customer.title}，交多少？\"}\n    stop: too_much\n")
    p = hit(errors(text), "`stop` only works on a gate")
    assert p.field == "steps[1].stop" and "step `amount`" in p.message


# ---- fields read before they are set -------------------------------------------------------------------


def test_a_placeholder_read_before_any_step_sets_it():
    text = edit(GOOD, '"请报号码。"', '"请报号码，交{amount}元。"')
    p = hit(errors(text), "{amount} is read before any step sets it", "step `amount` sets it, later")
    assert p.field == "steps[0].say.zh" and "step `number`" in p.message


def test_a_customer_placeholder_before_the_lookup():
    text = edit(GOOD, '"请报号码。"', '"{customer.title}，请报号码。"')
    p = hit(errors(text), "{customer.title} is read before any step sets it")
    assert "step `number`" in p.message


def test_a_condition_read_before_any_step_sets_it():
    text = edit(GOOD, "  - id: amount\n", "  - id: big\n    when: {field: tendered, gt: 100}\n    say: {zh: 大额。}\n  - id: amount\n")
    p = hit(errors(text), "the condition reads 'tendered' before any step sets it", "step `cash` sets it, later")
    assert p.field == "steps[1].when.field"


def test_a_placeholder_that_can_be_empty_on_some_path_is_a_warning():
    text = edit(GOOD, "  - id: cash\n", (
        "  - id: contact\n    kind: input\n    say: {zh: 联系电话？}\n    input: {field: contact, kind: phone, optional: true}\n"
        "  - id: tell\n    say: {zh: \"我们会打{contact}联系您。\"}\n  - id: cash\n"))
    w = hit(warnings(text), "{contact} can be empty here", "(on the path number → amount → contact)")
    assert w.field == "steps[3].say.zh" and "step `tell`" in w.message


def test_a_placeholder_under_its_own_condition_is_fine():
    text = edit(GOOD, "  - id: cash\n", (
        "  - id: contact\n    kind: input\n    say: {zh: 联系电话？}\n    input: {field: contact, kind: phone, optional: true}\n"
        "  - id: tell\n    when: {field: contact, exists: true}\n    say: {zh: \"我们会打{contact}联系您。\"}\n  - id: cash\n"))
    assert warnings(text) == []


def test_a_typo_in_a_placeholder_says_what_was_meant():
    text = edit(GOOD, '"应收{total}元。"', '"应收{totl}元。"')
    p = hit(errors(text), "unknown placeholder {totl}", "did you mean `{total}`?")
    assert p.field == "steps[2].say.zh"


# ---- money ---------------------------------------------------------------------------------------------


def test_fees_without_a_cash_step():
    text = GOOD.replace("  - id: cash\n    kind: input\n    say: {zh: \"应收{total}元。\"}\n    input: {field: tendered, kind: cash}\n", "")
    text = text.replace("收您{tendered}元，找您{change}元。", "好的。")
    p = hit(errors(text), "fees without a cash step", "kind: cash")
    assert p.field == "fees" and p.line == line_of(text, "fees:")


def test_a_cash_step_before_the_amount_is_known():
    text = GOOD.replace(
        "  - id: amount\n    kind: input\n    say: {zh: \"{customer.title}，交多少？\"}\n    input: {field: amount, kind: money}\n"
        "  - id: cash\n    kind: input\n    say: {zh: \"应收{total}元。\"}\n    input: {field: tendered, kind: cash}\n",
        "  - id: cash\n    kind: input\n    say: {zh: \"应收{total}元。\"}\n    input: {field: tendered, kind: cash}\n"
        "  - id: amount\n    kind: input\n    say: {zh: \"{customer.title}，交多少？\"}\n    input: {field: amount, kind: money}\n",
    )
    p = hit(errors(text), "the cash is taken before the amount is known", "step `amount` (later)", "fee `amount`")
    assert p.field == "steps[1]" and "step `cash`" in p.message


def test_a_path_to_the_commit_that_skips_the_cash():
    text = edit(GOOD, "    input: {field: tendered, kind: cash}\n", "    when: {field: amount, gt: 10000}\n    input: {field: tendered, kind: cash}\n")
    p = hit(errors(text), "a path reaches the commit without the cash step", "number → amount → confirm")
    assert p.field == "steps[3]"


def test_a_cash_step_skipped_only_when_nothing_is_due_is_fine():
    text = edit(GOOD, "    input: {field: tendered, kind: cash}\n", "    when: {field: total_fen, gt: 0}\n    input: {field: tendered, kind: cash}\n")
    text = text.replace("收您{tendered}元，找您{change}元。", "好的。")
    assert warnings(text) == []


def test_cash_after_the_commit():
    text = GOOD.replace("  - id: cash\n    kind: input\n    say: {zh: \"应收{total}元。\"}\n    input: {field: tendered, kind: cash}\n", "")
    text = text.replace("收您{tendered}元，找您{change}元。", "好的。")
    text = edit(text, "  - id: bye\n", "  - id: cash\n    kind: input\n    say: {zh: \"应收{total}元。\"}\n    input: {field: tendered, kind: cash}\n  - id: bye\n")
    p = hit(errors(text), "the cash is taken after the commit", "¥0 tendered")
    assert "step `cash`" in p.message


def test_a_minimum_above_the_payment_limit():
    text = edit(GOOD, "input: {field: amount, kind: money}", 'input: {field: amount, kind: money, min_yuan: "6000"}')
    p = hit(errors(text, Context(payment_limit_fen=500_000)), "minimum (6000.00 yuan) is above the hall's payment limit (5000.00 yuan)")
    assert p.field == "steps[1].input.min_yuan"
    assert parse(text, "ok.yaml", context=Context(payment_limit_fen=1_000_000)).warnings == ()


def test_min_fen_is_read_as_yuan_with_a_deprecation_warning():
    text = edit(GOOD, "input: {field: amount, kind: money}", 'input: {field: amount, kind: money, min_fen: "30"}')
    loaded = parse(text, "ok.yaml")
    assert loaded.procedure.steps[1].input.minimum == 3000
    w = hit(list(loaded.warnings), "`min_fen` is deprecated", 'min_yuan: "30.00"')
    assert w.field == "steps[1].input.min_fen"


# ---- choices, fields and checks -----------------------------------------------------------------------

CHOICE = (
    "  - id: another\n    kind: input\n    say: {zh: 还有吗？}\n    input:\n      field: another\n      kind: choice\n"
    "      choices:\n        - {value: \"no\", label: {zh: 没有}}\n        - {value: \"yes\", label: {zh: 还有}}\n"
    "  - id: more\n    when: {field: another, equals: WHAT}\n    say: {zh: 请讲。}\n"
)


def with_choice(what: str) -> str:
    return edit(GOOD, "  - id: bye\n", CHOICE.replace("WHAT", what) + "  - id: bye\n")


def test_a_condition_value_no_choice_can_produce():
    text = with_choice('"yse"')
    p = hit(errors(text), "no choice of 'another' is 'yse'", "did you mean `yes`?", "never holds")
    assert p.field == "steps[5].when.equals" and "step `more`" in p.message


def test_yes_unquoted_in_a_condition_is_read_as_true():
    text = with_choice("yes")
    p = hit(errors(text), "`yes` is read as true", 'quote it ("yes")')
    assert p.field == "steps[5].when.equals"


def test_yes_unquoted_as_a_choice_value_is_read_as_true():
    text = with_choice('"yes"').replace('{value: "yes", label', "{value: yes, label")
    p = hit(errors(text), "`yes` is read as true", 'quote it ("yes")')
    assert p.field == "steps[4].input.choices[1].value"


def test_a_number_as_a_choice_value_says_to_quote_it():
    text = with_choice('"yes"').replace('{value: "yes", label', "{value: 100, label")
    p = hit(errors(text), "`100` is read as a number", 'quote it ("100")')
    assert p.field == "steps[4].input.choices[1].value"


def test_a_built_in_field_value_that_never_occurs():
    text = edit(GOOD, "  - id: amount\n", "  - id: lost\n    kind: gate\n    when: {field: customer.status, equals: suspended_lots}\n    say: {zh: 挂失了。}\n    stop: lost\n  - id: amount\n")
    p = hit(errors(text), "'customer.status' is never 'suspended_lots'", "did you mean `suspended_lost`?")
    assert p.field == "steps[1].when.equals"


def test_a_true_false_field_compared_with_text():
    text = edit(GOOD, "  - id: amount\n", "  - id: far\n    kind: gate\n    when: {field: customer.local, equals: \"false\"}\n    say: {zh: 外省。}\n    stop: far\n  - id: amount\n")
    hit(errors(text), "'customer.local' is true or false", "equals: false` unquoted")


def test_lt_on_a_choice():
    text = with_choice('"yes"').replace("when: {field: another, equals: \"yes\"}", "when: {field: another, lt: 3}")
    hit(errors(text), "`lt`/`gt` compare numbers", "'another' is a choice")


def test_duplicate_choice_values():
    text = with_choice('"yes"').replace('{value: "yes", label: {zh: 还有}}', '{value: "no", label: {zh: 还有}}')
    text = text.replace('equals: "yes"', 'equals: "no"')
    p = hit(errors(text), "duplicate choice value 'no'", "also choices[0]")
    assert p.field == "steps[4].input.choices[1].value"


def test_one_field_written_by_two_inputs():
    text = edit(GOOD, "  - id: cash\n", "  - id: again\n    kind: input\n    say: {zh: 再说一次？}\n    input: {field: amount, kind: money}\n  - id: cash\n")
    p = hit(errors(text), "field 'amount' is also written by step `amount`", "later answer silently replaces")
    assert p.field == "steps[2].input.field" and "step `again`" in p.message


def test_one_field_in_two_exclusive_branches_is_fine():
    text = edit(GOOD, "  - id: cash\n", (
        "  - id: how\n    kind: input\n    say: {zh: 证件？}\n    input:\n      field: how\n      kind: choice\n"
        "      choices:\n        - {value: id, label: {zh: 身份证}}\n        - {value: other, label: {zh: 其他}}\n"
        "  - id: id\n    kind: input\n    when: {field: how, equals: id}\n    say: {zh: 身份证号？}\n    input: {field: doc, kind: id_number}\n"
        "  - id: other\n    kind: input\n    when: {field: how, not_equals: id}\n    say: {zh: 证件号？}\n    input: {field: doc, kind: text}\n"
        "  - id: cash\n"))
    assert warnings(text) == []


def test_a_check_on_an_input_kind_it_cannot_read():
    text = edit(GOOD, "input: {field: amount, kind: money}", "input: {field: amount, kind: money}\n    check: holder_name_matches")
    p = hit(errors(text), "check 'holder_name_matches' reads text input, not money")
    assert p.field == "steps[1].check" and "step `amount`" in p.message


def test_a_check_on_a_step_without_input():
    text = edit(GOOD, "    kind: end\n", "    kind: end\n    check: covers_arrears\n")
    hit(errors(text), "check 'covers_arrears' on a step without an input")


# ---- secrets --------------------------------------------------------------------------------------------


def test_a_password_in_a_placeholder():
    text = edit(GOOD, "  - id: amount\n", "  - id: pw\n    kind: input\n    say: {zh: 请输入密码。}\n    input: {field: pw, kind: password}\n  - id: amount\n")
    text = edit(text, '"{customer.title}，交多少？"', '"{customer.title}，密码{pw}正确，交多少？"')
    p = hit(errors(text), "{pw} is a password", "a secret is never said")
    assert p.field == "steps[2].say.zh"


def test_a_password_in_a_condition():
    text = edit(GOOD, "  - id: amount\n", (
        "  - id: pw\n    kind: input\n    say: {zh: 请输入密码。}\n    input: {field: pw, kind: new_password}\n"
        "  - id: weak\n    kind: gate\n    when: {field: pw, equals: \"123456\"}\n    say: {zh: 太简单。}\n    stop: weak\n  - id: amount\n"))
    p = hit(errors(text), "condition reads 'pw', a new_password", "secrets are never kept")
    assert p.field == "steps[2].when.field"


# ---- papers ----------------------------------------------------------------------------------------------


def test_a_paper_printed_twice():
    text = GOOD.replace("print: [invoice]", "print: [invoice, invoice]")
    p = hit(errors(text), "'invoice' is printed twice")
    assert p.field == "print[1]"


def test_the_void_slip_on_a_commit():
    text = GOOD.replace("print: [invoice]", "print: [void]")
    p = hit(errors(text), "layout 'void' is printed by a void, not by a procedure")
    assert p.field == "print[0]"


def test_an_invoice_for_a_procedure_without_fees_is_a_warning():
    text = GOOD.replace(
        "fees:\n  - {code: amount, label: {zh: 预存}, input: true}\n", "")
    text = text.replace("  - id: cash\n    kind: input\n    say: {zh: \"应收{total}元。\"}\n    input: {field: tendered, kind: cash}\n", "")
    text = text.replace("收您{tendered}元，找您{change}元。", "好的。")
    hit(warnings(text), "an invoice (收费凭证) for a procedure with no fees")


def test_a_layout_placeholder_no_transaction_fills(tmp_path):
    copy_sources(tmp_path)
    slip = tmp_path / "receipts" / "slip.yaml"
    slip.write_text(slip.read_text(encoding="utf-8").replace("  - details\n", "  - {pair: [退款, \"{refund}\"]}\n  - details\n"), encoding="utf-8")
    text = GOOD.replace("print: [invoice]", "print: [invoice, slip]")
    p = hit(errors(text, Context(layouts_dir=tmp_path / "receipts")), "layout 'slip' prints {refund}", "never fills")
    assert p.field == "print[1]"


def test_a_customer_line_on_a_procedure_without_customer_is_a_warning(tmp_path):
    copy_sources(tmp_path)
    slip = tmp_path / "receipts" / "slip.yaml"
    slip.write_text(slip.read_text(encoding="utf-8").replace("  - details\n", "  - {pair: [客户, \"{customer_name}\"]}\n  - details\n"), encoding="utf-8")
    text = (REPO / "scripts_yaml" / "cross_region.yaml").read_text(encoding="utf-8").replace("print: [reservation]", "print: [reservation, slip]")
    w = hit(warnings(text, Context(layouts_dir=tmp_path / "receipts")), "prints {customer_name}", "`customer: none`", "if: customer_name")
    assert w.field == "print[1]"


def test_a_broken_layout_is_named_at_load(tmp_path):
    copy_sources(tmp_path)
    (tmp_path / "receipts" / "invoice.yaml").write_text("id: invoice\ntitle: {zh: 票}\nblocks:\n  - {txet: x}\n", encoding="utf-8")
    p = hit(errors(GOOD, Context(layouts_dir=tmp_path / "receipts")), "layout 'invoice'", "invoice.yaml:4: blocks[0]", "did you mean `text`?")
    assert p.field == "print[0]"


def test_a_missing_layout_is_named_at_load(tmp_path):
    (tmp_path / "receipts").mkdir()
    hit(errors(GOOD, Context(layouts_dir=tmp_path / "receipts")), "no layout 'invoice' in")


# ---- YAML slips -----------------------------------------------------------------------------------------


def test_a_tab_says_to_use_spaces():
    text = GOOD.replace("    kind: commit\n", "\tkind: commit\n")
    p = hit(errors(text), "tabs are not allowed in YAML: indent with spaces")
    assert p.line == line_of(text, "\tkind: commit")


def test_an_unknown_key_says_what_was_meant():
    text = edit(GOOD, "    kind: commit\n", "    kind: commit\n    gotoo: bye\n")
    p = hit(errors(text), "unknown key", "did you mean `goto`?")
    assert p.field == "steps[3].gotoo"


def test_a_colon_in_an_unquoted_text_says_to_quote_it():
    text = edit(GOOD, '    say: {zh: "再见。"}\n', "    say: {zh: 注意: 再见}\n")
    hit(errors(text), 'must be quoted')


# ---- every class, through the command line -----------------------------------------------------------------


def test_validate_prints_warnings_and_strict_refuses_them(tmp_path):
    from teller.cli.main import app

    home = copy_sources(tmp_path / "home")
    no_end = GOOD.replace("  - id: bye\n    kind: end\n    say: {zh: \"再见。\"}\n", "")
    (home / "scripts_yaml" / "mini.yaml").write_text(no_end, encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(app, ["--home", str(home), "procedures", "validate"])
    assert ok.exit_code == 0, ok.output
    assert "mini.yaml" in ok.stderr and "warning: no end step" in ok.stderr and "1 个警告 / warning(s)" in ok.stdout
    strict = runner.invoke(app, ["--home", str(home), "procedures", "validate", "--strict"])
    files = len(list((home / "scripts_yaml").glob("*.yaml")))
    assert strict.exit_code == 1 and f"1 problem(s) in 1 of {files} file(s)" in strict.stderr
    bad = GOOD.replace("print: [invoice]", "print: [void]")
    (home / "scripts_yaml" / "mini.yaml").write_text(bad, encoding="utf-8")
    refused = runner.invoke(app, ["--home", str(home), "procedures", "validate", str(home / "scripts_yaml" / "mini.yaml")])
    assert refused.exit_code == 1 and f"mini.yaml:{line_of(bad, 'print:')}: print[0]: layout 'void' is printed by a void" in refused.stderr


@pytest.mark.parametrize("mutation", range(60))
def test_nothing_a_writer_can_put_in_a_file_crashes_the_checks(mutation):
    """Seeded edits of the sound file (lines dropped, swapped, duplicated, ids and fields renamed):
    the loader answers a ProcedureError or a procedure, never anything else."""
    import random

    rng = random.Random(mutation)
    lines = GOOD.splitlines()
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        what = rng.choice(("drop", "dup", "swap", "rename"))
        if what == "drop" and len(lines) > 3:
            lines.pop(i)
        elif what == "dup":
            lines.insert(i, lines[i])
        elif what == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = lines[i].replace("amount", "bye").replace("cash", "number")
    text = "\n".join(lines) + "\n"
    try:
        parse(text, "fuzz.yaml", context=LAYOUTS)
    except ProcedureError as exc:
        assert exc.problems and all(p.message for p in exc.problems)


# ---- found by the procedure-writing fuzz campaign (tests/campaigns/semantics_fuzz.py) ---------------------


def test_a_field_the_operation_reads_skipped_on_some_path():
    text = edit(GOOD, "    input: {field: amount, kind: money}\n", "    when: {field: customer.points, gt: 100}\n    input: {field: amount, kind: money}\n")
    p = hit(errors(text), "the commit can be reached without 'amount', which the operation `pay` reads", "number → cash")
    assert p.field == "steps[3]" and "step `confirm`" in p.message


def test_a_field_set_on_two_exclusive_branches_reaches_the_commit():
    text = edit(GOOD, "  - id: amount\n    kind: input\n    say: {zh: \"{customer.title}，交多少？\"}\n    input: {field: amount, kind: money}\n", (
        "  - id: how\n    kind: input\n    say: {zh: 多少？}\n    input:\n      field: how\n      kind: choice\n"
        "      choices:\n        - {value: fixed, label: {zh: 50元}}\n        - {value: own, label: {zh: 自定}}\n"
        "  - id: fixed\n    kind: input\n    when: {field: how, equals: fixed}\n    say: {zh: 请确认50。}\n    input: {field: amount, kind: money}\n"
        "  - id: own\n    kind: input\n    when: {field: how, not_equals: fixed}\n    say: {zh: 请输入金额。}\n    input: {field: amount, kind: money}\n"))
    assert warnings(text) == []


def test_a_fee_whose_condition_reads_the_total():
    text = edit(GOOD, "  - {code: amount, label: {zh: 预存}, input: true}\n",
                "  - {code: amount, label: {zh: 预存}, input: true}\n  - {code: small, label: {zh: 小额费}, amount: \"1.00\", when: {field: total_fen, lt: 1000}}\n")
    p = hit(errors(text), "fee `small`: its condition reads total_fen", "depend on itself")
    assert p.field == "fees[1].when.field"


def test_semantics_fuzz_campaign_small():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(REPO / "tests" / "campaigns" / "semantics_fuzz.py"), "--runs", "150", "--seed", "7", "--walk-every", "6"],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "150 runs · 0 failures · 0 data lost" in result.stdout


def test_every_check_says_which_input_kinds_it_reads():
    """A new check gets its row in CHECK_KINDS, so validate catches it on the wrong step."""
    from teller.domain.checks import CHECKS
    from teller.procedures.semantics import CHECK_KINDS

    assert set(CHECKS) <= set(CHECK_KINDS)
