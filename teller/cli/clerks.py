"""teller-admin clerks: staff numbers, roles, PINs and lock-outs."""

from __future__ import annotations

from typing import Annotated

import typer

from teller.cli.common import (
    SUPERVISOR_PIN_ENV, ByOption, Format, FormatOption, PinOption, PinStdinOption, SupervisorPinOption, ask_pin, emit, fail, noun,
    open_desk,
)
from teller.cli.params import ROLES, one_of
from teller.cli.texts import h
from teller.strings import t

clerks_app = noun(h("cli.clerks.clerks_roles_and_pins"))


def _clerk_row(rec) -> dict:
    from teller.domain.staff import is_locked

    return {"staff_no": rec.staff_no, "name": rec.name, "role": rec.role, "active": rec.active,
            "failed_logins": rec.failed_logins, "locked": is_locked(rec)}


@clerks_app.command("list", help=h("cli.clerks.staff_numbers_with_name_role"))
def clerks_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    from teller.counter import staff
    from teller.store.db import session_scope

    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rows = [_clerk_row(rec) for rec in staff.list_clerks(session=session)]
    if fmt is Format.table:
        rows = [{**r, "active": "✓" if r["active"] else "✗", "locked": "🔒" if r["locked"] else ""} for r in rows]
    columns = {"staff_no": t("cli.clerks.staff"), "name": t("cli.clerks.name"), "role": t("cli.clerks.role"), "active": t("cli.clerks.active"),
               "failed_logins": t("cli.clerks.wrong_pins"), "locked": t("cli.clerks.locked")}
    emit(rows, columns, fmt, fields=list(columns), empty=t("cli.clerks.no_staff"))


@clerks_app.command("add", help=h("cli.clerks.add_a_staff_number_with"))
def clerks_add(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help=h("cli.clerks.staff_number"), show_default=False)],
    name: Annotated[str, typer.Argument(help=h("cli.clerks.name_2"), show_default=False)],
    role: Annotated[str, typer.Option("--role", help="clerk | trainer | supervisor | ops", parser=one_of(ROLES))] = "clerk",
    pin: PinOption = None,
    pin_stdin: PinStdinOption = False,
    by: ByOption = "admin",
) -> None:
    from teller.counter import staff
    from teller.store.db import session_scope

    pin = ask_pin(pin, "PIN", stdin=pin_stdin, confirm=True)
    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.add_clerk(session=session, staff_no=staff_no, name=name, role=role, pin=pin, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(t("cli.clerks.added", staff_no=rec.staff_no, name=rec.name, role=rec.role))


@clerks_app.command("disable", help=h("cli.clerks.disable_a_staff_number_it"))
def clerks_disable(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help=h("cli.clerks.staff_number"), show_default=False)],
    by: ByOption = "admin",
) -> None:
    from teller.counter import staff
    from teller.store.db import session_scope

    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_active(session=session, staff_no=staff_no, active=False, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(t("cli.clerks.disabled", staff_no=rec.staff_no))


@clerks_app.command("enable", help=h("cli.clerks.enable_a_disabled_staff_number"))
def clerks_enable(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help=h("cli.clerks.staff_number"), show_default=False)],
    by: ByOption = "admin",
) -> None:
    from teller.counter import staff
    from teller.store.db import session_scope

    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_active(session=session, staff_no=staff_no, active=True, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(t("cli.clerks.enabled", staff_no=rec.staff_no))


@clerks_app.command("set-pin", help=h("cli.clerks.set_a_new_pin_a"))
def clerks_set_pin(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help=h("cli.clerks.staff_number"), show_default=False)],
    pin: PinOption = None,
    pin_stdin: PinStdinOption = False,
    by: ByOption = "admin",
) -> None:
    from teller.counter import staff
    from teller.store.db import session_scope

    pin = ask_pin(pin, t("cli.clerks.new_pin"), stdin=pin_stdin, confirm=True)
    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_pin(session=session, staff_no=staff_no, pin=pin, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(t("cli.clerks.new_pin_set_for", staff_no=rec.staff_no))


@clerks_app.command("set-role", help=h("cli.clerks.change_a_staff_number_s"))
def clerks_set_role(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help=h("cli.clerks.staff_number"), show_default=False)],
    role: Annotated[str, typer.Argument(help="clerk | trainer | supervisor | ops", show_default=False, parser=one_of(ROLES))],
    by: ByOption = "admin",
) -> None:
    from teller.counter import staff
    from teller.store.db import session_scope

    with open_desk(ctx) as desk, session_scope(desk.engine) as session:
        rec = staff.set_role(session=session, staff_no=staff_no, role=role, actor=by, counter=desk.counter, now=desk.now())
        typer.echo(f"✓ {rec.staff_no}: {rec.role}")


@clerks_app.command("unlock", help=h("cli.clerks.unlock_a_staff_number_after"))
def clerks_unlock(
    ctx: typer.Context,
    staff_no: Annotated[str, typer.Argument(help=h("cli.clerks.the_locked_staff_number"), show_default=False)],
    supervisor: Annotated[str, typer.Option("--supervisor", help=h("cli.clerks.supervisor_s_staff_number"), show_default=False)],
    pin: SupervisorPinOption = None,
    pin_stdin: PinStdinOption = False,
) -> None:
    from teller.counter import staff
    from teller.store.db import session_scope

    pin = ask_pin(pin, t("cli.clerks.supervisor_pin"), stdin=pin_stdin, env=SUPERVISOR_PIN_ENV)
    with open_desk(ctx) as desk:
        if supervisor.strip() == staff_no.strip():
            fail(t("auth.same_person"))
        granted = desk.authorize(supervisor, pin, action="unlock", detail=staff_no.strip())
        with session_scope(desk.engine) as session:
            rec = staff.unlock(session=session, staff_no=staff_no, supervisor=granted.staff_no, counter=desk.counter, now=desk.now())
        typer.echo(t("cli.clerks.unlocked_by", staff_no=rec.staff_no, staff_no2=granted.staff_no))
