"""How an SMS intake writes (issue 23): the reply waits only for what the sender needs (contact,
complaint with its receipt code, sealed identity, one audit entry, a job row); triage, routing and
the clue number follow in the background drain, which ends the complaint exactly as an intake done
at once would, exactly once, and puts a failing job back without losing anything."""
from __future__ import annotations

import contextlib
import re
import shutil
import threading

import pytest

from sqlmodel import Session, select

from hotline.db import engine, get_session
from hotline.intake import completion, service
from hotline import receipts
from models.audit import AuditEntry
from models.complainants import Complainant
from models.contacts import Contact
from models.telephony import SmsMessage
from models.cases import Case, CaseDeadline
from models.clues import Clue
from models.complaints import AccusedPerson, Complaint, ComplaintStatus, IntakeJob, TriageState
from models.offices import Office, OfficeKind

from tests.sql_capture import sent
from tests.telephony.conftest import message_text


@pytest.fixture
def settings_overrides(settings_overrides, trained_models, tmp_path):
    """A trained model: the text's place, amount and accused are what the complaint is built from."""
    target = tmp_path / "models"
    shutil.copytree(trained_models, target)
    return {**settings_overrides, "MODELS_DIR": target, "SMS_JOIN_MINUTES": 0}


REPORT = "石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车和门面，涉及金额三千元。"


@contextlib.contextmanager
def statements(app):
    """The text of each statement sent within (tests/sql_capture.py)."""
    with sent(app) as seen:
        texts: list[str] = []
        yield texts
    texts.extend(statement.text for statement in seen)


def _drain(app, **kwargs) -> completion.DrainReport:
    """One run of the intake drain, as the scheduler's job does it (failures counted, not raised)."""
    with app.app_context():
        return completion.drain(get_session(), **kwargs)


def _index(seen: list[str], prefix: str) -> int:
    return next(i for i, s in enumerate(seen) if s.startswith(prefix))


def _writes(seen: list[str]) -> list[str]:
    return list(dict.fromkeys(s.split(" (")[0].split(" SET")[0] for s in seen
                              if s.startswith(("INSERT", "UPDATE", "DELETE"))))


def test_the_reply_writes_only_what_the_sender_needs(factory, twilio, db, app):
    factory.county()
    with statements(app) as seen:
        assert "查询码" in message_text(twilio.sms(REPORT))
    writes = [s for s in seen if "INSERT INTO" in s or s.startswith(("UPDATE", "DELETE"))]
    assert [table for s in writes for table in re.findall(r"INSERT INTO (\w+)", s)] == [
        "complainant", "complaint", "contact", "auditentry", "intake_job", "telephony_sms"]
    if db.get_bind().dialect.name == "postgresql":  # one statement, one round trip (hotline.linked_insert)
        assert len(writes) == 1 and writes[0].startswith("WITH new_complainant AS (INSERT INTO complainant")
    complaint = db.exec(select(Complaint)).one()
    assert complaint.triage_state is TriageState.pending and complaint.status is ComplaintStatus.received
    assert db.exec(select(IntakeJob.complaint_id)).all() == [complaint.id]
    assert db.exec(select(Case)).first() is None and db.exec(select(Clue)).first() is None


def test_the_rows_written_together_point_at_each_other(factory, twilio, db):
    """The single statement fills each row's links from the ids the earlier rows received."""
    factory.county()
    reply = message_text(twilio.sms(REPORT, sid="SMlinked1"))
    complaint = db.exec(select(Complaint)).one()
    contact = db.exec(select(Contact).where(Contact.complaint_id == complaint.id)).one()
    message = db.exec(select(SmsMessage).where(SmsMessage.message_sid == "SMlinked1")).one()
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "complaint.create")).one()
    assert complaint.complainant_id is not None and contact.complainant_id == complaint.complainant_id
    assert db.get(Complainant, complaint.complainant_id).phone_hash == contact.phone_hash is not None
    assert (message.complaint_id, message.contact_id) == (complaint.id, contact.id)
    assert message.reply == reply and receipts.spaced(complaint.receipt_code) in reply
    assert entry.entity_id == str(complaint.id)
    assert entry.detail == {"channel": "sms", "contact_id": contact.id, "anonymous": False, "routing": "background"}
    assert message.created_at is not None and db.exec(select(IntakeJob)).one().queued_at is not None


def test_an_anonymous_report_writes_no_identity_row(factory, twilio, db):
    factory.county()
    twilio.sms(REPORT, sender="anonymous")
    complaint = db.exec(select(Complaint)).one()
    assert complaint.complainant_id is None and db.exec(select(Complainant)).first() is None
    assert db.exec(select(AuditEntry.detail)).one()["anonymous"] is True


def test_the_drain_ends_the_complaint_as_an_intake_done_at_once_would(factory, twilio, db, app):
    factory.county()
    twilio.sms(REPORT)
    assert twilio.settle() == 1
    with app.app_context():
        session = get_session()
        at_once = service.log_contact(session=session, data=service.IntakeData(text=REPORT, channel="sms",
                                                                               phone="13912345678"),
                                      actor=None, lookup_key=app.config["LOOKUP_KEY"])
        session.commit()
        at_once_id = at_once.id
    db.expire_all()
    deferred, direct = db.exec(select(Complaint).order_by(Complaint.id)).all()
    assert direct.id == at_once_id
    fields = ("status", "problem_type", "program", "township_id", "village_id", "amount_yuan",
              "triage_state", "confidence", "secondary_types")
    assert {f: getattr(deferred, f) for f in fields} == {f: getattr(direct, f) for f in fields}
    assert deferred.township_id is not None and deferred.amount_yuan == 3000
    cases = {c.complaint_id: c for c in db.exec(select(Case)).all()}
    assert cases[deferred.id].office_id == cases[direct.id].office_id
    office = db.get(Office, cases[deferred.id].office_id)
    expected = ComplaintStatus.received if office.kind is OfficeKind.case_management else ComplaintStatus.assigned
    assert deferred.status is expected
    deadline = db.exec(select(CaseDeadline).where(CaseDeadline.case_id == cases[deferred.id].id)).one()
    assert cases[deferred.id].due_at == deadline.due_at and deadline.due_at > cases[deferred.id].opened_at
    accused = {(a.complaint_id == deferred.id, a.name, a.level) for a in db.exec(select(AccusedPerson)).all()}
    assert {(n, lvl) for own, n, lvl in accused if own} == {(n, lvl) for own, n, lvl in accused if not own} != set()
    assert db.exec(select(IntakeJob)).first() is None


def test_the_drain_writes_its_audit_entries_in_one_insert_and_draws_the_clue_counter_last(factory, twilio, db, app):
    factory.county()
    twilio.sms(REPORT)  # the year's first clue also creates the counter row
    twilio.sms(REPORT, sender="+8613900000000")
    assert twilio.settle() == 2
    twilio.sms(REPORT, sender="+8613700000000")
    with statements(app) as seen:
        assert twilio.settle() == 1
    inserts = [i for i, s in enumerate(seen) if s.startswith("INSERT INTO auditentry")]
    if db.get_bind().dialect.name == "postgresql":  # one multi-row INSERT (insertmanyvalues)
        assert len(inserts) == 1
    else:  # SQLite: one INSERT a row, but in one flush, nothing between them
        assert inserts == list(range(inserts[0], inserts[0] + len(inserts))) and len(inserts) >= 2
    draw = _index(seen, "UPDATE clue_counter")
    assert draw > _index(seen, 'INSERT INTO "case"') and draw > _index(seen, "INSERT INTO caseevent")
    # after the draw only the clue and the audit entries are written before the commit (the seal,
    # its own transaction after the commit, only UPDATEs audit rows)
    assert [w for w in _writes(seen[draw + 1:]) if w != "UPDATE auditentry"] == ["INSERT INTO clue",
                                                                                 "INSERT INTO auditentry"]
    assert sorted(db.exec(select(Clue.seq)).all()) == [1, 2, 3]
    actions = [e.action for e in db.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]
    assert actions.count("complaint.create") == 3 and actions.count("clue.register") == 3


def test_the_webhook_leaves_sealing_to_the_drain_which_seals_everything(factory, twilio, db):
    factory.county()
    response = twilio.sms(REPORT)
    entries = db.exec(select(AuditEntry).where(AuditEntry.action == "complaint.create")).all()
    assert len(entries) == 1 and entries[0].seq is None  # the reply did not wait for the sequencer
    response.close()  # what the WSGI server does once the response is written
    db.expire_all()
    assert db.exec(select(AuditEntry.seq).where(AuditEntry.action == "complaint.create")).one() is None
    twilio.settle()
    db.expire_all()
    sealed = db.exec(select(AuditEntry).where(AuditEntry.action.in_(
        ["complaint.create", "clue.register", "case.opened"]))).all()
    assert len(sealed) == 3 and all(e.seq is not None and e.hash for e in sealed)


def test_a_failing_completion_puts_the_job_back_and_loses_nothing(factory, twilio, db, app, monkeypatch):
    factory.county()
    twilio.sms(REPORT)
    real = service.open_matter

    def broken(*args, **kwargs):
        raise RuntimeError("routing table being edited")

    monkeypatch.setattr(service, "open_matter", broken)
    report = _drain(app)
    assert (report.done, report.failed) == (0, 1)
    db.expire_all()
    job = db.exec(select(IntakeJob)).one()
    assert job.attempts == 1 and "routing table being edited" in job.last_error and job.next_try_at is not None
    complaint = db.get(Complaint, job.complaint_id)
    assert complaint.triage_state is TriageState.pending and db.exec(select(Case)).first() is None
    monkeypatch.setattr(service, "open_matter", real)
    assert _drain(app).done == 0  # not due yet: it waits its pause
    assert _drain(app, now=job.next_try_at).done == 1
    db.expire_all()
    assert db.exec(select(Case.complaint_id)).all() == [complaint.id]
    assert db.exec(select(IntakeJob)).first() is None


def test_a_drain_run_twice_or_in_parallel_completes_each_report_once(factory, twilio, db, app):
    factory.county()
    for k in range(12):
        twilio.sms(f"{REPORT}（第{k}条）", sender=f"+86139000000{k:02d}")
    done: list[int] = []

    def worker() -> None:
        with app.app_context():
            with Session(engine(), expire_on_commit=False) as session:
                done.append(completion.drain(session).done)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(done) == 12
    assert twilio.settle() == 0
    db.expire_all()
    complaint_ids = db.exec(select(Case.complaint_id)).all()
    assert len(complaint_ids) == len(set(complaint_ids)) == 12
    assert len(db.exec(select(Clue.id)).all()) == 12


def test_the_complaint_page_says_it_is_being_routed_until_the_drain_is_done(factory, twilio, db, login):
    from models.users import Role

    factory.county()
    twilio.sms(REPORT)
    complaint = db.exec(select(Complaint)).one()
    operator = login.as_(factory.user(Role.operator))
    page = operator.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "分办中" in page and "通常几秒内完成（来电高峰时最长约60秒）" in page
    assert twilio.settle() == 1
    db.expire_all()
    office = db.get(Office, db.exec(select(Case.office_id)).one())
    page = operator.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "分办中" not in page and office.name in page


def test_readiness_names_reports_left_waiting_for_the_drain(factory, twilio, db, app, monkeypatch):
    import datetime as dt

    from hotline.readiness import checks

    factory.county()
    twilio.sms(REPORT)
    settings = app.config["SETTINGS"]
    now = db.exec(select(IntakeJob.queued_at)).one()
    check = {c.key: c for c in checks.run(db, settings, now=now + dt.timedelta(seconds=3))}["intake_backlog"]
    assert check.ok and "1 件正在分办（通常几秒内完成，来电高峰时最长约60秒）" in check.detail
    check = {c.key: c for c in checks.run(db, settings, now=now + dt.timedelta(minutes=6))}["intake_backlog"]
    assert check.status is checks.Status.fail
    assert "1 件反映等待分办已超过 5 分钟" in check.detail and "python -m hotline scheduler" in check.detail
    twilio.settle()
    db.expire_all()
    check = {c.key: c for c in checks.run(db, settings, now=now + dt.timedelta(minutes=6))}["intake_backlog"]
    assert check.ok and "没有等待分办" in check.detail
