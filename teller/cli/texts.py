"""teller-admin's words in the hall's locale: its help, messages and table headers live in
teller/locales/<locale>.toml under `cli.*` keys, as the console's do.

Messages are worded when a command runs (`t("cli....")`, after the locale is chosen). Help texts
are needed earlier: Typer reads them when the modules are imported and builds the command tree
from them. So a help text is given as `h("cli....")`, which words it in the locale of the moment
and remembers its key; `localize(command)` words the built tree again in the chosen locale, just
before Click parses the command line (teller.cli.common.AdminGroup.main).

The locale (`choose_locale`): `--locale zh|en` on the command line, else $TELLER_LOCALE, else the
settings' `locale` (teller.toml of --config / --home / $TELLER_HOME), else zh. In zh the CLI speaks
as it always has, Chinese first with the English after it (`错误 / Error: ...`); in en, English
only.
"""

from __future__ import annotations

import os
from pathlib import Path

from teller.strings import LOCALES, t

LOCALE_ENV = "TELLER_LOCALE"

#: every help text worded so far -> its key (to word it again in another locale)
_KEYS: dict[str, str] = {}


def h(key: str) -> str:
    """A help text (needed when the command tree is built): worded now, its key remembered."""
    text = t(key)
    _KEYS[text] = key
    return text


def _again(text):
    key = _KEYS.get(text) if isinstance(text, str) else None
    return t(key) if key is not None else text


def localize(command) -> None:
    """Word every help text of a built Click command tree in the current locale."""
    for attr in ("help", "short_help", "epilog"):
        if getattr(command, attr, None):
            setattr(command, attr, _again(getattr(command, attr)))
    for param in getattr(command, "params", ()):
        if getattr(param, "help", None):
            param.help = _again(param.help)
    for sub in getattr(command, "commands", {}).values():
        localize(sub)


def _option(args: list[str], name: str) -> str | None:
    """The value of `name` among the root options (`--name value` or `--name=value`)."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg[len(name) + 1:]
    return None


def choose_locale(args: list[str]) -> str:
    """The locale teller-admin speaks for this command line (see the module's doc)."""
    given = _option(args, "--locale")
    if given in LOCALES:
        return given
    env = os.environ.get(LOCALE_ENV, "")
    if env in LOCALES:
        return env
    try:
        from teller.config import load_settings

        config, home = _option(args, "--config"), _option(args, "--home")
        return load_settings(Path(config) if config else None, home=Path(home) if home else None).locale
    except Exception:  # noqa: BLE001 - settings that cannot be read are reported by the command itself
        return "zh"


def settings_locale(given: str | None, settings_locale_: str) -> str:
    """The locale once the settings are read: --locale, else $TELLER_LOCALE, else the settings'."""
    if given in LOCALES:
        return given
    env = os.environ.get(LOCALE_ENV, "")
    return env if env in LOCALES else settings_locale_


def headers(columns: dict[str, str]) -> dict[str, str]:
    """A table's columns (column -> key of its header, kept at import) worded in the current locale."""
    return {column: t(key) for column, key in columns.items()}
