"""Fixtures for the outcome side: the case fixtures of tests/cases, and measures written as rows."""
from __future__ import annotations

import datetime as dt

import pytest

from models.outcomes import CaseMeasure, MeasureGrade, MeasureKind
from tests.cases.conftest import app_context, as_user, staff, village_case  # noqa: F401

UTC = dt.timezone.utc
DAY = dt.datetime(2026, 11, 10, 3, tzinfo=UTC)


@pytest.fixture
def measure(db, village_case):
    """Write one measure row (as recorded on `at`) for a person of the village case."""

    def add(kind: str, grade: str | None, person: str = "王某", *, at: dt.datetime = DAY, case=None,
            reversed_at: dt.datetime | None = None) -> CaseMeasure:
        row = CaseMeasure(case_id=(case or village_case).id, kind=MeasureKind(kind),
                          grade=MeasureGrade(grade) if grade else None, person_name=person, at=at,
                          reversed_at=reversed_at, reversal_reason="复查撤销" if reversed_at else None)
        db.add(row)
        db.commit()
        return row

    return add
