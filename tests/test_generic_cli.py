"""teller-admin for the generic operations: orders and deposits listed, the deposits report,
a procedure's effect list and paper lines shown."""

from __future__ import annotations

import json

from tests.conftest import open_desk
from tests.test_cli import cli
from tests.test_generic_operations import billing
from tests.test_void_every_procedure import roaming


def test_orders_and_deposits_are_listed(home, settings, clock):
    desk = open_desk(settings, clock)
    billing(desk)
    roaming(desk)
    desk.close()
    out = cli(home, "orders", "list", "--format", "json")
    assert out.exit_code == 0, out.output
    (order,) = json.loads(out.stdout)
    assert order["order_no"] == "ZW202611230001" and order["kind"] == "billing_info" and order["number"] == "13800138000"
    assert order["details"]["new_value"] == "wang@example.com" and order["details"]["agent_id"] == "110***********002X"
    table = cli(home, "orders", "list", "--date", "2026-11-23", "--kind", "billing_info")
    assert table.exit_code == 0 and "ZW202611230001" in table.stdout and "更改帐务信息" in table.stdout
    assert "没有工单" in cli(home, "orders", "list", "--date", "2026-11-22").stdout
    assert "没有工单" in cli(home, "orders", "list", "--number", "13700001111").stdout
    deposits = json.loads(cli(home, "deposits", "list", "--format", "json").stdout)
    assert [(d["number"], d["amount_fen"], d["status"], d["purpose"]) for d in deposits] == [("13800138000", 50000, "held", "intl_roaming")]
    assert "没有押金" in cli(home, "deposits", "list", "--status", "returned").stdout
    bad = cli(home, "deposits", "list", "--status", "lost")
    assert bad.exit_code == 2 and "--status" in bad.output


def test_the_deposits_report_from_the_command_line(home, settings, clock):
    desk = open_desk(settings, clock)
    roaming(desk)
    desk.close()
    out = cli(home, "report", "deposits", "--from", "2026-11-23", "--format", "json")
    assert out.exit_code == 0, out.output
    rows = {r["kind"]: (r["count"], r["amount_fen"]) for r in json.loads(out.stdout)}
    assert rows["收取押金"] == (1, 50000)
    daily = json.loads(cli(home, "report", "daily", "--from", "2026-11-23", "--format", "json").stdout)
    assert daily[0]["deposit_fen"] == 50000 and daily[0]["deposit_yuan"] == "500.00"


def test_show_prints_the_effect_list_and_the_paper_lines(home):
    out = cli(home, "procedures", "show", "intl_roaming").stdout
    assert "effect: open_service, open_service, take_deposit" in out
    assert "3. take_deposit (purpose: intl_roaming" in out and "when services = roaming" in out
    assert "paper: 办理业务 = services" in out
