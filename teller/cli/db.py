"""teller-admin db: create, back up and check the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from teller.cli.common import Format, FormatOption, emit, emit_verdict, fail, noun, open_desk, open_settings
from teller.errors import TellerError

db_app = noun("数据库 / Database")


@db_app.command("init")
def db_init(ctx: typer.Context) -> None:
    """初始化数据库 / Create the database tables (no demo data)."""
    with open_desk(ctx, seed_demo=False) as desk:
        typer.echo(f"数据库已就绪 / Database ready: {desk.settings.database_url}")



@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="备份文件 / The backup file to write", dir_okay=False, show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / Overwrite an existing file")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """在线备份 / A consistent copy of the database while counters keep working (SQLite online backup)."""
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
    """检查数据库 / PRAGMA integrity_check, foreign_key_check and the audit chain; exit 1 on a problem."""
    from teller.store.backup import check

    settings = open_settings(ctx)
    try:
        report = check(settings.database_url)
    except TellerError as exc:
        fail(exc.message)
    verdict = {"ok": report.ok, "integrity": report.integrity, "foreign_keys": report.foreign_keys,
               "audit_checked": report.audit_checked, "audit_problem": report.audit_problem}
    lines = report.lines() + ([] if not report.ok else ["✓ 数据库完好 / Database OK"])
    emit_verdict(verdict, fmt, lines=lines)
    if not report.ok:
        fail("✗ 数据库检查发现问题 / The database check found problems")
