"""Live or practice: the one place that decides what follows from it.

A teller works on the live hall or in practice mode (its own database, its own spool, never a
real printer, never the live books). Every other module asks a `Mode` rather than testing the
`practice` setting or a record's `mode` column itself: the banner on the paper, whether a paper
goes to the preview spool or to the printer, the receipt and void number prefix, whether a
shift opens by itself for each trainee, whether the database must exist already and whether it
is filled with the demo hall. tests/test_mode.py fails when another module re-derives one of
these.

The Mode is the decision; the enforcement stays where it was: teller.store.identity and
teller.store.db refuse to open a database of the other mode (each database records what it is),
and `Mode.for_desk` refuses, before anything opens, a practice desk whose printer is not the
preview spool or whose database is the live one (compared by identity, not by spelling).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from teller.config import PrinterSettings, Settings

LIVE_NAME = "live"
PRACTICE_NAME = "practice"


@dataclass(frozen=True)
class Mode:
    """What live or practice means for everything that asks (one of LIVE / PRACTICE)."""

    name: str  # live | practice: what the records' `mode` column holds

    # ---- made once ---------------------------------------------------------------------------
    @staticmethod
    def named(name: str | None) -> "Mode":
        """The mode a record was written in (its `mode` column); anything but practice is live."""
        return PRACTICE if name == PRACTICE_NAME else LIVE

    @staticmethod
    def of(settings: "Settings") -> "Mode":
        """The mode the settings ask for (`Settings.for_practice` sets it)."""
        return PRACTICE if settings.practice else LIVE

    @staticmethod
    def for_desk(settings: "Settings") -> "Mode":
        """The mode of a desk about to open these settings' database, checked first: practice
        prints to the preview spool only and never opens the live database (by identity: ./, ..,
        //, a symlink, a relative path or a file: URI naming the live file is refused)."""
        from teller.errors import TellerError
        from teller.strings import t

        mode = Mode.of(settings)
        if mode.is_practice:
            if settings.printer.backend != "preview":
                raise TellerError("practice mode prints to the preview spool only")
            from teller.config import Settings
            from teller.store.identity import database_file, same_database

            if same_database(settings.database_url, settings.live_database_url) or same_database(
                settings.database_url, Settings(home=settings.home).database_url
            ):
                where = database_file(settings.database_url) or settings.database_url
                raise TellerError(t("db.is_live", path=where))
        return mode

    # ---- the questions -----------------------------------------------------------------------
    @property
    def is_practice(self) -> bool:
        return self.name == PRACTICE_NAME

    @property
    def is_live(self) -> bool:
        return not self.is_practice

    def __str__(self) -> str:
        return self.name

    def paper_banners(self) -> list[str]:
        """The banner every paper of this mode prints at its top (练习 / TRAINING in practice)."""
        from teller.strings import t

        return [t("print.training")] if self.is_practice else []

    def screen_banner(self) -> str:
        """The word the console's title line shows in reverse (练习 / PRACTICE), or ''."""
        from teller.strings import t

        return t("app.practice") if self.is_practice else ""

    def spools(self, printer: "PrinterSettings") -> bool:
        """Whether a paper goes to the preview spool (always in practice) rather than the printer."""
        return self.is_practice or printer.backend == "preview"

    def printer_allowed(self, printer: "PrinterSettings") -> bool:
        """Whether a paper may be sent to a real printer (never in practice)."""
        return not self.spools(printer)

    @property
    def number_prefix(self) -> str:
        """Practice receipt and void numbers have their own series: P01-20260301-0001."""
        return "P" if self.is_practice else ""

    def receipt_number(self, counter: str, day: date, seq: int) -> str:
        """Unique and sequential per counter and day."""
        return f"{self.number_prefix}{counter}-{day:%Y%m%d}-{seq:04d}"

    def void_number(self, counter: str, day: date, seq: int) -> str:
        """A void's own number: sequential per counter and day, apart from the receipt numbers."""
        return f"{self.number_prefix}V{counter}-{day:%Y%m%d}-{seq:04d}"

    @property
    def shift_per_clerk(self) -> bool:
        """Trainees share a practice counter, each with a shift of their own that opens by itself
        (no float counted); a live counter has one shift at a time, opened with its float."""
        return self.is_practice

    def shift_clerk(self, clerk: str | None) -> str | None:
        """The clerk whose shift to look for at a counter: theirs in practice, any in live."""
        return (clerk or None) if self.shift_per_clerk else None

    @property
    def needs_float(self) -> bool:
        """A live counter with no shift open counts its float before its first visit."""
        return self.is_live

    @property
    def database_must_exist(self) -> bool:
        """A live database is made only by `teller-admin db init`; a practice one on first use."""
        return self.is_live

    @property
    def is_demo_hall(self) -> bool:
        """The practice database is the demo hall, always (filled on first use)."""
        return self.is_practice


LIVE = Mode(LIVE_NAME)
PRACTICE = Mode(PRACTICE_NAME)
MODES = (LIVE, PRACTICE)
