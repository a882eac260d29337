"""Every office a first call can be routed to has an inspector whose password `run` prints (issue 22)."""
from __future__ import annotations

from sqlmodel import select

from hotline.demo.county import DEMO_STAFF_PASSWORD, DEMO_USERS
from hotline.demo.staff_accounts import staff_lines
from models.offices import Office, OfficeKind
from models.users import Role, User
from tests.conftest import LoggedIn


def test_every_routable_office_has_a_printed_inspector(demo, demo_app, session):
    with demo_app.app_context():
        printed = "\n".join(staff_lines())
    assert DEMO_STAFF_PASSWORD in printed
    named = {username for username, *_rest in DEMO_USERS}
    for office in session.exec(select(Office).where(Office.kind != OfficeKind.hotline)).all():
        inspectors = session.exec(select(User).where(User.role == Role.inspector, User.office_id == office.id)).all()
        if not inspectors:
            continue
        assert any(u.username in named or f"{u.username} {office.name}" in printed for u in inspectors), office.name


def test_the_qingshan_inspector_logs_in_with_the_printed_password(demo, demo_app, session):
    office = session.exec(select(Office).where(Office.name == "青山镇纪委")).one()
    inspector = session.exec(select(User).where(User.role == Role.inspector, User.office_id == office.id)).first()
    client = LoggedIn(demo_app.test_client()).as_(inspector, DEMO_STAFF_PASSWORD)
    assert client.get("/cases/").status_code == 200
