"""The Chinese working-day calendar: weekends off, public holidays off, swapped weekends (调休) on.

Sources, in order: days an admin entered (CalendarDay), then the chinese-calendar package for the
years it knows, then plain weekdays. Dates past the package's last year never fail.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
from sqlmodel import Session, select

from hotline import settings
from models.calendar import CalendarDay
from models.users import Actor

MAX_SPAN_DAYS = 3660  # a deadline further out than ten years is a bug, not a calendar question


def package_years() -> range:
    """The years the installed chinese-calendar package has data for."""
    from chinese_calendar import constants

    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return range(min(years), max(years) + 1)


class WorkCalendar:
    """Working-day arithmetic over one snapshot of the admin-entered days."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None, zone: str | None = None):
        self.overrides = dict(overrides or {})
        self.zone = ZoneInfo(zone or settings.current().TIMEZONE)
        self._known = package_years()

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self._known:
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:  # a package with gaps: fall through to weekdays
                pass
        return day.weekday() < 5

    def source(self, day: dt.date) -> str:
        """Where the answer for `day` comes from: admin, package or weekday."""
        if day in self.overrides:
            return "admin"
        return "package" if day.year in self._known else "weekday"

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end (23:59:59 local) of the `days`-th working day after `start`'s local date."""
        if start.tzinfo is None:
            raise ValueError("naive datetime refused")
        day = start.astimezone(self.zone).date()
        remaining = max(0, days)
        if remaining == 0:
            return self.end_of(day)
        for _ in range(MAX_SPAN_DAYS):
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
                if remaining == 0:
                    return self.end_of(day)
        raise ValueError("deadline too far out")

    def working_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working days after start's date up to and including end's date (negative if end is earlier)."""
        a, b = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        count, day = 0, a
        while day < b and count < MAX_SPAN_DAYS:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return sign * count

    def end_of(self, day: dt.date) -> dt.datetime:
        local = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=self.zone)
        return local.astimezone(dt.timezone.utc)


def load(session: Session, zone: str | None = None) -> WorkCalendar:
    """A calendar with every admin-entered day (a few dozen rows a year)."""
    rows = session.exec(select(CalendarDay.day, CalendarDay.workday)).all()
    return WorkCalendar({day: workday for day, workday in rows}, zone)


class CalendarError(ValueError):
    """A calendar entry that cannot be saved; the message is in Chinese."""


def set_day(*, session: Session, day: dt.date, workday: bool, name: str, actor: Actor) -> CalendarDay:
    """Enter or change one day (admin)."""
    from hotline import audit

    name = (name or "").strip()
    if not name:
        raise CalendarError("请填写名称，如“春节”或“春节调休上班”")
    if len(name) > 40:
        raise CalendarError("名称过长（最多40字）")
    row = session.exec(select(CalendarDay).where(CalendarDay.day == day)).first()
    if row is None:
        row = CalendarDay(day=day, workday=workday, name=name, created_by_id=getattr(actor, "id", None))
    else:
        row.workday, row.name = workday, name
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="calendar.set", entity="calendar_day", entity_id=row.id,
                 detail={"day": day.isoformat(), "workday": workday, "name": name})
    return row


def delete_day(*, session: Session, day_id: int, actor: Actor) -> None:
    from hotline import audit

    row = session.get(CalendarDay, day_id)
    if row is None:
        raise CalendarError("该日期不存在")
    audit.record(session, actor=actor, action="calendar.delete", entity="calendar_day", entity_id=row.id,
                 detail={"day": row.day.isoformat()})
    session.delete(row)
    session.flush()
