"""The supervisor's reports: pick a report and a period; a table and, where it reads better, bars.

Choosing, the list and the dates sit on the left; a report shown takes the whole width (every
column fits 80 columns) until Esc brings the list back. Money reads ￥65.50 in table and bars."""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from teller.errors import TellerError
from teller.strings import t
from teller.ui.widgets.bar_chart import BarChart
from teller.ui.widgets.notice import Notice
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter
from teller.ui.threads import deliver, show_text

REPORT_NAMES = ("daily", "period", "prepay-arrears", "procedures", "bands", "deposits", "retention", "complaints", "exceptions")


class ReportsScreen(Screen):
    HAS_NOTICE = True  # notifications go to its Notice line (TellerApp.notify)
    BINDINGS = [Binding("escape", "leave", "key.back")]

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        with Horizontal(id="report-body"):
            with Vertical(id="report-side"):
                yield OptionList(*[Option(t(f"report.name.{n}"), id=n) for n in REPORT_NAMES], id="report-list")
                yield Static(t("report.from"), classes="label")
                yield TextBox(id="report-from", max_length=10)
                yield Static(t("report.to"), classes="label")
                yield TextBox(id="report-to", max_length=10)
            with Vertical(id="report-main"):
                yield Static("", id="report-note")
                yield DataTable(id="report-table", zebra_stripes=True)
                yield BarChart(id="report-chart")
        yield Notice()
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        today = self.app.desk.now().date().isoformat()
        self.query_one("#report-from", Input).value = today
        self.query_one("#report-to", Input).value = today
        self.query_one("#report-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#report-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.show_report(event.option.id)

    @on(Input.Submitted)
    def _dates(self) -> None:
        options = self.query_one("#report-list", OptionList)
        if options.highlighted is not None:
            self.show_report(options.get_option_at_index(options.highlighted).id)

    def show_report(self, name: str) -> None:
        try:
            start = date.fromisoformat(self.query_one("#report-from", Input).value.strip())
            end = date.fromisoformat(self.query_one("#report-to", Input).value.strip())
        except ValueError:
            self.query_one("#report-note", Static).update("YYYY-MM-DD")
            return
        self._load(name, start, end)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return True

    def action_leave(self) -> None:
        """Esc: from a report back to the list; from the list back to the picker."""
        side = self.query_one("#report-side")
        if not side.display:
            side.display = True
            self.query_one("#report-list", OptionList).focus()
            return
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="report")
    def _load(self, name: str, start: date, end: date) -> None:
        try:
            report = self.app.desk.report(name, start=start, end=end)
        except TellerError as exc:
            show_text(self, "#report-note", exc.message)
            return
        deliver(self, self._fill, name, report)

    def _fill(self, name: str, report) -> None:
        table = self.query_one("#report-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*report.columns.values())  # columns before rows
        table.add_rows([[cell(row, key) for key in report.columns] for row in report.rows])
        note = report.note or ("" if report.rows else t("report.empty"))
        start = self.query_one("#report-from", Input).value.strip()
        end = self.query_one("#report-to", Input).value.strip()
        period = start if start == end else f"{start}..{end}"
        self.query_one("#report-note", Static).update(f"[b]{t(f'report.name.{name}')}[/b]  {period}  {note}".rstrip())
        chart = self.query_one("#report-chart", BarChart)
        if report.chart and report.rows:
            label, value = report.chart
            chart.show([(row[label], row[value]) for row in report.rows], money=value.endswith("_fen"))
        else:
            chart.show([])
        self.query_one("#report-side").display = False  # the report takes the whole width
        table.focus()


def cell(row: dict, key: str) -> str:
    """A table cell: money as ￥65.50 (the row carries fen beside yuan), the rest as it is."""
    from teller.domain.money import money

    value = row.get(key)
    if value is None:
        return ""
    if key.endswith("_yuan") and isinstance(row.get(key[:-5] + "_fen"), int):
        return money(row[key[:-5] + "_fen"])
    return str(value)
