"""The receipt layout file format (receipts/*.yaml), checked as strictly as a procedure file.

A layout is `id`, `title`, `copies` and a list of `blocks`. A block is a word (`rule`,
`fees`, `details`, `banner`, `blank`, `cut`) or a mapping with exactly one kind (`text`,
`center`, `right`, `pair`, `qr`, `signature`, `signatures`, `ruler`) and options (`bold`,
`tall`, `if`, `size`). Unknown keys are refused; every problem of a file is reported at
once, each with file, line and field (`receipts/slip.yaml:12: blocks[5]: ...`).

Read by the printer (teller.printing.layouts.load_layout) and by the procedure loader, which
checks that a procedure's papers exist and that it can fill what they print. Pure: pydantic
and safe_yaml only (the loader runs before the database layer is imported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from teller import safe_yaml
from teller.errors import Problem, TellerError

WORDS = frozenset({"rule", "fees", "details", "banner", "blank", "cut", "ruler"})
KINDS = frozenset({"text", "center", "right", "pair", "qr", "signature", "signatures", "ruler"})
OPTIONS = frozenset({"bold", "tall", "if", "size"})

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

#: What a layout may show: filled by teller.printing.jobs.receipt_data (a transaction's receipt,
#: masked there), teller.printing.papers (the void and settlement slips) or, for the test page,
#: jobs.test_page_data. The EXTRA ones are recorded with the transaction by features and
#: operations (`_receipt`, Outcome.receipt).
EXTRA_PLACEHOLDERS = (
    "original_receipt_no", "void_reason", "supervisor", "original_total", "appointment",
    "balance_after", "goods", "imei", "warranty", "reservation_no", "ticket_no", "contact",
    "bill_total", "tariff", "agreement",
)
PLACEHOLDERS = frozenset({
    "hall", "counter", "clerk", "time", "receipt_no", "procedure", "procedure_version",
    "customer_number", "customer_name", "customer_id", "total", "tendered", "change",
    "title", "copy", "status",
    "printer", "profile", "paper_mm", "columns", "encoding",
    *EXTRA_PLACEHOLDERS,
    # the void slip and the settlement slip (teller.printing.papers fills them)
    "tx_time", "reason", "refund", "tx_clerk",
    "business_day", "counted", "expected", "note", "opened", "sales", "shift_no", "variance",
    "cash_sales", "non_cash", "transactions", "voided", "audit_anchor",
    # the test page
    "charset", "cjk_ruler", "probe", "probe_as_set", "printer_target",
    # the total in capital figures (大写), filled by jobs.receipt_data
    "total_capital",
})


class LayoutText(BaseModel):
    """A text in both locales (`zh` required), as in procedure files."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str | None = None


class LayoutFileModel(BaseModel):
    """The top level of a layout file; blocks are checked one by one (`block_problems`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: LayoutText | str
    copies: list[LayoutText | str] = [""]
    blocks: list[Any] = Field(min_length=1)


@dataclass(frozen=True)
class LayoutSpec:
    """A layout file that passed every check: plain data for the renderer."""

    id: str
    title: dict | str
    copies: tuple
    blocks: tuple
    path: str


class LayoutProblems(TellerError):
    """A layout file with problems; `problems` lists each (file:line: field: message)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


LayoutProblem = LayoutProblems  # the name the procedure checks catch


def printable(ch: str) -> bool:
    """A character a Chinese printer's font has: ASCII or a two-byte GB18030 code."""
    if ch < "\x80":
        return ch >= " "
    try:
        return len(ch.encode("gb18030")) == 2
    except UnicodeEncodeError:  # pragma: no cover - GB18030 maps every code point
        return False


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def _text_ok(value) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, dict) and isinstance(value.get("zh"), str) and set(value) <= {"zh", "en"} and all(
        isinstance(v, str) for v in value.values()
    )


def block_problems(block) -> list[str]:
    """What is wrong with one block (empty when it is well formed), each a short sentence."""
    import difflib

    if isinstance(block, str):
        if block in WORDS:
            return []
        near = difflib.get_close_matches(block, sorted(WORDS | KINDS), n=1)
        return [f"unknown block {block!r}" + (f" (did you mean `{near[0]}`?)" if near else f" (a block is one of {', '.join(sorted(WORDS))}, or a mapping)")]
    if not isinstance(block, dict):
        return [f"unknown block {block!r}"]
    out: list[str] = []
    keys = {k for k in block if isinstance(k, str)}
    unknown = sorted(str(k) for k in block if k not in KINDS | OPTIONS)
    for key in unknown:
        near = difflib.get_close_matches(key, sorted(KINDS | OPTIONS), n=1)
        out.append(f"unknown block key {key!r}" + (f" (did you mean `{near[0]}`?)" if near else ""))
    kinds = keys & KINDS
    if len(kinds) != 1:
        if not (unknown and not kinds):  # a misspelt kind is said once, above
            out.append(f"unknown block {block!r}: a block has exactly one of {', '.join(sorted(KINDS))}")
        return out
    kind = next(iter(kinds))
    value = block[kind]
    if kind == "pair":
        if not (isinstance(value, list) and len(value) == 2 and all(_text_ok(v) for v in value)):
            out.append("pair needs [label, value]")
    elif kind == "ruler":
        if not (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 96):
            out.append("ruler needs a number of columns (1-96)")
    elif not _text_ok(value):
        extra = sorted(str(k) for k in value if k not in ("zh", "en")) if isinstance(value, dict) else []
        if extra:
            out.append(f"{kind}: unknown key(s) {', '.join(repr(k) for k in extra)} in a text: a text holding \", \" inside {{...}} must be quoted (en: \"a, b\")")
        else:
            out.append(f"{kind} needs a text (quoted) or {{zh: ..., en: ...}}")
    if "size" in block and not (kind == "qr" and isinstance(block["size"], int) and not isinstance(block["size"], bool) and 1 <= block["size"] <= 16):
        out.append("size is for qr blocks: a module size of 1-16 dots")
    for flag in ("bold", "tall"):
        if flag in block and not isinstance(block[flag], bool):
            out.append(f"{flag}: true or false")
    if "if" in block and (not isinstance(block["if"], str) or block["if"] not in PLACEHOLDERS):
        out.append(f"if: unknown placeholder {block['if']!r}")
    for s in _strings(block.get(kind)):
        for name in _PLACEHOLDER.findall(s):
            if name not in PLACEHOLDERS:
                near = difflib.get_close_matches(name, sorted(PLACEHOLDERS), n=1)
                out.append(f"unknown placeholder {{{name}}}" + (f" (did you mean `{{{near[0]}}}`?)" if near else ""))
        bad = sorted({ch for ch in s if not printable(ch) and ch != "\n"})
        if bad:
            out.append(f"characters a Chinese printer cannot print: {' '.join(bad)}")
    return out


def _field(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_layout(text: str, path: str | Path) -> LayoutSpec:
    """A layout's text checked into a LayoutSpec, or LayoutProblems listing every problem."""
    name = str(path)
    try:
        root, data = safe_yaml.parse(text)
    except safe_yaml.YamlRefused as exc:
        raise LayoutProblems([Problem(name, exc.line, "", exc.message)]) from None
    if not isinstance(data, dict):
        raise LayoutProblems([Problem(name, 1, "", "a layout is a mapping: id, title, copies, blocks")])
    problems: list[Problem] = []
    try:
        model = LayoutFileModel.model_validate(data)
    except ValidationError as exc:
        model = None
        seen = set()
        errors = []
        for e in exc.errors():  # a text-or-mapping field reports under both forms: the member tags out
            loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and (p == "str" or p[:1].isupper())))
            errors.append((loc, e))
        deeper = {loc[:n] for loc, _ in errors for n in range(len(loc))}
        for loc, e in errors:
            key = loc
            if key in seen or key in deeper:  # "not a text" when the mapping's own key is named
                continue
            seen.add(key)
            kind = e["type"]
            msg = "unknown key" if kind == "extra_forbidden" else "required field is missing" if kind == "missing" else e["msg"]
            if kind == "extra_forbidden" and len(loc) == 1:
                import difflib

                near = difflib.get_close_matches(str(loc[0]), sorted(LayoutFileModel.model_fields), n=1)
                msg += f" (did you mean `{near[0]}`?)" if near else " (a layout has id, title, copies, blocks)"
            if loc and loc[0] in ("title", "copies") and kind not in ("extra_forbidden", "missing"):
                msg = "a text, or {zh: ..., en: ...}"
            if loc == ("blocks",) and kind == "list_type":
                msg = "a list of blocks"
            problems.append(Problem(name, safe_yaml.line_at(root, *loc), _field(loc), msg))
    for i, block in enumerate(data.get("blocks") or [] if isinstance(data.get("blocks"), list) else []):
        for msg in block_problems(block):
            problems.append(Problem(name, safe_yaml.line_at(root, "blocks", i), f"blocks[{i}]", msg))
    copies = data.get("copies") if isinstance(data.get("copies"), list) else []
    for i, copy in enumerate(copies):
        bad = sorted({ch for s in _strings(copy) for ch in s if not printable(ch)})
        if bad:
            problems.append(Problem(name, safe_yaml.line_at(root, "copies", i), f"copies[{i}]", f"characters a Chinese printer cannot print: {' '.join(bad)}"))
    if problems or model is None:
        problems.sort(key=lambda p: (p.line or 0))
        raise LayoutProblems(problems)
    blocks = list(data["blocks"])
    if blocks[-1] != "cut":  # every copy ends in a cut
        blocks.append("cut")
    title = data["title"]
    copies_out = tuple(data.get("copies") or [""])
    return LayoutSpec(str(data["id"]), title, copies_out, tuple(blocks), name)


def read_layout(path: str | Path) -> LayoutSpec:
    """A layout file read and checked; LayoutProblems (`not found` too) when it cannot be used."""
    p = Path(path)
    try:
        text = safe_yaml.read_text(p)
    except FileNotFoundError:
        raise LayoutProblems([Problem(str(p), None, "", "receipt layout not found")]) from None
    except safe_yaml.YamlRefused as exc:
        raise LayoutProblems([Problem(str(p), exc.line, "", exc.message)]) from None
    return parse_layout(text, p)


_USED: dict[tuple, dict[str, bool]] = {}


def layout_placeholders(path: str | Path) -> dict[str, bool]:
    """The placeholders a layout prints, each with whether every use is in a block shown only `if:` a value is there.

    Cached per file version (path, size, mtime): a folder of procedures reads each layout once."""
    p = Path(path)
    try:
        st = p.stat()
        key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        key = None
    if key is not None and key in _USED:
        return _USED[key]
    spec = read_layout(p)
    used: dict[str, bool] = {}
    for block in spec.blocks:
        if not isinstance(block, dict):
            continue
        guard = block.get("if")
        for kind in KINDS & set(block):
            for s in _strings(block[kind]):
                for name in _PLACEHOLDER.findall(s):
                    used[name] = used.get(name, True) and guard is not None
    if key is not None:
        if len(_USED) > 256:
            _USED.clear()
        _USED[key] = used
    return used


def layout_files(folder: str | Path) -> list[Path]:
    return sorted(Path(folder).glob("*.yaml"))


def validate_paths(paths: list[Path]) -> tuple[int, list[Problem]]:
    """(files checked, every problem) for layout files and folders of them."""
    problems: list[Problem] = []
    files = 0
    for target in paths:
        for f in layout_files(target) if target.is_dir() else [target]:
            files += 1
            try:
                read_layout(f)
            except LayoutProblems as exc:
                problems += exc.problems
    return files, problems
