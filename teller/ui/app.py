"""The console app. It shows the log-in screen first and opens the database behind it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from textual import events, work
from textual.app import App
from textual.binding import Binding

from teller.clock import Clock
from teller.config import Settings
from teller.strings import set_locale, t
from teller.ui.keys import localize
from teller.ui.app_lock import LockAndQuit
from teller.ui.print_queue import PapersPrinted, PrintQueue
from teller.ui.screens.login import LoginScreen


#: seconds: the GIL switch interval while the database opens behind the log-in screen
LOADING_SWITCH_INTERVAL = 0.0005


class TellerApp(LockAndQuit, App):
    CSS_PATH = Path(__file__).with_name("teller.tcss")
    TITLE = "teller"
    BINDINGS = [
        Binding("ctrl+q", "request_quit", "key.quit", show=False),  # asks first; never from the lock screen
        Binding("f12", "lock", "key.lock"),
        Binding("f1", "help", "key.help", show=False),
        Binding("f11", "drills", "key.drills"),  # practice: from free practice back to the drills
    ]

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        set_locale(settings.locale)
        super().__init__()
        localize(self)  # footer labels in the UI language (bindings are made at import, before the locale)
        self.settings = settings
        self.clock = clock
        self.desk = None
        self.desk_error = ""
        self._desk_ready = threading.Event()
        self.last_result: str = ""
        self.demo_hall = False  # the demo hall's clerks are there: the log-in screen shows them
        self.crash_ref: str = ""  # the reference of the unexpected error that closed the app
        self.idle_clock = time.monotonic  # tests put a clock they move by hand here
        self._last_activity = self.idle_clock()
        self.papers = PrintQueue(self)  # papers print here, after the commit, in order

    def title_line(self) -> str:
        parts = [self.settings.hall_name, t("app.counter", counter=self.settings.counter)]
        desk = self.desk
        if desk is not None and desk.clerk_view is not None:
            parts.append(f"{desk.clerk_view.name}（{desk.clerk_view.staff_no}）")
        banner = self.settings.mode.screen_banner()
        if banner:
            parts.append(f"[b reverse] {banner} [/]")
        return " · ".join(parts)

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())
        # the database opens once the log-in screen is on the terminal: its imports (SQLAlchemy,
        # pydantic, YAML) hold the GIL for most of a second and would hold the first frame back
        self.screen.call_after_refresh(self._open_desk)
        limit = self.settings.idle_lock_s
        if limit > 0:
            self.set_interval(min(1.0, max(0.05, limit / 4)), self.check_idle_lock)

    @work(thread=True, exclusive=True, group="desk")
    def _open_desk(self) -> None:
        """Open the desk behind the log-in screen, without stalling the keys typed meanwhile.

        - The GIL: a thread that wants it waits one switch interval (5 ms by default), and a
          keystroke's echo takes it several times (the driver's thread, the event loop, the
          writer thread): 30-47 ms a key. A short interval for the while hands it over sooner;
          this thread's work takes a little longer.
        - The collector: the imports allocate hundreds of thousands of objects, and the
          automatic full collections they set off held the GIL 30-180 ms each (a key typed then
          waited as long). Collection stays off until the desk is open (teller.__main__ turns
          it off at start-up, which also spares the first frame), then everything loaded so
          far, which lives as long as the app, is frozen out of later collections (without
          that a collection after each commit paused the screen 150 ms) and collection resumes.
          The few cycles the imports left are frozen with it rather than hunted for 0.1 s.
        """
        import gc
        import sys

        interval = sys.getswitchinterval()
        sys.setswitchinterval(LOADING_SWITCH_INTERVAL)
        gc.disable()
        opened = False
        try:
            opened = self._open_desk_now()
        finally:
            sys.setswitchinterval(interval)
            if opened:
                gc.freeze()
            gc.enable()  # also when the desk did not open: the app stays up, showing why

    def _open_desk_now(self) -> bool:
        from teller.desk import Desk

        try:
            desk = Desk(self.settings, clock=self.clock).open()
        except Exception as exc:  # shown on the log-in screen; the app stays up
            self.desk_error = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            self._desk_ready.set()
            self.call_from_thread(self._show_login_error, self.desk_error)
            return False
        self.demo_hall = desk.is_demo_hall()
        desk.prints_after_commit = True  # each commit's papers print in self.papers right after it
        self.desk = desk
        self._desk_ready.set()
        self.call_from_thread(self._desk_opened)
        desk.warm_printer()  # the printer driver loads while the clerk types the PIN
        return True

    def _desk_opened(self) -> None:
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.desk_ready()

    def _show_login_error(self, message: str) -> None:
        if isinstance(self.screen, LoginScreen):
            self.screen.show_error(message)

    def wait_for_desk(self, timeout: float = 60.0):
        self._desk_ready.wait(timeout)
        return self.desk

    # ---- unexpected errors -------------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        """Every unexpected error, in a handler or a worker, ends here (Textual's own hook).

        Textual would render a traceback with local variables (a new service password, an ID
        number, a full name) as the app closes. Instead: the details, without locals and with
        secrets masked, go to the error log (teller.crash); the clerk gets one line in the UI
        language with its reference; the app exits with a non-zero code.
        """
        from textual.app import ScreenStackError
        from textual.css.query import NoMatches
        from textual.worker import WorkerFailed

        from teller import crash

        cause = error.error if isinstance(error, WorkerFailed) and isinstance(error.error, BaseException) else error
        if not self.is_running and isinstance(cause, (NoMatches, ScreenStackError)):
            return  # a late answer or timer looking for a widget the app's shut-down already removed
        try:
            ref, _path = crash.report(cause, home=self.settings.home, secrets=self._secrets_on_screen(), where="console")
        except Exception:  # the report itself failed: still no traceback on screen
            ref = crash.new_ref()
        self.crash_ref = ref
        self._return_code = crash.EXIT_CRASH
        if self._exception is None:  # Pilot re-raises it at the end of run_test, as Textual does
            self._exception = error
            self._exception_event.set()
        self._exit_renderables.append(crash.clerk_message(ref))
        self._close_messages_no_wait()

    def _fatal_error(self) -> None:  # Textual's renderer with locals: never used
        from teller import crash

        self._exit_renderables.append(crash.clerk_message(getattr(self, "crash_ref", "") or crash.new_ref()))
        self._close_messages_no_wait()

    def _secrets_on_screen(self) -> set[str]:
        """What the open screens hold that must not be written out: the run's secret answers, password boxes."""
        from textual.widgets import Input

        from teller import crash

        found: set[str] = set()
        for screen in list(self.screen_stack):
            run = getattr(screen, "run", None)
            found |= crash.secrets_in(getattr(run, "answers", None))
            found |= crash.secrets_of_person(getattr(run, "customer", None))
            try:
                found |= {w.value for w in screen.query(Input) if w.password and w.value}
            except Exception:
                pass
        return found

    # ---- navigation, called by screens ---------------------------------------------------
    def logged_in(self, clerk) -> None:
        self._route_after_login()

    @work(thread=True, exclusive=True, group="route")
    def _route_after_login(self) -> None:
        """A live counter without an open shift counts its float first (ShiftOpenScreen)."""
        needs = self.desk.needs_shift()
        self.call_from_thread(self._first_screen, needs)

    def _first_screen(self, needs_shift: bool) -> None:
        from teller.ui.screens.home import HomeScreen

        if needs_shift:
            from teller.ui.screens.shift_open import ShiftOpenScreen

            self.switch_screen(ShiftOpenScreen())
        elif self.settings.mode.is_practice:  # drills for a trainee, the trainer's screen for a trainer
            from teller.ui.screens.drills import practice_home

            practice_home(self)
        else:
            self.switch_screen(HomeScreen())

    # ---- the hall's books: shifts, voids, reports ----------------------------------------
    def shift_opened(self, message: str) -> None:
        from teller.ui.screens.home import HomeScreen

        self.switch_screen(HomeScreen())
        self.notify(message, timeout=4)

    def open_settle(self) -> None:
        self._open_settle()

    @work(thread=True, exclusive=True, group="route")
    def _open_settle(self) -> None:
        shift = self.desk.current_shift()
        self.call_from_thread(self._push_settle, shift)

    def _push_settle(self, shift) -> None:
        from teller.ui.screens.settle import SettleScreen

        self.push_screen(SettleScreen(shift))

    def open_void(self) -> None:
        from teller.ui.screens.void import VoidScreen

        self.push_screen(VoidScreen())

    def open_reports(self) -> None:
        from teller.ui.screens.reports import ReportsScreen

        self.push_screen(ReportsScreen())

    def logout(self) -> None:
        self.desk.logout()
        while len(self.screen_stack) > 2:  # screens pushed over the first one (practice) go too
            self.pop_screen()
        self.switch_screen(LoginScreen())

    def start(self, procedure_id: str) -> None:
        from teller.procedures.engine import Run
        from teller.ui.screens.run import RunScreen

        loaded = self.desk.procedures[procedure_id]
        self.push_screen(RunScreen(Run(loaded, self.desk)))

    def end_run(self, message: str, *, elapsed: float | None = None, run=None) -> None:
        """Back to the picker. A practice drill (a scenario) is scored by its own screen; free
        practice shows the time against the standard, unscored."""
        drill_run = run if run is not None else getattr(self.screen, "run", None)
        if getattr(drill_run, "on_end", None) is not None:  # teller.ui.screens.drills
            drill_run.on_end(message)
            return
        if elapsed is not None and run is not None and self.settings.mode.is_practice:
            from teller.practice import free_summary

            message = free_summary(run.procedure.time_limit_s, elapsed, commits=len(run.visits))
        self.last_result = message
        self.pop_screen()
        if message:
            self.notify(message, timeout=6)

    def on_papers_printed(self, message: PapersPrinted) -> None:
        """To the visit's screen if it is still open; otherwise a failure is shown here."""
        for screen in reversed(self.screen_stack):
            shown = getattr(screen, "papers_printed", None)
            if shown is not None and shown(message):
                return
        if message.failures:
            text = t("run.print_failed_later", receipt_no=message.request.receipt_no, error=message.failures[0])
            self.notify(text, severity="error", timeout=15)

    # ---- the idle lock --------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        """Keys, clicks, scrolls and pastes count as the clerk being there (nothing is consumed)."""
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)):
            if not getattr(event, "is_forwarded", False):
                self.note_activity()
        await super().on_event(event)

    # ---- screens shown in the UI language ----------------------------------------------------
    def push_screen(self, screen, *args, **kwargs):
        if not isinstance(screen, str):
            localize(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):
        if not isinstance(screen, str):
            localize(screen)
        return super().switch_screen(screen)

    # ---- help and the command palette ------------------------------------------------------------
    def action_help(self) -> None:
        """F1: the keys of this screen and what it expects, in the UI language."""
        from teller.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    def action_command_palette(self) -> None:
        from teller.ui.commands import Palette

        if self.use_command_palette and not Palette.is_open(self) and not self.locked:
            self.push_screen(Palette(id="--command-palette", placeholder=t("palette.placeholder")))

    def get_system_commands(self, screen):
        """The palette offers this app's commands (procedures, reprint, reports, lock, log out…),
        in the UI language, never Textual's own (theme, screenshot, keys panel)."""
        from teller.ui.commands import commands_for

        yield from commands_for(self, screen)

    # ---- notifications: in the screen's notice line, never over its content ----------------------
    def notify(self, message: str, *, title: str = "", severity: str = "information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Shown in the Notice line of the screen underneath any modal (it takes its own room, so it
        never covers the list or the text being read); a screen without one gets Textual's toast."""
        from textual.screen import ModalScreen

        from teller.ui.widgets.notice import Notice

        for screen in reversed(self.screen_stack):
            if isinstance(screen, ModalScreen):
                continue
            if not screen.children and getattr(screen, "HAS_NOTICE", False):  # shown but not composed yet
                self.call_after_refresh(self.notify, message, title=title, severity=severity, timeout=timeout, markup=markup)
                return
            notices = screen.query(Notice)
            if notices:
                text = t("print.paper_failed", paper=title, error=message) if title else message
                notices.first().show(text, severity=severity, timeout=timeout if timeout is not None else 8)
                return
            break
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
