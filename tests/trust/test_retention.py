"""Identity data of cases closed longer than the retention period is purged, leaving a tombstone."""
from __future__ import annotations

import datetime as dt

from sqlmodel import select

from hotline import audit
from hotline.trust import jobs, retention
from models.base import utcnow
from models.cases import CaseStatus
from models.complainants import Complainant
from models.complaints import Complaint
from models.contacts import Contact
from models.jobruns import JobRun
from models.retention import RetentionTombstone
from models.telephony import OutboxMessage, PhoneCall, Recording

DAYS = 1826


def _person(db, case) -> Complainant:
    complaint = db.get(Complaint, case.complaint_id)
    db.expire_all()
    return db.get(Complainant, complaint.complainant_id)


def _purge(db, **kw):
    report = retention.purge(session=db, days=DAYS, **kw)
    db.commit()
    db.expire_all()
    return report


def test_it_purges_the_identity_of_a_case_closed_longer_than_the_period(closed, db):
    case = closed.case(days_ago=DAYS + 1)
    assert _person(db, case).phone_enc and _person(db, case).name_masked == "李**"
    report = _purge(db)
    person = _person(db, case)
    assert report.cases == [case.id] and report.complainants == 1 and report.recordings == 1
    assert (person.name_enc, person.phone_enc, person.id_number_enc) == (None, None, None)
    assert (person.name_masked, person.phone_masked, person.phone_hash) == (None, None, None)
    assert person.purged_at is not None


def test_it_removes_the_phone_lines_copies_of_the_number_and_the_recordings(closed, db):
    case = closed.case(days_ago=DAYS + 1)
    _purge(db)
    assert db.exec(select(Recording)).all() == []
    call = db.exec(select(PhoneCall)).one()
    assert (call.from_number_enc, call.from_masked, call.phone_hash) == (None, None, None)
    sms = db.exec(select(OutboxMessage)).one()
    assert (sms.to_number_enc, sms.to_masked, sms.phone_hash) == (None, None, None)
    assert all(c.phone_hash is None for c in db.exec(select(Contact).where(Contact.complaint_id == case.complaint_id)))


def test_it_keeps_what_was_reported(closed, db):
    case = closed.case(days_ago=DAYS + 1)
    text = db.get(Complaint, case.complaint_id).text
    _purge(db)
    assert db.get(Complaint, case.complaint_id).text == text


def test_it_leaves_a_tombstone_saying_what_was_removed_and_when(closed, db):
    case = closed.case(days_ago=DAYS + 1)
    recording_sid = db.exec(select(Recording.recording_sid)).one()
    _purge(db)
    stone = db.exec(select(RetentionTombstone)).one()
    assert stone.case_id == case.id and stone.complaint_ids == [case.complaint_id]
    assert stone.retention_days == DAYS and stone.purged_at is not None
    assert abs(stone.case_closed_at - case.closed_at) < dt.timedelta(seconds=1)
    assert set(stone.removed["complainant"]) == {"name_enc", "phone_enc", "name_masked", "phone_masked", "phone_hash"}
    assert stone.removed["recordings"] == [recording_sid] and stone.removed["calls"] == 1
    assert stone.removed["outbox"] == 1


def test_it_keeps_the_identity_of_a_case_closed_within_the_period(closed, db):
    case = closed.case(days_ago=DAYS - 1)
    report = _purge(db)
    assert report.cases == [] and _person(db, case).phone_enc is not None
    assert len(db.exec(select(Recording)).all()) == 1


def test_it_keeps_the_identity_of_a_case_still_open(closed, db):
    case = closed.case(days_ago=DAYS * 2, status=CaseStatus.assigned)
    _purge(db)
    assert _person(db, case).phone_enc is not None and db.exec(select(RetentionTombstone)).all() == []


def test_a_person_also_named_in_a_case_not_yet_due_is_kept(closed, db):
    old = closed.case(days_ago=DAYS + 1)
    recent = closed.case(days_ago=10, recording=False)
    shared = db.get(Complaint, old.complaint_id).complainant_id
    complaint = db.get(Complaint, recent.complaint_id)
    complaint.complainant_id = shared  # the same caller reported again
    db.add(complaint)
    db.commit()
    report = _purge(db)
    assert report.skipped == 1 and db.get(Complainant, shared).phone_enc is not None


def test_repeat_reports_merged_into_a_due_case_are_purged_with_it(closed, db):
    case = closed.case(days_ago=DAYS + 1)
    repeat = closed.case(days_ago=DAYS + 1, status=CaseStatus.merged, recording=False)
    repeat.merged_into_case_id = case.id
    complaint = db.get(Complaint, repeat.complaint_id)
    complaint.merged_into_id = case.complaint_id
    db.add_all([repeat, complaint])
    db.commit()
    report = _purge(db)
    assert report.complainants == 2 and _person(db, repeat).phone_enc is None


def test_a_legal_hold_prevents_the_purge(closed, db, factory):
    case = closed.case(days_ago=DAYS + 1)
    retention.place_hold(session=db, case=case, actor=factory.user("custodian"), reason="涉及司法机关调取证据")
    db.commit()
    report = _purge(db)
    assert report.held == [case.id] and report.cases == []
    assert _person(db, case).phone_enc is not None and len(db.exec(select(Recording)).all()) == 1


def test_after_the_hold_is_released_the_next_purge_removes_it(closed, db, factory):
    case = closed.case(days_ago=DAYS + 1)
    custodian = factory.user("custodian")
    hold = retention.place_hold(session=db, case=case, actor=custodian, reason="涉及司法机关调取证据")
    db.commit()
    retention.release_hold(session=db, hold=hold, actor=custodian, reason="司法程序已经终结")
    db.commit()
    assert _purge(db).cases == [case.id] and _person(db, case).phone_enc is None


def test_a_dry_run_changes_nothing(closed, db):
    case = closed.case(days_ago=DAYS + 1)
    report = _purge(db, dry_run=True)
    assert report.cases == [case.id] and report.complainants == 1
    assert _person(db, case).phone_enc is not None and db.exec(select(RetentionTombstone)).all() == []


def test_purging_again_removes_nothing_more(closed, db):
    closed.case(days_ago=DAYS + 1)
    _purge(db)
    again = _purge(db)
    assert again.complainants == 0 and len(db.exec(select(RetentionTombstone)).all()) == 1


def test_the_purge_is_audited_and_the_chain_still_holds(closed, db, app):
    case = closed.case(days_ago=DAYS + 1)
    _purge(db)
    from models.audit import AuditEntry

    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "retention.purge")).one()
    assert entry.detail["case_id"] == case.id and audit.verify(db, app.config["AUDIT_KEY"]).ok


def test_the_scheduled_job_claims_the_day_so_a_second_scheduler_does_nothing(app, closed, db):
    case = closed.case(days_ago=DAYS + 1)
    now = utcnow()
    with app.app_context():
        first = jobs.retention_purge(app, now=now)
    with app.app_context():
        second = jobs.retention_purge(app, now=now)
    assert first.cases == [case.id] and second is None
    run = db.exec(select(JobRun).where(JobRun.job == "trust.retention")).one()
    assert run.finished_at is not None and "已清除 1 件" in run.outcome


def test_the_job_is_scheduled(app):
    from hotline import scheduler

    assert "trust.retention" in {job.id for job in scheduler.collect_jobs()}


def test_the_command_purges_and_says_what_it_did(closed, db, runner):
    case = closed.case(days_ago=DAYS + 1)
    dry = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert dry.exit_code == 0 and "将清除 1 件" in dry.output and _person(db, case).phone_enc is not None
    done = runner.invoke(args=["retention", "purge"])
    assert done.exit_code == 0 and "已清除 1 件" in done.output and f"第{case.id}号" in done.output
    assert _person(db, case).phone_enc is None


def test_a_purged_complaint_still_shows_to_a_custodian(closed, db, factory, login):
    case = closed.case(days_ago=DAYS + 1)
    _purge(db)
    client = login.as_(factory.user("custodian"))
    page = client.get(f"/complaints/{case.complaint_id}")
    assert page.status_code == 200 and "13812345678" not in page.get_data(as_text=True)



def test_the_period_comes_from_retention_days(closed, db, runner, app):
    app.config["SETTINGS"].RETENTION_DAYS = 30
    old, recent = closed.case(days_ago=31), closed.case(days_ago=29, recording=False)
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0 and "保存期限 30 天" in result.output
    assert _person(db, old).phone_enc is None and _person(db, recent).phone_enc is not None
