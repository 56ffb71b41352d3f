"""A business written in YAML alone, on screen through Pilot: 国际漫游 with its deposit; the
customer panel shows the services opened and the deposit held."""

from __future__ import annotations

from pathlib import Path

from teller.domain import catalog
from tests.test_ui import answer, commit, login, make_app, rows, start, text_of
from tests.test_ui_service import choose, spooled


async def test_roaming_on_screen_shows_the_services_and_the_deposit_in_the_panel(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 32)) as pilot:
        await login(app, pilot)
        await start(app, pilot, "漫游")
        await answer(pilot, app, "13800138000")
        panel = text_of(app, "CustomerPanel")
        assert "彩铃" in panel and "押金" not in panel  # the services it holds; no deposit yet
        await answer(pilot, app, "王小明")
        await answer(pilot, app, catalog.demo_id("11010519800101123"))
        await choose(pilot, "2")  # roaming, with long distance
        assert "押金500元" in text_of(app, "#line")
        await answer(pilot, app)
        await answer(pilot, app, "500")
        assert "押金500元" in text_of(app, "#line")  # the call-out
        await answer(pilot, app)
        await commit(pilot, app)
        receipt_no = app.screen.run.committed.receipt_no
        panel = text_of(app, "CustomerPanel")
        assert "国际长途" in panel and "国际漫游" in panel and "￥500.00" in panel
    assert rows(home, "select number, amount_fen, status from deposit") == [("13800138000", 50000, "held")]
    slip = spooled(home, receipt_no, "slip")
    assert "国际漫游押金" in slip and "￥500.00" in slip
