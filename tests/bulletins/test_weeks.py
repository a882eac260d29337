"""ISO weeks in Beijing time: parsing, boundaries, the year to date."""
from __future__ import annotations

import datetime as dt

import pytest

from hotline.bulletins.weeks import IsoWeek, WeekError, last_complete_week, weeks_in_year
from tests.bulletins.conftest import local

ZONE = "Asia/Shanghai"


def test_it_reads_an_iso_week():
    assert IsoWeek.parse("2026-W47") == IsoWeek(2026, 47)
    assert IsoWeek.parse("2026w07") == IsoWeek(2026, 7)
    assert str(IsoWeek(2026, 7)) == "2026-W07"


@pytest.mark.parametrize("text", ["", "2026-47", "W47", "2026-W0", "2026-W54", "2027-W53", "abcd-W01"])
def test_it_refuses_weeks_that_do_not_exist_or_cannot_be_read(text):
    with pytest.raises(WeekError) as raised:
        IsoWeek.parse(text)
    assert "周" in str(raised.value)


def test_it_knows_2026_has_53_weeks_and_2027_has_52():
    assert (weeks_in_year(2026), weeks_in_year(2027)) == (53, 52)
    assert IsoWeek(2026, 53).monday == dt.date(2026, 12, 28)
    assert IsoWeek(2026, 53).sunday == dt.date(2027, 1, 3)
    assert IsoWeek(2026, 53).next() == IsoWeek(2027, 1)
    assert IsoWeek(2027, 1).previous() == IsoWeek(2026, 53)


def test_it_starts_and_ends_weeks_at_midnight_beijing_time():
    week = IsoWeek(2026, 47)
    assert week.start(ZONE) == dt.datetime(2026, 11, 15, 16, 0, tzinfo=dt.timezone.utc)
    assert week.end(ZONE) == dt.datetime(2026, 11, 22, 16, 0, tzinfo=dt.timezone.utc)
    assert IsoWeek.containing(local(2026, 11, 22, 23, 59), ZONE) == week
    assert IsoWeek.containing(local(2026, 11, 23, 0, 0), ZONE) == IsoWeek(2026, 48)


def test_it_starts_the_year_to_date_with_iso_week_one():
    assert IsoWeek(2026, 47).year_start(ZONE) == local(2025, 12, 29, 0, 0)
    assert IsoWeek(2027, 1).year_start(ZONE) == local(2027, 1, 4, 0, 0)


def test_it_labels_a_week_that_spans_two_years_with_both():
    assert IsoWeek(2026, 53).label() == "2026年第53周（2026年12月28日至2027年1月3日）"


def test_it_reports_the_week_before_the_one_now_falls_in():
    assert last_complete_week(local(2026, 11, 23, 8, 0), ZONE) == IsoWeek(2026, 47)
    assert last_complete_week(local(2027, 1, 4, 8, 0), ZONE) == IsoWeek(2026, 53)
