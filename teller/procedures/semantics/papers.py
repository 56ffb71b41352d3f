"""Paper checks: layouts a commit never prints, a paper listed twice, an invoice with no fees, and
placeholders of a layout this procedure's receipt can never fill."""

from __future__ import annotations

from pathlib import Path

from teller.procedures.schema import Procedure
from teller.procedures.semantics.findings import ERROR, WARNING, Context, Finding
from teller.procedures.semantics.flow import Flow

#: Values a transaction's receipt fills (teller.printing.jobs.receipt_data), by what they need.
RECEIPT_ALWAYS = frozenset({
    "hall", "counter", "clerk", "time", "receipt_no", "procedure", "procedure_version", "total", "title", "copy", "status",
    "total_capital",
})
RECEIPT_CUSTOMER = frozenset({"customer_number", "customer_name", "customer_id"})
RECEIPT_CASH = frozenset({"tendered", "change"})
def _receipt_optional() -> frozenset[str]:
    """Filled only when a feature or an operation records them with the transaction (`_receipt`,
    Outcome.receipt): shown under `if:`."""
    from teller.layout_file import EXTRA_PLACEHOLDERS

    return frozenset(EXTRA_PLACEHOLDERS)
#: Layouts a commit never prints: what they show is not a transaction's.
NOT_FOR_COMMITS = {  # (void and settlement are refused by the loader's references, before these checks)
    "void": "the void slip is printed by a void (F7, `teller-admin tx void`), never by a commit: remove it from `print`",
    "settlement": "the settlement slip is printed when a shift closes, never by a commit: remove it from `print`",
    "testpage": "the test page is for the printer (`teller-admin receipts test-page`): remove it from `print`",
}



def check_papers(proc: Procedure, flow: Flow, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[str, int] = {}
    has_cash = any(s.input and s.input.kind == "cash" for s in proc.steps)
    for i, name in enumerate(proc.print):
        loc = ("print", i)
        if name in seen:
            out.append(Finding(loc, f"{name!r} is printed twice (also print[{seen[name]}]): list each paper once (a layout's `copies` prints several copies)"))
            continue
        seen[name] = i
        if name in NOT_FOR_COMMITS:
            out.append(Finding(loc, NOT_FOR_COMMITS[name]))
            continue
        if name == "invoice" and not proc.fees:
            out.append(Finding(loc, "an invoice (收费凭证) for a procedure with no fees prints ¥0.00: print a slip instead", WARNING))
        if ctx.layouts_dir is None:
            continue
        from teller.layout_file import LayoutProblem, layout_placeholders

        try:
            used = layout_placeholders(Path(ctx.layouts_dir) / f"{name}.yaml")
        except LayoutProblem as exc:
            out.append(Finding(loc, f"layout {name!r}: {exc.message}"))
            continue
        out += [Finding(loc, m, sev) for m, sev in _unfilled(proc, name, used, has_cash)]
    return out


def _unfilled(proc: Procedure, layout: str, used: dict[str, bool], has_cash: bool) -> list[tuple[str, str]]:
    """Placeholders of a layout this procedure's receipt can never fill. `used`: name -> guarded by `if:`."""
    out = []
    for name, guarded in sorted(used.items()):
        if guarded or name in RECEIPT_ALWAYS:
            continue
        if name in RECEIPT_CUSTOMER:
            if proc.customer == "none":
                out.append((f"layout {layout!r} prints {{{name}}}, which a procedure with `customer: none` never fills: it prints empty; guard the block with `if: {name}`", WARNING))
        elif name in RECEIPT_CASH:
            if not has_cash:
                out.append((f"layout {layout!r} prints {{{name}}}, but this procedure takes no cash: it prints empty; guard the block with `if: tendered`", WARNING))
        elif name in _receipt_optional():
            out.append((f"layout {layout!r} prints {{{name}}} unguarded; a commit fills it only when an operation records it: guard the block with `if: {name}`", WARNING))
        else:
            out.append((f"layout {layout!r} prints {{{name}}}, which a transaction's receipt never fills (it belongs to another paper): it would print empty", ERROR))
    return out
