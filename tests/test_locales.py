"""The UI strings: one data file per locale, the same keys and placeholders in each, and no key
that nothing uses (a renamed message would otherwise leave its old text behind)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from teller import strings

ROOT = Path(__file__).resolve().parents[1]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_locale_has_the_same_keys():
    zh, en = strings.table("zh"), strings.table("en")
    assert sorted(set(zh) - set(en)) == [] and sorted(set(en) - set(zh)) == []


@pytest.mark.parametrize("locale", strings.LOCALES)
def test_no_text_is_empty(locale):
    assert [k for k, v in strings.table(locale).items() if not isinstance(v, str) or not v.strip()] == []


def test_placeholders_match_across_locales():
    zh, en = strings.table("zh"), strings.table("en")
    assert {k: (placeholders(zh[k]), placeholders(en[k])) for k in zh if placeholders(zh[k]) != placeholders(en[k])} == {}


#: English texts that carry Chinese on purpose: the paper's bilingual banners, and messages that
#: name the mark a reprint carries on paper (补打), which the printer prints in Chinese.
BILINGUAL = {"print.training", "print.reprint", "print.maybe_on_paper", "print.unrecorded"}


def test_english_texts_hold_no_chinese():
    han = re.compile(r"[\u4e00-\u9fff]")
    en = strings.table("en")
    assert [k for k, v in en.items() if han.search(v) and k not in BILINGUAL] == []


def _code_literals() -> tuple[set[str], list[str]]:
    """Every string literal in the shipped code and data, and the prefixes of keys built at run time
    (f"reason.{code}" → "reason.")."""
    literals: set[str] = set()
    prefixes: list[str] = []
    for path in (ROOT / "teller").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = node.values[0].value  # f"reason.{code}"
                if isinstance(head, str) and re.fullmatch(r"[a-z_]+\.([a-z_]+\.)*", head):
                    prefixes.append(head)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "label" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                prefixes.append(f"{node.args[0].value}.")  # label("reason", code): teller.operations._common
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant):
                head = node.left.value  # "void.reason." + code
                if isinstance(head, str) and re.fullmatch(r"[a-z_]+\.([a-z_]+\.)*", head):
                    prefixes.append(head)
    for folder in ("scripts_yaml", "receipts"):
        for path in (ROOT / folder).glob("*.yaml"):
            literals.update(re.findall(r"[a-z_]+\.[a-z_.]+", path.read_text(encoding="utf-8")))
    return literals, prefixes


def test_every_key_is_used_somewhere():
    literals, prefixes = _code_literals()
    unused = [k for k in strings.table("zh") if k not in literals and not any(k.startswith(p) for p in prefixes)]
    assert unused == []


def test_an_unknown_locale_is_refused_and_english_falls_back_to_chinese():
    with pytest.raises(ValueError):
        strings.set_locale("fr")
    assert strings.locale() in strings.LOCALES
    try:
        strings.set_locale("en")
        assert strings.t("money.short", short="2.00").startswith("Cash short")
        assert strings.t("no.such.key") == "no.such.key"
    finally:
        strings.set_locale("zh")
