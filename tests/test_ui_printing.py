"""Item 8: a slow printer never holds the clerk. Papers print in a worker after the commit;
the screen says the sale is saved and the papers are printing, and shows the outcome later."""

from __future__ import annotations

import time
from pathlib import Path

from tests.support.escpos_decoder import decode
from tests.support.fake_printer import FakePrinter
from tests.test_ui import answer, login, make_app, rows, start, text_of, ui_home, until  # noqa: F401 - ui_home is a fixture


async def _pay_up_to_commit(pilot, app, number: str, name: str, amount: str) -> None:
    await answer(pilot, app, number)
    await answer(pilot, app, name)
    await answer(pilot, app)
    await answer(pilot, app, amount)
    await answer(pilot, app, amount)
    assert app.screen.run.step.kind == "commit"


async def _enter_commit_fast(pilot, app) -> float:
    """Enter on the commit step; seconds until the screen is free again (sale saved)."""
    began = time.monotonic()
    await pilot.press("enter")
    await until(pilot, lambda: not app.screen.busy and app.screen.run.committed is not None, tries=100)
    return time.monotonic() - began


async def test_a_slow_printer_does_not_hold_the_clerk_and_papers_keep_their_order(ui_home: Path) -> None:
    with FakePrinter("slow", delay=1.2) as fp:  # confirms each paper 1.2 s after its bytes
        app = make_app(ui_home, printer={"backend": "network", "host": fp.host, "port": fp.port, "timeout": 3.0})
        async with app.run_test(size=(100, 32)) as pilot:
            await login(app, pilot)
            await start(app, pilot, "pay")
            receipts = []
            for number, name, amount in (("13800138000", "王小明", "50"), ("13700001111", "张伟", "30")):
                await _pay_up_to_commit(pilot, app, number, name, amount)
                waited = await _enter_commit_fast(pilot, app)
                assert waited < 1.0  # not the printer's 1.2 s
                receipt_no = app.screen.run.committed.receipt_no
                receipts.append(receipt_no)
                assert "交易已保存" in text_of(app, "#result") and "打印中" in text_of(app, "#result")
                assert "正在提交" not in text_of(app, "#result")
                assert app.papers.busy  # still printing while the clerk goes on
                await answer(pilot, app)  # paid: the next step, with the printer still busy
                if number == "13800138000":
                    await pilot.press("2")  # another number: the next visit starts at once
                    await pilot.pause()
                    assert app.screen.run.step.id == "number"
            await until(pilot, lambda: not app.papers.busy, tries=400)
            await pilot.pause()
            assert "票据已打印" in text_of(app, "#result") and text_of(app, "#error").strip() == ""
            fp.wait_closed(2)
            jobs = fp.jobs
    assert [decode(job).qr_data for job in jobs] == [[receipts[0]], [receipts[1]]]  # in order
    assert any("￥50.00" in ln for ln in decode(jobs[0]).lines) and any("￥30.00" in ln for ln in decode(jobs[1]).lines)
    assert rows(ui_home, "select status from receipt_job order by id") == [("printed",), ("printed",)]


async def test_a_stalling_printer_fails_later_and_f5_needs_a_supervisor_for_a_maybe_printed_invoice(ui_home: Path) -> None:
    with FakePrinter("slow", delay=30) as fp:  # takes the bytes, never confirms in time
        app = make_app(ui_home, printer={"backend": "network", "host": fp.host, "port": fp.port, "timeout": 0.8})
        async with app.run_test(size=(100, 32)) as pilot:
            await login(app, pilot)
            await start(app, pilot, "pay")
            await _pay_up_to_commit(pilot, app, "13800138000", "王小明", "50")
            assert await _enter_commit_fast(pilot, app) < 0.7
            assert "打印中" in text_of(app, "#result") and not app.screen.print_failed
            await until(pilot, lambda: app.screen.print_failed, tries=400)  # shown when it comes
            error = text_of(app, "#error")
            assert "未确认" in error and "补打" in error
            assert rows(ui_home, 'select status from "transaction"') == [("completed",)]
            with FakePrinter("accept") as back:
                import dataclasses

                app.desk.settings = dataclasses.replace(
                    app.desk.settings, printer=dataclasses.replace(app.desk.settings.printer, port=back.port))
                await pilot.press("f5")
                await until(pilot, lambda: type(app.screen).__name__ == "SupervisorModal")
                app.screen.query_one("#supervisor-staff").value = "9001"
                await pilot.press("enter")
                await pilot.press(*"9999", "enter")
                await until(pilot, lambda: not app.papers.busy and not app.screen.print_failed and type(app.screen).__name__ == "RunScreen", tries=400)
                back.wait_closed(1)
                again = decode(back.jobs[0])
    assert any("补打 #1" in ln for ln in again.lines)
    assert rows(ui_home, "select status, reprints, bytes_sent from receipt_job") == [("printed", 1, 1)]


# ---- item 7: the void slip through the print journal, on screen ----------------------------------
async def test_a_void_slip_that_did_not_print_says_so_is_pending_and_f5_prints_it(ui_home: Path) -> None:
    import dataclasses

    from sqlmodel import Session

    from teller.store.queries import unprinted
    from tests.test_ui_books import pay_on_screen

    with FakePrinter("offline") as fp:
        app = make_app(ui_home, printer={"backend": "network", "host": fp.host, "port": fp.port, "timeout": 0.5})
        async with app.run_test(size=(100, 32)) as pilot:
            await login(app, pilot)
            receipt_no = await pay_on_screen(app, pilot, "100", "100")
            await pilot.press("f7")
            await until(pilot, lambda: type(app.screen).__name__ == "VoidScreen")
            app.screen.query_one("#void-filter").value = receipt_no
            await until(pilot, lambda: app.screen.query_one("#void-list").option_count == 1)
            await pilot.press("enter")
            await until(pilot, lambda: app.screen.query_one("#void-check").display)
            await pilot.press("down", "enter")
            await pilot.press(*"9001", "enter")
            await pilot.press(*"9999", "enter")
            await until(pilot, lambda: "已冲正" in text_of(app, "#void-result"), tries=400)
            shown = text_of(app, "#void-result")
            assert "冲正单未打印" in shown and "脱机" in shown and "已打印" not in shown.replace("未打印", "")
            with Session(app.desk.engine) as s:
                pending = [(subject.receipt_no, subject.procedure_id, job.layout) for subject, job in unprinted(s)]
            void_no = rows(ui_home, "select void_no from void")[0][0]
            assert void_no.startswith("V") and void_no != receipt_no  # the void's own number
            assert (void_no, "void", "void") in pending  # listed by `receipts pending` under it
            with FakePrinter("accept") as back:
                app.desk.settings = dataclasses.replace(
                    app.desk.settings, printer=dataclasses.replace(app.desk.settings.printer, port=back.port))
                await pilot.press("f5")
                await until(pilot, lambda: "冲正单已打印" in text_of(app, "#void-result"), tries=400)
                back.wait_closed(2)
                slips = [decode(job) for job in back.jobs]
    # customer and hall copies: the void's own number, the original as reference
    assert all(receipt_no in " ".join(d.lines) and void_no in " ".join(d.lines) for d in slips) and len(slips) == 2
    assert not any("补打" in ln for d in slips for ln in d.lines)  # offline: nothing had reached the printer
    assert rows(ui_home, "select status from receipt_job where void_id is not null") == [("printed",), ("printed",)]
    assert rows(ui_home, "select slip_status from void") == [("printed",)]
