"""`teller-admin procedures new ID --operation OP`: a procedure file to start from.

The skeleton asks for every input field the operation reads (a kind guessed from the field's
name: `number` looks up the customer, `id_number` is checked against the holder, `plan`
offers the plan catalogue, ...), verifies an existing customer, takes the cash where money
moves (a fee and a cash step), then commits and says goodbye. It starts with the schema line
for editors and passes `procedures validate`; the writer then words the lines and adds gates.
Pure: text out, no files (the command writes it).
"""

from __future__ import annotations

import json

from teller.domain.books import DEPOSIT, PREPAYMENT, SALE

SCHEMA_LINE = "# yaml-language-server: $schema=procedure.schema.json"

#: The kind of input a field name suggests (extra keys of the input, as YAML flow text).
KIND_BY_FIELD: dict[str, str] = {
    "number": "kind: phone, lookup: customer",
    "secondary": "kind: phone, lookup: account",
    "contact": "kind: phone",
    "second_contact": "kind: phone",
    "id_number": "kind: id_number",
    "new_id_number": "kind: id_number",
    "password": "kind: new_password",
    "amount": "kind: money",
    "plan": "kind: choice, options: plans",
    "new_number": "kind: choice, options: free_numbers",
    "bill_month": "kind: choice, options: bill_months",
    "service": "kind: choice, options: subscriptions",
    "reward": "kind: choice, options: rewards",
    "handset": "kind: choice, options: handsets",
    "current_province": "kind: choice, options: provinces",
    "target_province": "kind: choice, options: provinces",
    "effective_date": "kind: date, from_today: true",
    "end_date": "kind: date, after: effective_date",
    "appointment": "kind: datetime, from_today: true",
}

#: The values an operation reads from a choice field (scripts_yaml/README.md, "Effects").
CHOICES: dict[tuple[str | None, str], list[tuple[str, str]]] = {
    ("cancel_service", "retention"): [("declined", "客户坚持退订"), ("retained", "客户同意保留")],
    ("close_account", "retention"): [("closed", "坚持销户"), ("retained", "挽留成功")],
    (None, "outcome"): [("resolved", "现场解决"), ("ticket", "登记工单")],
    (None, "action"): [("suspend", "停机"), ("resume", "复机")],
    (None, "id_type"): [("resident_id", "居民身份证"), ("passport", "护照")],
    (None, "frequency"): [("经常", "经常"), ("偶尔", "偶尔")],
    (None, "prepay"): [("100", "预存100元"), ("50", "预存50元")],
}

#: What a field is called on screen (the step's title and the box's label); others show their name.
LABELS: dict[str, str] = {
    "number": "手机号码", "secondary": "副卡号码", "contact": "联系电话", "second_contact": "另一联系人号码",
    "id_number": "身份证号码", "new_id_number": "新机主身份证号码", "name": "姓名", "new_name": "新机主姓名",
    "password": "服务密码", "amount": "金额", "plan": "套餐", "new_number": "新号码", "bill_month": "账单月份",
    "service": "业务", "reward": "兑换项目", "handset": "机型", "reason": "原因", "retention": "挽留结果",
    "outcome": "处理方式", "action": "办理项目", "prepay": "预存金额", "complaint": "投诉内容",
    "current_province": "目前所在省份", "target_province": "预约省份", "target_city": "预约地市",
    "effective_date": "生效日期", "end_date": "截止日期", "appointment": "预约时间", "id_type": "证件类型",
}

#: The params of the generic operations (`effect: [{op, params}]`), from the procedure's id and
#: title; extra inputs and fees they need. A generic operation not listed has no skeleton.
GENERIC: dict[str, dict] = {
    "open_service": {"params": "{{service: {id}, name: {{zh: {title}}}}}"},
    "close_service": {"params": "{{service: {id}, name: {{zh: {title}}}}}"},
    "take_deposit": {"params": "{{purpose: {id}, name: {{zh: 押金}}, fee: deposit}}",
                     "fee": '  - {code: deposit, label: {zh: 押金, en: Deposit}, amount: "100.00"}   # the deposit held: edit it'},
    "return_deposit": {"params": "{{purpose: {id}}}", "no_cash": True},
    "record_order": {"params": "{{kind: {id}, name: {{zh: {title}}}, keep: [details]}}", "fields": ["details"]},
}
LABELS_EXTRA = {"details": "受理内容"}

#: Fields asked first, in this order (the customer, then who they are).
FIRST = ("number", "secondary", "name", "new_name", "id_number", "new_id_number")


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _choices(op: str, field: str) -> list[tuple[str, str]] | None:
    return CHOICES.get((op, field)) or CHOICES.get((None, field))


def customer_kind(fields: frozenset[str]) -> str:
    if "number" in fields:
        return "existing"
    if "new_number" in fields:
        return "new"
    return "none"


def skeleton(ident: str, op_name: str, *, fields: frozenset[str], category: str, title: str | None = None, summary: str = "", generic: bool = False) -> str:
    """The text of a new procedure file for operation `op_name` (its `fields` and `category`;
    `generic`: it takes params, written from GENERIC). KeyError for a generic operation GENERIC
    does not know."""
    spec_generic = GENERIC[op_name] if generic else {}
    fields = frozenset(fields) | frozenset(spec_generic.get("fields", ()))
    customer = customer_kind(fields)
    ordered = [f for f in FIRST if f in fields] + sorted(f for f in fields if f not in FIRST)
    money_field = "amount" if "amount" in fields else "prepay" if "prepay" in fields else None
    priced = "handset" in fields
    moves_money = bool(money_field or priced or category in (PREPAYMENT, SALE, DEPOSIT)) and not spec_generic.get("no_cash")
    label = title or ident
    out = [
        SCHEMA_LINE,
        f"# {label}: a new procedure for the operation `{op_name}`" + (f" ({summary})" if summary else "") + ".",
        "# Next: word the spoken lines, add gates (kind: gate), then",
        f"#   teller-admin procedures validate scripts_yaml/{ident}.yaml",
        f"#   teller-admin procedures simulate scripts_yaml/{ident}.yaml",
        f"# and write its cases in scripts_yaml/cases/{ident}.yaml (see scripts_yaml/README.md).",
        f"id: {ident}",
        f"title: {{zh: {_q(label)}, en: {_q(label)}}}",
        "version: 1",
        "order: 100",
        "time_limit_s: 300",
        f"customer: {customer}",
        "documents:",
        "  any_of: [service_password, id_card]" if customer == "existing" and "id_number" not in fields else "  all_of: [id_card]",
    ]
    fees: list[str] = []
    if money_field:
        fees.append(f"  - {{code: {money_field}, label: {{zh: 费用, en: Amount}}, input: true}}")
    if priced:
        fees.append("  - {code: handset_price, label: {zh: 手机款, en: Handset}, price_of: handset}")
    if spec_generic.get("fee"):
        fees.append(spec_generic["fee"])
    if moves_money and not fees:
        fees.append('  - {code: fee, label: {zh: 费用, en: Fee}, amount: "10.00"}   # the amount charged: edit it')
    out += ["fees:", *fees] if fees else ["fees: []"]
    out.append("steps:")
    steps: list[str] = []

    def step(*lines: str) -> None:
        steps.append("\n".join(lines))

    for name in ordered:
        spec = KIND_BY_FIELD.get(name)
        choices = _choices(op_name, name)
        shown = LABELS.get(name) or LABELS_EXTRA.get(name, name)
        say = "{greeting}！您请坐。请报一下您的手机号码。" if name == "number" else f"请提供{shown}。"
        if choices:
            body = [f"  - id: {name}", "    kind: input", f"    title: {{zh: {_q(shown)}}}", f"    say: {{zh: {_q(say)}}}",
                    "    input:", f"      field: {name}", "      kind: choice", f"      label: {{zh: {_q(shown)}}}", "      choices:"]
            body += [f"        - {{value: {_q(v)}, label: {{zh: {_q(lab)}}}}}" for v, lab in choices]
            step(*body)
        else:
            kind = spec or "kind: text"
            body = [f"  - id: {name}", "    kind: input", f"    title: {{zh: {_q(shown)}}}", f"    say: {{zh: {_q(say)}}}",
                    f"    input: {{field: {name}, {kind}, label: {{zh: {_q(shown)}}}}}"]
            if name == "id_number" and customer == "existing":
                body.append("    check: id_matches_holder")
            if name == "new_id_number":
                body.append("    check: id_quota")
            step(*body)
            if name == "password":
                step("  - id: password_again", "    kind: input", "    say: {zh: \"请再输入一次。\"}",
                     "    input: {field: password_again, kind: new_password, same_as: password}")
        if name == "number" and customer == "existing" and "id_number" not in fields:
            step("  - id: verify", "    kind: input", "    say: {zh: \"请问您是输入服务密码，还是出示身份证？\"}",
                 "    input:", "      field: verify", "      kind: choice", "      choices:",
                 "        - {value: password, label: {zh: 服务密码}}", "        - {value: id_card, label: {zh: 机主身份证}}")
            step("  - id: service_password", "    kind: input", "    when: {field: verify, equals: password}",
                 "    say: {zh: \"请在密码键盘上输入您的服务密码。\"}", "    input: {field: service_password, kind: password}")
            step("  - id: holder_id", "    kind: input", "    when: {field: verify, equals: id_card}",
                 "    say: {zh: \"请出示机主的身份证。\"}", "    input: {field: holder_id, kind: id_number}", "    check: id_matches_holder")
    if moves_money:
        step("  - id: cash", "    kind: input", "    title: {zh: 收款, en: Cash}", "    say: {zh: \"应收{total}元。\"}",
             "    input: {field: tendered, kind: cash}")
        commit_say = "收您{tendered}元，找您{change}元，请确认。"
    else:
        commit_say = "好的，马上为您办理。请在业务受理单上签字确认。"
    step("  - id: confirm", "    kind: commit", "    title: {zh: 确认, en: Confirm}", f"    say: {{zh: {_q(commit_say)}}}",
         "    note: {zh: 回车提交, en: Enter commits}")
    step("  - id: farewell", "    kind: end", "    title: {zh: 送别, en: Goodbye}",
         "    say: {zh: \"请问还有其他业务吗？祝您愉快，请慢走！\"}")
    out.append("\n\n".join(steps))
    out.append("")
    if spec_generic:
        params = spec_generic["params"].format(id=ident, title=_q(label))
        out += ["effect:", f"  - op: {op_name}", f"    params: {params}"]
    else:
        out.append(f"effect: {op_name}")
    out.append("print: [invoice, slip]" if moves_money else "print: [slip]")
    return "\n".join(out) + "\n"
