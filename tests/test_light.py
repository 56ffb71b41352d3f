"""Light and quick on a weak PC: the structural facts behind the benchmark's figures.

Wall times are the benchmark's business (tests/bench/bench.py prints them); these tests hold
what makes them: which modules load when, what a keystroke costs the screen, how much work
area a PIN check takes, how a report reads the books.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from textual.app import App
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from teller.ui.widgets.text_box import TextBox

REPO = Path(__file__).resolve().parents[1]


def run_python(code: str, *, env: dict[str, str] | None = None, cwd: Path = REPO) -> str:
    full = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=full, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


# ---- the console's start-up path ------------------------------------------------------------------
def test_the_console_module_loads_no_database_layer_no_pydantic_no_yaml_no_printer():
    out = run_python(
        "import sys, teller.__main__, teller.ui.app\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'pydantic', 'yaml', 'escpos', 'PIL', 'typer')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    assert out.strip() == ""


#: what a counter's console never needs for a payment: authoring and schema tooling, the admin
#: CLI, migrations (a database at the newest revision opens without Alembic), the printer's image
#: stack (text, native QR codes and cuts print without it), practice, seeding, backups, PostgreSQL's
#: driver on a SQLite hall
NOT_IN_A_PAYMENT = (
    "jsonschema", "alembic", "typer", "click", "PIL._imaging", "qrcode.main", "psycopg",
    "teller.cli", "teller.procedures.cases", "teller.procedures.schema_docs", "teller.procedures.skeleton",
    "teller.procedures.describe", "teller.simulation", "teller.practice", "teller.store.seed",
    "teller.store.migrate", "teller.store.backup", "teller.store.schema_tools",
)


def test_a_payment_in_the_console_loads_no_tooling_cli_migrations_or_image_stack(tmp_path):
    """The real console (headless, Pilot) from start-up through a payment back to the picker, in a
    fresh process (tests/bench/memory.py): the modules that ran are the console's own; a heavy
    module imported on this path again (at start-up or by the visit) fails here."""
    from tests.bench.memory import measure

    data = measure(imports=False, floor=False, root=tmp_path)
    rows = data["phases"]["rows"]
    assert rows[-1]["phase"] == "back at the picker"  # the payment was made and the picker is back
    assert all(0 < r["rss_mb"] <= r["hwm_mb"] for r in rows)
    loaded = set(data["phases"]["loaded"])
    sneaked = sorted(m for m in loaded if any(m == b or m.startswith(b + ".") for b in NOT_IN_A_PAYMENT))
    assert sneaked == []
    assert {"sqlmodel", "escpos.printer", "teller.printing.escpos"} <= loaded  # the check sees what did load


def test_the_screens_procedures_and_printer_load_without_the_orm_layer(tmp_path):
    """The memory script's floor: the console's modules and screens, SQLAlchemy Core reading the
    database, the procedures loaded and a receipt encoded, and no ORM, SQLModel or table model
    loaded (what a console committing through Core would build on; README, Benchmark). Its
    imports breakdown covers the heavy imports one by one."""
    from tests.bench.memory import IMPORTS, measure

    data = measure(root=tmp_path, trace=False)
    assert data["floor"]["orm_loaded"] == [] and data["floor"]["procedures"] >= 10
    assert [r["import"].split(" ")[0] for r in data["imports"][1:]] == list(IMPORTS)


def test_the_database_opens_after_the_first_frame(home):
    """TellerApp.on_mount asks for the desk only once the log-in screen has been drawn: its
    imports hold the GIL for most of a second and would hold back the first frame."""
    import asyncio

    from teller.config import load_settings
    from teller.ui.app import TellerApp

    from teller.ui.screens.login import LoginScreen

    async def go() -> tuple[bool, bool]:
        app = TellerApp(load_settings(home=home))
        frames: list[str] = []  # the screens drawn, in order
        real_open, real_display = app._open_desk, app._display

        def opening():
            seen["frames"] = list(frames)
            return real_open()

        def display(screen, renderable):
            frames.append(type(screen).__name__)
            return real_display(screen, renderable)

        app._open_desk, app._display = opening, display
        async with app.run_test(size=(80, 24)) as pilot:
            app.wait_for_desk(30)
            await app.workers.wait_for_complete()
            await pilot.pause()
            seen["collector"] = [gc.isenabled(), gc.get_freeze_count() > 0]
            return LoginScreen.__name__ in seen.get("frames", []), app.desk is not None

    import gc

    before = sys.getswitchinterval()
    seen: dict = {}
    gc.disable()  # as `teller` does at start-up (teller.__main__)
    try:
        drawn, opened = asyncio.run(go())
    finally:
        gc.enable()
    assert opened and drawn
    assert sys.getswitchinterval() == before  # the short interval lasts only while the desk opens
    assert seen["collector"] == [True, True]  # collection back on, what was loaded frozen out of it


# ---- keystrokes ---------------------------------------------------------------------------------
class Busy(Screen):
    """A screen with enough around the field that a layout pass is not free."""

    def compose(self):
        yield Static("top", id="top")
        with Horizontal():
            with Vertical():
                for i in range(8):
                    yield Static(f"line {i}")
                yield self.field
            yield Static("side", id="side")
        yield Footer()

    def __init__(self, field: Input) -> None:
        super().__init__()
        self.field = field


class Host(App):
    CSS = "Horizontal { height: 1fr; } Vertical { width: 1fr; } #side { width: 12; }"

    def __init__(self, field: Input) -> None:
        super().__init__()
        self.field = field

    def on_mount(self) -> None:
        self.push_screen(Busy(self.field))


async def type_into(field: Input, keys: str) -> dict:
    """Type `keys` into `field` on a busy screen; what the screen did and showed."""
    app = Host(field)
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        field.focus()
        await pilot.pause()
        screen = app.screen
        count = 0
        real = screen._refresh_layout

        def counting(*args, **kwargs):
            nonlocal count
            count += 1
            return real(*args, **kwargs)

        screen._refresh_layout = counting
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        return {
            "layouts": count,
            "value": field.value,
            "line": "".join(segment.text for segment in field.render_line(0)),
            "scroll_x": field.scroll_x,
            "max_scroll_x": field.max_scroll_x,
            "virtual_width": field.virtual_size.width,
        }


async def test_a_keystroke_in_a_text_box_repaints_the_field_without_a_layout_pass():
    plain = await type_into(Input(), "13800")
    assert plain["layouts"] >= 5  # Textual's Input: a screen-wide layout per key (what TextBox avoids)
    light = await type_into(TextBox(), "13800")
    assert light["layouts"] == 0
    assert light["value"] == "13800" and "13800" in light["line"]


async def test_a_long_value_scrolls_so_the_cursor_stays_in_view():
    text = "0123456789" * 8  # wider than the field
    got = await type_into(TextBox(), text)
    assert got["value"] == text
    assert got["virtual_width"] == len(text) + 1  # the text and the cursor cell
    assert got["scroll_x"] > 0 and got["scroll_x"] == got["max_scroll_x"]
    assert text[-20:] in got["line"]  # the end of the text, where the cursor is, is what shows
    plain = await type_into(Input(), text)  # and it shows what Textual's Input shows
    assert (plain["scroll_x"], plain["line"]) == (got["scroll_x"], got["line"])


# ---- memory: the PIN work area, the printer's image stack ----------------------------------------
def test_printing_text_qr_cut_and_drawer_never_loads_the_image_stack(settings):
    """Text, native QR codes, cuts and the drawer go out without Pillow or qrcode executing;
    an image printed later still loads them and prints."""
    out = run_python(
        "import sys\n"
        "from teller.config import load_settings\n"
        "from teller.printing import escpos\n"
        "from teller.printing.layouts import Cut, Line, Qr\n"
        "data = escpos.to_bytes([Line('收费凭证'), Qr('https://example.cn/r/1', 4), Cut()], drawer=True)\n"
        "executed = [m for m in ('PIL._imaging', 'PIL.ImageOps', 'qrcode.main', 'escpos.image') if m in sys.modules]\n"
        "print('TEXT', len(data), ','.join(executed) or '-')\n"
        "from escpos.printer import Dummy\n"
        "from PIL import Image\n"
        "p = Dummy()\n"
        "p.image(Image.new('1', (16, 16)))\n"
        "print('IMAGE', len(p.output) > 16, 'PIL._imaging' in sys.modules)\n",
        env={"XDG_CACHE_HOME": str(settings.home / "cache")},
    )
    lines = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith(("TEXT ", "IMAGE ")))
    size, executed = lines["TEXT"].split()
    assert int(size) > 20 and executed == "-"
    assert lines["IMAGE"] == "True True"


# ---- teller-admin report ------------------------------------------------------------------------
REPORT_RUN = """
import sys
from teller.cli.main import run
sys.argv = ['teller-admin', 'report', sys.argv[1], '--from', '2026-01-01', '--to', '2026-12-31', '--format', 'json']
try:
    run()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = ('sqlmodel', 'sqlalchemy.orm', 'teller.procedures.loader', 'teller.store.models', 'escpos', 'PIL', 'textual')
print('LOADED ' + ','.join(m for m in heavy if m in sys.modules), file=sys.stderr)
sys.exit(code)
"""


def report_process(home: Path, name: str, **env) -> tuple[str, str]:
    full = {**os.environ, "PYTHONPATH": str(REPO), "TELLER_HOME": str(home), "TELLER_CONFIG": str(home / "teller.toml"), **env}
    result = subprocess.run([sys.executable, "-c", REPORT_RUN, name], cwd=home, env=full, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = [line for line in result.stderr.splitlines() if line.startswith("LOADED ")][-1].removeprefix("LOADED ")
    return result.stdout, loaded


def test_the_report_command_reads_through_sqlalchemy_core_alone(home, settings, clock):
    """On a database that is set up, `teller-admin report` loads neither the ORM, SQLModel's
    tables nor the procedure loader, and gives what the console's full desk gives (titles too)."""
    import json

    from tests.conftest import open_desk
    from tests.support.flows import pay

    desk = open_desk(settings, clock)
    try:
        pay(desk)
        expected = desk.report("procedures", start=date(2026, 1, 1), end=date(2026, 12, 31)).rows
    finally:
        desk.close()
    (home / "teller.toml").touch()
    out, loaded = report_process(home, "procedures")
    assert loaded == ""
    rows = json.loads(out)
    assert [(r["procedure"], r["title"], r["count"]) for r in rows] == [(r["procedure"], r["title"], r["count"]) for r in expected]
    assert rows[0]["title"] == "缴费"


def test_the_report_command_on_a_missing_database_refuses_and_creates_nothing(tmp_path):
    """Only `db init` creates a database: a report on a home without one says how, exit 1."""
    from tests.support.homes import copy_sources

    home = copy_sources(tmp_path / "new")
    (home / "teller.toml").write_text("", encoding="utf-8")
    full = {**os.environ, "PYTHONPATH": str(REPO), "TELLER_HOME": str(home), "TELLER_CONFIG": str(home / "teller.toml")}
    result = subprocess.run([sys.executable, "-c", REPORT_RUN, "daily"], cwd=home, env=full, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "db init" in result.stderr and "Traceback" not in result.stderr
    assert not (home / "db" / "teller.db").exists()


def test_open_to_read_keeps_the_live_and_practice_guard(settings, clock):
    import dataclasses

    from teller.desk import Desk
    from teller.errors import TellerError

    Desk(settings, clock=clock).open().close()
    practice_on_live = dataclasses.replace(settings, practice=True, live_database_url="sqlite:///elsewhere.db")
    with pytest.raises(TellerError):
        Desk(practice_on_live, clock=clock).open_to_read()


def test_titles_are_read_from_the_top_of_each_file_as_the_loader_reads_them(tmp_path):
    from teller.procedures.loader import load_folder
    from teller.procedures.titles import read_titles, title_of

    good, _ = load_folder(REPO / "scripts_yaml")
    assert read_titles(REPO / "scripts_yaml") == {p.id: p.procedure.title.as_dict() for p in good}
    assert title_of("id: x\ntitle:\n  zh: 甲\n  en: A\nsteps: []\n") == ("x", {"zh": "甲", "en": "A"})
    # what the safe loader refuses is not read for a title either
    assert title_of("id: &a x\ntitle: *a\n") is None
    assert title_of("- a\n- b\n") is None
    assert title_of("id: [\n") is None
    assert title_of("title: {zh: 甲}\n" + "x: [" * 5000) is None


# ---- a long shift: the footer does not keep old keys ---------------------------------------------
class Picker(Screen):
    BINDINGS = [("f2", "noop", "two"), ("f3", "noop", "three")]

    def __init__(self, footer) -> None:
        super().__init__()
        self.footer = footer

    def compose(self):
        yield Static("picker")
        yield self.footer


class Visit(Screen):
    BINDINGS = [("f5", "noop", "five")]

    def compose(self):
        yield Static("visit")
        yield Footer()


class Shift(App):
    """The console's pattern: a picker that stays, a visit pushed and popped, keys that come and go."""

    BINDINGS = [("f12", "lock", "lock")]

    def __init__(self, footer) -> None:
        super().__init__()
        self.footer = footer
        self.lockable = True

    def on_mount(self) -> None:
        self.push_screen(Picker(self.footer))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return (True if self.lockable else None) if action == "lock" else True


async def footer_after_visits(footer, visits: int) -> tuple[int, int]:
    """(watcher entries the picker's footer holds, FooterKeys alive) after `visits` visits."""
    import gc

    from textual.widgets._footer import FooterKey

    gc.collect()
    earlier = {id(o) for o in gc.get_objects() if isinstance(o, FooterKey)}  # other tests' keys
    app = Shift(footer)
    async with app.run_test(size=(80, 10)) as pilot:
        app.app_focus = True  # the footer follows bindings only while the terminal has the focus
        await pilot.pause()
        for _ in range(visits):
            app.push_screen(Visit())
            await pilot.pause()
            for _ in range(2):
                app.lockable = not app.lockable
                app.screen.refresh_bindings()
                await pilot.pause()
                if len(app.screen_stack) > 2:
                    app.pop_screen()
                await pilot.pause()
        gc.collect()
        entries = sum(len(v) for v in getattr(footer, "__watchers", {}).values())
        alive = sum(1 for o in gc.get_objects() if isinstance(o, FooterKey) and id(o) not in earlier)
        return entries, alive


async def test_the_footer_keeps_nothing_of_the_keys_it_removed():
    from teller.ui.widgets.key_footer import KeyFooter

    entries, alive = await footer_after_visits(Footer(), 10)
    assert entries > 30 and alive > 30  # Textual's Footer: every key it showed stays alive
    footer = KeyFooter()
    entries, alive = await footer_after_visits(footer, 10)
    assert entries == 0 and alive == 0  # one widget drawing text: no key widgets, no watchers
    assert {e.display for e in footer.entries} == {"f2", "f12", "^p"}  # one key per action (as Textual), lock, palette
