"""A case counts once per figure, however many events or deadlines it has in the period."""
from __future__ import annotations

import pytest

from hotline.bulletins import figures
from hotline.bulletins.weeks import IsoWeek
from models.cases import DeadlineKind, Finding
from tests.bulletins.conftest import local

ZONE = "Asia/Shanghai"
A, B = "石桥镇纪委", "柳河乡纪委"


@pytest.fixture
def repeated(data, db):
    # Assigned twice and closed twice (reopened in between) in 2026-W47.
    twice = data.case(data.clue(local(2026, 11, 16)), A)
    data.event(twice, "assigned", local(2026, 11, 16, 15))
    data.event(twice, "assigned", local(2026, 11, 17, 9))
    data.close(twice, local(2026, 11, 18), finding=Finding.true)
    data.event(twice, "closed", local(2026, 11, 20))
    # One case overdue at two offices at once (A's deadline was never cancelled).
    stuck = data.case(data.clue(local(2026, 11, 17)), A)
    data.deadline(stuck, DeadlineKind.assignment, local(2026, 11, 17), local(2026, 11, 18))
    data.deadline(stuck, DeadlineKind.disposition, local(2026, 11, 18), local(2026, 11, 19), office=B)
    db.commit()


def test_a_case_assigned_and_closed_twice_in_a_week_counts_once(db, repeated):
    result = figures.compute(db, IsoWeek(2026, 47), zone=ZONE)
    cases = result.table("cases")
    assert cases.row("已分办")[1:] == [1, 1]
    assert cases.row("已办结")[1:] == [1, 1]
    assert result.table("rates").row("解决率")[1:3] == [1, 1]
    later = figures.compute(db, IsoWeek(2026, 48), zone=ZONE).table("cases")
    assert later.row("已办结")[1:] == [0, 1]  # the year to date still holds it once


def test_a_case_overdue_at_two_offices_counts_once_overall_and_once_at_each(db, repeated):
    result = figures.compute(db, IsoWeek(2026, 47), zone=ZONE)
    assert result.value("overdue") == 1
    offices = {row[0]: row[-1] for row in result.table("offices").rows}
    assert offices[A] == 1 and offices[B] == 1
