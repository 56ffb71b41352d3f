"""A horizontal bar chart drawn with block characters (rich), for a report's chosen column."""

from __future__ import annotations

from textual.widgets import Static

from teller.charts import bars


class BarChart(Static):
    def show(self, items: list[tuple[str, float]]) -> None:
        self.update(bars(items))
