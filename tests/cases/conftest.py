"""Fixtures for the case workflow: an app context, the demo routing table, staff, a routed case."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.cases import Case
from models.users import Role, User


@pytest.fixture
def app_context(app):
    """For domain tests that need the app's settings (not with the web client: g would be shared)."""
    with app.app_context():
        yield


@pytest.fixture
def county(factory):
    return factory.routed_county()


_HASH: list[str] = []


def fast_user(factory, role: Role, office: str | None, name: str) -> User:
    """A user like factory.user, with the password hashed once per session (argon2 is slow on purpose)."""
    from hotline.auth import totp
    from hotline.auth.passwords import hash_password

    if not _HASH:
        _HASH.append(hash_password(factory.PASSWORD))
    user = User(username=name, full_name=name, role=role, password_hash=_HASH[0],
                office_id=factory.office(office).id if office else None)
    if totp.required(user):
        user.totp_secret = totp.new_secret()
    factory.db.add(user)
    factory.db.commit()
    return user


class Staff:
    def __init__(self, factory):
        self.operator = fast_user(factory, Role.operator, "信访举报受理中心", "接线员甲")
        self.supervisor = fast_user(factory, Role.supervisor, "县纪委监委", "督办乙")
        self.inspector = fast_user(factory, Role.inspector, "石桥镇纪委", "干部丙")
        self.colleague = fast_user(factory, Role.inspector, "石桥镇纪委", "干部丁")
        self.outsider = fast_user(factory, Role.inspector, "柳河乡纪委", "干部戊")
        self.admin = fast_user(factory, Role.admin, None, "管理员己")


@pytest.fixture
def staff(factory, county) -> Staff:
    return Staff(factory)


def case_for(db, complaint) -> Case:
    return db.exec(select(Case).where(Case.complaint_id == complaint.id)).one()


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
