"""The MAC key of the audit head, kept outside the database (mode 0600, 32 random bytes).

SQLite: `<home>/keys/<db file name>.audit-key` for `<home>/db/<db file name>`.
PostgreSQL: `<home>/keys/<database name>.audit-key` in the teller home of whoever opened the
engine (`teller.store.db.open_engine(url, home=...)`). Every counter PC of a hall shares the
database, so they must share this file: `teller-admin db init` makes it; copy it (mode 0600)
into each counter's `keys/` folder. A PC without it cannot append to a chain whose head
carries a MAC (its entries would carry none, or one under another key): it refuses, naming
the file (`append` raises). An engine opened without a home on PostgreSQL reads no key: its
`audit verify` skips the MAC (the other checks run).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

_keys: dict[str, bytes] = {}
_paths: dict[str, Path] = {}
KEYS_DIR = "_teller_keys_dir"  # on a PostgreSQL engine: the home's keys folder


def key_path(database: str) -> Path:
    """<home>/keys/<db file name>.audit-key for <home>/db/<db file name>."""
    found = _paths.get(database)
    if found is None:
        db = Path(database).resolve()
        found = _paths[database] = db.parent.parent / "keys" / f"{db.name}.audit-key"
    return found


def key_file(bind) -> Path | None:
    """Where the key of this engine's database lives; None when it has none (in memory, or a
    PostgreSQL engine opened without a teller home)."""
    if bind.dialect.name == "sqlite":
        database = bind.url.database
        return None if not database or database == ":memory:" else key_path(database)
    keys = getattr(bind, KEYS_DIR, None)
    name = bind.url.database
    return Path(keys) / f"{name}.audit-key" if keys and name else None


def use_home(engine, home) -> None:
    """A PostgreSQL engine reads and writes the head's MAC with `<home>/keys/<database>.audit-key`."""
    if engine.dialect.name != "sqlite" and home is not None:
        setattr(engine, KEYS_DIR, str(Path(home) / "keys"))


def audit_key(session, *, create: bool) -> bytes | None:
    """The MAC key of this database (created with `create` when missing); None when there is none."""
    path = key_file(session.get_bind())
    if path is None:
        return None
    cached = _keys.get(str(path))
    if cached is not None and path.exists():
        return cached
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
                f.flush()
                os.fsync(f.fileno())
    key = bytes.fromhex(path.read_text().strip())
    _keys[str(path)] = key
    return key
