"""Raw SQL on the home's live database, whichever it is (SQLite file or PostgreSQL), for tests
that look at or tamper with rows behind the program's back.

    with db_connect(home) as con:
        con.execute("UPDATE customer SET balance_fen = ? WHERE number = ?", (1, "138..."))
        rows = con.execute("SELECT ...").fetchall()

`?` placeholders as sqlite3 takes them; the block commits on success. Rows are tuples;
booleans come back as 0/1 and dates as ISO text on both databases, as sqlite3 gives them.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path


def url_of(home_or_url) -> str:
    if isinstance(home_or_url, str) and "://" in home_or_url:
        return home_or_url
    from teller.config import load_settings

    if hasattr(home_or_url, "database_url"):
        return home_or_url.database_url
    return load_settings(home=Path(home_or_url)).database_url


def _plain(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


class Row(tuple):
    """A tuple that also answers row["column"] (as sqlite3.Row does)."""

    keys_: tuple = ()

    def __getitem__(self, key):
        if isinstance(key, str):
            return tuple.__getitem__(self, self.keys_.index(key))
        return tuple.__getitem__(self, key)

    def keys(self):
        return list(self.keys_)


class _Result:
    def __init__(self, result) -> None:
        self._rows = []
        if result.returns_rows:
            keys = tuple(result.keys())
            for row in result:
                r = Row(_plain(v) for v in row)
                r.keys_ = keys
                self._rows.append(r)
        self.rowcount = result.rowcount

    def fetchall(self):
        return list(self._rows)

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def __iter__(self):
        return iter(self._rows)


class _Con:
    def __init__(self, con) -> None:
        self._con = con

    def execute(self, sql: str, params=()):
        from sqlalchemy import text

        n = iter(range(10_000))
        named = re.sub(r"\?", lambda _m: f":p{next(n)}", sql)
        binds = {f"p{i}": v for i, v in enumerate(params)}
        return _Result(self._con.execute(text(named), binds))

    def executemany(self, sql: str, rows):
        for row in rows:
            self.execute(sql, row)

    def close(self) -> None:
        """(sqlite3's connection is closed after its `with`; here the block does it)"""

    row_factory = None  # sqlite3.Row's by-name access is always there

    def commit(self) -> None:
        self._con.commit()
        self._con.begin()

    @property
    def dialect(self) -> str:
        return self._con.dialect.name


@contextmanager
def db_connect(home_or_url):
    from sqlalchemy import create_engine

    url = url_of(home_or_url)
    engine = create_engine(url)
    try:
        with engine.begin() as con:
            yield _Con(con)
    finally:
        engine.dispose()


def is_postgres(home_or_url) -> bool:
    return url_of(home_or_url).startswith("postgresql")
