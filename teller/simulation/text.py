"""The walk as `teller-admin procedures simulate` prints it."""

from __future__ import annotations

from teller.domain.money import money
from teller.procedures.engine import FeeLine
from teller.simulation.traced import MAX_MOVES, Passed, Refusal, Said, Visit, Walk

# ---- the report, as `procedures simulate` prints it --------------------------------------------------------


def report(walk_: Walk, *, columns: int = 48) -> list[str]:
    """The walk as lines of text: the script, gates, the fee table, the changes and the papers."""
    lines: list[str] = []
    for event in walk_.events:
        if isinstance(event, Said):
            head = f"[{event.step}]" + (f" ({event.kind})" if event.kind not in ("say", "input") else "")
            lines.append(f"{head} 「{event.text}」")
            if event.answer is not None:
                lines.append(f"    → {event.answer}")
        elif isinstance(event, Passed):
            lines.append(f"  · {event.what}: {event.step} ({event.condition})")
        elif isinstance(event, Refusal):
            lines.append(f"    ✗ {event.step}: {event.message}")
        elif isinstance(event, Visit):
            lines += _visit_lines(event, columns)
    end = {
        "finished": "= finished",
        "stopped": f"= stopped at {walk_.stop_step}: {walk_.stop_code}",
        "refused": f"= refused at {walk_.refusal.step}: {walk_.refusal.message}" if walk_.refusal else "= refused",
        "missing": f"= no answer for `{walk_.missing[1]}` at step {walk_.missing[0]}" if walk_.missing else "= missing",
        "loop": f"= more than {MAX_MOVES} moves: a loop",
        "cancelled": "= cancelled",
    }.get(walk_.state, f"= {walk_.state}")
    if not walk_.visits and walk_.fees:
        lines += _fee_lines(walk_.fees, sum(f.amount_fen for f in walk_.fees), None, None)
    lines.append(end)
    if walk_.state == "finished" and not walk_.visits:
        lines.append("  没有记录交易 / nothing recorded")
    return lines


def _fee_lines(fees: list[FeeLine], total: int, tendered: int | None, change: int | None) -> list[str]:
    from teller.printing.layouts import cells

    out = ["", "fees:"]
    width = max([cells(f.label) for f in fees] + [4]) + 2

    def row(code: str, label: str, fen: int) -> str:
        return f"  {code:<14} {label}{' ' * (width - cells(label))} {money(fen):>12}"

    out += [row(f.code, f.label, f.amount_fen) for f in fees]
    out.append(row("total", "", total))
    if tendered:
        out += [row("tendered", "", tendered), row("change", "", change or 0)]
    return out


def _visit_lines(visit: Visit, columns: int) -> list[str]:
    out = _fee_lines(visit.fees, visit.total_fen, visit.tendered_fen, visit.change_fen) if visit.fees or visit.total_fen else ["", "fees: none"]
    out += ["", f"committed: {visit.receipt_no}", "changes:"]
    out += [f"  {c}" for c in visit.changes] or ["  (none)"]
    for layout, copies in visit.papers.items():
        for n, text in enumerate(copies, 1):
            out += ["", f"paper: {layout}" + (f" (copy {n})" if len(copies) > 1 else "")]
            out += [f"  {ln}" for ln in text.rstrip("\n").splitlines()]
    for error in visit.paper_errors:
        out.append(f"paper not rendered: {error}")
    out.append("")
    return out
