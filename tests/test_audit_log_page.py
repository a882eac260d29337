"""The audit log page reads in Chinese; the export keeps the raw record."""
from __future__ import annotations

import re

from hotline import audit, audit_labels
from models.users import Role


def test_the_page_shows_labels_and_readable_details_and_the_export_the_codes(factory, login, db):
    auditor = factory.user(Role.auditor)
    audit.record(db, actor=auditor, action="case.disposition_approved", entity="case", entity_id=7,
                 detail={"disposition": "preliminary_verification", "note": None, "named": True})
    audit.record(db, actor=auditor, action="crosscheck.run", entity="crosscheck_run", detail={"rule": "payroll_household"})
    audit.record(db, actor=auditor, action="widget.frobbed", entity="widget", detail={"gizmo_count": 3})
    db.commit()
    client = login.as_(auditor)
    page = client.get("/admin/audit").get_data(as_text=True)
    visible = re.sub(r'title="[^"]*"', "", page)
    assert "案件：批准处置意见" in page and "处置方式：初步核实" in page and "说明：无" in page and "实名：是" in page
    assert "preliminary_verification" not in visible and ">None<" not in visible and "None" not in visible
    assert ">case.disposition_approved<" not in visible
    assert "规则：家庭成员财政供养" in page and "payroll_household" not in visible
    # An action or key without a label yet is shown as its code, not hidden.
    assert "<code>widget.frobbed</code>" in page and "<code>gizmo_count</code>：3" in page
    export = client.get("/admin/audit.csv").get_data(as_text=True)
    assert "case.disposition_approved" in export and "preliminary_verification" in export


def test_every_action_the_code_records_has_a_label():
    """Every literal action in hotline/ has a Chinese label (a new one fails here until it gets one)."""
    import pathlib
    root = pathlib.Path(audit.__file__).parent
    actions = set()
    for path in root.rglob("*.py"):
        actions |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert actions, "no audit actions found"
    missing = sorted(a for a in actions if audit_labels.action_label(a) is None)
    assert not missing, missing
