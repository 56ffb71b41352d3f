"""Read the YAML files the product ships and writers edit, refusing what none of them needs.

Procedure files (scripts_yaml/) and receipt layouts (receipts/) are read here and nowhere
else. On top of YAML *safe* loading (no tags, no code) a file is refused, fast and with the
line where there is one, when it:

- is larger than `Limits.max_bytes`, or is not a regular file (a pipe, a device, a folder);
- uses an anchor (`&name`) or an alias (`*name`): no shipped file needs them, and they are
  what a recursive file or a "billion laughs" file is made of;
- nests deeper than `Limits.max_depth` or holds more than `Limits.max_nodes` values;
- holds a value YAML cannot build (a date such as 2026-02-30, an integer of thousands of digits).

Every check is made while the file is parsed, one event at a time, so the work is linear in
the size of the file and bounded by `max_bytes`.

The parser is an explicit choice: libyaml (`yaml.CSafeLoader`) when PyYAML was built with it,
several times faster, else the pure-Python one. Both give the same answer for every shipped
file (tests/test_loader.py loads each with both); `PARSER` says which one this process uses.
"""

from __future__ import annotations

import bisect
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: The YAML parsers this module can use, by name.
PARSERS = ("libyaml", "python")
#: The parser this process uses: libyaml when PyYAML has it (the same safe loader, faster).
PARSER = "libyaml" if getattr(yaml, "__with_libyaml__", False) and hasattr(yaml, "CSafeLoader") else "python"


@dataclass(frozen=True)
class Limits:
    """What one file may hold. The shipped files are far inside these (see scripts_yaml/README.md)."""

    max_bytes: int = 128 * 1024  # the largest shipped procedure is about 7 KB
    max_depth: int = 16  # the shipped files nest at most 7 levels
    max_nodes: int = 10_000  # values (scalars, lists, mappings); the shipped files hold at most ~600


LIMITS = Limits()


class YamlRefused(Exception):
    """The file cannot be read: `line` (1-based, or None for the whole file) and a one-line reason."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _strict(base: type) -> type:
    class Strict(base):  # type: ignore[misc, valid-type]
        def construct_object(self, node, deep=False):
            try:
                return super().construct_object(node, deep)
            except (ValueError, OverflowError, TypeError) as exc:  # a date out of range, a 5000-digit int
                detail = str(exc).split(";")[0][:120]
                raise ConstructorError(None, None, f"this value cannot be read ({detail})", node.start_mark) from None

    return Strict


_LOADERS: dict[str, type] = {"python": _strict(yaml.SafeLoader)}
if hasattr(yaml, "CSafeLoader"):
    _LOADERS["libyaml"] = _strict(yaml.CSafeLoader)


class _Lines:
    """Line numbers as an editor, `grep -n` and `sed -n` count them: one per "\\n".

    YAML also breaks lines at \\r, NEL, LS and PS; a file holding one would otherwise be
    reported at a line that is not where the writer sees it.
    """

    def __init__(self, text: str) -> None:
        self.breaks: list[int] = []
        i = text.find("\n")
        while i != -1:
            self.breaks.append(i)
            i = text.find("\n", i + 1)

    def line(self, mark) -> int | None:
        if mark is None:
            return None
        return bisect.bisect_left(self.breaks, mark.index) + 1

    def mark(self, mark):
        """The mark with its line (0-based, as YAML keeps it) counted in "\\n" lines."""
        return yaml.Mark(mark.name, mark.index, self.line(mark) - 1, mark.column, None, None)


def _compose(loader, limits: Limits, lines: _Lines) -> Node | None:
    """The document's node tree, built from the parser's events without recursion.

    Refuses anchors and aliases, nesting beyond `max_depth` and more than `max_nodes` values.
    """
    _line = lines.line
    root: Node | None = None
    stack: list[tuple[Node, list]] = []  # open collections: (node, pending key for mappings)
    nodes = 0
    documents = 0
    while True:
        event = loader.get_event()
        if isinstance(event, (StreamStartEvent, DocumentEndEvent)):
            continue
        if isinstance(event, StreamEndEvent):
            return root
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlRefused(_line(event.start_mark), "only one YAML document per file (a second `---` starts here)")
            continue
        if isinstance(event, AliasEvent):
            raise YamlRefused(_line(event.start_mark), f"YAML aliases (*{event.anchor}) are not allowed here: write the value out")
        if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            node, _ = stack.pop()
            node.end_mark = event.end_mark
            continue
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlRefused(_line(event.start_mark), f"YAML anchors (&{anchor}) are not allowed here: write the value out")
        nodes += 1
        if nodes > limits.max_nodes:
            raise YamlRefused(_line(event.start_mark), f"too many values in one file (more than {limits.max_nodes})")
        tag = event.tag
        if isinstance(event, ScalarEvent):
            if tag is None or tag == "!":
                tag = loader.resolve(ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, lines.mark(event.start_mark), event.end_mark, style=event.style)
        elif isinstance(event, SequenceStartEvent):
            if tag is None or tag == "!":
                tag = loader.resolve(SequenceNode, None, event.implicit)
            node = SequenceNode(tag, [], lines.mark(event.start_mark), None, flow_style=event.flow_style)
        elif isinstance(event, MappingStartEvent):
            if tag is None or tag == "!":
                tag = loader.resolve(MappingNode, None, event.implicit)
            node = MappingNode(tag, [], lines.mark(event.start_mark), None, flow_style=event.flow_style)
        else:  # pragma: no cover - every event kind is handled above
            raise YamlRefused(_line(getattr(event, "start_mark", None)), f"unexpected YAML event {type(event).__name__}")
        if stack:
            parent, pending = stack[-1]
            if isinstance(parent, SequenceNode):
                parent.value.append(node)
            elif pending:
                parent.value.append((pending.pop(), node))
            else:
                pending.append(node)
        elif root is None:
            root = node
        if isinstance(node, (SequenceNode, MappingNode)):
            if len(stack) >= limits.max_depth:
                raise YamlRefused(_line(event.start_mark), f"nested too deep (more than {limits.max_depth} levels)")
            stack.append((node, []))


def line_at(root: Node | None, *path) -> int | None:
    """The line of the value at `path` (mapping keys and list indexes) in a tree `parse` returned."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, MappingNode):
            hit = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == part), None)
            if hit is None:
                return line
            node = hit[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _reader_line(text: str, exc: yaml.YAMLError, lines: _Lines, parser: str) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return lines.line(mark)
    position = getattr(exc, "position", None)  # a ReaderError: a character YAML does not accept
    if not isinstance(position, int) or position < 0:
        return None
    if parser == "libyaml":  # libyaml counts bytes of the UTF-8 text, the Python reader characters
        return text.encode("utf-8", "surrogatepass")[:position].count(b"\n") + 1
    return text.count("\n", 0, position) + 1


def _reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        char = exc.character
        code = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        return f"a character YAML does not accept ({code}): {exc.reason}"
    return getattr(exc, "problem", None) or str(exc).splitlines()[0]


def _hint(text: str, line: int | None, reason: str) -> str:
    """How to fix the usual slips a writer makes (the parsers' words alone rarely say)."""
    rows = text.split("\n")
    here = rows[line - 1] if line and 0 < line <= len(rows) else ""
    before = rows[line - 2] if line and 1 < line <= len(rows) else ""
    if "\t" in here or "\t" in before or "'\\t'" in reason or "tab" in reason:
        return ": tabs are not allowed in YAML: indent with spaces"
    if "mapping values are not allowed" in reason or "expected ',' or '}', but got ':'" in reason or (
        "did not find expected ',' or '}'" in reason and ": " in here.split("{", 1)[-1]
    ):
        return ': a text holding ": " (or "#", or ending in "?") must be quoted: say: "..."'
    if "end of stream" in reason or "expected ',' or ']'" in reason or "did not find expected ',' or ']'" in reason:
        return ": a quote or bracket opened here is never closed"
    return ""


def parse(text: str, *, limits: Limits = LIMITS, parser: str = PARSER) -> tuple[Node | None, object]:
    """(root node, data) of one YAML document; YamlRefused with the line when it cannot be read."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise YamlRefused(None, f"file too large ({size:,} bytes; the limit is {limits.max_bytes:,})")
    lines = _Lines(text)
    loader = None
    try:
        loader = _LOADERS[parser](text)  # the pure-Python reader checks the characters here
        root = _compose(loader, limits, lines)
        data = loader.construct_document(root) if root is not None else None
    except ConstructorError as exc:
        raise YamlRefused(_reader_line(text, exc, lines, parser), f"YAML value: {_reason(exc)}") from None
    except yaml.YAMLError as exc:
        line = _reader_line(text, exc, lines, parser)
        raise YamlRefused(line, f"YAML syntax: {_reason(exc)}{_hint(text, line, _reason(exc))}") from None
    except UnicodeError:  # a lone surrogate in a str that never came from a UTF-8 file
        raise YamlRefused(None, "text that is not valid Unicode") from None
    except RecursionError:  # not reachable within max_depth; kept so no traceback can escape
        raise YamlRefused(None, "nested too deep") from None
    finally:
        if loader is not None:
            loader.dispose()
    return root, data


def read_text(path: str | Path, *, limits: Limits = LIMITS) -> str:
    """A file's text, read only when it is a regular UTF-8 file within the size limit.

    Never blocks on a pipe or a device and never reads more than `max_bytes` + 1 bytes.
    Raises FileNotFoundError when there is no such file, else YamlRefused.
    """
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise YamlRefused(None, f"cannot read the file ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise YamlRefused(None, "not a regular file")
    if st.st_size > limits.max_bytes:
        raise YamlRefused(None, f"file too large ({st.st_size:,} bytes; the limit is {limits.max_bytes:,})")
    try:
        with p.open("rb") as fh:
            raw = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise YamlRefused(None, f"cannot read the file ({exc.strerror or exc})") from None
    if len(raw) > limits.max_bytes:
        raise YamlRefused(None, f"file too large (more than {limits.max_bytes:,} bytes)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlRefused(line, f"not UTF-8 text ({exc.reason})") from None
