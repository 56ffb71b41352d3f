"""The one module that talks to python-escpos: print ops -> ESC/POS bytes -> a printer backend.

python-escpos counts width with len() and only sends GB18030 for basic CJK ideographs, so
layout and encoding are ours: every text line is already padded in cells and encoded GB18030
after putting the printer in Chinese character mode (FS &). The library is imported lazily
(it pulls Pillow, qrcode and its printer database) and only after our logging handler is in
place, so its logging.basicConfig() cannot write over the console screen.
"""

from __future__ import annotations

import logging
import socket

from teller.config import PrinterSettings
from teller.errors import PrintFailed
from teller.printing.escpos_setup import (  # noqa: F401 - the cache's names, where callers find them
    IMAGE_STACK,
    capabilities_dir,
    capabilities_pickle,
    ensure_capabilities_cache,
    prepare,
)
from teller.printing.layouts import Cut, Line, Op, Qr
from teller.strings import t

ESC_INIT = b"\x1b@"
FS_CHINESE_ON = b"\x1c&"
GS_SIZE = b"\x1d!"  # character size, all characters on Chinese models
FS_KANJI_MODE = b"\x1c!"  # print mode of Chinese (Kanji) characters: 0x08 double height
ESC_BOLD = b"\x1bE"
ENCODING = "gb18030"

#: Tall lines are double height only (GS ! 0x01 and FS ! 0x08), never double width, so a
#: tall line keeps the paper's column count. GS ! reaches Chinese characters on most Chinese
#: printers; FS ! is the Chinese-mode command for the same thing on those where it does not.
#: On printers that honour both, the last received wins and both say the same.
TALL_ON = GS_SIZE + b"\x01" + FS_KANJI_MODE + b"\x08"
TALL_OFF = GS_SIZE + b"\x00" + FS_KANJI_MODE + b"\x00"

logging.getLogger("teller").addHandler(logging.NullHandler())  # details are logged only where a log is set up


def encode(text: str) -> bytes:
    """GB18030 bytes of a line already made paper-safe by the layout (one or two bytes a character)."""
    return text.encode(ENCODING)


def to_bytes(ops: list[Op], *, profile: str = "default", drawer: bool = False) -> bytes:
    """The exact bytes a printer receives for these ops."""
    prepare()
    from escpos.printer import Dummy

    p = Dummy(profile=profile)
    p._raw(ESC_INIT + FS_CHINESE_ON)
    bold = tall = False
    for op in ops:
        if isinstance(op, Line):
            if op.bold != bold:
                p._raw(ESC_BOLD + (b"\x01" if op.bold else b"\x00"))
                bold = op.bold
            if op.tall != tall:
                p._raw(TALL_ON if op.tall else TALL_OFF)
                tall = op.tall
            p._raw(encode(op.text) + b"\n")
        elif isinstance(op, Qr):
            p.set(align="center")
            p.qr(op.data, native=True, size=op.size)
            p.set(align="left")
        elif isinstance(op, Cut):
            p.cut()
    if drawer:
        p.cashdraw(2)
    return p.output


def describe(cfg: PrinterSettings) -> str:
    """The configured printer in a few words: `network 192.168.1.50:9100`."""
    return cfg.backend if cfg.backend == "preview" else f"{cfg.backend} {_target(cfg)}"


def _target(cfg: PrinterSettings) -> str:
    return {
        "network": f"{cfg.host}:{cfg.port}",
        "file": cfg.path,
        "usb": f"USB {cfg.vendor_id:04x}:{cfg.product_id:04x}",
        "serial": f"{cfg.device}@{cfg.baudrate}",
        "cups": f"CUPS {cfg.queue}",
    }.get(cfg.backend, cfg.backend)


def _open(cfg: PrinterSettings):
    prepare()
    from escpos import printer

    kind = cfg.backend
    if kind == "network":
        return printer.Network(cfg.host, port=cfg.port, timeout=cfg.timeout, profile=cfg.profile)
    if kind == "file":
        return printer.File(devfile=cfg.path, profile=cfg.profile)
    if kind == "usb":
        return printer.Usb(cfg.vendor_id, cfg.product_id, timeout=int(cfg.timeout * 1000), profile=cfg.profile)
    if kind == "serial":
        return printer.Serial(devfile=cfg.device, baudrate=cfg.baudrate, timeout=cfg.timeout, profile=cfg.profile)
    if kind == "cups":
        return printer.CupsPrinter(printer_name=cfg.queue, profile=cfg.profile)
    raise PrintFailed(f"unknown printer backend {kind!r}")


#: real-time status (DLE EOT n): answered at once, ahead of any job still in the buffer, so it
#: tells the printer's state now (offline, cover open, paper out) but never that a job printed
DLE_EOT = b"\x10\x04"
RT_PRINTER, RT_OFFLINE_CAUSE, RT_PAPER = 1, 2, 4
#: GS r 1 (transmit paper sensor status): processed in order, after the job ahead of it,
#: so its answer means the printer has worked through the job's bytes
GS_R_PAPER = b"\x1d\x72\x01"


class PrinterFault(PrintFailed):
    """A printer failure, with whether any of the job's bytes may have reached the printer
    (then the paper may be out even though the job failed: a copy after it is a 补打)."""

    def __init__(self, message: str, *, maybe_delivered: bool) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


def _status_byte(sock, *, realtime: bool) -> int | None:
    """The next status byte of the asked kind, or None on timeout. A real-time answer has
    bits 1 and 4 set (0x12 pattern); a GS r answer has bits 4 and 7 clear."""
    while True:
        try:
            got = sock.recv(1)
        except (socket.timeout, TimeoutError):
            return None
        if not got:
            raise ConnectionResetError("printer closed the connection")
        b = got[0]
        if realtime and b & 0x93 == 0x12:
            return b
        if not realtime and b & 0x90 == 0:
            return b


def _realtime_state(sock) -> str:
    """`online`, `offline`, `cover_open`, `paper_out`, or `silent` (no answer)."""
    sock.sendall(DLE_EOT + bytes([RT_PRINTER]))
    b = _status_byte(sock, realtime=True)
    if b is None:
        return "silent"
    if not b & 0x08:
        return "online"
    sock.sendall(DLE_EOT + bytes([RT_PAPER]))
    paper = _status_byte(sock, realtime=True)
    if paper is not None and paper & 0x60:
        return "paper_out"
    sock.sendall(DLE_EOT + bytes([RT_OFFLINE_CAUSE]))
    cause = _status_byte(sock, realtime=True)
    if cause is not None and cause & 0x20:
        return "paper_out"
    if cause is not None and cause & 0x04:
        return "cover_open"
    return "offline"


def _fault(state: str, target: str, *, maybe_delivered: bool) -> PrinterFault:
    key = {
        "offline": "print.offline", "cover_open": "print.cover_open", "paper_out": "print.paper_out",
        "silent": "print.silent", "online": "print.unconfirmed",
    }.get(state, "print.unconfirmed")
    message = t(key, target=target)
    if maybe_delivered:
        message += t("print.maybe_on_paper")
    return PrinterFault(message, maybe_delivered=maybe_delivered)


def _send_network(cfg: PrinterSettings, data: bytes) -> None:
    """Deliver a job to a raw TCP (9100) printer and wait until the printer has worked through it.

    1. Real-time status before the job (DLE EOT): an offline, open or empty printer, or one
       that does not answer, fails the job before a single byte of it is sent.
    2. The job, then GS r 1: the printer answers it in order, after the job's data, so the
       answer is the proof that the job went through; paper end in it fails the job.
    3. No answer in time: real-time status again, to tell the clerk why (offline, paper out,
       or simply not confirming); the job may be on paper.
    """
    target = _target(cfg)
    try:
        sock = socket.create_connection((cfg.host, cfg.port), timeout=cfg.timeout)
    except ConnectionRefusedError:
        raise PrinterFault(t("print.refused", target=target), maybe_delivered=False) from None
    except (socket.timeout, TimeoutError):
        raise PrinterFault(t("print.timeout", target=target), maybe_delivered=False) from None
    except OSError as exc:
        raise _io_fault(target, exc, maybe_delivered=False) from None
    with sock:
        try:
            state = _realtime_state(sock)
        except OSError as exc:  # reset while asking: no byte of the job was sent
            raise _io_fault(target, exc, maybe_delivered=False) from None
        if state != "online":
            raise _fault(state, target, maybe_delivered=False)
        try:
            sock.sendall(data + GS_R_PAPER)
            answer = _status_byte(sock, realtime=False)
        except (socket.timeout, TimeoutError):
            answer = None
        except OSError as exc:
            _log_fault(target, exc)
            raise PrinterFault(t("print.reset", target=target) + t("print.maybe_on_paper"), maybe_delivered=True) from None
        if answer is None:  # not worked through in time: ask why, in real time
            try:
                sock.settimeout(min(cfg.timeout, 1.0))
                state = _realtime_state(sock)
            except OSError:
                state = "silent"
            raise _fault("online" if state == "silent" else state, target, maybe_delivered=True)
        if answer & 0x60:  # paper end detected while the job printed
            raise _fault("paper_out", target, maybe_delivered=True)


def _log_fault(target: str, exc: BaseException) -> None:
    """The library's or the OS's own words go to the log; the clerk reads the strings module's."""
    logging.getLogger("teller.printing").warning("print to %s failed: %s: %s", target, type(exc).__name__, exc)


def _io_fault(target: str, exc: OSError, *, maybe_delivered: bool) -> PrinterFault:
    _log_fault(target, exc)
    return PrinterFault(t("print.io", error=target), maybe_delivered=maybe_delivered)


def send(cfg: PrinterSettings, data: bytes) -> None:
    """Deliver bytes to the configured printer, or raise PrinterFault with a reason for the clerk
    and whether the job may be on paper all the same."""
    if cfg.backend == "network":
        _send_network(cfg, data)
        return
    target = _target(cfg)
    opened = False
    try:
        dev = _open(cfg)
        dev.open()
        opened = True
        try:
            dev._raw(data)
        finally:
            dev.close()
    except PrintFailed as exc:
        raise PrinterFault(exc.message, maybe_delivered=opened) from None
    except (socket.timeout, TimeoutError):
        raise PrinterFault(t("print.timeout", target=target), maybe_delivered=opened) from None
    except ConnectionRefusedError:
        raise PrinterFault(t("print.refused", target=target), maybe_delivered=False) from None
    except Exception as exc:  # the library raises its own types and bare OSErrors
        text = str(exc).strip().splitlines()
        reason = text[-1] if text else type(exc).__name__
        if "refused" in reason.lower():
            raise PrinterFault(t("print.refused", target=target), maybe_delivered=False) from None
        if "timed out" in reason.lower():
            raise PrinterFault(t("print.timeout", target=target), maybe_delivered=opened) from None
        # the clerk reads it in the UI language; the library's own words go to the log
        logging.getLogger("teller.printing").warning("print to %s failed: %s: %s", target, type(exc).__name__, reason)
        raise PrinterFault(t("print.io", error=target), maybe_delivered=opened) from None
