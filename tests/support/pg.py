"""A real PostgreSQL server for the tests, campaigns and benchmarks: started from the machine's
binaries in a temporary folder, listening on a Unix socket in that folder only, stopped after.

    with PgServer.start() as server:
        url = server.create_database("t1")            # postgresql+psycopg://postgres@/t1?host=/tmp/...
        server.create_database("t2", template="t1")  # a copy of t1 (its seeded data), fast
        server.drop_database("t1")

Binaries: $TELLER_PG_BIN, else `initdb` on the PATH, /usr/local/bin, then the newest
/usr/lib/postgresql/<v>/bin (Debian's `postgresql` package). PostgreSQL refuses to run as
root: as root, initdb / pg_ctl run as the `postgres` user through `runuser` (created with
`useradd` when missing), and the folder is given to that user. `PgUnavailable` says why a
server could not be started (the caller decides whether that is a skip or a failure).

`fast=True` (the tests) turns fsync and synchronous_commit off: a crash of the test machine
loses nothing that matters. The benchmark starts it with `fast=False` (the server's defaults).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "postgres"


class PgUnavailable(RuntimeError):
    """No PostgreSQL server could be started here (the message says why)."""


def find_bin_dir() -> Path:
    env = os.environ.get("TELLER_PG_BIN")
    candidates = [env] if env else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    candidates.append("/usr/local/bin")
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0, reverse=True)
    candidates.extend(versions)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise PgUnavailable("no PostgreSQL binaries (initdb, pg_ctl) found: install Debian's `postgresql` package or set TELLER_PG_BIN")


def _ensure_user() -> None:
    try:
        pwd.getpwnam(USER)
    except KeyError:
        r = subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/bin/sh", USER], capture_output=True, text=True)
        if r.returncode != 0:
            raise PgUnavailable(f"cannot create the {USER} user to run PostgreSQL as: {r.stderr.strip()}") from None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, root: Path, bin_dir: Path, port: int, as_root: bool) -> None:
        self.root = root
        self.bin_dir = bin_dir
        self.port = port
        self.as_root = as_root
        self.data = root / "data"
        self._counter = 0

    # ---- life ---------------------------------------------------------------------------------
    @classmethod
    def start(cls, *, fast: bool = True, timeout_s: float = 60.0) -> "PgServer":
        bin_dir = find_bin_dir()
        as_root = os.geteuid() == 0
        root = Path(tempfile.mkdtemp(prefix="teller-pg-"))
        if as_root:
            _ensure_user()
            info = pwd.getpwnam(USER)
            os.chown(root, info.pw_uid, info.pw_gid)
        server = cls(root, bin_dir, _free_port(), as_root)
        try:
            server._run("initdb", "-D", str(server.data), "-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
            opts = [f"-k {root}", "-c listen_addresses=''", f"-p {server.port}", "-c max_connections=300"]
            if fast:
                opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
            server._run("pg_ctl", "-D", str(server.data), "-l", str(root / "server.log"), "-o", " ".join(opts), "-w", "-t", str(int(timeout_s)), "start")
        except PgUnavailable:
            server._cleanup()
            raise
        return server

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bin_dir / tool), *args]
        if self.as_root:
            cmd = ["runuser", "-u", USER, "--", *cmd]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=str(self.root))
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PgUnavailable(f"{tool} could not run: {exc}") from None
        if r.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            raise PgUnavailable(f"{tool} failed ({r.returncode}): {(r.stderr or r.stdout).strip()[-800:]} {tail}".strip())

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        except PgUnavailable:
            pass
        finally:
            self._cleanup()

    def _cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "PgServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- databases ------------------------------------------------------------------------------
    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL of a database on this server (psycopg 3, the Unix socket)."""
        return f"postgresql+psycopg://{USER}@/{dbname}?host={self.root}&port={self.port}"

    def connect(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(host=str(self.root), port=self.port, user=USER, dbname=dbname, autocommit=True)

    def create_database(self, name: str | None = None, *, template: str | None = None) -> str:
        """A new database (a copy of `template` when given); returns its URL."""
        if name is None:
            self._counter += 1
            name = f"t{os.getpid()}_{self._counter}"
        with self.connect() as con:
            tmpl = f' TEMPLATE "{template}"' if template else ""
            for attempt in range(50):
                try:
                    con.execute(f'CREATE DATABASE "{name}"{tmpl}')
                    break
                except Exception as exc:  # the template still has a session closing: wait for it
                    if "being accessed by other users" not in str(exc) or attempt == 49:
                        raise
                    time.sleep(0.1)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.connect() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def psql(self, dbname: str, sql: str) -> str:
        """Run SQL through the psql client (as an operator would); returns its output."""
        r = subprocess.run(
            [str(self.bin_dir / "psql"), "-h", str(self.root), "-p", str(self.port), "-U", USER, "-d", dbname, "-Atc", sql],
            capture_output=True, text=True, timeout=60,
        )
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        return r.stdout


def dbname_of(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database
