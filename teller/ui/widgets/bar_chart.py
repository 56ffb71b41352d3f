"""A horizontal bar chart drawn with block characters (rich), for a report's chosen column."""

from __future__ import annotations

from textual.widgets import Static

from teller.charts import bars, money_bars


class BarChart(Static):
    def show(self, items: list[tuple[str, float]], *, money: bool = False) -> None:
        """Bars of the values; `money`: the values are fen, shown as ￥65.50."""
        self.update(money_bars(items) if money else bars(items))
