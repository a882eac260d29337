"""The archive keeps every version; the Monday job claims its week so it is built once."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from hotline.bulletins import archive, jobs
from hotline.bulletins.weeks import IsoWeek
from models.audit import AuditEntry
from models.base import clock_override
from models.bulletins import Bulletin, BulletinFile, BulletinStatus
from tests.bulletins.conftest import local

W47 = IsoWeek(2026, 47)
MONDAY_8AM = local(2026, 11, 23, 8, 0)


@pytest.fixture
def some_data(data, db):
    data.case(data.clue(local(2026, 11, 17)))
    db.commit()


def test_building_a_week_twice_keeps_two_versions_with_the_same_figures(app, db, settings, some_data):
    with app.test_request_context():
        first = archive.build(session=db, period=W47, settings=settings, trigger="cli")
        db.commit()
        second = archive.build(session=db, period=W47, settings=settings, trigger="cli")
        db.commit()
    assert (first.version, second.version) == (1, 2)
    assert first.figures == second.figures and first.figures["values"]["contacts"] == [1, 1]
    assert first.built_at is not None and second.built_at >= first.built_at
    assert first.status is second.status is BulletinStatus.built
    names = set(db.exec(select(BulletinFile.name).where(BulletinFile.bulletin_id == first.id)).all())
    assert {"bulletin.docx", "bulletin.xlsx", "bulletin.html", "figures.json", "charts/trend.png"} <= names
    assert first.number == second.number == archive.DRAFT_NUMBER and first.sequence is None  # drafts
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "bulletin.build")).all()


def test_the_monday_job_publishes_last_week_once_however_often_it_runs(app, db, some_data):
    with app.app_context(), clock_override(lambda: MONDAY_8AM):
        built = jobs.weekly_bulletin(app, now=MONDAY_8AM)
    with app.app_context():
        again = jobs.weekly_bulletin(app, now=MONDAY_8AM + dt.timedelta(minutes=1))
    assert built is not None and built.week == "2026-W47" and again is None
    rows = db.exec(select(Bulletin)).all()
    assert len(rows) == 1 and rows[0].status is BulletinStatus.published and rows[0].schedule_key == "2026-W47"
    # numbered from the issue year's sequence, dated the Monday it is issued
    assert rows[0].number == "青纪热线〔2026〕1号" and rows[0].issued_on == dt.date(2026, 11, 23)


def test_a_second_scheduler_cannot_claim_a_week_already_claimed(app, db, settings, some_data):
    claim = archive.claim_scheduled(session=db, week=W47, settings=settings)
    db.commit()
    assert claim is not None
    with app.app_context():
        assert jobs.weekly_bulletin(app, now=MONDAY_8AM) is None
    assert db.exec(select(Bulletin)).one().status is BulletinStatus.building


def test_a_claim_left_by_a_dead_scheduler_is_taken_over(app, db, settings, some_data):
    db.add(Bulletin(week="2026-W47", version=1, number="x", trigger="schedule", schedule_key="2026-W47",
                    claimed_by="gone:1", started_at=local(2026, 11, 23, 8) - dt.timedelta(hours=2)))
    db.commit()
    with app.app_context():
        built = jobs.weekly_bulletin(app, now=MONDAY_8AM)
    assert built is not None
    row = db.exec(select(Bulletin)).one()
    db.refresh(row)
    assert row.status is BulletinStatus.published and row.claimed_by != "gone:1"


def test_a_failed_scheduled_build_is_recorded_and_retried_next_time(app, db, settings, some_data, monkeypatch):
    monkeypatch.setattr(settings, "BULLETIN_FONT", "/nonexistent/font.ttc")
    with app.app_context(), pytest.raises(Exception):
        jobs.weekly_bulletin(app, now=MONDAY_8AM)
    row = db.exec(select(Bulletin)).one()
    assert row.status is BulletinStatus.failed and "BULLETIN_FONT" in row.error
    monkeypatch.setattr(settings, "BULLETIN_FONT", "")
    with app.app_context():
        assert jobs.weekly_bulletin(app, now=MONDAY_8AM) is not None
    db.refresh(row)
    assert row.status is BulletinStatus.published and row.error is None


def test_the_job_is_scheduled_every_monday_at_eight():
    from hotline import scheduler

    job = next(j for j in scheduler.collect_jobs() if j.id == "bulletins.weekly")
    assert job.trigger == "cron" and job.trigger_args == {"day_of_week": "mon", "hour": 8, "minute": 0}
