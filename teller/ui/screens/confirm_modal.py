"""A yes/no question with a typed result."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from teller.strings import t


class ConfirmModal(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "modal.yes"),
        Binding("n,escape", "answer(False)", "modal.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box"):
            yield Static(self.question)
            yield Static(f"{t('modal.yes')}    {t('modal.no')}", classes="label")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
