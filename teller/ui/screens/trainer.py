"""The trainer's screens (role trainer, practice mode): the trainees with their pass rate and
scores; one trainee's attempts, report and progress chart; assigning a drill set or an exam."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Input, SelectionList, Static

from teller.errors import TellerError
from teller.strings import pick, t
from teller.ui.widgets.text_box import TextBox
from teller.ui.widgets.key_footer import KeyFooter
from teller.ui.threads import deliver, show_text


def _dash(value) -> str:
    return "—" if value is None else str(value)


class TrainerScreen(Screen):
    BINDINGS = [
        Binding("f2", "assign('drill')", t("key.assign_set")),
        Binding("f3", "assign('exam')", t("key.assign_exam")),
        Binding("f5", "drills", t("key.drills")),
        Binding("f10", "logout", t("key.logout")),
        Binding("ctrl+q", "app.quit", t("key.quit")),
    ]
    DEFAULT_CSS = """
    #trainees { height: 1fr; }
    #trainer-note { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        yield Static(t("trainer.head"), classes="books-title")
        yield DataTable(id="trainees", cursor_type="row", zebra_stripes=True)
        yield Static("", id="trainer-note", classes="label")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#trainees", DataTable)
        for key in ("staff_no", "name", "attempts", "pass_rate", "mean", "last"):
            table.add_column(t(f"trainer.col.{key}"), key=key)
        table.focus()
        self._load()

    def on_screen_resume(self) -> None:
        self.query_one("#topbar", Static).update(self.app.title_line())
        self._load()

    @work(thread=True, exclusive=True, group="trainer")
    def _load(self) -> None:
        from teller.practice.records import trainees

        rows = trainees(self.app.desk.engine)
        deliver(self, self._fill, rows)

    def _fill(self, rows: list[dict]) -> None:
        table = self.query_one("#trainees", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in rows:
            rate = "—" if r["pass_rate"] is None else f"{r['pass_rate']}%"
            table.add_row(r["staff_no"], r["name"], str(r["attempts"]), rate, _dash(r["mean"]), _dash(r["last"]), key=r["staff_no"])
        if rows:
            table.move_cursor(row=min(keep or 0, len(rows) - 1))
        self.query_one("#trainer-note", Static).update(t("trainer.hint") if rows else t("trainer.no_trainees"))

    def _selected(self) -> tuple[str, str] | None:
        table = self.query_one("#trainees", DataTable)
        if not table.row_count:
            return None
        row = table.get_row_at(table.cursor_row)
        return str(row[0]), str(row[1])

    @on(DataTable.RowSelected, "#trainees")
    def _open(self, event: DataTable.RowSelected) -> None:
        picked = self._selected()
        if picked:
            self.app.push_screen(TraineeScreen(*picked))

    def action_assign(self, kind: str) -> None:
        picked = self._selected()
        if picked:
            self.app.push_screen(AssignScreen(*picked, kind=kind))

    def action_drills(self) -> None:
        from teller.ui.screens.drills import DrillsScreen

        self.app.push_screen(DrillsScreen())

    def action_logout(self) -> None:
        self.app.logout()


class TraineeScreen(Screen):
    """One trainee: attempts, best and last time per procedure, mistakes by kind, progress."""

    BINDINGS = [
        Binding("escape", "leave", t("key.back")),
        Binding("f2", "assign('drill')", t("key.assign_set")),
        Binding("f3", "assign('exam')", t("key.assign_exam")),
    ]
    DEFAULT_CSS = """
    #attempts { height: 9; }
    #trainee-report { height: 1fr; border: round $secondary; padding: 0 1; }
    """

    def __init__(self, staff_no: str, name: str) -> None:
        super().__init__()
        self.staff_no, self.name_text = staff_no, name
        self.rows: list[dict] = []
        self.titles: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        yield Static(t("trainee.head", name=self.name_text, staff_no=self.staff_no), classes="books-title", id="trainee-head")
        yield DataTable(id="attempts", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="trainee-report"):
            yield Static("", id="trainee-summary")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#attempts", DataTable)
        for key in ("when", "scenario", "attempt", "time", "score", "ending", "mistakes"):
            table.add_column(t(f"trainee.col.{key}"), key=key)
        table.focus()
        self._load()

    def on_screen_resume(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="trainee")
    def _load(self) -> None:
        from teller.practice import records, report

        desk = self.app.desk
        rows = records.results(desk.engine, trainee=self.staff_no, zone=desk.clock.zone)
        sets = records.all_sets(desk.engine, trainee=self.staff_no)
        procs = {pid: (desk.procedure_title(pid), p.procedure.time_limit_s) for pid, p in desk.procedures.items()}
        built = report.build(self.staff_no, self.name_text, rows, procedures=procs, sets=sets)
        try:
            good, _problems = records.load_scenarios(desk.settings, desk.procedures)
        except TellerError:
            good = []
        titles = {s.id: pick(s.scenario.title.as_dict()) for s in good}
        deliver(self, self._fill, rows, built, titles)

    def _fill(self, rows: list[dict], built, titles: dict) -> None:
        from rich.console import Group

        from teller.practice.report import renderables
        from teller.practice.scoring import clock

        self.rows, self.titles = rows, titles
        table = self.query_one("#attempts", DataTable)
        table.clear()
        for r in reversed(rows):  # the latest first
            mark = "✓" if r["passed"] else "✗"
            table.add_row(
                r["started"][5:16], titles.get(r["scenario"], r["scenario"]), str(r["attempt"]) + ("E" if r["kind"] == "exam" else ""),
                f"{clock(r['elapsed_s'])}/{clock(r['limit_s'])}", f"{r['score']} {mark}", t(f"drill.ending.{r['ending']}", step=""),
                str(r["mistakes"]), key=str(r["id"]),
            )
        width = max(40, self.query_one("#trainee-report").size.width - 4)
        self.query_one("#trainee-summary", Static).update(Group(*renderables(built, width=width)))

    @on(DataTable.RowSelected, "#attempts")
    def _attempt(self, event: DataTable.RowSelected) -> None:
        """Enter on an attempt: its breakdown as the trainee saw it."""
        row = next((r for r in self.rows if str(r["id"]) == event.row_key.value), None)
        if row is not None:
            self._show_attempt(row)

    @work(thread=True, exclusive=True, group="trainee")
    def _show_attempt(self, row: dict) -> None:
        from teller.practice.records import DrillResult, breakdown_of

        b = breakdown_of(self.app.desk.engine, row["id"])
        if b is not None:
            deliver(self, self._push_breakdown, row, DrillResult(b, None, None, row["passed"], row["id"], row["attempt"]))

    def _push_breakdown(self, row: dict, result) -> None:
        from teller.ui.screens.drill import BreakdownScreen

        desk = self.app.desk
        loaded = desk.procedures.get(row["procedure"])
        steps = {s.id: pick(s.title.as_dict()) if s.title else s.id for s in loaded.procedure.steps} if loaded else {}
        title = f"{self.name_text} · {desk.procedure_title(row['procedure'])} · {self.titles.get(row['scenario'], row['scenario'])}"
        self.app.push_screen(BreakdownScreen(title, result, step_title=lambda s: steps.get(s, s)))

    def action_leave(self) -> None:
        self.app.pop_screen()

    def action_assign(self, kind: str) -> None:
        self.app.push_screen(AssignScreen(self.staff_no, self.name_text, kind=kind))


class AssignScreen(Screen):
    """Pick scenarios (Space) and save them (F2) as a drill set or an exam for one trainee."""

    BINDINGS = [
        Binding("f2", "save", t("key.save")),
        Binding("escape", "leave", t("key.cancel_short")),
    ]
    DEFAULT_CSS = """
    #assign-box { height: 1fr; padding: 0 1; }
    #set-scenarios { height: 1fr; border: round $primary; }
    #assign-note { height: auto; }
    """

    def __init__(self, staff_no: str, name: str, *, kind: str) -> None:
        super().__init__()
        self.staff_no, self.name_text, self.kind = staff_no, name, kind

    def compose(self) -> ComposeResult:
        mark = self.app.settings.practice_pass_mark
        head = t(f"assign.head.{self.kind}", name=self.name_text, staff_no=self.staff_no, mark=mark)
        yield Static(self.app.title_line(), id="topbar")
        with Vertical(id="assign-box"):
            yield Static(head, classes="books-title")
            yield TextBox(placeholder=t("assign.title"), id="set-title", max_length=40)
            yield SelectionList(id="set-scenarios")
            yield Static(t("assign.hint"), id="assign-note", classes="label")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#set-scenarios", SelectionList).focus()
        self._load()

    @work(thread=True, exclusive=True, group="assign")
    def _load(self) -> None:
        from teller.practice.records import load_scenarios

        desk = self.app.desk
        good, _problems = load_scenarios(desk.settings, desk.procedures)
        procs = desk.procedures
        good.sort(key=lambda s: (procs[s.scenario.procedure].procedure.order if s.scenario.procedure in procs else 999, s.id))
        items = [(f"{desk.procedure_title(s.scenario.procedure)} · {pick(s.scenario.title.as_dict())}", s.id) for s in good]
        deliver(self, self._fill, items)

    def _fill(self, items: list[tuple[str, str]]) -> None:
        box = self.query_one("#set-scenarios", SelectionList)
        box.clear_options()
        box.add_options([(escape(label), ident) for label, ident in items])

    @on(Input.Submitted, "#set-title")
    def _title_done(self) -> None:
        self.query_one("#set-scenarios", SelectionList).focus()

    def action_save(self) -> None:
        picked = list(self.query_one("#set-scenarios", SelectionList).selected)
        if not picked:
            self.query_one("#assign-note", Static).update(f"[$error]{escape(t('trainer.none_picked'))}[/]")
            return
        self._save(picked, self.query_one("#set-title", Input).value.strip())

    @work(thread=True, exclusive=True, group="assign")
    def _save(self, picked: list[str], title: str) -> None:
        from teller.practice.records import assign

        try:
            set_id = assign(self.app.desk, trainee=self.staff_no, kind=self.kind, scenarios=picked, title=title)
        except TellerError as exc:
            show_text(self, "#assign-note", exc.message)
            return
        deliver(self, self._saved, set_id, len(picked))

    def _saved(self, set_id: int, n: int) -> None:
        self.app.notify(t(f"assign.done.{self.kind}", name=self.name_text, n=n), timeout=5)
        self.app.pop_screen()

    def action_leave(self) -> None:
        self.app.pop_screen()
