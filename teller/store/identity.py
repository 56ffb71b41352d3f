"""Which database a URL opens, by identity rather than by spelling, and what that database is.

`./`, `../`, `//`, a symlink, a relative path or a `file:` URI can all name the live SQLite
file: comparing URL strings is no guard. `database_file` asks SQLAlchemy's own SQLite dialect
what it will hand to sqlite3 and resolves that to a real file; `same_database` compares real
paths, and device and inode when both files exist (a hard link is the same file too).
Each database also records what it is (live or practice) in its `meta` table when it is
created; `teller.store.db.init_schema` refuses to open it in the other mode.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

MODE_KEY = "database_mode"
MODES = ("live", "practice")


def _connect_target(url: str) -> tuple[str, bool] | None:
    """(filename, uri flag) exactly as SQLAlchemy will pass them to sqlite3; None for other databases."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    dialect = parsed.get_dialect()()
    (filename, *_), kw = dialect.create_connect_args(parsed)
    return str(filename), bool(kw.get("uri"))


def database_file(url: str) -> Path | None:
    """The real file a SQLite URL opens (symlinks, `..`, `//` and `file:` URIs resolved).

    None for an in-memory database or a database that is not SQLite.
    """
    target = _connect_target(url)
    if target is None:
        return None
    filename, uri = target
    if uri and filename.startswith("file:"):
        parts = urlsplit(filename)
        query = parse_qs(parts.query)
        if query.get("mode", [""])[-1] == "memory":
            return None
        path = unquote(parts.path)
        if not path:
            return None
        filename = path
    if not filename or filename == ":memory:":
        return None
    return Path(os.path.realpath(os.path.abspath(filename)))


def _server_identity(url: str) -> tuple:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return (u.get_backend_name(), (u.host or "localhost").lower(), u.port, u.database)


def same_database(a: str, b: str) -> bool:
    """Whether two URLs open the same database (the same file, however it is spelled)."""
    if not a or not b:
        return False
    fa, fb = database_file(a), database_file(b)
    if fa is None and fb is None:
        try:
            return _server_identity(a) == _server_identity(b)
        except Exception:
            return a == b
    if fa is None or fb is None:
        return False
    if fa.exists() and fb.exists():
        return os.path.samefile(fa, fb)
    return os.path.normcase(str(fa)) == os.path.normcase(str(fb))
