"""What an editor shows for each key of a procedure file: the descriptions (the writer's guide,
scripts_yaml/README.md, in a sentence each), the names a value may take (operations, checks,
condition fields, catalogues, documents) and the rules that depend on a step's or an input's
kind. Applied to the schema pydantic exports (teller.procedures.describe.json_schema).
"""

from __future__ import annotations

from typing import Any

#: One sentence per key, by model (the schema's $defs; "Procedure" is the top level).
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Procedure": {
        "id": "Lowercase letters, digits and _; unique across the folder (the file is usually named after it).",
        "title": "The procedure's name in the clerk's picker and on the papers: {zh, en}.",
        "version": "An integer printed on the receipts with a hash of the file (default 1).",
        "order": "Position in the clerk's picker, smaller first (default 100).",
        "time_limit_s": "The hall's time standard in seconds, used by practice mode.",
        "customer": "existing: a number is looked up (a phone input with lookup: customer); new: the customer is created by the effect; none: no customer.",
        "documents": "What the customer must present, shown to the clerk and ticked as each is checked: all_of, any_of (alternatives), missing (the gate said when one is missing).",
        "fees": "The fee table: each fee has a code, a label and one source (a fixed amount, an input, or the price of a chosen option); the total is their sum.",
        "steps": "The steps of the visit, in order: say, input, gate, commit, end.",
        "effect": "The operation applied once when the clerk commits (one database transaction); it needs certain input fields (see the README's operations catalogue).",
        "print": "The papers printed after the commit: layouts of receipts/ (invoice, slip, bill, ticket, reservation, agreement).",
        "party": "A second party shown beside the customer (过户's new owner, an agent): its label and the inputs holding its name, ID number and number.",
        "refusals": "A check's refusal in this procedure's words, by check name (placeholders allowed).",
        "paper": "Answers printed in the papers' details, after the operation's own lines: [{label, field}].",
        "reversible": "required: every operation of the effect must be reversible by a void (the file does not load otherwise); optional (default).",
    },
    "Text": {
        "zh": "The Chinese text (required). Placeholders like {customer.title} are filled from the visit.",
        "en": "The English text; falls back to zh.",
    },
    "Step": {
        "id": "Unique in the file; goto and choices name it.",
        "kind": "say (a line, Enter goes on), input (needs input), gate (needs when and stop), commit (applies the effect), end (the farewell).",
        "title": "The step's heading on screen.",
        "say": "The spoken line; required for say, gate, commit and end steps.",
        "note": "A hint for the clerk, not spoken.",
        "when": "A condition: a step is skipped when it does not hold; a gate stops the visit when it holds.",
        "input": "What the clerk types or chooses: {field, kind, ...}.",
        "check": "A named rule applied to the value (or a list, in order); a refusal keeps the clerk on the step.",
        "goto": "The step to go to next, instead of the following one.",
        "stop": "A gate's reason code, recorded when the visit stops there.",
        "again": "With a goto (or a choice's goto): the jump starts a fresh visit (e.g. another number to pay).",
        "instead": "Lines said instead of say while a condition holds ([{when, say}]; the first that holds wins).",
    },
    "AltSay": {
        "when": "While this holds, this line is said instead of the step's say.",
        "say": "The line said instead.",
    },
    "EffectCall": {
        "op": "The operation (a generic one takes params: open_service, close_service, take_deposit, return_deposit, record_order).",
        "params": "What a generic operation needs, checked against its own model when the file loads.",
        "when": "The operation applies only when this holds.",
    },
    "PaperLine": {
        "label": "The line's label on the papers.",
        "field": "The answer (or fee) it prints: money as ￥, a choice as its label, an ID masked; absent: no line.",
    },
    "Label": {
        "zh": "The name in Chinese (required).",
        "en": "The name in English; falls back to zh.",
    },
    "OpenServiceParams": {
        "service": "The code kept on the number (intl_roaming); conditions read customer.service.<code>.",
        "name": "What the panel, the slip and the audit show.",
        "monthly_fee": "The service's monthly fee in yuan, printed on the slip (billing charges it).",
    },
    "CloseServiceParams": {
        "service": "The code of the service switched off.",
        "name": "What the slip and the audit show.",
        "effective": "now (off at once) or next_month (from the 1st of next month).",
    },
    "TakeDepositParams": {
        "purpose": "What the deposit secures (a service code); return_deposit names it too.",
        "name": "As printed: 国际漫游押金.",
        "fee": "The fee line whose amount is the deposit (the cash taken for it).",
    },
    "ReturnDepositParams": {
        "purpose": "The deposits returned: those held for this purpose.",
        "to": "balance (onto the account, the default) or refund (a refund claim from the 3rd of next month).",
    },
    "OrderParams": {
        "kind": "What the order is (billing_info); `teller-admin orders list --kind` filters by it.",
        "name": "As printed and listed: 更改帐务信息.",
        "keep": "The answer fields kept with the order.",
        "prefix": "The order number's two capital letters (GD by default).",
    },
    "InputSpec": {
        "field": "The answer's name: used by placeholders, conditions, fees and the effect.",
        "kind": "What is accepted: text, phone, money, cash, id_number, new_password, password, choice, date, datetime, supervisor_pin.",
        "label": "The placeholder text in the box; names the field in refusals.",
        "choices": "kind: choice — the values to pick from, each with a label and an optional goto or stop.",
        "options": "kind: choice — a catalogue instead of choices: plans, free_numbers, bill_months, subscriptions, rewards, handsets, provinces.",
        "lookup": "kind: phone — customer loads the visit's customer; account loads another party's account (read as <field>.status, {<field>.title}).",
        "of": "A password input or the step's check applies to the account loaded by this phone field.",
        "same_as": "kind: new_password — the earlier password field this entry must repeat.",
        "min_yuan": "kind: money — the smallest amount accepted, in yuan (\"30\"); at most the hall's payment limit.",
        "min_fen": "Deprecated: the old name of min_yuan (it always held yuan).",
        "optional": "Enter on an empty box skips the step; the answer is then absent (exists: false).",
        "after": "kind: date or datetime — must be later than this earlier date field.",
        "from_today": "kind: date or datetime — refuses a date (or time) already past.",
        "staff_field": "kind: supervisor_pin — the earlier input holding the supervisor's staff number.",
        "max_len": "kind: text — at most this many characters (default 60).",
    },
    "Choice": {
        "value": "What is stored (quote yes/no and numbers: \"yes\", \"100\").",
        "label": "What the clerk sees.",
        "goto": "The step this choice leads to.",
        "stop": "Ends the visit on this step's line with this reason code.",
    },
    "Condition": {
        "field": "What is tested: an input field of the file, total_fen, customer.* (status, brand, local, points, ...) or <account field>.*.",
        "all": "Every one of these conditions holds.",
        "any": "At least one of these conditions holds.",
        "not": "This condition does not hold.",
        "equals": "Holds when the field has this value (quote text that YAML would read otherwise: \"yes\").",
        "not_equals": "Holds when the field does not have this value.",
        "in": "Holds when the field has one of these values.",
        "lt": "Holds when the field (a number: fen, points) is less than this.",
        "gt": "Holds when the field (a number: fen, points) is more than this.",
        "exists": "true: the field has an answer; false: it has none (an optional input left empty).",
        "equals_field": "Holds when the field has the same value as this other field.",
    },
    "FeeItem": {
        "code": "The fee's code: a placeholder ({card_fee}) and, with input: true, the input field it takes.",
        "label": "The fee's line on screen and on the papers.",
        "amount": "A fixed amount: a quoted yuan string, at most two decimals (\"15.00\").",
        "input": "true: the amount is the answer of the input whose field is this fee's code (money, or a choice like \"50\").",
        "price_of": "The price of the catalogue option chosen in this input field (handsets).",
        "when": "The fee applies only when this condition holds.",
        "waivable": "A supervisor may waive it at the cash step (F4, 减免).",
    },
    "Documents": {
        "all_of": "Every one is needed: names the console knows (id_card, service_password, holder_name, number, ...) or {id, label, party, checked_by}.",
        "any_of": "One of them is enough: password OR ID card.",
        "missing": "The gate whose line stops the visit when the clerk marks a document missing (F3).",
    },
    "Document": {
        "id": "The document's name (known ones have their label and find the steps that check them).",
        "label": "What the clerk sees.",
        "party": "Whose document: holder, party (the procedure's second party) or an account field (secondary).",
        "checked_by": "The input steps whose answers check it: it is ticked once they all passed.",
        "when": "Ticked only while this condition holds too (机主本人: who equals holder).",
    },
    "Party": {
        "label": "The party's title beside the customer: 新机主, 代办人.",
        "name": "The input holding the party's name (shown masked).",
        "id_number": "The input holding the party's ID number (shown masked).",
        "number": "The input holding the party's phone number.",
    },
}

#: The model's own line, for the $defs that have no docstring.
MODEL_DESCRIPTIONS = {
    "Choice": "One choice of a choice input: value, label, goto or stop.",
    "FeeItem": "One fee: code, label and exactly one of amount, input: true, price_of.",
    "InputSpec": "What the clerk types or chooses at an input step.",
    "Step": "One step of the visit.",
    "Documents": "The documents the visit needs.",
    "OpenServiceParams": "params of open_service: a service switched on for the number.",
    "CloseServiceParams": "params of close_service: a service switched off.",
    "TakeDepositParams": "params of take_deposit: a deposit held for the number.",
    "ReturnDepositParams": "params of return_deposit: the deposits held for a purpose returned.",
    "OrderParams": "params of record_order: an order with the procedure's own answers.",
}

BUILTIN_FIELD_DOC = "A built-in field (customer.*, total_fen), or an input field of the file."


def _step_rules() -> list[dict[str, Any]]:
    def kind_is(*kinds: str) -> dict:
        return {"properties": {"kind": {"enum": list(kinds)}}, "required": ["kind"]}

    return [
        {"if": kind_is("input"), "then": {"required": ["input"]}, "else": {"not": {"required": ["input"]}}},
        {"if": kind_is("gate"), "then": {"required": ["when", "stop", "say"]}},
        {"if": kind_is("commit", "end"), "then": {"required": ["say"]}},
        {"if": {"not": {"required": ["kind"]}}, "then": {"required": ["say"]}},  # a say step (the default)
        {"if": {"required": ["stop"]}, "then": {"properties": {"kind": {"const": "gate"}}, "required": ["kind"]}},
        {"if": kind_is("commit"), "then": {"not": {"required": ["when"]}}},
    ]


def _input_rules() -> list[dict[str, Any]]:
    def kind_is(*kinds: str) -> dict:
        return {"properties": {"kind": {"enum": list(kinds)}}, "required": ["kind"]}

    def only(key: str, *kinds: str) -> dict:
        return {"if": {"not": kind_is(*kinds)}, "then": {"not": {"required": [key]}}}

    return [
        {"if": kind_is("choice"), "then": {"anyOf": [{"required": ["choices"]}, {"required": ["options"]}]}},
        only("choices", "choice"),
        only("options", "choice"),
        only("lookup", "phone"),
        only("min_yuan", "money"),
        only("min_fen", "money"),
        only("max_len", "text"),
        only("after", "date", "datetime"),
        only("from_today", "date", "datetime"),
        {"if": kind_is("supervisor_pin"), "then": {"required": ["staff_field"]}, "else": {"not": {"required": ["staff_field"]}}},
        {"if": kind_is("cash"), "then": {"properties": {"field": {"const": "tendered"}}}},
        only("same_as", "new_password"),
    ]


def decorate(schema: dict[str, Any], *, operations: list[str], checks: list[str], fields: list[str], documents: list[str]) -> dict[str, Any]:
    """The exported schema with descriptions, the names values may take, and the per-kind rules."""
    defs = schema.get("$defs", {})
    models = {"Procedure": schema, **defs}
    for model, docs in DESCRIPTIONS.items():
        target = models.get(model)
        if target is None:
            continue
        for key, text in docs.items():
            prop = target.get("properties", {}).get(key)
            if prop is not None:
                prop["description"] = text
                prop.pop("title", None)
        if model in MODEL_DESCRIPTIONS and "description" not in target:
            target["description"] = MODEL_DESCRIPTIONS[model]
    props = schema["properties"]
    effect = props["effect"]["anyOf"]
    effect[0] = {"type": "string", "enum": operations}
    call_op = defs.get("EffectCall", {}).get("properties", {}).get("op")
    if call_op is not None:
        call_op["enum"] = operations
        call_op.pop("pattern", None)
    props["refusals"]["propertyNames"] = {"enum": checks}
    step = defs["Step"]
    step["properties"]["check"]["anyOf"] = [
        {"type": "string", "enum": checks},
        {"type": "array", "items": {"type": "string", "enum": checks}},
        {"type": "null"},
    ]
    step["allOf"] = _step_rules()
    defs["InputSpec"]["allOf"] = _input_rules()
    defs["InputSpec"]["properties"]["min_fen"]["deprecated"] = True
    cond = defs["Condition"]["properties"]
    name = {"anyOf": [{"type": "string", "enum": fields}, {"type": "string", "pattern": r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"}]}
    for key in ("field", "equals_field"):
        cond[key] = {**{k: v for k, v in cond[key].items() if k not in ("anyOf", "type", "title")}, "anyOf": [*name["anyOf"], {"type": "null"}]}
        cond[key].setdefault("description", BUILTIN_FIELD_DOC)
    doc_id = defs["Document"]["properties"]["id"]
    doc_id["anyOf"] = [{"type": "string", "enum": documents}, {"type": "string", "pattern": doc_id.pop("pattern", r"^[a-z][a-z0-9_]*$")}]
    doc_id.pop("type", None)
    for group in ("all_of", "any_of"):
        items = defs["Documents"]["properties"][group]["items"]
        items["anyOf"][0:1] = [{"type": "string", "enum": documents}, {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}]
    return schema
