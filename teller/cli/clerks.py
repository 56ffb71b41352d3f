"""teller-admin clerks: staff numbers, roles, PINs and lock-outs."""

from __future__ import annotations

from typing import Annotated

import typer

from teller.cli.common import (
    SUPERVISOR_PIN_ENV, ByOption, Format, FormatOption, PinOption, PinStdinOption, SupervisorPinOption, ask_pin, emit, fail, noun,
    open_desk,
)
from teller.cli.params import ROLES, one_of

clerks_app = noun("营业员与角色 / Clerks, roles and PINs")


def _clerk_row(rec) -> dict:
    from teller.domain.staff import is_locked

    return {"staff_no": rec.staff_no, "name": rec.name, "role": rec.role, "active": rec.active,
            "failed_logins": rec.failed_logins, "locked": is_locked(rec)}


@clerks_app.command("list")
def clerks_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """列出员工 / Staff numbers with name, role, active, wrong-PIN count and lock (🔒)."""
    from teller.counter import staff
    from teller.store.db import session_scope

    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rows = [_clerk_row(rec) for rec in staff.list_clerks(session=session)]
    if fmt is Format.table:
        rows = [{**r, "active": "✓" if r["active"] else "✗", "locked": "🔒" if r["locked"] else ""} for r in rows]
    columns = {"staff_no": "工号 Staff", "name": "姓名 Name", "role": "角色 Role", "active": "在岗 Active",
               "failed_logins": "错误次数 Wrong PINs", "locked": "锁定 Locked"}
    emit(rows, columns, fmt, fields=list(columns), empty="没有员工 / No staff")


@clerks_app.command("add")
def clerks_add(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="工号 / Staff number", show_default=False)],
    name: Annotated[str, typer.Argument(help="姓名 / Name", show_default=False)],
    role: Annotated[str, typer.Option("--role", help="clerk | trainer | supervisor | ops", parser=one_of(ROLES))] = "clerk",
    pin: PinOption = None,
    pin_stdin: PinStdinOption = False,
    by: ByOption = "admin",
) -> None:
    """新增员工 / Add a staff number with a role and a PIN (4–8 digits, not one digit repeated)."""
    from teller.counter import staff
    from teller.store.db import session_scope

    pin = ask_pin(pin, "PIN", stdin=pin_stdin, confirm=True)
    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.add_clerk(session=session, staff_no=staff_no, name=name, role=role, pin=pin, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ 已新增 / Added {rec.staff_no} {rec.name} ({rec.role})")


@clerks_app.command("disable")
def clerks_disable(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="工号 / Staff number", show_default=False)],
    by: ByOption = "admin",
) -> None:
    """停用工号 / Disable a staff number (it can no longer log in or authorise)."""
    from teller.counter import staff
    from teller.store.db import session_scope

    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_active(session=session, staff_no=staff_no, active=False, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ 已停用 / Disabled {rec.staff_no}")


@clerks_app.command("enable")
def clerks_enable(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="工号 / Staff number", show_default=False)],
    by: ByOption = "admin",
) -> None:
    """恢复工号 / Enable a disabled staff number again."""
    from teller.counter import staff
    from teller.store.db import session_scope

    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_active(session=session, staff_no=staff_no, active=True, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ 已恢复 / Enabled {rec.staff_no}")


@clerks_app.command("set-pin")
def clerks_set_pin(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="工号 / Staff number", show_default=False)],
    pin: PinOption = None,
    pin_stdin: PinStdinOption = False,
    by: ByOption = "admin",
) -> None:
    """重设 PIN / Set a new PIN (a locked number stays locked until a supervisor unlocks it)."""
    from teller.counter import staff
    from teller.store.db import session_scope

    pin = ask_pin(pin, "新 PIN / New PIN", stdin=pin_stdin, confirm=True)
    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_pin(session=session, staff_no=staff_no, pin=pin, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ 已重设 PIN / New PIN set for {rec.staff_no}")


@clerks_app.command("set-role")
def clerks_set_role(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="工号 / Staff number", show_default=False)],
    role: Annotated[str, typer.Argument(help="clerk | trainer | supervisor | ops", show_default=False, parser=one_of(ROLES))],
    by: ByOption = "admin",
) -> None:
    """更改角色 / Change a staff number's role."""
    from teller.counter import staff
    from teller.store.db import session_scope

    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_role(session=session, staff_no=staff_no, role=role, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ {rec.staff_no}: {rec.role}")


@clerks_app.command("unlock")
def clerks_unlock(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help="被锁定的工号 / The locked staff number", show_default=False)],
    supervisor: Annotated[str, typer.Option("--supervisor", help="值班长工号 / Supervisor's staff number", show_default=False)],
    pin: SupervisorPinOption = None,
    pin_stdin: PinStdinOption = False,
) -> None:
    """解锁工号 / Unlock a staff number after five wrong PINs: a supervisor's number and PIN."""
    from teller.counter import staff
    from teller.store.db import session_scope

    pin = ask_pin(pin, "值班长 PIN / Supervisor PIN", stdin=pin_stdin, env=SUPERVISOR_PIN_ENV)
    with open_desk(ctx) as desk:
        if supervisor.strip() == staff_no.strip():
            from teller.strings import t

            fail(t("auth.same_person"))
        granted = desk.authorize(supervisor, pin, action="unlock", detail=staff_no.strip())
        with session_scope(desk.engine) as session:
            rec = staff.unlock(session=session, staff_no=staff_no, supervisor=granted.staff_no, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ 已解锁 / Unlocked {rec.staff_no} (by {granted.staff_no})")
