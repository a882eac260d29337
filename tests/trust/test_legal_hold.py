"""A supervisor or identity custodian places and releases a legal hold on a case, with a reason, audited."""
from __future__ import annotations

import re

from sqlmodel import select

from hotline.trust import retention
from models.audit import AuditEntry
from models.complaints import Complaint
from models.retention import LegalHold
from models.users import Role

DAYS = 1826


def _hold(client, **form):
    return client.post("/trust/holds", data=form)


def test_a_custodian_places_a_hold_by_receipt_code_with_a_reason(closed, db, factory, login):
    case = closed.case(days_ago=10)
    code = db.get(Complaint, case.complaint_id).receipt_code
    client = login.as_(factory.user(Role.custodian))
    response = _hold(client, receipt_code=code, reason="市纪委调卷审查，须保留举报人信息")
    assert response.status_code == 302
    hold = db.exec(select(LegalHold)).one()
    assert hold.case_id == case.id and hold.released_at is None and "调卷" in hold.reason
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "retention.hold")).one()
    assert entry.entity_id == str(case.id) and "调卷" in entry.detail["reason"]
    page = client.get("/trust/retention").get_data(as_text=True)
    assert "市纪委调卷审查" in page
    # The default period as people say it, not as a count of days (a bare "1826" could be part of a
    # random receipt code or token on the page).
    assert "满 5 年后" in page and not re.search(r"1826\s*天", page)


def test_a_supervisor_places_a_hold_by_case_number(closed, db, factory, login):
    case = closed.case(days_ago=10)
    client = login.as_(factory.user(Role.supervisor, office="县纪委监委"))
    assert _hold(client, case_id=str(case.id), reason="举报人申请保留证据").status_code == 302
    assert db.exec(select(LegalHold)).one().case_id == case.id


def test_a_hold_without_a_reason_is_refused_and_nothing_changes(closed, db, factory, login):
    case = closed.case(days_ago=10)
    client = login.as_(factory.user(Role.custodian))
    response = _hold(client, case_id=str(case.id), reason="  ")
    assert response.status_code == 422 and "须说明理由" in response.get_data(as_text=True)
    assert db.exec(select(LegalHold)).all() == []
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "retention.hold")).all() == []


def test_an_unknown_case_is_refused_and_the_form_keeps_what_was_typed(closed, factory, login, db):
    client = login.as_(factory.user(Role.custodian))
    response = _hold(client, receipt_code="0000 0000 0000 00", reason="保留十年以备复查")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "找不到该案件" in page and "保留十年以备复查" in page
    assert db.exec(select(LegalHold)).all() == []


def test_a_second_hold_on_the_same_case_is_refused(closed, db, factory, login):
    case = closed.case(days_ago=10)
    client = login.as_(factory.user(Role.custodian))
    _hold(client, case_id=str(case.id), reason="第一次留存事由")
    response = _hold(client, case_id=str(case.id), reason="第二次留存事由")
    assert response.status_code == 422 and "已处于依法留存状态" in response.get_data(as_text=True)
    assert len(db.exec(select(LegalHold)).all()) == 1


def test_a_hold_on_a_case_already_purged_is_refused(closed, db, factory, login):
    case = closed.case(days_ago=DAYS + 1)
    retention.purge(session=db, days=DAYS)
    db.commit()
    client = login.as_(factory.user(Role.custodian))
    response = _hold(client, case_id=str(case.id), reason="补办留存手续")
    assert response.status_code == 422 and "已按保存期限清除" in response.get_data(as_text=True)


def test_releasing_a_hold_needs_a_reason_and_is_audited(closed, db, factory, login):
    case = closed.case(days_ago=10)
    client = login.as_(factory.user(Role.custodian))
    _hold(client, case_id=str(case.id), reason="司法机关调取证据")
    hold = db.exec(select(LegalHold)).one()
    refused = client.post(f"/trust/holds/{hold.id}/release", data={"reason": ""})
    assert refused.status_code == 422 and "须说明理由" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(LegalHold, hold.id).released_at is None
    done = client.post(f"/trust/holds/{hold.id}/release", data={"reason": "司法程序已经终结"})
    assert done.status_code == 302
    db.expire_all()
    assert db.get(LegalHold, hold.id).release_reason == "司法程序已经终结"
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "retention.release")).one()


def test_releasing_an_unknown_hold_is_404(factory, login):
    client = login.as_(factory.user(Role.custodian))
    assert client.post("/trust/holds/999/release", data={"reason": "无此留存记录"}).status_code == 404


def test_operators_inspectors_and_auditors_cannot_place_holds(closed, db, factory, login, app):
    case = closed.case(days_ago=10)
    for role in (Role.operator, Role.inspector, Role.auditor, Role.admin):
        client = login.__class__(app.test_client()).as_(factory.user(role))
        assert _hold(client, case_id=str(case.id), reason="不应被允许的留存").status_code == 403
        assert client.get("/trust/retention").status_code == 403
    assert db.exec(select(LegalHold)).all() == []


def test_the_retention_page_shows_what_the_next_purge_would_remove(closed, factory, login):
    closed.case(days_ago=DAYS + 1)
    client = login.as_(factory.user(Role.custodian))
    page = client.get("/trust/retention").get_data(as_text=True)
    assert "下次清除预计：1 件案件、1 位举报人、1 条录音" in page
