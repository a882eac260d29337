"""Fixtures for the case workflow: an app context, staff, a routed case (the routed `county`
fixture is tests/conftest.py's)."""
from __future__ import annotations

import pytest

from models.users import Role, User
from tests.factories import case_for  # noqa: F401  (imported from here by older tests)


@pytest.fixture
def app_context(app):
    """For domain tests that need the app's settings (not with the web client: g would be shared)."""
    with app.app_context():
        yield


class Staff:
    """Named staff of the routed county (`county`, tests/conftest.py); written without `user.create`
    audit entries, so a test's audit rows are its own actions'."""

    def __init__(self, factory):
        def user(role: Role, office: str | None, name: str) -> User:
            return factory.user(role, office=office, username=name, full_name=name, audited=False)

        self.operator = user(Role.operator, "信访举报受理中心", "接线员甲")
        self.supervisor = user(Role.supervisor, "县纪委监委", "督办乙")
        self.inspector = user(Role.inspector, "石桥镇纪委", "干部丙")
        self.colleague = user(Role.inspector, "石桥镇纪委", "干部丁")
        self.outsider = user(Role.inspector, "柳河乡纪委", "干部戊")
        self.admin = user(Role.admin, None, "管理员己")


@pytest.fixture
def staff(factory, county) -> Staff:
    return Staff(factory)


@pytest.fixture
def village_case(factory, county, staff, db):
    """A named report about a 石桥镇 village cadre: routed to 石桥镇纪委."""
    complaint = factory.complaint(
        "石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车。", user=staff.operator, phone="13812345678",
        name="李秀兰", village_id=county["villages"]["红旗村"].id, accused_name="王某", accused_title="村支书",
        accused_level="village_cadre", program="dibao")
    return case_for(db, complaint)


@pytest.fixture
def as_user(app):
    """A logged-in client per user (each logs in once: a second login in the same TOTP step is refused)."""
    from tests.conftest import LoggedIn

    clients = {}

    def get(user):
        if user.id not in clients:
            clients[user.id] = LoggedIn(app.test_client()).as_(user)
        return clients[user.id]

    return get
