"""Counting a drawer by denomination: one box per note or coin, the running total below."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from teller.domain.books import DENOMINATIONS, denomination_label
from teller.domain.money import money
from teller.strings import t
from teller.ui.widgets.text_box import TextBox


class DenominationCount(Vertical):
    """Posts `Counted` with {denomination fen: pieces} when Enter is pressed on the last box."""

    class Counted(Message):
        def __init__(self, counts: dict[int, int]) -> None:
            super().__init__()
            self.counts = counts

    def compose(self) -> ComposeResult:
        with Grid(id="denoms"):
            for denom in DENOMINATIONS:
                yield Static(denomination_label(denom), classes="label")
                yield TextBox(value="", placeholder="0", id=f"d{denom}", type="integer", max_length=5)
        yield Static(t("settle.total", total=money(0)), id="count-total")

    def on_mount(self) -> None:
        self.query_one(f"#d{DENOMINATIONS[0]}", Input).focus()

    def counts(self) -> dict[int, int]:
        return {d: int(self.query_one(f"#d{d}", Input).value or 0) for d in DENOMINATIONS}

    @on(Input.Changed)
    def _changed(self) -> None:
        total = sum(d * n for d, n in self.counts().items())
        self.query_one("#count-total", Static).update(t("settle.total", total=money(total)))

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        index = DENOMINATIONS.index(int(event.input.id[1:]))
        if index + 1 < len(DENOMINATIONS):
            self.query_one(f"#d{DENOMINATIONS[index + 1]}", Input).focus()
        else:
            self.post_message(self.Counted(self.counts()))
