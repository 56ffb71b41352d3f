"""Every piece of text a person reads, in Simplified Chinese (default) and English.

The texts live in one data file per locale, `teller/locales/<locale>.toml` (one key per line,
`{name}` placeholders). `t("key", name=value)` formats the current locale's text; a key
missing from English falls back to Chinese, so a clerk never sees a bare key. A locale's
file is read the first time it is needed. Parsing its TOML takes 5 ms, on the way to the
first frame, so the parsed table is kept beside it as Python keeps byte code
(`locales/__pycache__/<locale>.<python>.marshal`, 0.2 ms to read), stamped with the file's
size and modification time and rewritten when they change; where that folder cannot be
written the file is parsed every time.
"""

from __future__ import annotations

import marshal
import os
import sys
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
        _tables[locale] = _read(FOLDER / f"{locale}.toml")
    return _tables[locale]


def _read(source: Path) -> dict[str, str]:
    """A locale file's table: from its marshal cache when that matches the file, else parsed."""
    st = source.stat()
    stamp = (st.st_size, st.st_mtime_ns)
    cache = source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.marshal"
    try:
        cached_stamp, texts = marshal.loads(cache.read_bytes())
        if tuple(cached_stamp) == stamp and isinstance(texts, dict):
            return texts
    except (OSError, EOFError, ValueError, TypeError):
        pass  # no cache yet, or one from another file or another Python: parse the file
    import tomllib

    with open(source, "rb") as fh:
        texts = tomllib.load(fh)
    try:
        cache.parent.mkdir(exist_ok=True)
        partial = cache.with_name(f"{cache.name}.{os.getpid()}")
        partial.write_bytes(marshal.dumps((stamp, texts)))
        os.replace(partial, cache)  # whole or not at all, as two consoles may start together
    except OSError:
        pass  # a read-only install: parsed each time
    return texts


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
