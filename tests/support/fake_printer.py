"""A fake raw-TCP (port 9100 style) receipt printer on 127.0.0.1 for tests.

Stdlib only.  One background thread runs a selector loop that wakes every
``_TICK`` seconds, so stopping is prompt; the thread also gives up on its own
after ``lifetime`` seconds.  Every wait has a timeout: nothing can hang.

Modes:
  accept         read everything until the client closes; bytes go to ``received``
                 (all connections) and ``jobs`` (one entry per connection).
  stall          accept connections but never read (small SO_RCVBUF), hold them
                 open until stop, so a large enough write blocks / times out.
  close_mid_job  read ``close_after`` bytes, then close with SO_LINGER 0 (reset).
  refuse         no listener at all: ``port`` is a free port, connecting is refused.
"""
from __future__ import annotations

import selectors
import socket
import struct
import threading
import time
from typing import Callable, Union

MODES = ("accept", "stall", "close_mid_job", "refuse")
_TICK = 0.05
_HOST = "127.0.0.1"

Target = Union[int, Callable[[bytes], bool]]


class FakePrinter:
    def __init__(self, mode: str = "accept", close_after: int = 64, *,
                 stall_rcvbuf: int = 4096, lifetime: float = 120.0) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.close_after = close_after
        self.stall_rcvbuf = stall_rcvbuf
        self.lifetime = lifetime
        self.host: str = _HOST
        self.port: int = 0
        self.connections = 0  # connections accepted so far
        self.closed = 0  # connections finished (client EOF, reset by us, or error)
        self.error: BaseException | None = None  # unexpected exception in the thread
        self._buf = bytearray()
        self._jobs: list[bytearray] = []
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._held: list[socket.socket] = []  # stall mode: never read
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------- lifecycle
    def start(self) -> "FakePrinter":
        if self.mode == "refuse":
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.bind((_HOST, 0))  # bound but never listening, then released
            self.port = probe.getsockname()[1]
            probe.close()
            return self
        lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if self.mode == "stall":  # inherited by accepted sockets; must precede listen
            lst.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.stall_rcvbuf)
        lst.bind((_HOST, 0))
        lst.listen(8)
        lst.setblocking(False)
        self.port = lst.getsockname()[1]
        self._listener = lst
        self._thread = threading.Thread(
            target=self._run, name=f"FakePrinter-{self.mode}-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise RuntimeError("FakePrinter thread did not stop")
        elif self._listener is not None:
            self._listener.close()

    def __enter__(self) -> "FakePrinter":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------- results
    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    @property
    def received(self) -> bytes:
        with self._cond:
            return bytes(self._buf)

    @property
    def jobs(self) -> list[bytes]:
        """Bytes received per connection, in accept order."""
        with self._cond:
            return [bytes(job) for job in self._jobs]

    def wait_received(self, target: Target, timeout: float = 5.0) -> bytes:
        """Wait until ``len(received) >= target`` (int) or ``target(received)``."""
        pred = (lambda b: len(b) >= target) if isinstance(target, int) else target
        return self._wait(lambda: pred(bytes(self._buf)), timeout, f"received {target!r}")

    def wait_connections(self, n: int = 1, timeout: float = 5.0) -> bytes:
        return self._wait(lambda: self.connections >= n, timeout, f"{n} connection(s)")

    def wait_closed(self, n: int = 1, timeout: float = 5.0) -> bytes:
        """Wait until ``n`` connections have finished (e.g. the client closed)."""
        return self._wait(lambda: self.closed >= n, timeout, f"{n} closed connection(s)")

    def _wait(self, cond: Callable[[], bool], timeout: float, what: str) -> bytes:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not cond():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"FakePrinter({self.mode}): no {what} within {timeout}s; "
                        f"got {len(self._buf)} bytes, {self.connections} connection(s): "
                        f"{bytes(self._buf[:80])!r}")
                self._cond.wait(min(remaining, _TICK))
            return bytes(self._buf)

    # -------------------------------------------------------------- thread
    def _run(self) -> None:
        assert self._listener is not None
        sel = selectors.DefaultSelector()
        sel.register(self._listener, selectors.EVENT_READ, None)
        deadline = time.monotonic() + self.lifetime
        try:
            while not self._stop.is_set() and time.monotonic() < deadline:
                for key, _ in sel.select(_TICK):
                    if key.data is None:
                        self._accept(sel)
                    else:
                        self._read(sel, key.fileobj, key.data)  # type: ignore[arg-type]
        except BaseException as exc:  # surfaced via .error
            self.error = exc
        finally:
            for key in list(sel.get_map().values()):
                key.fileobj.close()  # type: ignore[union-attr]
            for conn in self._held:
                conn.close()
            sel.close()
            with self._cond:
                self._cond.notify_all()

    def _accept(self, sel: selectors.BaseSelector) -> None:
        assert self._listener is not None
        try:
            conn, _ = self._listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        conn.setblocking(False)
        job = bytearray()
        with self._cond:
            self.connections += 1
            self._jobs.append(job)
            self._cond.notify_all()
        if self.mode == "stall":
            self._held.append(conn)
        elif self.mode == "close_mid_job" and self.close_after <= 0:
            self._reset(conn)
        else:
            sel.register(conn, selectors.EVENT_READ, job)

    def _read(self, sel: selectors.BaseSelector, conn: socket.socket, job: bytearray) -> None:
        limit = 65536
        if self.mode == "close_mid_job":
            limit = self.close_after - len(job)
        try:
            chunk = conn.recv(limit)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        with self._cond:
            before = bytes(job[-2:])
            job += chunk
            self._buf += chunk
            self._cond.notify_all()
        if chunk and self.mode == "accept":
            # a real printer answers DLE EOT n (real-time status) with one status byte: 0x12 = online
            asks = (before + chunk).count(b"\x10\x04") - before.count(b"\x10\x04")
            if asks:
                try:
                    conn.sendall(b"\x12" * asks)
                except OSError:
                    pass
        if not chunk:
            sel.unregister(conn)
            conn.close()
            self._finished()
        elif self.mode == "close_mid_job" and len(job) >= self.close_after:
            sel.unregister(conn)
            self._reset(conn)

    def _reset(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        self._finished()

    def _finished(self) -> None:
        with self._cond:
            self.closed += 1
            self._cond.notify_all()
