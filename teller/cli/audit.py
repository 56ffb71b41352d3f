"""teller-admin audit: verify and show the hash-chained audit trail."""

from __future__ import annotations

from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, emit_verdict, fail, local_time, noun, open_desk
from teller.cli.params import DayOption

audit_app = noun("审计日志 / The audit trail (hash-chained)")
SinceOption = DayOption("--since", "起始营业日 / From this business day on, YYYY-MM-DD")


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    anchor: Annotated[str, typer.Option("--anchor", help="锚点（结算单上打印的 条号:哈希）/ An anchor printed earlier, ID:HASH",
                                        parser=parse_anchor, metavar="ID:HASH")] = "",
    fmt: FormatOption = Format.table,
) -> None:
    """校验审计链与账目 / Walk the hash chain and recompute the books from it; report the first break (exit 1)."""
    from sqlmodel import Session

    from teller.store import audit

    with open_desk(ctx, seed_demo=False) as desk, Session(desk.engine) as session:
        report = audit.verify(session=session, anchor=anchor or None)
        now_anchor = audit.anchor_of(session)
    verdict = {"ok": report.ok, "checked": report.checked, "broken_at": report.broken_at if not report.ok else None,
               "reason": report.reason if not report.ok else "", "anchor": now_anchor}
    if fmt is not Format.table:
        emit_verdict(verdict, fmt, lines=[])
        if not report.ok:
            raise typer.Exit(1)
        return
    if not report.ok:
        fail(f"✗ 审计链断裂 / Audit chain broken at entry {report.broken_at}: {report.reason} ({report.checked} entries checked before it)")
    typer.echo(f"✓ 审计链完整 / Audit chain intact: {report.checked} entries; anchor {now_anchor}")


def parse_anchor(value: str) -> str:
    """`ID:HASH` as `audit verify` prints it (a number, a colon, hex digits); a usage error otherwise."""
    import re

    text = (value or "").strip()
    if text and not re.fullmatch(r"\d{1,12}:[0-9a-fA-F]{4,64}", text):
        raise typer.BadParameter(f"锚点应为 条号:哈希前缀 / expected ID:HASH as audit verify prints it, got {text[:40]!r}")
    return text


AUDIT_COLUMNS = {"id": "序号 Id", "time": "时间 Time", "actor": "工号 Staff", "counter": "台席 Counter",
                 "action": "动作 Action", "detail": "内容 Detail", "tx_id": "交易 Tx", "hash": "哈希 Hash"}


@audit_app.command("show")
def audit_show(
    ctx: typer.Context,
    since: SinceOption = None,
    clerk: Annotated[str | None, typer.Option("--clerk", help="只看该工号 / Only this staff number", show_default=False)] = None,
    action: Annotated[str | None, typer.Option("--action", help="只看该动作 / Only this action (login, commit, lock, ...)", show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """列出审计记录 / Audit entries in order: time, staff, counter, action, detail, hash."""
    from sqlmodel import Session

    from teller.clock import hall_zone
    from teller.store import audit

    day = since
    with open_desk(ctx, seed_demo=False) as desk, Session(desk.engine) as session:
        start = audit.day_start(day, hall_zone(desk.settings.timezone)) if day else None
        rows = [
            {"id": e.id, "time": local_time(e.at, desk.settings, table=fmt is Format.table), "actor": e.actor, "counter": e.counter, "action": e.action,
             "detail": e.detail, "tx_id": e.tx_id if e.tx_id is not None else "",
             "hash": e.hash[:12] if fmt is Format.table else e.hash, "prev_hash": e.prev_hash}
            for e in audit.entries(session=session, since=start, actor=clerk, action=action)
        ]
    emit(rows, AUDIT_COLUMNS, fmt, fields=[*AUDIT_COLUMNS, "prev_hash"], empty="没有审计记录 / No audit entries",
         optional=("hash", "counter", "tx_id"))
