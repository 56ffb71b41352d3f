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
  slow           like accept, but the in-order status (GS r) is answered ``delay`` seconds
                 after the job's bytes arrived: a printer still printing when the client
                 gives up. Real-time status (DLE EOT) is answered at once, as real printers do.
  reset_after_data  read the whole job up to its GS r, then reset without answering.
  offline        real-time status says offline (cover open); GS r is never answered (a real
                 printer holds the job until it is back online). ``fault_after`` bytes first.
  paper_out      as offline, with the paper-end sensor set (DLE EOT 4 and GS r say so).
  silent         read everything, answer nothing (no status support, or a wedged printer).

Status answers (Epson ESC/POS): DLE EOT 1 -> 0x12 online / 0x1A offline; DLE EOT 2 -> 0x12,
+0x04 cover open, +0x20 stopped at paper end; DLE EOT 4 -> 0x12, +0x60 paper end;
GS r 1 -> 0x00 paper present, 0x60 paper end (answered in order, after the bytes before it).
"""
from __future__ import annotations

import selectors
import socket
import struct
import threading
import time
from typing import Callable, Union

MODES = ("accept", "stall", "close_mid_job", "refuse", "slow", "reset_after_data", "offline", "paper_out", "silent")
_TICK = 0.05
_HOST = "127.0.0.1"

Target = Union[int, Callable[[bytes], bool]]


class FakePrinter:
    def __init__(self, mode: str = "accept", close_after: int = 64, *,
                 stall_rcvbuf: int = 4096, lifetime: float = 120.0,
                 delay: float = 3.0, fault_after: int = 0) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.close_after = close_after
        self.stall_rcvbuf = stall_rcvbuf
        self.lifetime = lifetime
        self.delay = delay
        self.fault_after = fault_after
        self.status_asked: list[bytes] = []  # every status command seen, in order (b"\x10\x04\x01", b"\x1dr\x01")
        self._due: list[tuple[float, socket.socket, bytes]] = []  # slow mode: answers to send later
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
        self._reset_later: list[socket.socket] = []  # reset_after_data: reset once the job is in

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
                self._send_due()
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
            job += chunk
            self._buf += chunk
            self._cond.notify_all()
        if chunk:
            self._answer(conn, job, len(job) - len(chunk))
        if not chunk:
            sel.unregister(conn)
            conn.close()
            self._finished()
        elif self.mode == "close_mid_job" and len(job) >= self.close_after:
            sel.unregister(conn)
            self._reset(conn)
        elif conn in self._reset_later:
            self._reset_later.remove(conn)
            sel.unregister(conn)
            self._reset(conn)

    # -------------------------------------------------------- status answers
    def _faulted(self, job: bytearray, at: int) -> bool:
        return self.mode in ("offline", "paper_out") and at >= self.fault_after

    def _answer(self, conn: socket.socket, job: bytearray, start: int) -> None:
        """Answer the status commands that arrived in ``job[start:]`` (commands split across
        reads are found: the scan starts two bytes early)."""
        i = max(0, start - 2)
        data = bytes(job)
        while i + 3 <= len(data):
            cmd = data[i:i + 3]
            if cmd[:2] == b"\x10\x04" and i + 2 >= start:
                self.status_asked.append(cmd)
                self._realtime(conn, job, cmd[2], i)
                i += 3
            elif cmd[:2] == b"\x1dr" and i + 2 >= start:
                self.status_asked.append(cmd)
                self._in_order(conn, job, i)
                i += 3
            else:
                i += 1

    def _realtime(self, conn: socket.socket, job: bytearray, n: int, at: int) -> None:
        if self.mode in ("silent", "stall"):
            return
        faulted = self._faulted(job, at)
        byte = 0x12
        if n == 1 and faulted:
            byte |= 0x08
        elif n == 2 and faulted:
            byte |= 0x20 if self.mode == "paper_out" else 0x04
        elif n == 4 and faulted and self.mode == "paper_out":
            byte |= 0x60
        self._send(conn, bytes([byte]))

    def _in_order(self, conn: socket.socket, job: bytearray, at: int) -> None:
        if self.mode == "reset_after_data":
            self._reset_later.append(conn)
            return
        if self.mode in ("silent", "offline", "paper_out") or self._faulted(job, at):
            return  # held until the printer is back: never, here
        if self.mode == "slow":
            with self._cond:
                self._due.append((time.monotonic() + self.delay, conn, b"\x00"))
            return
        self._send(conn, b"\x00")

    def _send(self, conn: socket.socket, answer: bytes) -> None:
        try:
            conn.sendall(answer)
        except OSError:
            pass

    def _send_due(self) -> None:
        now = time.monotonic()
        due = [d for d in self._due if d[0] <= now]
        if due:
            self._due = [d for d in self._due if d[0] > now]
            for _, conn, answer in due:
                if conn.fileno() >= 0:
                    self._send(conn, answer)

    def _reset(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        self._finished()

    def _finished(self) -> None:
        with self._cond:
            self.closed += 1
            self._cond.notify_all()
