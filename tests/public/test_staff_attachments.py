"""Staff see a complaint's evidence on its page; opening a file is audited and scoped."""
from __future__ import annotations

from sqlmodel import select

from models.attachments import Attachment
from models.audit import AuditEntry
from models.users import Role

from tests.public.conftest import jpeg_with_gps


def test_the_case_page_lists_the_files_and_opening_one_is_audited(send_report, public_app, factory, db):
    send_report(files=[("现场.jpg", jpeg_with_gps())])
    attachment = db.exec(select(Attachment)).one()
    staff = public_app.test_client()
    from tests.conftest import LoggedIn

    LoggedIn(staff).as_(factory.user(Role.supervisor))
    page = staff.get(f"/complaints/{attachment.complaint_id}").get_data(as_text=True)
    assert "举报人提交的材料（1）" in page and "现场.jpg" in page
    response = staff.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data[:3] == b"\xff\xd8\xff" and b"Exif" not in response.data
    views = db.exec(select(AuditEntry).where(AuditEntry.action == "attachment.view")).all()
    assert [v.entity_id for v in views] == [str(attachment.id)]


def test_a_stranger_or_an_auditor_cannot_open_a_file(send_report, public_app, factory, db):
    send_report(files=[("现场.jpg", jpeg_with_gps())])
    attachment = db.exec(select(Attachment)).one()
    stranger = public_app.test_client()
    assert stranger.get(f"/attachments/{attachment.id}").status_code == 302  # to the login page
    from tests.conftest import LoggedIn

    auditor = public_app.test_client()
    LoggedIn(auditor).as_(factory.user(Role.auditor))
    assert auditor.get(f"/attachments/{attachment.id}").status_code == 403
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "attachment.view")).all() == []
