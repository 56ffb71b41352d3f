"""Procedure titles without loading the procedures: for reports, which only name them.

Loading a folder of procedures (teller.procedures.loader) parses every file whole, checks each
YAML event and validates the result: about a second of `teller-admin report` went there, only
to print titles. Here each file is read as far as its top-level `id` and `title` (the first
lines of every shipped file) with the libyaml event parser when PyYAML has it, and nothing
else is built. Reading is as bounded as the loader's: the same file size limit and regular
files only (teller.safe_yaml.read_text), no anchors or aliases, at most MAX_EVENTS events a
file. A file that cannot be read this way is left out (a report then shows its id).
"""

from __future__ import annotations

from pathlib import Path

#: YAML events read per file at most, looking for `id` and `title`; the shipped files have
#: both within their first dozen events.
MAX_EVENTS = 2000
#: Files read at most (the loader's bound too: teller.procedures.loader.MAX_FILES).
MAX_FILES = 200


def _files(folder: Path) -> list[Path]:
    # the loader's order (teller.procedures.loader.procedure_files): .yaml, then .yml
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def title_of(text: str) -> tuple[str, dict[str, str]] | None:
    """(id, {locale: title}) from the top of a procedure file's text, or None."""
    import yaml
    from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, MappingStartEvent, NodeEvent, ScalarEvent

    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    found_id: str | None = None
    title: dict[str, str] | None = None
    depth = 0  # open collections; 1 is the top-level mapping
    key: str | None = None  # the top-level key whose value comes next (None: a key comes next)
    pairs: dict[str, str] | None = None  # the title mapping being read
    pair_key: str | None = None
    try:
        for n, event in enumerate(yaml.parse(text, Loader=loader)):
            if n > MAX_EVENTS or isinstance(event, AliasEvent):
                return None
            if isinstance(event, NodeEvent) and event.anchor is not None:
                return None
            if isinstance(event, CollectionStartEvent):
                if depth == 0 and not isinstance(event, MappingStartEvent):
                    return None  # not a procedure file
                if depth == 1 and key == "title" and isinstance(event, MappingStartEvent):
                    pairs = {}
                pair_key = None
                depth += 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
                if depth == 0:
                    break
                if depth == 1:  # a top-level value that was a list or a mapping has ended
                    if pairs is not None:
                        title, pairs = pairs, None
                    key = None
            elif isinstance(event, ScalarEvent):
                if depth == 1 and key is None:
                    key = event.value
                elif depth == 1:
                    if key == "id":
                        found_id = event.value
                    elif key == "title":
                        title = {"zh": event.value}
                    key = None
                elif depth == 2 and pairs is not None:
                    if pair_key is None:
                        pair_key = event.value
                    else:
                        pairs[pair_key], pair_key = event.value, None
            if found_id is not None and title is not None:
                break
    except yaml.YAMLError:
        return None
    if not found_id:
        return None
    return found_id, title or {}


def read_titles(folder: str | Path | None) -> dict[str, dict[str, str]]:
    """{procedure id: {locale: title}} for the procedure files of a folder (first file wins an id)."""
    from teller import safe_yaml

    if folder is None:
        return {}
    out: dict[str, dict[str, str]] = {}
    for path in _files(Path(folder))[:MAX_FILES]:
        try:
            text = safe_yaml.read_text(path)
        except (OSError, safe_yaml.YamlRefused, UnicodeDecodeError):
            continue
        got = title_of(text)
        if got is not None and got[0] not in out:
            out[got[0]] = got[1]
    return out
