"""teller-admin db: create, back up and check the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, emit_verdict, fail, noun, open_settings
from teller.errors import TellerError
from teller.cli.texts import h
from teller.strings import t

db_app = noun(h("cli.db.database"))


@db_app.command("init", help=h("cli.db.create_the_database_at_the"))
def db_init(
    ctx: typer.Context,
    demo: Annotated[bool | None, typer.Option("--demo/--empty", help=h("cli.db.the_demo_hall_or_an"), show_default=False)] = None,
) -> None:
    from teller.clock import Clock, hall_zone
    from teller.store import db, schema

    settings = open_settings(ctx)
    seed = settings.seed_demo if demo is None else demo
    try:
        if settings.mode.is_demo_hall:  # the practice database is the demo hall, always
            from teller.desk import Desk

            Desk(settings).open().close()
            fresh, seed = True, True
        else:
            fresh = db.create_database(settings.database_url, seed_demo=seed, now=Clock(hall_zone(settings.timezone)).now(),
                                           home=settings.home)
        engine = db.open_engine(settings.database_url)
        try:
            revision = schema.current(engine)
        finally:
            engine.dispose()
    except TellerError as exc:
        fail(exc.message)
    where = settings.database_url if not settings.database_url.startswith("postgresql") else _safe_url(settings.database_url)
    state = t("cli.db.created") if fresh else t("cli.db.already_there_upgraded")
    hall = t("cli.db.demo_hall") if seed else t("cli.db.empty_hall")
    typer.echo(t("cli.db.database_ready_schema", where=where, state=state, hall=hall, revision=revision))


@db_app.command("upgrade", help=h("cli.db.apply_the_schema_migrations_not"))
def db_upgrade(ctx: typer.Context) -> None:
    from teller.store import db, schema

    settings = open_settings(ctx)
    try:
        if settings.mode.database_must_exist:
            db.require_database(settings.database_url)
        engine = db.open_engine(settings.database_url)
        try:
            before = schema.current(engine)
            applied = schema.upgrade(engine)
            after = schema.current(engine)
        finally:
            engine.dispose()
    except TellerError as exc:
        fail(exc.message)
    if applied:
        typer.echo(t("cli.db.upgraded", value=before or '0.1', after=after, join=', '.join(applied)))
    else:
        typer.echo(t("cli.db.already_at_the_newest_schema", after=after))


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_app.command("backup", help=h("cli.db.a_consistent_copy_of_the"))
def db_backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help=h("cli.db.the_backup_file_to_write"), dir_okay=False, show_default=False)],
    force: Annotated[bool, typer.Option("--force", help=h("cli.db.overwrite_an_existing_file"))] = False,
    fmt: FormatOption = Format.table,
) -> None:
    from teller.store.backup import backup

    settings = open_settings(ctx)
    import sqlite3

    try:
        report = backup(settings.database_url, path, overwrite=force)
    except TellerError as exc:
        fail(exc.message)
    except (OSError, sqlite3.Error) as exc:  # the folder is missing or read-only, the name too long, ...
        fail(t("cli.db.cannot_write_the_backup_there", path=path, value=getattr(exc, 'strerror', None) or exc), 2)
    ok = report.integrity == "ok"
    if fmt is Format.table:
        typer.echo(t("cli.db.backed_up_to_bytes_integrity", path=report.path, size_bytes=report.size_bytes, integrity=report.integrity))
        rows = [{"table": name, "rows": n} for name, n in report.row_counts.items()]
        emit(rows, {"table": t("cli.db.table"), "rows": t("cli.db.rows")}, Format.table, fields=["table", "rows"])
    elif fmt is Format.json:
        emit_verdict({"ok": ok, "path": str(report.path), "size_bytes": report.size_bytes, "integrity": report.integrity,
                      "tables": report.row_counts}, fmt, lines=[])
    else:  # one row per table, the copy's figures on each
        rows = [{"path": str(report.path), "size_bytes": report.size_bytes, "integrity": report.integrity, "table": name, "rows": n}
                for name, n in report.row_counts.items()]
        emit(rows, {}, Format.csv, fields=["path", "size_bytes", "integrity", "table", "rows"])
    if not ok:
        fail(t("cli.db.the_copy_failed_its_integrity"))


@db_app.command("check", help=h("cli.db.integrity_sqlite_pragmas_postgresql_every"))
def db_check(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    from teller.store.backup import check

    settings = open_settings(ctx)
    try:
        report = check(settings.database_url, home=settings.home)
    except TellerError as exc:
        fail(exc.message)
    verdict = {"ok": report.ok, "integrity": report.integrity, "foreign_keys": report.foreign_keys,
               "audit_checked": report.audit_checked, "audit_problem": report.audit_problem}
    lines = report.lines() + ([] if not report.ok else [t("cli.db.database_ok")])
    emit_verdict(verdict, fmt, lines=lines)
    if not report.ok:
        fail(t("cli.db.the_database_check_found_problems"))
