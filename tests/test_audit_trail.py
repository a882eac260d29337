"""The audit trail records every change and every view of an identity, chained by hash."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from hotline import audit
from models.audit import AuditEntry
from models.users import Role


def _actions(db) -> list[str]:
    return list(db.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all())


def test_logging_a_call_is_audited_with_who_and_from_where(factory, login, db):
    county = factory.county()
    operator = factory.user(Role.operator)
    login.as_(operator).post("/intake/new", data={"text": "低保被冒领", "channel": "call",
                                                  "township_id": county["townships"]["石桥镇"].id},
                             environ_base={"REMOTE_ADDR": "10.1.2.3"})
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "complaint.create")).one()
    assert entry.actor_id == operator.id and entry.actor_name == operator.username
    assert entry.remote_addr == "10.1.2.3"
    assert any(action.startswith("case.open") for action in _actions(db))


def test_viewing_an_identity_is_audited_with_the_reason(factory, login, db):
    operator = factory.user(Role.operator)
    complaint = factory.complaint("危房改造补助被截留", user=operator, phone="13812345678", name="王五")
    client = login.as_(operator)
    response = client.post(f"/complaints/{complaint.id}/identity", data={"reason": "回访核实联系方式"})
    assert response.status_code == 200 and "13812345678" in response.get_data(as_text=True)
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "identity.view")).one()
    assert entry.detail["reason"] == "回访核实联系方式" and entry.actor_id == operator.id


def test_the_chain_verifies_and_detects_a_changed_row(factory, db, app):
    for i in range(3):
        factory.complaint(f"第{i}条线索：粮补被代领")
    assert audit.verify(db, app.config["AUDIT_KEY"]).ok
    middle = db.exec(select(AuditEntry).order_by(AuditEntry.seq).offset(2)).first()
    db.execute(sa.text("UPDATE auditentry SET actor_name = 'mallory' WHERE id = :id"), {"id": middle.id})
    db.commit()
    report = audit.verify(db, app.config["AUDIT_KEY"])
    assert not report.ok and report.broken_at == middle.id


def test_the_chain_detects_a_deleted_row(factory, db, app):
    for i in range(3):
        factory.complaint(f"第{i}条线索")
    victim = db.exec(select(AuditEntry).order_by(AuditEntry.seq).offset(1)).first()
    db.execute(sa.text("DELETE FROM auditentry WHERE id = :id"), {"id": victim.id})
    db.commit()
    report = audit.verify(db, app.config["AUDIT_KEY"])
    assert not report.ok and report.broken_at > victim.id


def test_auditors_read_and_export_but_do_nothing_else(factory, login):
    factory.complaint("某条线索")
    client = login.as_(factory.user(Role.auditor))
    assert client.get("/admin/audit").status_code == 200
    export = client.get("/admin/audit.csv")
    assert export.status_code == 200 and "complaint.create" in export.get_data(as_text=True)
    assert client.get("/complaints").status_code == 403
    assert client.get("/intake/new").status_code == 403
