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


# ---- split9 (issue 9): teller-admin's words live in the locale files too ---------------------------------

CLI = ROOT / "teller" / "cli"
HAN = re.compile(r"[\u4e00-\u9fff]")
#: Not words: the full-width digits teller.cli.params folds to ASCII.
CLI_HAN_ALLOWED = {"０", "９"}
#: Calls whose first argument a person reads, and keywords whose value a person reads.
CLI_TEXT_CALLS = {"echo", "secho", "fail", "BadParameter", "UsageError", "prompt", "confirm", "noun"}
CLI_TEXT_KEYWORDS = {"help", "empty", "prompt", "short_help", "epilog"}
#: English literals that are not words to translate: the program's name and version, and the
#: values an option takes, listed as they are typed (`clerk | trainer | supervisor | ops`).
CLI_LITERAL_ALLOWED = {"teller-admin {}"}
CHOICE_LIST = re.compile(r"[a-z0-9_-]+( \| [a-z0-9_-]+)+")


def _literal(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _docstrings(tree) -> set[int]:
    return {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str)
    }


def cli_literal_offences(path: Path) -> list[str]:
    """User-facing words written into a CLI module instead of the locale files: any literal holding
    Chinese (a docstring of a helper aside), a command whose docstring would be its help, a help
    that is not `h("key")`, and an English literal passed to echo / fail / BadParameter / help=."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    worded = {id(sub) for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") in ("t", "h")
              for sub in ast.walk(n)}  # t("key", name=...) and h("key"): worded in the locale files
    worded |= {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}  # parts of an f-string
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.body and id(getattr(node.body[0], "value", None)) in docs:
            if any(isinstance(d, ast.Call) and getattr(d.func, "attr", "") in ("command", "callback") for d in node.decorator_list):
                out.append(f"{where}:{node.lineno}: command {node.name} has a docstring (Typer shows it as help): use help=h(key)")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if HAN.search(node.value) and node.value not in CLI_HAN_ALLOWED:
                out.append(f"{where}:{node.lineno}: Chinese literal {node.value[:40]!r}")
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        texts = [node.args[0]] if name in CLI_TEXT_CALLS and node.args else []
        texts += [k.value for k in node.keywords if k.arg in CLI_TEXT_KEYWORDS]
        for value in texts:
            for sub in ast.walk(value):
                text = _literal(sub) if id(sub) not in worded else None
                if text is None or not re.search(r"[A-Za-z]{2}", text):
                    continue
                if text in CLI_LITERAL_ALLOWED or CHOICE_LIST.fullmatch(text):
                    continue
                out.append(f"{where}:{sub.lineno}: literal text {text[:40]!r} in {name}(): put it in the locale files")
    return out


def test_the_cli_writes_no_words_of_its_own():
    found = [o for path in sorted(CLI.glob("*.py")) for o in cli_literal_offences(path)]
    assert found == []


def test_the_cli_check_sees_a_new_literal(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import typer\n"
        "from teller.cli.texts import h\n"
        "app = typer.Typer()\n"
        "@app.command('x')\n"
        "def x(n: int = typer.Option(1, help='How many')) -> None:\n"
        "    '''做点事 / Do a thing.'''\n"
        "    typer.echo(f'done {n}')\n"
        "    raise typer.BadParameter('no such thing')\n"
        "msg = '已完成 / Done'\n",
        encoding="utf-8",
    )
    found = cli_literal_offences(bad)
    text = "\n".join(found)
    assert "docstring" in text and "'How many'" in text and "'done {}'" in text and "'no such thing'" in text
    assert "Chinese literal '已完成 / Done'" in text


def test_every_cli_key_has_both_languages_and_english_is_english():
    zh, en = strings.table("zh"), strings.table("en")
    keys = [k for k in zh if k.startswith("cli.")]
    assert len(keys) > 300
    assert [k for k in keys if HAN.search(en[k])] == []


def test_a_locale_file_is_parsed_once_then_read_from_its_cache_until_it_changes(tmp_path: Path):
    import os
    import tomllib

    source = tmp_path / "zh.toml"
    source.write_bytes((strings.FOLDER / "zh.toml").read_bytes())
    parsed = tomllib.loads(source.read_text(encoding="utf-8"))
    assert strings._read(source) == parsed
    cache = next((tmp_path / "__pycache__").glob("zh.*.marshal"))
    assert strings._read(source) == parsed  # from the cache now
    # the cache answers, not the file: a cache that says something else is believed while the stamp matches
    import marshal

    stamp, texts = marshal.loads(cache.read_bytes())
    cache.write_bytes(marshal.dumps((stamp, {**texts, "login.title": "cached"})))
    assert strings._read(source)["login.title"] == "cached"
    # an edited file (another size and time) is parsed again and the cache rewritten
    source.write_text(source.read_text(encoding="utf-8") + '\n"extra.key" = "新"\n', encoding="utf-8")
    again = strings._read(source)
    assert again["extra.key"] == "新" and again["login.title"] == parsed["login.title"]
    assert marshal.loads(cache.read_bytes())[1]["extra.key"] == "新"
    # a broken cache is parsed over; a folder that cannot be written is parsed every time
    cache.write_bytes(b"\x00garbage")
    assert strings._read(source)["extra.key"] == "新"
    cache.unlink()
    (tmp_path / "__pycache__").chmod(0o500)
    try:
        if os.access(tmp_path / "__pycache__", os.W_OK):  # root writes anyway: the cache comes back
            assert strings._read(source)["extra.key"] == "新"
        else:
            assert strings._read(source)["extra.key"] == "新" and not cache.exists()
    finally:
        (tmp_path / "__pycache__").chmod(0o700)
