"""The periods a bulletin reports on: an ISO week, a month, a quarter, a year to date, a range (a
campaign period such as 专项整治以来), each in the commission's time zone, plus its cumulative column.

A period that has not ended is reported only as an interim report cut at a moment (`as_of`):
"截至2026年12月7日10时". Every figure counts facts dated before the period's end (or the cut), so
the same period built at any later time from the same facts gives the same figures.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from hotline.bulletins.weeks import IsoWeek, WeekError, local_midnight

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})-?Q([1-4])\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
UNITS = {"week": "周", "month": "月", "quarter": "季度", "year": "年", "range": "期"}


class PeriodError(WeekError):
    """A period that does not exist or cannot be read (the message is Chinese)."""


@dataclass(frozen=True)
class Period:
    """[start, end) of the period and [ytd_start, end) of its cumulative column, as aware UTC times.

    `end` is the period's natural end, or the moment an interim report was cut (`as_of`).
    """

    kind: str
    key: str
    start: dt.datetime
    end: dt.datetime
    ytd_start: dt.datetime
    zone: str
    full_end: dt.datetime | None = None
    title: str = ""
    week: IsoWeek | None = None  # the ISO week holding the period's last moment (the trend's anchor)

    @classmethod
    def of(cls, week: IsoWeek, zone: str, as_of: dt.datetime | None = None) -> "Period":
        """The week's period; `as_of` cuts a week still running short at that moment."""
        full = week.end(zone)
        end = full if as_of is None else max(week.start(zone), min(full, as_of))
        return cls("week", str(week), week.start(zone), end, week.year_start(zone), zone, full, "", week)

    def cut(self, as_of: dt.datetime | None) -> "Period":
        """The same period ended at `as_of` if that is before its end (an interim report)."""
        if as_of is None or as_of >= self.natural_end:
            return self
        end = max(self.start, as_of)
        return Period(self.kind, self.key, self.start, end, self.ytd_start, self.zone, self.natural_end,
                      self.title, self.week)

    @property
    def natural_end(self) -> dt.datetime:
        return self.full_end or self.end

    @property
    def interim(self) -> bool:
        return self.end < self.natural_end

    @property
    def ranges(self) -> list[tuple[dt.datetime, dt.datetime]]:
        return [(self.start, self.end), (self.ytd_start, self.end)]

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def current(self) -> str:
        """The first column's name: 本周, 本月, 本季度, 本年, 本期."""
        return "本" + self.unit

    @property
    def cumulative(self) -> str:
        return "本年累计"

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(ZoneInfo(self.zone))

    def cut_label(self) -> str:
        """'截至2026年12月7日10时' for an interim report ('' for a whole period)."""
        if not self.interim:
            return ""
        at = self.local(self.end)
        return f"截至{at.year}年{at.month}月{at.day}日{at.hour}时"

    def label(self) -> str:
        """How the period is named in the text, e.g. '2026年第47周（…）', '2026年11月', '专项整治以来（…）'."""
        first, last = self.local(self.start).date(), (self.local(self.natural_end) - dt.timedelta(seconds=1)).date()
        if self.kind == "week":
            text = self.week.label()
        elif self.kind == "month":
            text = f"{first.year}年{first.month}月"
        elif self.kind == "quarter":
            text = f"{first.year}年第{(first.month - 1) // 3 + 1}季度"
        elif self.kind == "year":
            text = f"{last.year}年"
        else:
            span = f"{_date(first)}至{_date(last)}"
            text = f"{self.title}（{span}）" if self.title else span
        return text + (f"（{self.cut_label()}）" if self.interim else "")

    def describe(self) -> dict:
        """The period as plain data (figures.json, the archive)."""
        return {"kind": self.kind, "key": self.key, "title": self.title, "label": self.label(),
                "start": self.start.isoformat(), "end": self.end.isoformat(),
                "cumulative_start": self.ytd_start.isoformat(), "interim": self.interim,
                "as_of": self.end.isoformat() if self.interim else None, "cut_label": self.cut_label(),
                "current": self.current, "cumulative": self.cumulative, "zone": self.zone}


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _year_start(day: dt.date, zone: str) -> dt.datetime:
    return local_midnight(dt.date(day.year, 1, 1), zone)


def week(text: str, zone: str) -> Period:
    return Period.of(IsoWeek.parse(text), zone)


def month(text: str, zone: str) -> Period:
    match = _MONTH.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1 <= int(match.group(1)) <= 9998:
        raise PeriodError(f"月份格式不正确：“{text}”，应为 2026-11 这样的年月")
    first = dt.date(int(match.group(1)), int(match.group(2)), 1)
    after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return _calendar("month", f"{first.year}-{first.month:02d}", first, after, zone)


def quarter(text: str, zone: str) -> Period:
    match = _QUARTER.match(text or "")
    if not match or not 1 <= int(match.group(1)) <= 9998:
        raise PeriodError(f"季度格式不正确：“{text}”，应为 2026-Q4 这样的季度")
    year, q = int(match.group(1)), int(match.group(2))
    first = dt.date(year, 3 * q - 2, 1)
    after = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    return _calendar("quarter", f"{year}-Q{q}", first, after, zone)


def year(text: str, zone: str) -> Period:
    match = _YEAR.match(text or "")
    if not match or not 1 <= int(match.group(1)) <= 9998:
        raise PeriodError(f"年份格式不正确：“{text}”，应为 2026")
    first = dt.date(int(match.group(1)), 1, 1)
    return _calendar("year", str(first.year), first, dt.date(first.year + 1, 1, 1), zone)


def span(first: dt.date, last: dt.date, zone: str, title: str = "") -> Period:
    """From the start of `first` to the end of `last` (both days included), e.g. a campaign period."""
    if last < first:
        raise PeriodError(f"结束日期{last}早于开始日期{first}")
    title = (title or "").strip()
    if len(title) > 60:
        raise PeriodError("期间名称最多60字")
    return _calendar("range", f"{first.isoformat()}~{last.isoformat()}", first, last + dt.timedelta(days=1), zone,
                     title)


def parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise PeriodError(f"{what}格式不正确：“{text}”，应为 2026-11-01 这样的日期") from None


def _calendar(kind: str, key: str, first: dt.date, after: dt.date, zone: str, title: str = "") -> Period:
    start, end = local_midnight(first, zone), local_midnight(after, zone)
    last_day = after - dt.timedelta(days=1)
    year_start = _year_start(last_day, zone)
    anchor = IsoWeek(*last_day.isocalendar()[:2])
    return Period(kind, key, start, end, year_start, zone, end, title, anchor)


def parse(key: str, zone: str, *, title: str = "") -> Period:
    """A period from its archive key ('2026-W47', '2026-11', '2026-Q4', '2026', '2025-11-01~2026-12-06')."""
    if "~" in key:
        first, _, last = key.partition("~")
        return span(parse_date(first, "开始日期"), parse_date(last, "结束日期"), zone, title)
    if "W" in key.upper():
        return week(key, zone)
    if "Q" in key.upper():
        return quarter(key, zone)
    if _MONTH.match(key):
        return month(key, zone)
    return year(key, zone)
