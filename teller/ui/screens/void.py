"""Voiding a same-day transaction (冲正), in two steps that fit an 80×24 terminal.

1. Pick: today's transactions at this counter, newest first; type to filter by customer number
   or receipt number, ↑/↓, Enter. A receipt number typed that is not in the list (another day,
   another counter, a void's own number, a mistyped one) is checked too: refused with the reason.
2. Check and authorise: what the void will reverse (Desk.check_void, before any PIN), the
   reason (↑/↓ and Enter, or its digit, as in every list), then the supervisor's staff number
   and PIN at this PC. Esc goes back to the list.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from teller.domain.books import VOID_REASONS
from teller.domain.money import money
from teller.errors import TellerError
from teller.strings import t
from teller.text import cells, fit
from teller.ui.forms import ENTER, EnterMovesOn
from teller.ui.widgets.notice import Notice
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter
from teller.ui.threads import deliver


def tx_label(line) -> str:
    """`R01-20261123-0001  10:21  13800138000     ￥120.00  缴费` (voided ones marked)."""
    amount = money(line.amount_fen)
    title = fit(line.title, 16)
    text = f"{line.receipt_no}  {line.time}  {line.number or '-':<11}  {' ' * max(0, 11 - cells(amount))}{amount}  {title}"
    if line.status == "voided":
        return f"[dim]{text}  {t('void.voided_mark')}[/dim]"
    return text


class VoidScreen(EnterMovesOn, Screen):
    HAS_NOTICE = True  # notifications go to its Notice line (TellerApp.notify)
    BINDINGS = [
        ENTER,
        Binding("escape", "back", "key.back"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("f5", "print_slip", "key.print_slip"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.void_id: int | None = None  # the void done here, while its slip is not printed
        self.chosen: str | None = None  # the receipt number being voided (step 2)
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        yield Static(f"[b]{t('void.title')}[/b]", classes="books-title")
        with Vertical(id="void-pick"):
            yield TextBox(placeholder=t("void.filter"), id="void-filter", max_length=24)
            yield OptionList(id="void-list")
            yield Static("", id="void-empty", classes="label")
        with Vertical(id="void-check"):
            yield Static("", id="void-preview")
            yield Static(t("void.reason_hint"), classes="label")
            yield OptionList(*[Option(f"{i}. {t('void.reason.' + r)}", id=r) for i, r in enumerate(VOID_REASONS, 1)],
                             id="void-reason")
            yield TextBox(placeholder=t("settle.supervisor"), id="void-staff", max_length=16)
            yield TextBox(placeholder=t("settle.pin"), id="void-pin", password=True, max_length=12)
        yield Static("", id="void-result")
        yield Static("", id="void-error", classes="error")
        yield Notice()
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self._to_pick()
        self._load("")

    # ---- step 1: pick the transaction --------------------------------------------------------
    def _to_pick(self) -> None:
        self.chosen = None
        self.query_one("#void-pick").display = True
        self.query_one("#void-check").display = False
        for name in ("#void-staff", "#void-pin"):
            self.query_one(name, Input).value = ""
        self.query_one("#void-filter", Input).focus()
        self.refresh_bindings()

    @on(Input.Changed, "#void-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._load(event.value)

    @work(thread=True, exclusive=True, group="void-list")
    def _load(self, query: str) -> None:
        lines = self.app.desk.todays_transactions(query)
        deliver(self, self._fill, lines, query)

    def _fill(self, lines, query: str) -> None:
        options = self.query_one("#void-list", OptionList)
        options.clear_options()
        options.add_options([Option(tx_label(line), id=line.receipt_no) for line in lines])
        if lines:
            options.highlighted = 0
        empty = self.query_one("#void-empty", Static)
        empty.update("" if lines else t("void.none_match", query=query.strip()) if query.strip() else t("void.none_today"))
        empty.display = not lines

    def action_move(self, delta: int) -> None:
        options = self.query_one("#void-list", OptionList)
        if self.chosen is None and options.option_count:
            options.highlighted = ((options.highlighted or 0) + delta) % options.option_count
        elif self.chosen is not None:
            reasons = self.query_one("#void-reason", OptionList)
            if reasons.has_focus:
                reasons.highlighted = ((reasons.highlighted or 0) + delta) % reasons.option_count

    @on(Input.Submitted, "#void-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        options = self.query_one("#void-list", OptionList)
        if options.highlighted is not None and options.option_count:
            self._choose(options.get_option_at_index(options.highlighted).id)
        elif event.value.strip():  # a receipt number not listed: checked all the same, refused with its reason
            self._choose(event.value.strip())

    @on(OptionList.OptionSelected, "#void-list")
    def _listed(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, receipt_no: str) -> None:
        if self.busy:
            return
        self.busy = True
        self.query_one("#void-error", Static).update("")
        self.query_one("#void-result", Static).update("")
        self._check(receipt_no)

    @work(thread=True, exclusive=True, group="void")
    def _check(self, receipt_no: str) -> None:
        """What the void will do, or why it cannot, before anyone types a supervisor's PIN."""
        desk = self.app.desk
        try:
            preview = desk.check_void(receipt_no)
        except TellerError as exc:
            deliver(self, self._refused, exc.message)
            return
        line = next((x for x in desk.todays_transactions(preview.receipt_no) if x.receipt_no == preview.receipt_no), None)
        deliver(self, self._previewed, preview, line)

    def _refused(self, message: str) -> None:
        self.busy = False
        self.query_one("#void-error", Static).update(message)
        self.query_one("#void-filter", Input).focus()

    def _previewed(self, preview, line) -> None:
        """Step 2: what will be reversed, then the reason and the supervisor."""
        self.busy = False
        self.chosen = preview.receipt_no
        desk = self.app.desk
        title = desk.procedure_title(preview.procedure_id)
        number = line.number if line is not None and line.number else "-"
        undo_key = f"void.undo.{preview.operation}"
        undo = t(undo_key, number=number) if undo_key in _keys() else t("void.undo.other", procedure=title, number=number)
        parts = [
            t("void.preview_head", receipt_no=preview.receipt_no, time=line.time if line else "", procedure=title,
              number=number, clerk=preview.tx_clerk),
            t("void.preview_undo", undo=undo),
            t("void.preview_refund", refund=money(preview.refund_fen)) if preview.refund_fen else t("void.preview_no_cash"),
        ]
        self.query_one("#void-preview", Static).update("\n".join(parts))
        self.query_one("#void-pick").display = False
        self.query_one("#void-check").display = True
        reasons = self.query_one("#void-reason", OptionList)
        reasons.highlighted = 0
        reasons.focus()
        self.refresh_bindings()

    # ---- step 2: the reason and the supervisor --------------------------------------------------
    def on_key(self, event) -> None:
        """Digits pick a reason directly (1-4), as in every list of the console."""
        reasons = self.query_one("#void-reason", OptionList)
        if self.chosen is None or not reasons.has_focus or not event.character or not event.character.isdigit():
            return
        index = int(event.character) - 1
        if 0 <= index < reasons.option_count:
            event.stop()
            event.prevent_default()
            reasons.highlighted = index
            self.query_one("#void-staff", Input).focus()

    @on(OptionList.OptionSelected, "#void-reason")
    def _reason_done(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#void-staff", Input).focus()

    @on(Input.Submitted, "#void-staff")
    def _staff_done(self) -> None:
        self.query_one("#void-pin", Input).focus()

    @on(Input.Submitted, "#void-pin")
    def _pin_done(self) -> None:
        if self.chosen is None or self.busy:
            return
        staff = self.query_one("#void-staff", Input)
        if not staff.value.strip():
            staff.focus()
            return
        reasons = self.query_one("#void-reason", OptionList)
        reason = reasons.get_option_at_index(reasons.highlighted or 0).id
        pin = self.query_one("#void-pin", Input)
        self.query_one("#void-error", Static).update("")
        self.busy = True
        self._void(self.chosen, reason, staff.value, pin.value)
        pin.value = ""

    @work(thread=True, exclusive=True, group="void")
    def _void(self, receipt_no: str, reason: str, staff: str, pin: str) -> None:
        try:
            void = self.app.desk.void(receipt_no, reason=reason, supervisor=staff, pin=pin)
        except TellerError as exc:
            deliver(self, self._void_refused, exc.message)
            return
        text = t("void.done", receipt_no=void.receipt_no, refund=money(void.amount_fen))
        deliver(self, self._voided, void.id, text, self.app.desk.slip_problems(void_id=void.id))

    def _void_refused(self, message: str) -> None:
        self.busy = False
        self.query_one("#void-error", Static).update(message)
        self.query_one("#void-staff", Input).focus()

    def _voided(self, void_id: int, text: str, problems: list[str]) -> None:
        self.busy = False
        self._to_pick()
        self.query_one("#void-filter", Input).value = ""
        self._load("")
        self._slip_state(void_id, text, problems)

    def _slip_state(self, void_id: int, text: str, problems: list[str]) -> None:
        """What the journal says of the void slip: printed, or why not (F5 prints it again)."""
        self.void_id = void_id if problems else None
        self._void_text = text
        slip = t("void.slip_failed", error=problems[0]) if problems else t("void.slip_printed")
        self.query_one("#void-result", Static).update(f"{text}\n{slip}")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "print_slip":
            return True if self.void_id is not None else False
        return True

    def action_print_slip(self) -> None:
        if self.void_id is not None:
            self._print_slip(self.void_id, self._void_text)

    @work(thread=True, exclusive=True, group="void")
    def _print_slip(self, void_id: int, text: str) -> None:
        desk = self.app.desk
        desk.print_void(void_id)
        deliver(self, self._slip_state, void_id, text, desk.slip_problems(void_id=void_id))

    def action_back(self) -> None:
        """Esc: from the check back to the list; from the list back to the picker."""
        if self.busy:
            return
        if self.chosen is not None:
            self.query_one("#void-error", Static).update("")
            self._to_pick()
            return
        self.app.pop_screen()


def _keys() -> dict:
    from teller import strings

    return strings.table("zh")
