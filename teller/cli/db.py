"""teller-admin db: create, back up and check the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, emit_verdict, fail, noun, open_desk, open_settings
from teller.errors import TellerError

db_app = noun("数据库 / Database")


@db_app.command("init")
def db_init(
    ctx: typer.Context,
    demo: Annotated[bool | None, typer.Option("--demo/--empty", help="演示营业厅或空营业厅 / The demo hall, or an empty one (default: the seed_demo setting)", show_default=False)] = None,
) -> None:
    """新建数据库 / Create the database at the newest schema (the only command that creates one): the demo hall, or empty with seed_demo = false / --empty."""
    from teller.clock import Clock, hall_zone
    from teller.store import db, schema

    settings = open_settings(ctx)
    seed = settings.seed_demo if demo is None else demo
    try:
        if settings.practice:  # the practice database is the demo hall, always
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
    state = "新建 / created" if fresh else "已存在，已升级 / already there, upgraded"
    hall = "演示营业厅 / demo hall" if seed else "空营业厅 / empty hall"
    typer.echo(f"数据库已就绪 / Database ready: {where} ({state}; {hall}; schema {revision})")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """升级数据库结构 / Apply the schema migrations not applied yet (Alembic; SQLite and PostgreSQL)."""
    from teller.store import db, schema

    settings = open_settings(ctx)
    try:
        if not settings.practice:
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
        typer.echo(f"已升级 / Upgraded {before or '0.1'} → {after}: {', '.join(applied)}")
    else:
        typer.echo(f"已是最新 / Already at the newest schema ({after})")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="备份文件 / The backup file to write", dir_okay=False, show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / Overwrite an existing file")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """在线备份 / A consistent copy of the database while counters keep working (SQLite online backup; PostgreSQL: pg_dump -Fc)."""
    from teller.store.backup import backup

    settings = open_settings(ctx)
    import sqlite3

    try:
        report = backup(settings.database_url, path, overwrite=force)
    except TellerError as exc:
        fail(exc.message)
    except (OSError, sqlite3.Error) as exc:  # the folder is missing or read-only, the name too long, ...
        fail(f"{path}: 无法写入备份 / cannot write the backup there ({getattr(exc, 'strerror', None) or exc})", 2)
    ok = report.integrity == "ok"
    if fmt is Format.table:
        typer.echo(f"✓ 已备份 / Backed up to {report.path}: {report.size_bytes:,} bytes, integrity {report.integrity}")
        rows = [{"table": name, "rows": n} for name, n in report.row_counts.items()]
        emit(rows, {"table": "表 Table", "rows": "行数 Rows"}, Format.table, fields=["table", "rows"])
    elif fmt is Format.json:
        emit_verdict({"ok": ok, "path": str(report.path), "size_bytes": report.size_bytes, "integrity": report.integrity,
                      "tables": report.row_counts}, fmt, lines=[])
    else:  # one row per table, the copy's figures on each
        rows = [{"path": str(report.path), "size_bytes": report.size_bytes, "integrity": report.integrity, "table": name, "rows": n}
                for name, n in report.row_counts.items()]
        emit(rows, {}, Format.csv, fields=["path", "size_bytes", "integrity", "table", "rows"])
    if not ok:
        fail("✗ 备份文件完整性检查未通过 / The copy failed its integrity check")


@db_app.command("check")
def db_check(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """检查数据库 / Integrity (SQLite PRAGMAs; PostgreSQL: every table read, constraints validated), then the audit chain; exit 1 on a problem."""
    from teller.store.backup import check

    settings = open_settings(ctx)
    try:
        report = check(settings.database_url, home=settings.home)
    except TellerError as exc:
        fail(exc.message)
    verdict = {"ok": report.ok, "integrity": report.integrity, "foreign_keys": report.foreign_keys,
               "audit_checked": report.audit_checked, "audit_problem": report.audit_problem}
    lines = report.lines() + ([] if not report.ok else ["✓ 数据库完好 / Database OK"])
    emit_verdict(verdict, fmt, lines=lines)
    if not report.ok:
        fail("✗ 数据库检查发现问题 / The database check found problems")
