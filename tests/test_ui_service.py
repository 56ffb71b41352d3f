"""Issue 3 procedures on screen through Pilot, one per family: bills, services, points,
reservations, complaints and handset sales. Assertions on the database and the spooled papers."""

from __future__ import annotations

from pathlib import Path

from tests.test_ui import answer, commit, login, make_app, rows, start, text_of, until  # the shared Pilot helpers

NEW_ID = "11010519491231002X"


async def choose(pilot, digit: str) -> None:
    await pilot.press(digit)
    await pilot.pause()


def spooled(home: Path, receipt_no: str, layout: str) -> str:
    return next((home / "receipts" / "spool").rglob(f"{receipt_no}-{layout}.txt")).read_text(encoding="utf-8")


# ---- families ----------------------------------------------------------------------------------


async def test_bill_print_on_screen_once_per_month(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "账单")
        await answer(pilot, app, "13800138000")
        assert "不含当月共5个月" in text_of(app, "#line")
        await answer(pilot, app)
        await choose(pilot, "3")  # dial test
        assert "拨" in text_of(app, "#line")
        await choose(pilot, "1")  # the phone rang
        await choose(pilot, "1")  # the newest month offered: 2026-10
        assert "2026-10" in text_of(app, "#line")
        await commit(pilot, app)
        receipt_no = app.screen.run.committed.receipt_no
        assert "账单" in text_of(app, "#result")
        await answer(pilot, app)
        await answer(pilot, app)
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        await start(app, pilot, "账单")  # again: the same month is refused on screen
        await answer(pilot, app, "13800138000")
        await answer(pilot, app)
        await choose(pilot, "3")
        await choose(pilot, "1")
        await choose(pilot, "1")
        assert "已经打印过" in text_of(app, "#error") and app.screen.run.step.id == "month"
    assert rows(home, "select number, month from bill_print") == [("13800138000", "2026-10")]
    bill = spooled(home, receipt_no, "bill")
    assert "2026-10" in bill and "王*明" in bill


async def test_cancel_service_on_screen(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "退订")
        await answer(pilot, app, "13700001111")
        await answer(pilot, app, "102938")
        assert "彩铃、梦网包月信息" in text_of(app, "#line")
        await choose(pilot, "1")  # 彩铃
        await answer(pilot, app, "不喜欢")
        await choose(pilot, "1")  # insists on cancelling
        assert "下个月1日" in text_of(app, "#line")
        await answer(pilot, app)
        await commit(pilot, app)
    assert rows(home, "select status, cancel_effective, retention from subscription where number='13700001111' and service_code='cailing'") == [
        ("cancelling", "2026-12-01", "declined")
    ]


async def test_points_redemption_on_screen(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "积分")
        await answer(pilot, app, "13800138000")
        await choose(pilot, "1")  # service password
        await answer(pilot, app, "135790")
        await answer(pilot, app, "王小明")
        assert "1200" in text_of(app, "#line")
        await answer(pilot, app)
        await choose(pilot, "4")  # 保温杯, 1500 points: more than held
        assert "积分不足" in text_of(app, "#error")
        await choose(pilot, "2")  # 10元话费, 1000 points
        await commit(pilot, app)
        assert "200" in text_of(app, "#line")
        assert "￥45.20" in text_of(app, "CustomerPanel")  # the bill credit is on the balance
    assert rows(home, "select points, balance_fen from customer where number='13800138000'") == [(200, 4520)]


async def test_cross_region_reservation_on_screen(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "跨区")
        await choose(pilot, "1")  # has an ID
        await answer(pilot, app, "13800138000")
        app.screen.query_one("#choices").highlighted = 26  # 陕西
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.run.answers["current_province"] == "陕西"
        await answer(pilot, app, "2026-12-10")
        await answer(pilot, app, "2026-12-01")
        assert "须晚于 2026-12-10" in text_of(app, "#error")
        await answer(pilot, app, "2026-12-31")
        await answer(pilot, app, "张三")
        app.screen.query_one("#choices").highlighted = 18  # 广东
        await pilot.press("enter")
        await pilot.pause()
        await answer(pilot, app, "深圳")
        await answer(pilot, app, "2026-12-11 09:30")
        await choose(pilot, "1")  # resident ID
        await answer(pilot, app, NEW_ID)
        await answer(pilot, app, "李四")
        await answer(pilot, app, "13912345678")
        await commit(pilot, app)
        receipt_no = app.screen.run.committed.receipt_no
    assert rows(home, "select reservation_no, target_province, target_city, end_date from reservation") == [
        ("KQ202611230001", "广东", "深圳", "2026-12-31")
    ]
    slip = spooled(home, receipt_no, "reservation")
    assert "KQ202611230001" in slip and NEW_ID not in slip


async def test_complaint_with_a_bill_credit_authorised_on_screen(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "客户投诉")
        await answer(pilot, app, "13800138000")
        await answer(pilot, app, "王小明")
        await answer(pilot, app)
        await answer(pilot, app, "彩铃被重复扣费")
        await choose(pilot, "2")  # a ticket
        assert "13800138000" in text_of(app, "#line")  # the number it will call, unless another is given
        await answer(pilot, app, "")
        assert "24小时内" in text_of(app, "#line")  # 全球通
        await answer(pilot, app)
        await answer(pilot, app, "20")
        await answer(pilot, app, "9001")
        box = app.screen.query_one("#answer")
        assert box.password  # the supervisor's PIN is masked
        await answer(pilot, app, "1111")
        assert "不正确" in text_of(app, "#error")
        box.value = ""
        await pilot.press(*"9999", "enter")
        await pilot.pause()
        assert app.screen.run.step.id == "confirm"
        await commit(pilot, app)
        receipt_no = app.screen.run.committed.receipt_no
    assert rows(home, "select outcome, compensation_fen, authorized_by from complaint") == [("ticket", 2000, "9001")]
    assert rows(home, "select balance_fen from customer where number='13800138000'") == [(5520,)]
    ticket = spooled(home, receipt_no, "ticket")
    assert "彩铃被重复扣费" in ticket and "￥20.00" in ticket and "2026-11-24 10:00" in ticket


async def test_network_complaint_stops_on_a_faulty_handset(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "网络投诉")
        await answer(pilot, app, "13700001111")
        await answer(pilot, app, "上周")
        await choose(pilot, "1")
        await choose(pilot, "2")  # the handset itself is faulty
        assert app.screen.run.stop_code == "handset_fault" and "售后维修" in text_of(app, "#line")
    assert rows(home, "select count(*) from complaint") == [(0,)]


async def test_handset_sale_on_screen(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "终端")
        await answer(pilot, app)
        await choose(pilot, "1")  # OPPO A2, the cheapest in stock
        assert "￥1299.00" in text_of(app, "#fees")
        assert "三包" in text_of(app, "#line")
        await answer(pilot, app)
        await choose(pilot, "1")
        await answer(pilot, app, "赵六")
        await answer(pilot, app, NEW_ID)
        await answer(pilot, app, "")
        await answer(pilot, app, "49015420323751")  # an IMEI one digit short
        assert "15位" in text_of(app, "#error")
        await answer(pilot, app, "490154203237518")
        await answer(pilot, app, "1300")
        assert "找您1元" in text_of(app, "#line")
        await commit(pilot, app)
        receipt_no = app.screen.run.committed.receipt_no
    assert rows(home, "select stock from handset where code='oppo_a2'") == [(7,)]
    assert rows(home, 'select amount_due_fen, change_fen from "transaction"') == [(129900, 100)]
    agreement = spooled(home, receipt_no, "agreement")
    assert "购机协议" in agreement and "OPPO A2" in agreement and "赵*" in agreement and "490154203237518" in agreement
    assert "￥1299.00" in spooled(home, receipt_no, "invoice")
