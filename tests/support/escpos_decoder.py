"""A small ESC/POS decoder for tests (stdlib only).

``decode(data)`` walks a byte stream as a receipt printer would and reports
the printed text lines (decoded from GB18030), the command names seen, the QR
payloads and the raw text bytes.  It knows the byte length of every command
python-escpos 3.1 emits (set(), set_with_default(), qr(native=True), image(),
barcode(), cut(), cashdraw(), line_spacing(), ...), so argument bytes and
image data never leak into the text.

Line rules: LF (0x0A) ends a line (an LF with nothing pending is an empty
line, except the LF that prints an ESC * image stripe); pending text is also
flushed (never as an empty line) by a cut, by a paper feed (ESC d / ESC J
print the buffer) and at the end of the data.
Lines are not stripped or otherwise altered; ``cells()`` gives the width a
line occupies on the paper (CJK full-width characters take two cells).

Run ``python tests/support/escpos_decoder.py FILE`` to dump a captured job.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Union

LF, HT, CR, DLE, ESC, FS, GS = 0x0A, 0x09, 0x0D, 0x10, 0x1B, 0x1C, 0x1D


@dataclass
class Decoded:
    lines: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    qr_data: list[str] = field(default_factory=list)
    raw_text_bytes: bytes = b""
    # Lines and commands interleaved in stream order: ("line", text) / ("cmd", name).
    events: list[tuple[str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def line_cells(self) -> list[int]:
        return [cells(line) for line in self.lines]


def cells(text: str) -> int:
    """Printed width of ``text`` in half-width character cells."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _align(args: bytes) -> str:
    return "align_" + {0: "left", 1: "center", 2: "right"}.get(args[0] % 48, "?")


def _on_off(base: str) -> Callable[[bytes], str]:
    return lambda args: f"{base}_{'on' if args[0] & 1 else 'off'}"


Name = Union[str, Callable[[bytes], str]]

# command byte -> (name, number of fixed argument bytes)
_ESC: dict[int, tuple[Name, int]] = {
    0x40: ("init", 0), 0x21: ("print_mode", 1), 0x2D: ("underline", 1),
    0x32: ("line_spacing", 0), 0x33: ("line_spacing", 1),
    0x41: ("line_spacing", 1), 0x2B: ("line_spacing", 1),
    0x61: (_align, 1), 0x45: (_on_off("bold"), 1), 0x47: ("double_strike", 1),
    0x4D: ("font", 1), 0x52: ("charset", 1), 0x74: ("codepage", 1),
    0x64: ("feed", 1), 0x4A: ("feed_dots", 1), 0x70: ("cash_drawer", 3),
    0x7B: ("flip", 1), 0x72: ("color", 1), 0x56: ("rotate", 1),
    0x20: ("char_spacing", 1), 0x24: ("position", 2), 0x5C: ("position", 2),
    0x3D: ("peripheral", 1), 0x63: ("panel", 2), 0x69: ("cut", 0), 0x6D: ("cut", 0),
    0x55: ("unidirectional", 1), 0x42: ("buzzer", 2), 0x25: ("user_charset", 1),
    0x3F: ("cancel_user_char", 1), 0x4C: ("page_mode", 0), 0x53: ("standard_mode", 0),
    0x54: ("print_direction", 1), 0x57: ("print_area", 8),
}
_GS: dict[int, tuple[Name, int]] = {
    0x21: ("size", 1), 0x42: ("invert", 1), 0x62: ("smoothing", 1), 0x7C: ("density", 1),
    0x48: ("hri_position", 1), 0x66: ("hri_font", 1), 0x68: ("barcode_height", 1),
    0x77: ("barcode_width", 1), 0x4C: ("left_margin", 2), 0x57: ("print_width", 2),
    0x61: ("status_auto", 1), 0x72: ("status", 1), 0x49: ("printer_id", 1),
    0x50: ("motion_units", 2), 0x2F: ("image", 1), 0x3A: ("macro", 0),
}
_FS: dict[int, tuple[Name, int]] = {
    0x26: ("chinese_on", 0), 0x2E: ("chinese_off", 0), 0x21: ("chinese_print_mode", 1),
    0x2D: ("chinese_underline", 1), 0x57: ("chinese_quad", 1), 0x43: ("chinese_code", 1),
    0x53: ("chinese_spacing", 2), 0x70: ("image", 2),
}
_DLE: dict[int, tuple[Name, int]] = {0x04: ("status_request", 1), 0x05: ("realtime_request", 1)}
_DLE_DC4_ARGS = {1: 2, 2: 2, 7: 5, 8: 7}  # DLE DC4 fn -> bytes after fn
_TABLES = {ESC: _ESC, GS: _GS, FS: _FS, DLE: _DLE}
_FLUSHES = {"cut", "feed", "feed_dots"}  # commands that print the pending line


class _Truncated(Exception):
    pass


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.data, self.i = data, 0
        self.out = Decoded()
        self.pending = bytearray()
        self.raw = bytearray()
        self.image_row = False  # an LF right after ESC * prints the image stripe

    def take(self, n: int) -> bytes:
        if self.i + n > len(self.data):
            raise _Truncated
        chunk = self.data[self.i:self.i + n]
        self.i += n
        return chunk

    def flush(self, line_end: bool) -> None:
        if self.pending or line_end:
            line = bytes(self.pending).decode("gb18030", errors="replace")
            self.out.lines.append(line)
            self.out.events.append(("line", line))
            self.pending.clear()

    def cmd(self, name: str) -> None:
        if name in _FLUSHES:
            self.flush(line_end=False)
        self.out.commands.append(name)
        self.out.events.append(("cmd", name))

    def run(self) -> Decoded:
        data = self.data
        while self.i < len(data):
            b = data[self.i]
            image_row, self.image_row = self.image_row, False
            if b in _TABLES:
                start = self.i
                try:
                    self.i += 1
                    self.command(b)
                except _Truncated:
                    self.cmd("truncated:" + data[start:start + 3].hex())
                    break
            elif b == LF and image_row and not self.pending:
                self.i += 1
            elif b == LF:
                self.i += 1
                self.raw.append(b)
                self.flush(line_end=True)
            elif b < 0x20 and b not in (HT, CR):
                self.i += 1
                self.cmd(f"unknown:{b:02x}")
            else:  # printable text (GB18030 trail bytes are all >= 0x30)
                self.i += 1
                self.pending.append(b)
                self.raw.append(b)
        self.flush(line_end=False)
        self.out.raw_text_bytes = bytes(self.raw)
        return self.out

    def command(self, prefix: int) -> None:
        c = self.take(1)[0]
        if prefix == ESC and c == 0x2A:  # ESC * m nL nH d... column bit image
            m, nl, nh = self.take(3)
            self.take((nl + nh * 256) * (3 if m in (32, 33) else 1))
            self.cmd("image")
            self.image_row = True
            return None
        if prefix == ESC and c == 0x44:  # ESC D n1..nk NUL: tab stops
            while self.take(1) != b"\x00":
                pass
            return self.cmd("tabs")
        if prefix == GS and c == 0x28:  # GS ( fn pL pH body
            fn = self.take(1)[0]
            pl, ph = self.take(2)
            return self.function_group(fn, self.take(pl + ph * 256))
        if prefix == GS and c == 0x38:  # GS 8 L p1 p2 p3 p4 body (long graphics)
            fn = self.take(1)[0]
            body = self.take(int.from_bytes(self.take(4), "little"))
            if fn == 0x4C:
                return self.function_group(fn, body)
            return self.cmd(f"unknown:1d38{fn:02x}")
        if prefix == GS and c == 0x76 and self.take(1) == b"0":  # GS v 0 m xL xH yL yH
            _m, xl, xh, yl, yh = self.take(5)
            self.take((xl + xh * 256) * (yl + yh * 256))
            return self.cmd("image")
        if prefix == GS and c == 0x56:  # GS V m [n]
            if self.take(1)[0] in (65, 66, 97, 98, 103, 104):
                self.take(1)
            return self.cmd("cut")
        if prefix == GS and c == 0x6B:  # GS k m: data NUL (m <= 6) or n data
            m = self.take(1)[0]
            if m <= 6:
                while self.take(1) != b"\x00":
                    pass
            else:
                self.take(self.take(1)[0])
            return self.cmd("barcode")
        if prefix == GS and c == 0x2A:  # GS * x y d... define downloaded image
            x, y = self.take(2)
            self.take(x * y * 8)
            return self.cmd("image_define")
        if prefix == DLE and c == 0x14:  # DLE DC4 fn ...
            fn = self.take(1)[0]
            self.take(_DLE_DC4_ARGS.get(fn, 0))
            return self.cmd(f"realtime_dc4:{fn}")
        entry = _TABLES[prefix].get(c)
        if entry is None:
            return self.cmd(f"unknown:{prefix:02x}{c:02x}")
        name, nargs = entry
        args = self.take(nargs)
        self.cmd(name(args) if callable(name) else name)

    def function_group(self, fn: int, body: bytes) -> None:
        if fn == 0x6B:  # GS ( k: cn fn [m] data - 2D codes
            cn, code_fn = (body + b"\0\0")[:2]
            if cn == 0x31 and code_fn == 0x50:  # QR: store data (after m)
                self.out.qr_data.append(_decode_payload(body[3:]))
            elif cn == 0x31 and code_fn == 0x51:  # QR: print symbol
                self.cmd("qr")
            elif code_fn == 0x51:
                self.cmd(f"code2d:{cn:02x}")
        elif fn == 0x4C:  # GS ( L / GS 8 L: m fn ... - graphics; record on print
            if len(body) >= 2 and body[1] in (0x02, 0x32):
                self.cmd("image")
        else:
            self.cmd(f"unknown:1d28{fn:02x}")


def _decode_payload(payload: bytes) -> str:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("gb18030", errors="replace")


def decode(data: bytes) -> Decoded:
    """Decode an ESC/POS byte stream."""
    return _Parser(bytes(data)).run()


if __name__ == "__main__":  # pragma: no cover - debugging aid
    import sys

    result = decode(open(sys.argv[1], "rb").read() if len(sys.argv) > 1 else sys.stdin.buffer.read())
    for kind, value in result.events:
        print(f"{kind:4} {value}")
    print("qr:", result.qr_data)
