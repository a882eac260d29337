"""实名举报: 受理告知 within 15 working days, feedback against the same duty, 异议 → 复查, withdrawing the name."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from hotline.cases import calendar as workcal
from hotline.cases.transitions import WorkflowError
from hotline.clues import duties, reminders
from models.audit import AuditEntry
from models.cases import CaseEvent, CaseNotice, CaseStatus
from models.clues import ClueNotice, NoticeKind, NoticeMethod, ObjectionOutcome
from models.complainants import Complainant
from models.telephony import OutboxMessage

from tests.clues.conftest import case_of, close, clue_of, conclude

UTC = dt.timezone.utc


def test_acknowledgement_is_due_fifteen_working_days_after_receipt(factory, db, county, staff):
    # Received Thursday 24 September 2026: Mid-Autumn (25 Sep) and National Day (1-7 Oct) are not
    # counted, the swapped working Saturday 10 October is.
    received = dt.datetime(2026, 9, 24, 2, tzinfo=UTC)
    complaint = factory.complaint(name="李秀兰", phone="13812345678", received_at=received)
    clue = clue_of(db, complaint)
    expected = workcal.WorkCalendar().add_working_days(received, 15)
    assert clue.ack_due_at == expected
    assert expected.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == dt.date(2026, 10, 22)


def test_an_sms_acknowledgement_goes_through_the_outbox_and_is_recorded(app, db, named, staff):
    clue, case = clue_of(db, named), case_of(db, named)
    with app.app_context():
        duties.acknowledge(session=db, clue=clue, case=case, method="sms", note="", actor=staff.operator)
        db.commit()
    notice = db.exec(select(ClueNotice)).one()
    message = db.get(OutboxMessage, notice.outbox_id)
    assert (notice.kind, notice.method) == (NoticeKind.acknowledgement, NoticeMethod.sms)
    assert named.receipt_code in message.body and "已受理" in message.body
    assert clue_of(db, named).ack_given_at is not None
    assert db.exec(select(CaseEvent).where(CaseEvent.kind == "clue_acknowledged")).one().data["method"] == "sms"
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "case.clue_acknowledged")).one()
    with app.app_context(), pytest.raises(WorkflowError, match="无需重复告知"):
        duties.acknowledge(session=db, clue=clue, case=case, method="phone", note="再次", actor=staff.operator)


@pytest.mark.parametrize("method, note, message", [("", "", "请选择告知方式"), ("phone", "", "须填写告知情况"),
                                                   ("fax", "x", "请选择告知方式")])
def test_a_bad_acknowledgement_is_refused_and_nothing_recorded(app, db, named, staff, method, note, message):
    with app.app_context(), pytest.raises(WorkflowError, match=message):
        duties.acknowledge(session=db, clue=clue_of(db, named), case=case_of(db, named), method=method, note=note,
                           actor=staff.operator)
    db.rollback()
    assert db.exec(select(ClueNotice)).all() == [] and clue_of(db, named).ack_given_at is None


def test_an_anonymous_report_owes_no_acknowledgement(app, db, factory, county, staff):
    complaint = factory.complaint(anonymous=True)
    with app.app_context(), pytest.raises(WorkflowError, match="不是实名举报"):
        duties.acknowledge(session=db, clue=clue_of(db, complaint), case=case_of(db, complaint), method="phone",
                           note="x", actor=staff.operator)


def test_reminders_come_before_the_due_day_and_overdue_ones_go_to_supervisors_once(app, db, named, staff):
    clue = clue_of(db, named)
    cal = workcal.WorkCalendar()
    day_before = clue.ack_due_at - dt.timedelta(days=1)
    with app.app_context():
        early = reminders.run(db, now=clue.ack_due_at - dt.timedelta(days=30))
        soon = reminders.run(db, now=day_before)
        again = reminders.run(db, now=day_before)
        late = reminders.run(db, now=clue.ack_due_at + dt.timedelta(hours=1))
        db.commit()
    assert cal.working_days_between(day_before, clue.ack_due_at) <= 2
    assert (early.reminded, soon.reminded, again.reminded, again.skipped) == (0, 1, 0, 1)
    assert late.escalated == 1
    texts = [n.text for n in db.exec(select(CaseNotice)).all()]
    assert any("受理告知期限即将届满" in t and clue.number in t for t in texts)
    overdue = db.exec(select(CaseNotice).where(CaseNotice.kind == "escalate")).all()
    assert staff.supervisor.id in {n.user_id for n in overdue}


def test_no_reminder_once_the_reporter_was_told(app, db, named, staff):
    clue = clue_of(db, named)
    with app.app_context():
        duties.acknowledge(session=db, clue=clue, case=case_of(db, named), method="phone", note="已电话告知",
                           actor=staff.operator)
        report = reminders.run(db, now=clue.ack_due_at + dt.timedelta(hours=1))
    assert (report.reminded, report.escalated) == (0, 0)


def test_outcome_feedback_is_recorded_against_the_reporters_duties(app, db, named, staff):
    case = conclude(app, db, case_of(db, named), staff)
    from hotline.cases import feedback

    with app.app_context():
        feedback.record_feedback(session=db, case=case, channel="call", note="已电话反馈", actor=staff.operator)
        db.commit()
    notice = db.exec(select(ClueNotice).where(ClueNotice.kind == NoticeKind.feedback)).one()
    assert (notice.method, notice.note) == (NoticeMethod.phone, "已电话反馈")


def test_an_objection_upheld_is_answered_and_the_reporter_told(app, db, named, staff):
    case = conclude(app, db, case_of(db, named), staff)
    clue = clue_of(db, named)
    with app.app_context():
        duties.record_objection(session=db, clue=clue, case=case, text="村支书侄子家确有小车，核查不全面",
                                actor=staff.operator)
        with pytest.raises(WorkflowError, match="已有未答复的异议"):
            duties.record_objection(session=db, clue=clue, case=case, text="再次", actor=staff.operator)
        row = duties.answer_objection(session=db, clue=clue, case=case, outcome="upheld", answer="车辆登记在他人名下",
                                      method="written", actor=staff.supervisor)
        db.commit()
    assert row.outcome is ObjectionOutcome.upheld and row.answered_at is not None
    assert db.exec(select(ClueNotice).where(ClueNotice.kind == NoticeKind.objection_answer)).one().method \
        is NoticeMethod.written
    assert case_of(db, named).status is CaseStatus.concluded


def test_an_objection_sent_for_review_reopens_the_closed_case(app, db, named, staff):
    case = close(app, db, conclude(app, db, case_of(db, named), staff), staff)
    clue = clue_of(db, named)
    with app.app_context():
        duties.record_objection(session=db, clue=clue, case=case, text="结论与事实不符", actor=staff.operator)
        with pytest.raises(WorkflowError, match="您的角色不能答复异议"):
            duties.answer_objection(session=db, clue=clue, case=case, outcome="review", answer="复查",
                                    method="phone", actor=staff.operator)
        duties.answer_objection(session=db, clue=clue, case=case, outcome="review", answer="启动复查",
                                method="phone", actor=staff.supervisor)
        db.commit()
    reopened = case_of(db, named)
    assert reopened.status is not CaseStatus.closed and reopened.finding is None and reopened.reopen_count == 1
    kinds = [e.kind for e in db.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))]
    assert kinds.index("reopened") < kinds.index("clue_objection_answered")


def test_a_named_reporter_withdraws_the_name(app, db, named, staff):
    clue, case = clue_of(db, named), case_of(db, named)
    with app.app_context():
        with pytest.raises(WorkflowError, match="须填写情况说明"):
            duties.withdraw_name(session=db, clue=clue, case=case, reason=" ", actor=staff.operator)
        duties.withdraw_name(session=db, clue=clue, case=case, reason="举报人来电要求匿名", actor=staff.operator)
        db.commit()
        report = reminders.run(db, now=clue.ack_due_at + dt.timedelta(hours=1))
    clue = clue_of(db, named)
    person = db.get(Complainant, named.complainant_id)
    assert not clue.named and clue.name_withdrawn_at is not None
    assert person.anonymous and person.name_enc  # still sealed, not thrown away
    assert report.escalated == 0  # no acknowledgement owed any more
    assert db.exec(select(CaseEvent).where(CaseEvent.kind == "clue_name_withdrawn")).one().note == "举报人来电要求匿名"


def test_the_remind_command_runs_the_duty_reminders(runner, db, named):
    result = runner.invoke(args=["clues", "remind"])
    assert result.exit_code == 0 and "催办 0，超期上报 0" in result.output  # nothing due yet
