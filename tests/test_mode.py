"""Live or practice is decided in one place (teller/mode.py): the Mode's answers, the desk's
guard built on it, and a check over the source that no other module re-derives the decision."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from teller.config import PrinterSettings, load_settings
from teller.errors import TellerError
from teller.mode import LIVE, PRACTICE, Mode
from teller.strings import t

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "teller"

# ---- the Mode's answers -------------------------------------------------------------------------


def test_the_mode_follows_the_settings(home):
    live = load_settings(home=home)
    assert live.mode is LIVE and live.mode.is_live and not live.mode.is_practice
    practice = live.for_practice()
    assert practice.mode is PRACTICE and practice.mode.is_practice and str(practice.mode) == "practice"


def test_a_record_s_mode_column_names_its_mode():
    assert Mode.named("practice") is PRACTICE
    assert Mode.named("live") is LIVE
    assert Mode.named(None) is LIVE  # an older record without a mode is a live one


def test_only_practice_papers_carry_the_training_banner():
    assert PRACTICE.paper_banners() == [t("print.training")] and t("print.training")
    assert LIVE.paper_banners() == []
    assert PRACTICE.screen_banner() == t("app.practice") and LIVE.screen_banner() == ""


def test_practice_never_prints_to_a_real_printer():
    network = PrinterSettings(backend="network", host="10.0.0.9")
    preview = PrinterSettings()
    assert PRACTICE.spools(network) and not PRACTICE.printer_allowed(network)
    assert PRACTICE.spools(preview)
    assert not LIVE.spools(network) and LIVE.printer_allowed(network)
    assert LIVE.spools(preview) and not LIVE.printer_allowed(preview)


def test_practice_numbers_have_their_own_series():
    day = date(2026, 3, 1)
    assert LIVE.receipt_number("01", day, 7) == "01-20260301-0007"
    assert PRACTICE.receipt_number("01", day, 7) == "P01-20260301-0007"
    assert LIVE.void_number("01", day, 2) == "V01-20260301-0002"
    assert PRACTICE.void_number("01", day, 2) == "PV01-20260301-0002"


def test_shifts_databases_and_the_demo_hall():
    assert PRACTICE.shift_per_clerk and PRACTICE.shift_clerk("1001") == "1001" and PRACTICE.shift_clerk("") is None
    assert not LIVE.shift_per_clerk and LIVE.shift_clerk("1001") is None
    assert LIVE.needs_float and not PRACTICE.needs_float
    assert LIVE.database_must_exist and not PRACTICE.database_must_exist
    assert PRACTICE.is_demo_hall and not LIVE.is_demo_hall


# ---- the desk's guard ---------------------------------------------------------------------------


def test_a_practice_desk_with_a_real_printer_is_refused(home):
    practice = load_settings(home=home).for_practice()
    bad = dataclasses.replace(practice, printer=PrinterSettings(backend="network", host="10.0.0.9"))
    with pytest.raises(TellerError, match="preview"):
        Mode.for_desk(bad)
    assert Mode.for_desk(practice) is PRACTICE


def test_a_practice_desk_on_the_live_database_is_refused_by_identity(home, tmp_path):
    live = load_settings(home=home)
    link = tmp_path / "looks_like_practice.db"
    link.symlink_to(home / "db" / "teller.db")
    bad = dataclasses.replace(live.for_practice(), database_url=f"sqlite:///{link}")
    with pytest.raises(TellerError) as refused:
        Mode.for_desk(bad)
    assert "teller.db" in refused.value.message
    assert Mode.for_desk(live) is LIVE  # the live desk opens the live database


def test_the_desk_asks_its_mode(settings, clock):
    from teller.desk import Desk

    live = Desk(settings, clock=clock)
    practice = Desk(settings.for_practice(), clock=clock)
    assert (live.kind, live.mode, live.practice) == (LIVE, "live", False)
    assert (practice.kind, practice.mode, practice.practice) == (PRACTICE, "practice", True)


# ---- nobody else decides ------------------------------------------------------------------------

#: how a module would re-derive live vs practice for itself, and what it asks instead
REDERIVED = {
    r"\bsettings\.practice\b": "settings.mode (teller.mode.Mode)",
    r"print\.training": "Mode.paper_banners()",
    r"[=!]=\s*[\"']practice[\"']|[\"']practice[\"']\s*[=!]=": "Mode.named(record.mode)",
    r"[\"']practice[\"']\s+if\b.*\belse\s+[\"']live[\"']|[\"']live[\"']\s+if\b.*\belse\s+[\"']practice[\"']": "desk.mode / Mode.name",
    r"[\"']P[\"']\s+if\b": "Mode.receipt_number / Mode.void_number",
    r"backend\s*==\s*[\"']preview[\"']": "Mode.spools(printer)",
}
#: the Mode itself; the setting it is made from; what a database says it is (the enforcement:
#: teller.store.identity and teller.store.db refuse a database of the other mode)
DECIDES = {"teller/mode.py", "teller/config.py", "teller/store/identity.py", "teller/store/db.py", "teller/store/reading.py"}
#: not a decision: the printer's own description of its target in the test page and `printer`
NOT_A_DECISION = {("teller/printing/escpos.py", r"backend\s*==\s*[\"']preview[\"']")}


def rederived(path: Path, rel: str) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for pattern, instead in REDERIVED.items():
            if (rel, pattern) not in NOT_A_DECISION and re.search(pattern, line):
                found.append(f"{rel}:{number}: {line.strip()}  (ask {instead})")
    return found


def test_no_other_module_decides_live_or_practice():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if rel in DECIDES or "/migrations/" in rel:
            continue
        found += rederived(path, rel)
    assert found == []


def test_the_check_sees_a_second_place_deciding(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def paper(settings, tx):\n"
        "    banner = ['TRAINING'] if tx.mode == 'practice' else []\n"
        "    if settings.practice or cfg.backend == \"preview\":\n"
        "        pass\n"
        "    return f\"{'P' if practice else ''}01\"\n",
        encoding="utf-8",
    )
    assert len(rederived(bad, "teller/bad.py")) == 4
