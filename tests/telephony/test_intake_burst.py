"""The scheduled intake drain steps aside during a burst (completion.Burst): callers are answered
first; their reports wait for triage and routing while reports arrive faster than the setting, but
never longer than its maximum delay, and never at all once the burst is over."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlmodel import select

from hotline.intake import completion, jobs
from models.cases import Case
from models.complaints import IntakeJob

from tests.telephony.test_intake_write_path import REPORT, _drain

BURST = completion.Burst(per_second=2, max_delay=dt.timedelta(seconds=60))  # 4 reports in its 2-s window


@pytest.fixture
def settings_overrides(settings_overrides, trained_models, tmp_path):
    target = tmp_path / "models"
    shutil.copytree(trained_models, target)
    return {**settings_overrides, "MODELS_DIR": target, "SMS_JOIN_MINUTES": 0,
            "INTAKE_BURST_PER_SECOND": 2, "INTAKE_BURST_MAX_DELAY_SECONDS": 60}


def _reports(twilio, count: int) -> None:
    for k in range(count):
        assert twilio.sms(f"{REPORT}（第{k}条）", sender=f"+86139100000{k:02d}").status_code == 200


def _first_queued(db) -> dt.datetime:
    return min(db.exec(select(IntakeJob.queued_at)).all())


def test_during_a_burst_the_reports_wait_and_each_caller_has_the_receipt(factory, twilio, db, app):
    factory.county()
    _reports(twilio, 5)
    report = _drain(app, burst=BURST, now=_first_queued(db) + dt.timedelta(seconds=1))
    assert (report.done, report.deferred) == (0, 5)
    assert len(db.exec(select(IntakeJob)).all()) == 5
    assert db.exec(select(Case)).first() is None


def test_a_report_is_routed_once_it_has_waited_the_maximum_delay(factory, twilio, db, app):
    factory.county()
    _reports(twilio, 5)
    # Still arriving fast (the window counts the five), but the oldest has waited 60 s.
    report = _drain(app, burst=completion.Burst(2, dt.timedelta(seconds=60), window=dt.timedelta(minutes=5)),
                    now=_first_queued(db) + dt.timedelta(seconds=60))
    assert (report.done, report.deferred) == (5, 0)
    db.expire_all()
    assert len(db.exec(select(Case)).all()) == 5


def test_when_the_burst_is_over_the_drain_works_at_once(factory, twilio, db, app):
    factory.county()
    _reports(twilio, 5)
    report = _drain(app, burst=BURST, now=_first_queued(db) + dt.timedelta(seconds=10))
    assert (report.done, report.deferred) == (5, 0)


def test_a_trickle_below_the_rate_is_routed_at_once(factory, twilio, db, app):
    factory.county()
    _reports(twilio, 3)  # under 4 in the window
    report = _drain(app, burst=BURST, now=_first_queued(db) + dt.timedelta(seconds=1))
    assert (report.done, report.deferred) == (3, 0)


def test_a_rate_of_zero_never_waits(factory, twilio, db, app):
    factory.county()
    _reports(twilio, 5)
    report = _drain(app, burst=completion.Burst(0, dt.timedelta(seconds=60)),
                    now=_first_queued(db) + dt.timedelta(seconds=1))
    assert report.done == 5


def test_the_scheduled_job_reads_the_settings_and_other_drains_never_wait(factory, twilio, db, app):
    factory.county()
    _reports(twilio, 5)
    # Right after the burst the scheduled job defers (its settings: 2 a second) ...
    with app.app_context():
        assert jobs.complete_pending(app).deferred == 5
    # ... and a drain without a burst policy — the bulletin's, a test's, a command's — does not.
    assert _drain(app).done == 5


def test_a_failed_report_waiting_out_its_pause_does_not_end_the_wait(factory, twilio, db, app):
    factory.county()
    _reports(twilio, 6)
    now = _first_queued(db) + dt.timedelta(seconds=1)
    parked = db.exec(select(IntakeJob).order_by(IntakeJob.id)).first()
    parked.queued_at, parked.attempts = now - dt.timedelta(hours=1), 3
    parked.next_try_at = now + dt.timedelta(minutes=5)
    db.add(parked)
    db.commit()
    report = _drain(app, burst=BURST, now=now)
    assert (report.done, report.deferred) == (0, 6)
