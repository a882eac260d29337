"""How an SMS intake writes (issue 23): the complaint inserted complete, the audit entries in one
INSERT and sealed once the reply has gone out, the clue counter's lock taken last."""
from __future__ import annotations

import contextlib
import shutil

import pytest

import sqlalchemy as sa
from sqlmodel import select

from hotline.db import engine
from models.audit import AuditEntry
from models.cases import Case, CaseDeadline
from models.clues import Clue
from models.complaints import Complaint, ComplaintStatus
from models.offices import Office, OfficeKind

from tests.telephony.conftest import message_text

@pytest.fixture
def settings_overrides(settings_overrides, trained_models, tmp_path):
    """A trained model: the text's place, amount and accused are what the complaint is built from."""
    target = tmp_path / "models"
    shutil.copytree(trained_models, target)
    return {**settings_overrides, "MODELS_DIR": target}


REPORT = "石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车和门面，涉及金额三千元。"


@contextlib.contextmanager
def statements(app):
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    with app.app_context():
        bind = engine()
    sa.event.listen(bind, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(bind, "before_cursor_execute", listen)


def _index(seen: list[str], prefix: str) -> int:
    return next(i for i, s in enumerate(seen) if s.startswith(prefix))


def test_the_complaint_is_inserted_complete_and_never_updated_in_its_intake(factory, twilio, db, app):
    factory.county()
    with statements(app) as seen:
        assert "查询码" in message_text(twilio.sms(REPORT))
    assert not [s for s in seen if s.startswith("UPDATE complaint")]
    complaint = db.exec(select(Complaint)).one()
    case = db.exec(select(Case).where(Case.complaint_id == complaint.id)).one()
    office = db.get(Office, case.office_id)
    # inserted with what its case, the text's place and amount give it
    expected = ComplaintStatus.received if office.kind is OfficeKind.case_management else ComplaintStatus.assigned
    assert complaint.status is expected
    assert complaint.township_id is not None and complaint.amount_yuan == 3000
    deadline = db.exec(select(CaseDeadline).where(CaseDeadline.case_id == case.id)).one()
    assert case.due_at == deadline.due_at and deadline.due_at > case.opened_at


def test_an_intake_writes_its_audit_entries_in_one_insert(factory, twilio, db, app):
    factory.county()
    with statements(app) as seen:
        twilio.sms(REPORT)
    inserts = [i for i, s in enumerate(seen) if s.startswith("INSERT INTO auditentry")]
    if db.get_bind().dialect.name == "postgresql":  # one multi-row INSERT (insertmanyvalues)
        assert len(inserts) == 1
    else:  # SQLite: one INSERT a row, but in one flush, nothing between them
        assert inserts == list(range(inserts[0], inserts[0] + 3))
    actions = {e.action for e in db.exec(select(AuditEntry)).all()}
    assert {"complaint.create", "clue.register", "case.opened"} <= actions


def test_the_clue_counter_is_drawn_after_the_case_is_opened(factory, twilio, db, app):
    factory.county()
    twilio.sms(REPORT)  # the year's first clue also creates the counter row
    with statements(app) as seen:
        twilio.sms(REPORT, sender="+8613900000000")
    draw = _index(seen, "UPDATE clue_counter")
    assert draw > _index(seen, 'INSERT INTO "case"') and draw > _index(seen, "INSERT INTO caseevent")
    # after the draw only the clue, the audit entries and the SMS row are written before the commit
    after = [s.split(" (")[0] for s in seen[draw + 1:] if s.startswith(("INSERT", "UPDATE"))]
    assert list(dict.fromkeys(after)) == ["INSERT INTO clue", "INSERT INTO auditentry", "INSERT INTO telephony_sms"]
    assert sorted(db.exec(select(Clue.seq)).all()) == [1, 2]


def test_the_intakes_audit_entries_are_sealed_once_the_reply_is_sent(factory, twilio, db, app):
    factory.county()
    response = twilio.sms(REPORT)
    entries = db.exec(select(AuditEntry).where(AuditEntry.action == "complaint.create")).all()
    assert len(entries) == 1 and entries[0].seq is None  # the reply did not wait for the sequencer
    response.close()  # what the WSGI server does once the response is written
    db.expire_all()
    sealed = db.exec(select(AuditEntry).where(AuditEntry.action.in_(
        ["complaint.create", "clue.register", "case.opened"]))).all()
    assert len(sealed) == 3 and all(e.seq is not None and e.hash for e in sealed)
