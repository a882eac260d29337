"""Deadlines count Chinese working days: holidays off, 调休 Saturdays on, and past 2026 never fail."""
from __future__ import annotations

import datetime as dt

from hotline.cases.calendar import WorkCalendar, package_years

CST = dt.timezone(dt.timedelta(hours=8))


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=CST)


def local_day(value: dt.datetime) -> dt.date:
    return value.astimezone(CST).date()


def test_it_skips_the_national_day_week():
    cal = WorkCalendar()
    assert local_day(cal.add_working_days(at(2026, 9, 30), 1)) == dt.date(2026, 10, 8)
    assert not cal.is_workday(dt.date(2026, 10, 5))


def test_a_swapped_saturday_is_a_working_day():
    cal = WorkCalendar()
    assert dt.date(2026, 10, 10).weekday() == 5 and cal.is_workday(dt.date(2026, 10, 10))
    assert local_day(cal.add_working_days(at(2026, 10, 9), 1)) == dt.date(2026, 10, 10)


def test_a_deadline_crossing_into_2027_falls_back_to_weekdays_without_failing():
    assert 2027 not in package_years()
    cal = WorkCalendar()
    due = cal.add_working_days(at(2026, 12, 24), 10)
    # Dec 25, 28-31 (5 days), then 2027 by weekdays: Jan 1, 4, 5, 6, 7.
    assert local_day(due) == dt.date(2027, 1, 7)


def test_admin_entered_holidays_count_past_the_known_years_and_override_the_package():
    cal = WorkCalendar({dt.date(2027, 1, 1): False, dt.date(2026, 10, 10): False})
    assert local_day(cal.add_working_days(at(2026, 12, 24), 10)) == dt.date(2027, 1, 8)
    assert not cal.is_workday(dt.date(2026, 10, 10))
    assert cal.source(dt.date(2027, 1, 1)) == "admin" and cal.source(dt.date(2027, 3, 1)) == "weekday"


def test_far_future_years_still_answer():
    cal = WorkCalendar()
    assert local_day(cal.add_working_days(at(2031, 5, 2), 1)) == dt.date(2031, 5, 5)


def test_a_deadline_is_the_end_of_the_local_working_day():
    due = WorkCalendar().add_working_days(at(2026, 11, 2, 23), 1)
    assert due.astimezone(CST).replace(tzinfo=None) == dt.datetime(2026, 11, 3, 23, 59, 59)


def test_the_admin_enters_a_holiday_and_deadlines_use_it(staff, as_user, db):
    from hotline.cases.deadlines import calendar_for

    client = as_user(staff.admin)
    response = client.post("/cases/holidays", data={"day": "2027-05-03", "workday": "0", "name": "劳动节"})
    assert response.status_code == 302
    assert not calendar_for(db).is_workday(dt.date(2027, 5, 3))
    bad = client.post("/cases/holidays", data={"day": "2027-13-40", "workday": "0", "name": "x"})
    assert bad.status_code == 422 and "日期格式不正确" in bad.get_data(as_text=True)
    nameless = client.post("/cases/holidays", data={"day": "2027-05-04", "workday": "0", "name": ""})
    assert nameless.status_code == 422


def test_the_calendar_command_reports_the_fallback(runner, county):
    result = runner.invoke(args=["cases", "calendar", "2027"])
    assert result.exit_code == 0 and "超出已知年份" in result.output and "2027-01-01 休（admin）" in result.output
