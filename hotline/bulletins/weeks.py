"""ISO weeks in the commission's time zone: the periods a bulletin reports on.

A week runs from Monday 00:00 to the next Monday 00:00 local time (Asia/Shanghai); the
year to date is ISO weeks 1..N of the same ISO year, so weekly figures add up to it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


class WeekError(ValueError):
    """A week that does not exist or cannot be read (the message is Chinese)."""


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week of 28 December is always the year's last."""
    return dt.date(year, 12, 28).isocalendar()[1]


@dataclass(frozen=True, order=True)
class IsoWeek:
    """One ISO week, e.g. IsoWeek(2026, 47) for 2026-W47."""

    year: int
    week: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9998 or not 1 <= self.week <= weeks_in_year(self.year):
            last = weeks_in_year(self.year) if 1 <= self.year <= 9998 else 52
            raise WeekError(f"{self.year}年没有第{self.week}周（ISO周为1至{last}）")

    @classmethod
    def parse(cls, text: str) -> "IsoWeek":
        """'2026-W47' (or '2026W47') → IsoWeek(2026, 47)."""
        match = _WEEK.match(text or "")
        if not match:
            raise WeekError(f"周次格式不正确：“{text}”，应为 2026-W47 这样的ISO周")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, moment: dt.datetime, zone: str) -> "IsoWeek":
        """The week an aware moment falls in, in the given time zone."""
        if moment.tzinfo is None:
            raise ValueError("naive datetime refused")
        year, week, _ = moment.astimezone(ZoneInfo(zone)).date().isocalendar()
        return cls(year, week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    def start(self, zone: str) -> dt.datetime:
        """Monday 00:00 local time, as an aware UTC datetime."""
        return local_midnight(self.monday, zone)

    def end(self, zone: str) -> dt.datetime:
        """The next Monday 00:00 local time (exclusive), in UTC."""
        return local_midnight(self.monday + dt.timedelta(days=7), zone)

    def previous(self, count: int = 1) -> "IsoWeek":
        monday = self.monday - dt.timedelta(weeks=count)
        year, week, _ = monday.isocalendar()
        return IsoWeek(year, week)

    def next(self) -> "IsoWeek":
        year, week, _ = (self.monday + dt.timedelta(weeks=1)).isocalendar()
        return IsoWeek(year, week)

    def year_start(self, zone: str) -> dt.datetime:
        """The start of ISO week 1 of this week's ISO year (the year-to-date start)."""
        return IsoWeek(self.year, 1).start(zone)

    def label(self) -> str:
        """'2026年第47周（11月16日—11月22日）' (the year shown when the week spans two)."""
        mon, sun = self.monday, self.sunday
        tail = f"{sun.year}年{sun.month}月{sun.day}日" if sun.year != mon.year else f"{sun.month}月{sun.day}日"
        return f"{self.year}年第{self.week}周（{mon.year}年{mon.month}月{mon.day}日至{tail}）"


def local_midnight(day: dt.date, zone: str) -> dt.datetime:
    """The UTC instant at which `day` begins in `zone`."""
    local = dt.datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
    return local.astimezone(dt.timezone.utc)


def last_complete_week(now: dt.datetime, zone: str) -> IsoWeek:
    """The week before the one `now` falls in: what Monday's bulletin reports."""
    return IsoWeek.containing(now, zone).previous()
