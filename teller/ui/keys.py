"""Footer labels in the UI language, looked up when a screen is shown, not when it is imported.

`BINDINGS` are class attributes, made when a module is imported — before the settings have
set the locale. So a binding's description names a string key (`Binding("f6", "reprint",
"key.reprint")`) and `localize(node)` puts the current locale's text in the node's own copy of
its bindings. The app calls it for itself and for every screen it shows. A description already
turned into text at import (`t("key.reprint")` in a module of another helper) is recognised by
its text in any locale and translated too. Textual's own labels (the palette's) get ours.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

from textual.binding import Binding
from textual.dom import DOMNode

from teller import strings
from teller.strings import t

#: Textual's own binding descriptions, by the key of our text for them
TEXTUAL_LABELS = {"palette": "key.palette", "Quit": "key.quit"}


@lru_cache(maxsize=1)
def _by_text() -> dict[str, str]:
    """Every text of a `key.*` string, in every locale, to its key."""
    found: dict[str, str] = {}
    for locale in strings.LOCALES:
        for key, text in strings.table(locale).items():
            if key.startswith(("key.", "modal.")):
                found.setdefault(text, key)
    return found


def string_key(description: str) -> str | None:
    """The string key a binding description stands for, or None when it is not one of ours."""
    if description in TEXTUAL_LABELS:
        return TEXTUAL_LABELS[description]
    if description.startswith(("key.", "modal.")) and description in strings.table("zh"):
        return description
    return _by_text().get(description)


def label(binding: Binding) -> Binding:
    key = string_key(binding.description) if binding.description else None
    if key is None:
        return binding
    text = t(key)
    return dataclasses.replace(binding, description=text, tooltip=text if binding.tooltip else "")


def localize(node: DOMNode) -> DOMNode:
    """Give `node`'s own bindings the current locale's labels (its class's BINDINGS stay as written)."""
    table = node._bindings.key_to_bindings  # the instance's copy, made in DOMNode.__init__
    for key, bindings in list(table.items()):
        table[key] = [label(b) for b in bindings]
    return node
