"""Reminders (催办), escalation and progress chasing claim their work: nobody is told twice."""
from __future__ import annotations

import datetime as dt
import threading

from sqlmodel import Session, select

from hotline.cases import reminders, supervision, workflow
from models.cases import CaseDeadline, CaseNotice, CaseReminder


def test_it_escalates_an_overdue_case_to_the_supervisors_once(village_case, staff, db):
    later = village_case.due_at + dt.timedelta(days=3)
    first = reminders.escalate(db, now=later)
    db.commit()
    again = reminders.escalate(db, now=later + dt.timedelta(hours=1))
    db.commit()
    assert first.escalated == 1 and again.escalated == 0 and again.skipped == 1
    notices = db.exec(select(CaseNotice).where(CaseNotice.kind == "escalate")).all()
    assert [n.user_id for n in notices] == [staff.supervisor.id]


def test_it_reminds_the_holder_before_the_deadline(village_case, staff, db):
    workflow.assign(session=db, case=village_case, inspector=staff.inspector, actor=staff.supervisor)
    db.commit()
    deadline = db.exec(select(CaseDeadline).where(CaseDeadline.kind == "disposition")).one()
    report = reminders.remind(db, now=deadline.due_at - dt.timedelta(hours=30))
    db.commit()
    assert report.reminded == 1
    notice = db.exec(select(CaseNotice).where(CaseNotice.kind == "remind")).one()
    assert notice.user_id == staff.inspector.id and "即将届满" in notice.text


def test_an_extension_earns_a_new_reminder(village_case, staff, db):
    now = village_case.due_at + dt.timedelta(hours=1)
    reminders.escalate(db, now=now)
    workflow.extend(session=db, case=village_case, days=5, reason="人员外出", actor=staff.supervisor)
    db.commit()
    assert reminders.escalate(db, now=village_case.due_at + dt.timedelta(hours=1)).escalated == 1


def test_it_chases_the_progress_report_of_a_supervised_case(village_case, staff, db):
    order = supervision.supervise(session=db, case=village_case, days=20, interval_days=5, reason="群众反映强烈",
                                  actor=staff.supervisor)
    db.commit()
    due = order.next_report_due_at + dt.timedelta(minutes=1)
    assert reminders.chase(db, now=due).chased == 1
    assert reminders.chase(db, now=due).chased == 0
    supervision.report_progress(session=db, case=village_case, progress="已约谈村支书", actor=staff.supervisor)
    db.commit()
    assert reminders.chase(db, now=due).chased == 0  # the next report is an interval later


def test_two_schedulers_at_once_send_each_reminder_once(app, village_case, factory, staff, db):
    others = [factory.complaint(f"石桥镇红旗村第{i}件低保问题反映", accused_level="village_cadre") for i in range(4)]
    assert others
    later = village_case.due_at + dt.timedelta(days=5)
    engine = app.extensions["db_engine"]
    results, barrier = [], threading.Barrier(2)

    def scheduler():
        with app.app_context(), Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            report = reminders.run_all(session, now=later)
            session.commit()
            results.append(report)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2
    claims = db.exec(select(CaseReminder).where(CaseReminder.kind == "escalate")).all()
    assert len(claims) == 5 and len({c.claim_key for c in claims}) == 5
    assert sum(r.escalated for r in results) == 5
    notices = db.exec(select(CaseNotice).where(CaseNotice.kind == "escalate")).all()
    assert len(notices) == 5


def test_the_remind_command_can_run_twice(runner, village_case, staff):
    first = runner.invoke(args=["cases", "remind"])
    second = runner.invoke(args=["cases", "remind"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "催办" in first.output
