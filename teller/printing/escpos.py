"""The one module that talks to python-escpos: print ops -> ESC/POS bytes -> a printer backend.

python-escpos counts width with len() and only sends GB18030 for basic CJK ideographs, so
layout and encoding are ours: every text line is already padded in cells and encoded GB18030
after putting the printer in Chinese character mode (FS &). The library is imported lazily
(it pulls Pillow, qrcode and its printer database) and only after our logging handler is in
place, so its logging.basicConfig() cannot write over the console screen.
"""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

from teller.config import PrinterSettings
from teller.errors import PrintFailed
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

_prepared = False
logging.getLogger("teller").addHandler(logging.NullHandler())  # details are logged only where a log is set up


def capabilities_dir() -> Path:
    """This install's folder for python-escpos's pickled printer database.

    One folder per install (per copy of the library: its folder and version name it), so two
    installs never share, and never half-read, one file. $ESCPOS_CAPABILITIES_PICKLE_DIR wins.
    """
    env = os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
    if env:
        return Path(env)
    import hashlib

    source = _capabilities_source()
    key = hashlib.sha256(str(source.resolve() if source else "").encode()).hexdigest()[:12]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "teller" / "escpos" / key


def _capabilities_source() -> Path | None:
    """The printer database shipped inside python-escpos (found without importing its module)."""
    import importlib.util

    spec = importlib.util.find_spec("escpos")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "capabilities.json"


def capabilities_pickle(folder: Path) -> Path:
    """The file python-escpos reads (the same name its capabilities module builds)."""
    import platform

    return folder / f"{platform.python_version()}.capabilities.pickle"


def ensure_capabilities_cache(folder: Path) -> Path:
    """Build the pickled printer database ourselves, atomically, before python-escpos looks.

    python-escpos opens the pickle for writing before it fills it: a kill at that moment
    left an empty file and every later print failed with EOFError. Here a damaged file
    (empty, truncated, not a printer database) is removed, and a missing or stale one is
    written to a temporary file, flushed and renamed into place, so a reader sees either
    no file or a whole one.
    """
    import pickle

    source = os.environ.get("ESCPOS_CAPABILITIES_FILE") or _capabilities_source()
    target = capabilities_pickle(folder)
    if target.exists():
        try:
            with open(target, "rb") as fh:
                data = pickle.load(fh)
            if not isinstance(data, dict) or "profiles" not in data:
                raise ValueError("not a printer database")
            if source is None or Path(source).stat().st_mtime <= target.stat().st_mtime:
                return target
        except Exception:  # EOFError, UnpicklingError, ValueError...: rebuild it
            logging.getLogger(__name__).warning("printer capabilities cache %s is damaged; rebuilding it", target)
        try:
            target.unlink()
        except FileNotFoundError:
            pass
    if source is None:
        return target
    import json
    import tempfile

    with open(source, encoding="utf-8") as fh:
        data = json.load(fh)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".capabilities-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(data, fh, protocol=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target


def _prepare() -> None:
    global _prepared
    if _prepared:
        return
    root = logging.getLogger()
    if not root.handlers:  # keep basicConfig() from adding a stderr handler under the UI
        root.addHandler(logging.NullHandler())
    cache = capabilities_dir()
    try:
        ensure_capabilities_cache(cache)
        os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
    except (OSError, ValueError):  # read-only home, unreadable database: the library uses a temp folder
        logging.getLogger(__name__).warning("printer capabilities cache not written in %s", cache, exc_info=True)
    # escpos.capabilities evaluates mkdtemp() as the default of os.environ.get() even when the
    # pickle folder is set, leaving an empty temp folder per start: hand it our folder instead.
    import tempfile

    real_mkdtemp = tempfile.mkdtemp
    tempfile.mkdtemp = lambda *a, **k: os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR") or real_mkdtemp(*a, **k)  # type: ignore[assignment]
    try:
        try:
            import escpos.capabilities  # noqa: F401
        except Exception:  # damaged between our check and its read (another process): once more
            import sys

            for name in [m for m in sys.modules if m == "escpos" or m.startswith("escpos.")]:
                del sys.modules[name]
            try:
                capabilities_pickle(cache).unlink()
            except OSError:
                pass
            ensure_capabilities_cache(cache)
            import escpos.capabilities  # noqa: F401
    finally:
        tempfile.mkdtemp = real_mkdtemp
    _import_without_images()
    _prepared = True


# ---- python-escpos without its image stack -------------------------------------------------
#: What python-escpos imports only to print images (raster images, QR codes drawn as images,
#: software barcodes): Pillow and qrcode. Text, native QR codes, cuts and the cash drawer
#: never touch them, and they cost a tenth of the console's memory (and 0.1 s) at import.
IMAGE_STACK = ("PIL", "qrcode")


class _OnFirstUse:
    """Import finder: modules of IMAGE_STACK imported while python-escpos loads are created
    empty and executed on first attribute access (importlib.util.LazyLoader), so they load
    only when an image is printed. Other modules, and imports after the window, are untouched."""

    def find_spec(self, name, path, target=None):
        import importlib.util
        import sys

        if name.split(".")[0] not in IMAGE_STACK:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


def _import_without_images() -> None:
    """Import python-escpos's printer classes with the image stack deferred to first use.

    Pillow's and qrcode's modules are made lazy (_OnFirstUse). One module would still load
    Pillow at once: `escpos.image`, whose annotations name `PIL.Image.Image` and are evaluated
    as it loads. While `escpos.escpos` loads, a stand-in takes its place; the stand-in's
    `EscposImage` imports the real module when an image is first printed, and puts the real
    class in the library's place for the images after it (tests/test_light.py prints one)."""
    import sys
    import types

    if "escpos.escpos" in sys.modules or "PIL.Image" in sys.modules:
        return  # already imported, or Pillow is loaded anyway: nothing to save

    class EscposImage:  # noqa: D401 - stands for escpos.image.EscposImage until first used
        def __new__(cls, *args, **kwargs):
            if sys.modules.get("escpos.image") is stand_in:
                del sys.modules["escpos.image"]
            import escpos.escpos
            import escpos.image

            escpos.escpos.EscposImage = escpos.image.EscposImage
            return escpos.image.EscposImage(*args, **kwargs)

    stand_in = types.ModuleType("escpos.image", "python-escpos's image module, imported when an image is printed")
    stand_in.EscposImage = EscposImage
    finder = _OnFirstUse()
    sys.modules.setdefault("escpos.image", stand_in)
    sys.meta_path.insert(0, finder)
    try:
        import escpos.printer  # noqa: F401 - the printer classes, Dummy included
    finally:
        sys.meta_path.remove(finder)
        if sys.modules.get("escpos.image") is stand_in:
            del sys.modules["escpos.image"]  # a later `import escpos.image` gets the real module


def encode(text: str) -> bytes:
    """GB18030 bytes of a line already made paper-safe by the layout (one or two bytes a character)."""
    return text.encode(ENCODING)


def to_bytes(ops: list[Op], *, profile: str = "default", drawer: bool = False) -> bytes:
    """The exact bytes a printer receives for these ops."""
    _prepare()
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
    _prepare()
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
