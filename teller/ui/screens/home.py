"""The procedure picker: type to filter by Chinese title or id, Enter starts."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from teller.strings import pick, t
from teller.ui.widgets.notice import Notice
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter
from teller.ui.threads import deliver


class HomeScreen(Screen):
    HAS_NOTICE = True  # notifications go to its Notice line (TellerApp.notify)
    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("f2", "cash_move", "key.cash_move"),
        Binding("f3", "settle", "key.settle"),
        Binding("f6", "reprint_last", "key.reprint"),
        Binding("f7", "void", "key.void"),
        Binding("f9", "reports", "key.reports"),
        Binding("f10", "logout", "key.logout"),
        Binding("ctrl+r", "reload", "key.reload", show=False),  # the footer fits 80 columns: F1 help names it
        Binding("ctrl+q", "app.request_quit", "key.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        yield TextBox(placeholder=t("home.filter"), id="filter")
        yield OptionList(id="procedures")
        yield Static("", id="home-note", classes="error")
        yield Notice()
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#topbar", Static).update(self.app.title_line())
        self.refused = ""  # why no visit can start now (the shift or the day is closed), else ''
        self._fill("")
        self.query_one("#filter", Input).focus()
        self._check_business()

    def on_screen_resume(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.focus()
        self._check_business()

    def _note(self) -> str:
        """What the note under the list says: why no visit can start, or the broken files."""
        if self.refused:
            return self.refused
        problems = self.app.desk.problems
        return t("home.broken", n=len({p.path for p in problems})) if problems else ""

    @work(thread=True, exclusive=True, group="business")
    def _check_business(self) -> None:
        """The shift state guards the picker: after F3 or the day's close, say so here, at once."""
        reason = self.app.desk.why_no_business()
        deliver(self, self._business_checked, reason)

    def _business_checked(self, reason: str) -> None:
        self.refused = reason
        if self.query_one("#procedures", OptionList).option_count:
            self.query_one("#home-note", Static).update(self._note())

    def _matches(self, text: str) -> list[tuple[str, str]]:
        needle = text.strip().lower()
        out = []
        for loaded in self.app.desk.procedures.values():
            title = pick(loaded.procedure.title.as_dict())
            hay = f"{title} {loaded.id} {loaded.procedure.title.zh} {loaded.procedure.title.en or ''}".lower()
            if needle in hay:
                out.append((loaded.id, f"{title}  [dim]{loaded.id}[/dim]"))
        return out

    def _fill(self, text: str) -> None:
        options = self.query_one("#procedures", OptionList)
        options.clear_options()
        found = self._matches(text)
        options.add_options([Option(label, id=pid) for pid, label in found])
        if found:
            options.highlighted = 0
        self.query_one("#home-note", Static).update(self._note() if found else t("home.none"))

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_reload(self) -> None:
        """Ctrl+R: read the procedure files again (a writer's change, without restarting)."""
        desk = self.app.desk
        desk.reload_procedures()
        self._fill(self.query_one("#filter", Input).value)
        broken = len({p.path for p in desk.problems})
        self.query_one("#home-note", Static).update(t("home.reloaded", n=len(desk.procedures), broken=broken))

    def action_reprint_last(self) -> None:
        from teller.ui.reprint import reprint_last

        reprint_last(self)

    def action_move(self, delta: int) -> None:
        options = self.query_one("#procedures", OptionList)
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + delta) % options.option_count

    @on(Input.Submitted, "#filter")
    def _start_highlighted(self) -> None:
        options = self.query_one("#procedures", OptionList)
        if options.highlighted is not None and options.option_count:
            self.start_visit(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#procedures")
    def _start_selected(self, event: OptionList.OptionSelected) -> None:
        self.start_visit(event.option.id)

    def start_visit(self, procedure_id: str) -> None:
        """Start a visit, unless the shift state forbids business now (asked again, not cached)."""
        reason = self.app.desk.why_no_business()
        self.refused = reason
        if reason:
            self.query_one("#home-note", Static).update(reason)
            self.app.bell()
            return
        self.app.start(procedure_id)

    def action_logout(self) -> None:
        self.app.logout()

    # ---- the hall's books ------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "reports":  # a supervisor's screen
            clerk = self.app.desk.clerk_view if self.app.desk else None
            return True if clerk is not None and clerk.role in ("supervisor", "ops") else False  # not shown to a clerk
        return True

    def action_cash_move(self) -> None:
        from teller.ui.screens.cash_move import CashMoveModal

        def done(message: str | None) -> None:
            if message:
                self.app.notify(message)

        self.app.push_screen(CashMoveModal(), done)

    def action_settle(self) -> None:
        self.app.open_settle()

    def action_void(self) -> None:
        self.app.open_void()

    def action_reports(self) -> None:
        self.app.open_reports()
