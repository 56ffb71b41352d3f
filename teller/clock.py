"""Time is injected: the app asks a Clock, tests give it a fixed one. All times are aware."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo


def hall_zone(name: str = "Asia/Shanghai") -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database on this machine: China has no DST
        return timezone(timedelta(hours=8), name)


def local_text(at: datetime | None, zone: tzinfo | str, *, seconds: bool = True) -> str:
    """An aware time as the hall reads it on screen and paper: '2026-11-23 10:00:00'."""
    if at is None:
        return ""
    tz = hall_zone(zone) if isinstance(zone, str) else zone
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


class Clock:
    """Wall clock in the hall's time zone."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        self.zone = zone or hall_zone()

    def now(self) -> datetime:
        return datetime.now(self.zone)

    def today(self) -> date:
        return self.now().date()


@dataclass
class FixedClock(Clock):
    """A clock that says what the test tells it; `advance` moves it on."""

    at: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 10, 0, tzinfo=hall_zone()))

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.zone = self.at.tzinfo

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at = self.at + timedelta(**delta)
