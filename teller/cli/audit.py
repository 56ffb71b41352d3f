"""teller-admin audit: verify and show the hash-chained audit trail."""

from __future__ import annotations

from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, emit_verdict, fail, local_time, noun, open_desk
from teller.cli.params import DayOption
from teller.cli.texts import h, headers
from teller.strings import t

audit_app = noun(h("cli.audit.the_audit_trail_hash_chained"))
SinceOption = DayOption("--since", h("cli.audit.from_this_business_day_on"))


@audit_app.command("verify", help=h("cli.audit.walk_the_hash_chain_and"))
def audit_verify(
    ctx: typer.Context,
    anchor: Annotated[str, typer.Option("--anchor", help=h("cli.audit.an_anchor_printed_earlier_id"),
                                        parser=parse_anchor, metavar="ID:HASH")] = "",
    fmt: FormatOption = Format.table,
) -> None:
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
        fail(t("cli.audit.audit_chain_broken_at_entry", broken_at=report.broken_at, reason=report.reason, checked=report.checked))
    typer.echo(t("cli.audit.audit_chain_intact_entries_anchor", checked=report.checked, now_anchor=now_anchor))


def parse_anchor(value: str) -> str:
    """`ID:HASH` as `audit verify` prints it (a number, a colon, hex digits); a usage error otherwise."""
    import re

    text = (value or "").strip()
    if text and not re.fullmatch(r"\d{1,12}:[0-9a-fA-F]{4,64}", text):
        raise typer.BadParameter(t("cli.audit.expected_id_hash_as_audit", value=text[:40]))
    return text


#: column -> the key of its header (worded when the table is shown: teller.cli.texts.headers)
AUDIT_COLUMNS = {"id": "cli.audit.id", "time": "cli.audit.time", "actor": "cli.audit.staff", "counter": "cli.audit.counter",
                 "action": "cli.audit.action", "detail": "cli.audit.detail", "tx_id": "cli.audit.tx", "hash": "cli.audit.hash"}


@audit_app.command("show", help=h("cli.audit.audit_entries_in_order_time"))
def audit_show(
    ctx: typer.Context,
    since: SinceOption = None,
    clerk: Annotated[str | None, typer.Option("--clerk", help=h("cli.audit.only_this_staff_number"), show_default=False)] = None,
    action: Annotated[str | None, typer.Option("--action", help=h("cli.audit.only_this_action_login_commit"), show_default=False)] = None,
    fmt: FormatOption = Format.table,
) -> None:
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
    emit(rows, headers(AUDIT_COLUMNS), fmt, fields=[*AUDIT_COLUMNS, "prev_hash"], empty=t("cli.audit.no_audit_entries"),
         optional=("hash", "counter", "tx_id"))
