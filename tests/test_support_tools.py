"""Self-tests for tests/support: the ESC/POS decoder and the fake network printer,
checked against the bytes python-escpos itself produces."""
from __future__ import annotations

import socket
import time

import pytest
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy, Network
from PIL import Image

from tests.support.escpos_decoder import cells, decode
from tests.support.fake_printer import FakePrinter

FS_CHINESE_ON = b"\x1c&"
FS_CHINESE_OFF = b"\x1c."


def build_receipt(p) -> None:
    """A small receipt: Chinese text as GB18030, styles, native QR and a cut."""
    p.hw("INIT")
    p._raw(FS_CHINESE_ON)
    p.set(align="center", bold=True)
    p._raw("营业厅 收据\n".encode("gb18030"))
    p.set(align="left", bold=False)
    p.text("Total  1.00\n")
    p._raw("未结束".encode("gb18030"))  # no LF: flushed by the cut's feed
    p.qr("R-1", native=True)
    p.cut()


def receipt_bytes() -> bytes:
    p = Dummy()
    build_receipt(p)
    return p.output


# ------------------------------------------------------------------ decoder
def test_decoder_reads_python_escpos_receipt():
    d = decode(receipt_bytes())
    assert d.lines == ["营业厅 收据", "Total  1.00", "未结束"]
    assert d.commands == [
        "init", "chinese_on", "bold_on", "align_center", "bold_off", "align_left",
        "codepage", "qr", "feed", "cut",
    ]
    assert d.qr_data == ["R-1"]
    assert "营业厅 收据\n".encode("gb18030") in d.raw_text_bytes
    assert d.raw_text_bytes.decode("gb18030") == "营业厅 收据\nTotal  1.00\n未结束"
    assert ("line", "营业厅 收据") in d.events
    assert d.events.index(("cmd", "align_center")) < d.events.index(("line", "营业厅 收据"))


def test_decoder_command_lengths_from_python_escpos():
    p = Dummy()
    p.set_with_default()  # print_mode x3, flip, smoothing, bold, underline, font, align, invert
    p.set(double_width=True, double_height=True)
    p.set(custom_size=True, width=2, height=2)
    p.set(underline=1, font="b", smooth=True)
    p.cashdraw(2)
    p.cashdraw(5)
    p.cashdraw([27, 112, 48, 10, 100])
    p.line_spacing(30)
    p.line_spacing()
    p.charcode("CP437")
    p.text("x\n")
    p.cut(mode="PART")
    p.cut(feed=False)  # GS V 66 0
    p._raw(b"\x1bR\x0f" + FS_CHINESE_OFF + b"\x1bd\x03")
    p.text("end\n")
    d = decode(p.output)
    assert d.lines == ["x", "end"]
    assert d.commands == [
        "print_mode", "print_mode", "print_mode", "flip", "smoothing", "bold_off",
        "underline", "font", "align_left", "invert",
        "print_mode", "print_mode", "print_mode",
        "size",
        "smoothing", "underline", "font",
        "cash_drawer", "cash_drawer", "cash_drawer",
        "line_spacing", "line_spacing",
        "codepage",
        "feed", "cut",
        "cut",
        "charset", "chinese_off", "feed",
    ]
    assert not any(c.startswith(("unknown", "truncated")) for c in d.commands)


@pytest.mark.parametrize("impl", ["bitImageRaster", "graphics", "bitImageColumn"])
def test_decoder_skips_image_data(impl):
    img = Image.new("1", (24, 24), 0)  # all black: data bytes are 0xFF
    p = Dummy()
    p.text("before\n")
    p.image(img, impl=impl)
    p.text("after\n")
    d = decode(p.output)
    assert d.lines == ["before", "after"]
    assert "image" in d.commands
    assert not any(c.startswith(("unknown", "truncated")) for c in d.commands)


def test_decoder_barcodes_and_misc_python_escpos_commands():
    p = Dummy()
    p.barcode("4006381333931", "EAN13")  # function A: data NUL
    p.text("a\n")
    p.barcode("{B012ab", "CODE128", function_type="B")  # function B: n data
    p.text("b\n")
    p.buzzer()
    p.panel_buttons(False)
    p.control("HT")  # ESC D tab stops ... NUL
    p.text("c\n")
    d = decode(p.output)
    assert d.lines == ["a", "b", "c"]
    assert d.commands.count("barcode") == 2
    assert d.commands[-3:] == ["buzzer", "panel", "tabs"]
    assert not any(c.startswith(("unknown", "truncated")) for c in d.commands)


def test_decoder_skips_raster_payload_that_looks_like_commands():
    # GS v 0, 2 bytes wide x 2 high; the data holds LF / ESC / GS bytes
    raster = b"\x1dv0\x00\x02\x00\x02\x00" + b"\n\x1b\x1d\x0a"
    d = decode(b"A\n" + raster + b"B\n")
    assert d.lines == ["A", "B"]
    assert d.commands == ["image"]
    assert d.raw_text_bytes == b"A\nB\n"


def test_decoder_qr_store_then_print_and_cut_with_extra_byte():
    payload = "https://example.cn/r?id=营业-1".encode("utf-8")
    store = b"\x1d(k" + (len(payload) + 3).to_bytes(2, "little") + b"1P0" + payload
    data = store + b"\x1d(k\x03\x001Q0" + b"\x1dVA\x10" + b"\x1dV\x01"
    d = decode(data)
    assert d.qr_data == ["https://example.cn/r?id=营业-1"]
    assert d.commands == ["qr", "cut", "cut"]
    assert d.lines == []


def test_decoder_unknown_truncated_and_flush_rules():
    d = decode(b"\x1bZ" + b"\n\n" + b"tail" + b"\x1d(k\x05")
    assert d.commands == ["unknown:1b5a", "truncated:1d286b"]
    assert d.lines == ["", "", "tail"]  # bare LFs are empty lines; pending flushed at end


def test_decoder_keeps_text_and_counts_cells():
    d = decode("  金额：  12.00 \t\n".encode("gb18030"))
    assert d.lines == ["  金额：  12.00 \t"]
    assert cells("营业厅") == 6
    assert cells("ab 12") == 5
    assert cells("金额：12") == 8
    assert decode("金额\nab\n".encode("gb18030")).line_cells == [4, 2]


# ------------------------------------------------------------- fake printer
def test_fake_printer_accept_receives_network_bytes():
    expected = receipt_bytes()
    with FakePrinter("accept") as fp:
        p = Network(fp.host, fp.port, timeout=1)
        build_receipt(p)
        p.close()
        fp.wait_closed(1)
        assert fp.wait_received(len(expected)) == expected
        assert fp.jobs == [expected]
        d = decode(fp.received)
        assert d.lines == ["营业厅 收据", "Total  1.00", "未结束"]
        assert d.qr_data == ["R-1"]
        # a second job arrives as a second connection
        p2 = Network(fp.host, fp.port, timeout=1)
        p2._raw(b"second\n")
        p2.close()
        fp.wait_received(lambda b: b.endswith(b"second\n"))
        assert fp.jobs == [expected, b"second\n"]
        assert fp.connections == 2
    assert fp.error is None


def test_fake_printer_wait_times_out():
    with FakePrinter("accept") as fp:
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            fp.wait_received(1, timeout=0.2)
        assert time.monotonic() - start < 2


def test_fake_printer_refuse():
    with FakePrinter("refuse") as fp:
        assert fp.host == "127.0.0.1" and fp.port > 0
        with pytest.raises(DeviceNotFoundError):
            Network(fp.host, fp.port, timeout=1).open()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(fp.address, timeout=1)


def test_fake_printer_close_mid_job_breaks_large_write():
    with FakePrinter("close_mid_job", close_after=64) as fp:
        p = Network(fp.host, fp.port, timeout=1)
        p.open()
        with pytest.raises(OSError):
            for _ in range(64):  # up to 64 MiB; the reset arrives long before
                p._raw(b"A" * (1 << 20))
        p.close()
        assert fp.wait_received(64) == b"A" * 64
        fp.wait_closed(1)
        assert fp.received == b"A" * 64


def test_fake_printer_stall_blocks_large_write():
    with FakePrinter("stall") as fp:
        p = Network(fp.host, fp.port, timeout=1)
        p.open()
        fp.wait_connections(1)
        start = time.monotonic()
        with pytest.raises(OSError):  # socket timeout: nobody reads
            for _ in range(64):
                p._raw(b"B" * (1 << 20))
        assert time.monotonic() - start < 10
        p.close()
        assert fp.received == b""
