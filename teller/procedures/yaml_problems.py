"""Where in a procedure file a problem is, and how it is worded: the line of a field path in the
YAML node tree, duplicate keys, the field's dotted name, pydantic's errors cleaned and worded with
the fix for the usual YAML slips. Shared by the loader, the cases and the practice scenarios."""

from __future__ import annotations

import functools
import re

import yaml

from pathlib import Path

from teller import safe_yaml
from teller.errors import Problem, ProcedureError
from teller.procedures.schema import Procedure
from teller.procedures.semantics import suggest

#: Problems reported for one file; the rest are counted in a last line.
MAX_PROBLEMS = 50


class Lines:
    """The line of a field path (pydantic's `loc`) in the node tree; each mapping indexed once."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root
        self._index: dict[int, dict] = {}

    def _keys(self, node: yaml.MappingNode) -> dict:
        index = self._index.get(id(node))
        if index is None:
            index = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    index.setdefault(key.value, (key, value))
            self._index[id(node)] = index
        return index

    def __call__(self, loc: tuple) -> int | None:
        return self._walk(loc)[0]

    def node(self, loc: tuple) -> yaml.Node | None:
        """The node at `loc` exactly, or None when the path does not lead to one."""
        line, node, whole = self._walk(loc)
        return node if whole else None

    def _walk(self, loc: tuple):
        node = self.root
        line = (node.start_mark.line + 1) if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                hit = self._keys(node).get(part) if isinstance(part, str) else None
                if hit is None:
                    return line, node, False
                line = hit[0].start_mark.line + 1
                node = hit[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line, node, False
        return line, node, True


def loc_to_line(root: yaml.Node | None, loc: tuple) -> int | None:
    return Lines(root)(loc)


def capped(problems: list[Problem], name: str) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem(name, None, "", f"... and {more} more problems in this file")]


def duplicate_keys(node, path: tuple = ()):
    """(line, field) of every key given twice in one mapping: YAML itself keeps the last silently."""
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    yield key.start_mark.line + 1, field_name((*path, key.value))
                seen.add(key.value)
            yield from duplicate_keys(value, (*path, key.value if isinstance(key, yaml.ScalarNode) else "?"))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from duplicate_keys(item, (*path, i))


def field_name(loc: tuple) -> str:
    out = ""
    for part in loc:
        if not isinstance(part, int):
            part = str(part)
            part = part if len(part) <= 60 else part[:57] + "..."  # a hostile 100 KB key stays one short line
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_YAML_TRUE = frozenset({"yes", "y", "on", "true"})
_YAML_FALSE = frozenset({"no", "n", "off", "false"})


@functools.lru_cache(maxsize=8)
def known_keys(root=Procedure) -> frozenset[str]:
    """Every key a file format knows (for "did you mean" on an unknown one)."""
    from pydantic import BaseModel

    seen: set[type] = set()
    keys: set[str] = set()

    def walk(model) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
            for arg in _types_in(info.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    walk(arg)

    walk(root)
    return frozenset(keys)


def _types_in(annotation):
    from typing import get_args

    yield annotation
    for arg in get_args(annotation):
        yield from _types_in(arg)


def pydantic_message(err: dict, node: yaml.Node | None = None, root=Procedure) -> str:
    """Pydantic's message, with how to fix the usual YAML slips (`yes` read as true, a number
    where text is meant, a misspelt key)."""
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(err["loc"][-1]) if err["loc"] else ""
        return "unknown key" + suggest(key, known_keys(root))
    if kind == "missing":
        return "required field is missing"
    msg = err["msg"].removeprefix("Value error, ")
    if isinstance(node, yaml.ScalarNode) and not node.style and kind in ("string_type", "literal_error", "enum", "bool_type", "int_type"):
        word = node.value
        if word.lower() in _YAML_TRUE | _YAML_FALSE and kind != "bool_type":
            read = "true" if word.lower() in _YAML_TRUE else "false"
            return f'{msg}: `{word}` is read as {read}: quote it ("{word}")'
        if kind == "string_type" and re.fullmatch(r"[-+]?[0-9][0-9_.:eE+-]*", word):
            return f'{msg}: `{word}` is read as a number: quote it ("{word}")'
    return msg


_TYPE_TAGS = frozenset({"str", "int", "bool", "float", "none", "list", "dict"})


def clean_errors(errors: list[dict]) -> list[dict]:
    """Pydantic's errors with the member tags of a union (`str`, `list[str]`, `Text`) taken out of
    their paths, one error per path (the first: "a string" rather than "a list")."""
    out, seen = [], set()
    for e in errors:
        loc = list(e["loc"])
        last = loc.pop() if e["type"] == "extra_forbidden" and loc else None
        loc = [p for p in loc if not (isinstance(p, str) and (p in _TYPE_TAGS or "[" in p or p[:1].isupper() or p.startswith("function-")))]
        if last is not None:
            loc.append(last)
        key = tuple(loc)
        if key in seen:
            continue
        seen.add(key)
        out.append({**e, "loc": key})
    return out



def effect_branch(errors: list, effect) -> list:
    """Pydantic reports a union field's errors for each branch (`effect` is a name or a list):
    keep the branch the file wrote, without the branch tag in the location."""
    out = []
    for err in errors:
        loc = tuple(err["loc"])
        if loc[:1] == ("effect",) and len(loc) > 1 and isinstance(loc[1], str):
            wrote_list = isinstance(effect, list)
            if loc[1].startswith("list[") != wrote_list:
                continue
            if not wrote_list and not isinstance(effect, str):
                err = {**err, "type": "value_error", "msg": "an operation name, or a list of {op, params, when}"}
            err = {**err, "loc": (loc[0], *loc[2:])}
            if err in out:
                continue
        out.append(err)
    return out


def read_source(path: str | Path) -> tuple[str, Path]:
    """A procedure, scenario or case file's text (bounded, teller.safe_yaml); ProcedureError
    naming the file when it is missing or refused."""
    p = Path(path)
    try:
        return safe_yaml.read_text(p), p
    except FileNotFoundError:
        raise ProcedureError([Problem(str(p), None, "", "file not found")]) from None
    except safe_yaml.YamlRefused as exc:
        raise ProcedureError([Problem(str(p), exc.line, "", exc.message)]) from None


def parse_mapping(text: str, name: str, shape: str) -> tuple[object, dict, Lines]:
    """Parse a file that must be one mapping: its node tree, its data and its line finder.
    ProcedureError for YAML it cannot read, duplicate keys, or another shape (`shape` says
    what the file should hold)."""
    try:
        root, data = safe_yaml.parse(text)
    except safe_yaml.YamlRefused as exc:
        raise ProcedureError([Problem(name, exc.line, "", exc.message)]) from None
    duplicates = list(duplicate_keys(root))
    if duplicates:
        raise ProcedureError(capped([Problem(name, line, f, "duplicate key (the later one would win silently)") for line, f in duplicates], name))
    if not isinstance(data, dict):
        raise ProcedureError([Problem(name, 1, "", shape)])
    return root, data, Lines(root)
