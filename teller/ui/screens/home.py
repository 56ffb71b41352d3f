"""The procedure picker: type to filter by Chinese title or id, Enter starts."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from teller.strings import pick, t


class HomeScreen(Screen):
    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("f6", "reprint_last", t("key.reprint")),
        Binding("f2", "cash_move", t("key.cash_move")),
        Binding("ctrl+r", "reload", t("key.reload")),
        Binding("f3", "settle", t("key.settle")),
        Binding("f7", "void", t("key.void")),
        Binding("f9", "reports", t("key.reports")),
        Binding("f10", "logout", t("key.logout")),
        Binding("ctrl+q", "app.quit", t("key.quit")),
    ]

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        yield Input(placeholder=t("home.filter"), id="filter")
        yield OptionList(id="procedures")
        yield Static("", id="home-note", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#topbar", Static).update(self.app.title_line())
        self._fill("")
        problems = self.app.desk.problems
        if problems:
            files = {p.path for p in problems}
            self.query_one("#home-note", Static).update(t("home.broken", n=len(files)))
        self.query_one("#filter", Input).focus()

    def on_screen_resume(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.focus()

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
        self.query_one("#home-note", Static).update("" if found else t("home.none"))

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
            self.app.start(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#procedures")
    def _start_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.start(event.option.id)

    def action_logout(self) -> None:
        self.app.logout()

    # ---- the hall's books ------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "reports":  # a supervisor's screen
            clerk = self.app.desk.clerk_view if self.app.desk else None
            return True if clerk is not None and clerk.role in ("supervisor", "ops") else None
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
