"""Bad data is refused at the door: import rows, full-width digits at log-in, over-long free text,
and a printer's failure reason in the clerk's language."""

from __future__ import annotations

import re

import pytest

from teller.errors import AuthError
from teller.strings import t
from tests.conftest import network_settings, open_desk, start, walk
from tests.support.fake_printer import FakePrinter
from tests.test_data_care import GOOD, cli, customers, write_csv


def _lines():
    from teller.domain.catalog import demo_id

    some_id = demo_id("11010519850101002")
    return [
        (f"13500000021,韩\x1b[2J梅梅,{some_id},jiayuan,,,,,", "name", t("import.name_control")),  # an ESC sequence
        (f"13500000022,李\u202e雷,{some_id},jiayuan,,,,,", "name", t("import.name_control")),  # a bidi override
        (f"13500000023,王\u200b五,{some_id},jiayuan,,,,,", "name", t("import.name_control")),  # zero-width space
        (f"13500000024,张三,{some_id},jiayuan,2000000.00,,,,", "balance", t("import.balance_limit", limit=1_000_000)),
        (f"13500000025,张四,{some_id},jiayuan,-1000000.01,,,,", "balance", t("import.balance_limit", limit=1_000_000)),
        (f"13500000026,张五,{some_id},jiayuan,99999999999999999999,,,,", "balance", t("import.balance_limit", limit=1_000_000)),
    ]


def test_import_refuses_control_characters_and_absurd_balances_with_row_and_field(home, tmp_path):
    before = customers(home)
    bad = _lines()
    r = cli(home, "customers", "import", str(write_csv(tmp_path, *GOOD, *(line for line, _, _ in bad))))
    assert r.exit_code == 1, r.output
    for i, (_, field, reason) in enumerate(bad):
        assert f"row {2 + len(GOOD) + i}: {field}: {reason}" in r.stderr, r.stderr
    assert customers(home) == before
    assert "\x1b" not in r.stderr and "\u202e" not in r.stderr  # the report never echoes the escape


def test_import_accepts_a_balance_at_the_limit(home, tmp_path):
    from teller.domain.catalog import demo_id

    line = f"13500000031,钱多多,{demo_id('11010519850101002')},jiayuan,1000000.00,,,,"
    r = cli(home, "customers", "import", str(write_csv(tmp_path, line)))
    assert r.exit_code == 0, r.output


def test_full_width_digits_log_in_unlock_and_authorize(settings, clock):
    desk = open_desk(settings, clock, staff_no="１００１", pin="１２３４")
    assert desk.clerk_view.staff_no == "1001"
    assert desk.unlock("１２３４").staff_no == "1001"
    granted = desk.authorize("９００１", "９９９９", action="test")
    assert granted.staff_no == "9001"
    with pytest.raises(AuthError):
        desk.authorize("１００１", "１２３４", action="test")  # still the same person in full width
    desk.close()


def test_free_text_is_limited_by_the_schema(desk):
    run = start(desk, "network_complaint")
    walk(run, "13800138000", "上周一", "经常", "ok", "长安路", "3号楼")
    assert run.step.id == "room"
    before = dict(run.answers)
    with pytest.raises(Exception) as refused:
        run.submit("1" * 3000)
    assert "60" in refused.value.message and "3000" in refused.value.message
    assert run.step.id == "room" and run.answers == before  # nothing kept, the step asks again
    walk(run, "1202")
    assert run.answers["room"] == "1202"


def test_a_complaint_may_be_longer_than_a_room_number(desk):
    from teller.procedures.schema import InputSpec

    spec = next(s.input for s in desk.procedures["complaint"].procedure.steps if s.input and s.input.field == "complaint")
    assert spec.max_len == 200
    with pytest.raises(ValueError, match="max_len"):
        InputSpec(field="amount", kind="money", max_len=10)


def test_a_printer_failure_reads_in_chinese_with_the_detail_in_the_log(desk, settings, caplog):
    from tests.test_receipts import commit_payment

    with FakePrinter("close_mid_job", close_after=64) as fp:
        desk.settings = network_settings(settings, fp, timeout=1.0)
        committed = commit_payment(desk)
        with caplog.at_level("WARNING", logger="teller.printing"):
            (outcome,) = desk.print_transaction(committed.tx_id)
    assert not outcome.ok and "断开" in outcome.error and "补打" in outcome.error
    assert not re.search(r"[A-Za-z]{4,}", outcome.error.replace("127.0.0.1", "")), outcome.error  # no English words
    assert any("Connection" in r.getMessage() or "Broken" in r.getMessage() or "reset" in r.getMessage() for r in caplog.records)
