"""Every piece of text a person reads, in Simplified Chinese (default) and English.

The texts live in one data file per locale, `teller/locales/<locale>.toml` (one key per line,
`{name}` placeholders). `t("key", name=value)` formats the current locale's text; a key
missing from English falls back to Chinese, so a clerk never sees a bare key. A locale's
file is read the first time it is needed (about 3 ms each).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

LOCALES = ("zh", "en")
FOLDER = Path(__file__).with_name("locales")

_locale = "zh"
_tables: dict[str, dict[str, str]] = {}


def table(locale: str) -> dict[str, str]:
    """The texts of one locale, read once from its data file."""
    if locale not in _tables:
        if locale not in LOCALES:
            raise ValueError(f"unknown locale {locale!r}")
        with open(FOLDER / f"{locale}.toml", "rb") as fh:
            _tables[locale] = tomllib.load(fh)
    return _tables[locale]


def set_locale(locale: str) -> None:
    global _locale
    table(locale)  # an unknown locale is refused here, before it is set
    _locale = locale


def locale() -> str:
    return _locale


def t(key: str, **kw: object) -> str:
    text = table(_locale).get(key) or table("zh").get(key) or key
    return text.format(**kw) if kw else text


def pick(localized: dict[str, str] | None) -> str:
    """Choose the current locale's text of a {zh, en} pair from a procedure or layout file."""
    if not localized:
        return ""
    return localized.get(_locale) or localized.get("zh") or next(iter(localized.values()), "")
