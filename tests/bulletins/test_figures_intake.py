"""Contacts by channel and clues by type, programme and township, checked against counts made here."""
from __future__ import annotations

import datetime as dt

import pytest

from hotline.bulletins import figures
from hotline.bulletins.weeks import IsoWeek
from models.taxonomy import Channel, ProblemType, Program
from tests.bulletins.conftest import local

ZONE = "Asia/Shanghai"
# (Beijing wall-clock time, channel, problem type, programme, township)
SPEC = [
    ((2025, 12, 28, 12, 0), "call", "favoritism", "dibao", "石桥镇"),  # ISO 2025-W52: not in 2026
    ((2025, 12, 30, 9, 0), "letter", "false_claim", "housing", "柳河乡"),  # ISO 2026-W01
    ((2026, 11, 16, 0, 0), "call", "favoritism", "dibao", "石桥镇"),  # first minute of 2026-W47
    ((2026, 11, 18, 15, 0), "sms", "embezzlement", "education", "柳河乡"),
    ((2026, 11, 18, 16, 0), "call", None, None, None),
    ((2026, 11, 22, 23, 59), "web", "favoritism", "housing", "石桥镇"),  # last minute of 2026-W47
    ((2026, 11, 23, 0, 0), "call", "extortion", "dibao", "石桥镇"),  # 2026-W48
    ((2026, 12, 27, 23, 59), "visit", "formalism", "industry", "柳河乡"),  # 2026-W52
    ((2026, 12, 28, 0, 0), "call", "favoritism", "dibao", "石桥镇"),  # 2026-W53 starts in December
    ((2026, 12, 31, 23, 30), "letter", "false_certificate", "education", "柳河乡"),
    ((2027, 1, 1, 0, 10), "call", "favoritism", "dibao", "石桥镇"),  # New Year's Day, still 2026-W53
    ((2027, 1, 3, 23, 59), "sms", "embezzlement", "dibao", "柳河乡"),
    ((2027, 1, 4, 0, 0), "call", "false_claim", "housing", "石桥镇"),  # 2027-W01
    ((2027, 1, 6, 11, 0), "voice", "favoritism", "education", None),
]


def _expected(week: IsoWeek, pick) -> tuple[int, int]:
    """Counted independently: by the Beijing calendar date of each row."""
    in_week = in_ytd = 0
    for stamp, *fields in SPEC:
        year, number, _ = dt.date(*stamp[:3]).isocalendar()
        if not pick(*fields):
            continue
        in_week += (year, number) == (week.year, week.week)
        in_ytd += year == week.year and number <= week.week
    return in_week, in_ytd


@pytest.fixture
def loaded(data, db):
    for stamp, channel, problem, program, town in SPEC:
        data.clue(local(*stamp), channel=Channel(channel), problem_type=problem and ProblemType(problem),
                  program=program and Program(program), township=town)
    db.commit()
    return data


WEEKS = [IsoWeek(2026, 47), IsoWeek(2026, 53), IsoWeek(2027, 1), IsoWeek(2026, 10)]


def test_it_counts_contacts_by_channel_in_the_week_and_the_year(loaded, db):
    for week in WEEKS:
        _check_channels(figures.compute(db, week, zone=ZONE), week)


def _check_channels(result, week):
    table = result.table("channels")
    for channel, text in (("call", "电话"), ("sms", "短信"), ("letter", "来信"), ("web", "网络"), ("voice", "语音热线")):
        week_count, ytd = _expected(week, lambda c, *_: c == channel)
        row = table.row(text)
        assert (row[1], row[3]) == (week_count, ytd), text
    total = _expected(week, lambda *_: True)
    assert (table.row("合计")[1], table.row("合计")[3]) == total
    assert (result.value("contacts"), result.value("contacts", 1)) == total


def test_it_counts_clues_by_problem_type_programme_and_township(loaded, db):
    for week in WEEKS:
        _check_clues(figures.compute(db, week, zone=ZONE), week)


def _check_clues(result, week):
    types, programs, towns = (result.table(k) for k in ("problem_types", "programs", "townships"))
    for problem in ("favoritism", "embezzlement", "false_claim", "false_certificate"):
        row = types.row(ProblemType(problem).label)
        assert (row[1], row[3]) == _expected(week, lambda c, p, *_: p == problem)
    unclassified = types.row(figures.UNCLASSIFIED)
    expected_unclassified = _expected(week, lambda c, p, *_: p is None)
    assert (unclassified[1], unclassified[3]) == expected_unclassified if unclassified else expected_unclassified == (0, 0)
    for program in ("dibao", "housing", "education"):
        row = programs.row(Program(program).label)
        assert (row[1], row[3]) == _expected(week, lambda c, p, g, t: g == program)
    for town in ("石桥镇", "柳河乡"):
        row = towns.row(town)
        assert (row[1], row[3]) == _expected(week, lambda c, p, g, t: t == town)


def test_it_reports_the_week_that_crosses_a_month_and_a_year_with_its_own_year_to_date(loaded, db):
    result = figures.compute(db, IsoWeek(2026, 53), zone=ZONE)
    total = result.table("channels").row("合计")
    assert total[1] == 4  # 28 Dec 00:00, 31 Dec, 1 Jan, 3 Jan 23:59
    assert total[3] == 11  # every row from 30 Dec 2025 to 3 Jan 2027
    next_year = figures.compute(db, IsoWeek(2027, 1), zone=ZONE).table("channels").row("合计")
    assert (next_year[1], next_year[3]) == (2, 2)


def test_it_reports_a_week_with_no_contacts_as_zeros_and_no_shares(loaded, db):
    result = figures.compute(db, IsoWeek(2026, 10), zone=ZONE)
    total = result.table("channels").row("合计")
    assert total[1] == 0 and total[2] is None
    assert all(row[1] == 0 and row[2] is None for row in result.table("problem_types").rows)
    assert result.value("clues") == 0


def test_it_counts_a_merged_repeat_report_as_a_contact_but_not_as_a_second_clue(data, db):
    first = data.clue(local(2026, 11, 17), followups=2)
    data.clue(local(2026, 11, 18), merged_into=first)
    db.commit()
    result = figures.compute(db, IsoWeek(2026, 47), zone=ZONE)
    assert result.table("channels").row("合计")[1] == 4
    assert "跟进来电本周2件" in result.table("channels").note
    assert result.value("clues") == 1


def test_it_gives_the_same_figures_when_built_twice(loaded, db):
    first = figures.compute(db, IsoWeek(2026, 53), zone=ZONE).to_json()
    assert figures.compute(db, IsoWeek(2026, 53), zone=ZONE).to_json() == first


def test_its_weekly_counts_add_up_to_the_year_to_date(loaded, db):
    weekly = [figures.compute(db, IsoWeek(2026, n), zone=ZONE).value("contacts") for n in range(1, 54)]
    assert sum(weekly) == figures.compute(db, IsoWeek(2026, 53), zone=ZONE).value("contacts", 1)


def test_it_shows_twelve_weeks_of_trend_ending_with_the_reported_week(loaded, db):
    points = figures.compute(db, IsoWeek(2027, 1), zone=ZONE).trend
    assert [p["week"] for p in points][-3:] == ["2026-W52", "2026-W53", "2027-W01"]
    assert len(points) == 12
    assert [p["contacts"] for p in points][-3:] == [1, 4, 2]
