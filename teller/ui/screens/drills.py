"""The trainee's practice home: assigned drill sets and exams first, then every scenario, with
the brief of the one highlighted and the trainee's best and last score. Enter starts a drill:
the stage is set in the practice database, the drill runs on a DrillScreen, and its breakdown
stays on screen until dismissed. An exam runs its scenarios one after another (no hints, no
Esc back) and ends with the exam's result against the pass mark."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from teller.errors import TellerError
from teller.strings import pick, t
from teller.ui.widgets.key_footer import KeyFooter
from teller.ui.threads import deliver, show_text

if TYPE_CHECKING:
    from teller.practice.drill import DrillRun
    from teller.practice.records import DrillResult


def practice_home(app) -> None:
    """Where a practice log-in lands: a trainer on the trainer's screen, anyone else on the drills."""
    clerk = app.desk.clerk_view
    if clerk is not None and clerk.role == "trainer":
        from teller.ui.screens.trainer import TrainerScreen

        app.switch_screen(TrainerScreen())
    else:
        app.switch_screen(DrillsScreen())


def clock_text(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


class DrillsScreen(Screen):
    BINDINGS = [
        Binding("f2", "free", t("key.free_practice")),
        Binding("escape", "leave", t("key.back")),  # a trainer's F5 opened the drills: back to the trainees
        Binding("f10", "logout", t("key.logout")),
        Binding("ctrl+q", "app.quit", t("key.quit")),
    ]
    DEFAULT_CSS = """
    #drills-body { height: 1fr; }
    #drill-list { width: 1fr; height: 1fr; border: round $primary; }
    #drill-brief { width: 34; height: 1fr; border: round $secondary; padding: 0 1; }
    #drills-note { height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.scenarios: dict = {}  # id -> LoadedScenario
        self.sets: list[dict] = []
        self.mine: dict[str, list[dict]] = {}  # scenario -> my attempts
        self.problems: list = []
        self.exam: dict | None = None  # the exam under way: set id, the scenarios still to do

    def compose(self) -> ComposeResult:
        yield Static(self.app.title_line(), id="topbar")
        with Horizontal(id="drills-body"):
            yield OptionList(id="drill-list")
            yield Static("", id="drill-brief")
        yield Static("", id="drills-note", classes="error")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#drill-list").border_title = t("drills.title")
        self.query_one("#drill-brief").border_title = t("drills.brief")
        self.query_one("#drill-list", OptionList).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.query_one("#topbar", Static).update(self.app.title_line())
        if self.exam is None:
            self.reload()

    # ---- loading ------------------------------------------------------------------------------------
    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="drills")
    def _load(self) -> None:
        from teller.practice import records

        desk = self.app.desk
        try:
            good, problems = records.load_scenarios(desk.settings, desk.procedures)
            sets = records.open_sets(desk.engine, desk.clerk)
            rows = records.results(desk.engine, trainee=desk.clerk)
        except TellerError as exc:
            show_text(self, "#drills-note", exc.message)
            return
        mine: dict[str, list[dict]] = {}
        for row in rows:
            mine.setdefault(row["scenario"], []).append(row)
        deliver(self, self._fill, {s.id: s for s in good}, problems, sets, mine)

    def _fill(self, scenarios: dict, problems: list, sets: list[dict], mine: dict) -> None:
        self.scenarios, self.problems, self.sets, self.mine = scenarios, problems, sets, mine
        options = self.query_one("#drill-list", OptionList)
        keep = options.highlighted
        options.clear_options()
        items: list[Option] = []
        for s in sets:
            key = "drills.exam_item" if s["kind"] == "exam" else "drills.set_item"
            title = s["title"] or t(f"drills.kind.{s['kind']}")
            items.append(Option(t(key, title=title, n=len(s["scenarios"]), done=len(s["done"]), mark=s["pass_mark"]), id=f"set:{s['id']}"))
        procs = self.app.desk.procedures
        ordered = sorted(scenarios.values(), key=lambda s: (procs[s.scenario.procedure].procedure.order if s.scenario.procedure in procs else 999, s.scenario.level, s.id))
        for loaded in ordered:
            sc = loaded.scenario
            tries = mine.get(sc.id, [])
            best = max((r["score"] for r in tries), default=None)
            mark = "✓" if any(r["passed"] for r in tries) else " "
            score = f"  [dim]{best}[/dim]" if best is not None else ""
            label = f"{mark} {escape(self.app.desk.procedure_title(sc.procedure))} · {escape(pick(sc.title.as_dict()))}{score}"
            items.append(Option(label, id=f"sc:{sc.id}"))
        options.add_options(items)
        if items:
            options.highlighted = min(keep or 0, len(items) - 1)
        note = t("drills.broken", n=len({p.path for p in problems})) if problems else ("" if items else t("drills.none"))
        self.query_one("#drills-note", Static).update(note)
        self._brief()

    # ---- the brief of the highlighted item -------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#drill-list")
    def _highlighted(self) -> None:
        self._brief()

    def _current(self) -> str | None:
        options = self.query_one("#drill-list", OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _brief(self) -> None:
        ident = self._current() or ""
        box = self.query_one("#drill-brief", Static)
        kind, _, key = ident.partition(":")
        if kind == "sc" and key in self.scenarios:
            box.update(self._scenario_brief(self.scenarios[key].scenario))
        elif kind == "set":
            s = next((x for x in self.sets if str(x["id"]) == key), None)
            box.update(self._set_brief(s) if s else "")
        else:
            box.update("")

    def _scenario_brief(self, sc) -> str:
        desk = self.app.desk
        proc = desk.procedures.get(sc.procedure)
        limit = clock_text(proc.procedure.time_limit_s) if proc else "—"
        lines = [f"[b]{escape(pick(sc.title.as_dict()))}[/b]",
                 t("drills.procedure", title=desk.procedure_title(sc.procedure), limit=limit),
                 t("drills.level", stars="★" * sc.level)]
        if sc.traps:
            lines.append(t("drills.traps", traps="、".join(t_trap(x) for x in sc.traps)))
        lines += ["", escape(pick(sc.brief.as_dict())), ""]
        tries = self.mine.get(sc.id, [])
        if tries:
            best = max(tries, key=lambda r: r["score"])
            last = tries[-1]
            lines.append(t("drills.mine", n=len(tries), best=best["score"], last=last["score"], time=clock_text(last["elapsed_s"])))
        else:
            lines.append(t("drills.never"))
        return "\n".join(lines)

    def _set_brief(self, s: dict) -> str:
        head = t("drills.exam_rules", n=len(s["scenarios"]), mark=s["pass_mark"]) if s["kind"] == "exam" else t("drills.set_rules")
        lines = [f"[b]{escape(s['title'] or t('drills.kind.' + s['kind']))}[/b]", head, ""]
        for sid in s["scenarios"]:
            loaded = self.scenarios.get(sid)
            title = pick(loaded.scenario.title.as_dict()) if loaded else sid
            lines.append(("✓ " if sid in s["done"] else "· ") + escape(title))
        if s["assigned_by"]:
            lines += ["", t("drills.assigned_by", staff_no=s["assigned_by"])]
        return "\n".join(lines)

    # ---- starting ----------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#drill-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, key = (event.option.id or "").partition(":")
        if kind == "sc":
            self.start(key)
        elif kind == "set":
            s = next((x for x in self.sets if str(x["id"]) == key), None)
            if s is not None:
                self.start_set(s)

    def start_set(self, s: dict) -> None:
        todo = [sid for sid in s["scenarios"] if sid not in s["done"] and sid in self.scenarios]
        if not todo:
            self.query_one("#drills-note", Static).update(t("drills.set_missing"))
            return
        if s["kind"] == "drill":
            self.start(todo[0], set_id=s["id"])
            return
        from teller.ui.screens.confirm_modal import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self.exam = {"set_id": s["id"], "todo": todo[1:], "title": s["title"], "n": len(s["scenarios"])}
                self.start(todo[0], exam=True, set_id=s["id"])

        self.app.push_screen(ConfirmModal(t("drills.exam_q", n=len(todo), mark=s["pass_mark"])), answered)

    def start(self, scenario_id: str, *, exam: bool = False, set_id: int | None = None) -> None:
        loaded = self.scenarios.get(scenario_id)
        if loaded is None:
            return
        self.query_one("#drills-note", Static).update(t("drills.staging"))
        self._stage(loaded, exam, set_id)

    @work(thread=True, exclusive=True, group="drill")
    def _stage(self, loaded, exam: bool, set_id: int | None) -> None:
        from teller.practice.records import start_drill

        try:
            run = start_drill(self.app.desk, loaded, exam=exam, set_id=set_id)
        except TellerError as exc:
            show_text(self, "#drills-note", exc.message)
            return
        deliver(self, self._run, run)

    def _run(self, run: "DrillRun") -> None:
        from teller.ui.screens.drill import DrillScreen

        self.query_one("#drills-note", Static).update("")
        run.on_end = lambda message: self._ended(run)
        self.app.push_screen(DrillScreen(run))

    # ---- the end of a drill --------------------------------------------------------------------------
    def _ended(self, run: "DrillRun") -> None:
        """Called by the app (end_run) when the drill's visit is over, whatever the ending."""
        run.drill.end()
        run.on_end = None
        self.app.pop_screen()
        self._score(run)

    @work(thread=True, exclusive=True, group="drill")
    def _score(self, run: "DrillRun") -> None:
        from teller.practice.records import close_set_if_done, finish_drill

        desk = self.app.desk
        try:
            result = finish_drill(desk, run)
            closed = close_set_if_done(desk, run.drill.set_id) if run.drill.set_id else None
        except TellerError as exc:
            show_text(self, "#drills-note", exc.message)
            self.exam = None
            return
        deliver(self, self._show, run, result, closed)

    def _show(self, run: "DrillRun", result: "DrillResult", closed: dict | None) -> None:
        from teller.ui.screens.drill import BreakdownScreen

        sc = run.drill.scenario
        steps = {s.id: pick(s.title.as_dict()) if s.title else s.id for s in run.procedure.steps}
        footer = ""
        if self.exam is not None and self.exam["todo"]:
            footer = t("breakdown.next_exam", n=len(self.exam["todo"]))
        title = f"{self.app.desk.procedure_title(sc.procedure)} · {pick(sc.title.as_dict())}"
        self.app.push_screen(
            BreakdownScreen(title, result, step_title=lambda s: steps.get(s, s), footer=footer),
            lambda _=None: self._after(closed),
        )

    def _after(self, closed: dict | None) -> None:
        exam = self.exam
        if exam is not None and exam["todo"]:
            nxt = exam["todo"].pop(0)
            self.start(nxt, exam=True, set_id=exam["set_id"])
            return
        self.exam = None
        if closed is not None and closed["kind"] == "exam":
            self.app.push_screen(ExamResultScreen(closed, title=(exam or {}).get("title", "")))
        elif closed is not None:
            self.app.notify(t("drills.set_done"), timeout=6)
        self.reload()

    # ---- keys ---------------------------------------------------------------------------------------
    def action_free(self) -> None:
        """Free practice: the procedure picker (not scored against a scenario); F11 comes back."""
        from teller.ui.screens.home import HomeScreen

        self.app.push_screen(HomeScreen())

    def action_logout(self) -> None:
        self.app.logout()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "leave":
            return len(self.app.screen_stack) > 2 and self.app.screen is self
        return True

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 2 and self.app.screen is self:
            self.app.pop_screen()


def t_trap(code: str) -> str:
    text = t(f"trap.{code}")
    return code if text == f"trap.{code}" else text


class ExamResultScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("enter", "close", t("key.close"), priority=True),
        Binding("escape", "close", t("key.close")),
    ]
    DEFAULT_CSS = """
    ExamResultScreen { align: center middle; }
    #exam-box { width: 60; height: auto; border: thick $accent; padding: 1 2; background: $panel; }
    """

    def __init__(self, closed: dict, *, title: str = "") -> None:
        super().__init__()
        self.closed = closed
        self.title_text = title

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        c = self.closed
        verdict = t("exam.passed") if c["passed"] else t("exam.failed")
        style = "$success" if c["passed"] else "$error"
        with Vertical(id="exam-box"):
            yield Static(f"[b]{escape(self.title_text or t('drills.kind.exam'))}[/b]")
            yield Static(t("exam.score", score=c["score"], mark=c["pass_mark"]))
            yield Static(f"[{style}]{escape(verdict)}[/]")
            yield Static(t("breakdown.dismiss"), classes="label")

    def action_close(self) -> None:
        self.dismiss(None)
