"""Admins manage users and offices; nobody else can."""
from __future__ import annotations

from sqlmodel import select

from models.offices import Office, OfficeJurisdiction
from models.users import Role, User


def test_an_admin_creates_a_user(factory, login, db):
    factory.county()
    client = login.as_(factory.user(Role.admin))
    response = client.post("/admin/users", data={"username": "wangwu", "full_name": "王五", "role": "inspector",
                                                 "office_id": factory.office("石桥镇纪委").id,
                                                 "password": "a-good-long-password"})
    assert response.status_code == 302
    assert db.exec(select(User).where(User.username == "wangwu")).one().role is Role.inspector


def test_a_duplicate_username_is_refused_and_the_form_kept(factory, login):
    admin = factory.user(Role.admin)
    client = login.as_(admin)
    response = client.post("/admin/users", data={"username": admin.username, "full_name": "重名的人",
                                                 "role": "operator", "password": "a-good-long-password"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "已存在" in page and "重名的人" in page


def test_an_admin_deactivates_a_user(factory, login, db):
    target = factory.user(Role.operator)
    client = login.as_(factory.user(Role.admin))
    client.post(f"/admin/users/{target.id}", data={"active": "0"})
    db.expire_all()
    assert db.get(User, target.id).active is False


def test_an_admin_creates_an_office_with_its_jurisdiction(factory, login, db):
    county = factory.county()
    client = login.as_(factory.user(Role.admin))
    response = client.post("/admin/offices", data={"name": "第二监督检查室", "kind": "supervision_office",
                                                   "township_ids": [county["townships"]["柳河乡"].id]})
    assert response.status_code == 302
    office = db.exec(select(Office).where(Office.name == "第二监督检查室")).one()
    assert db.exec(select(OfficeJurisdiction).where(OfficeJurisdiction.office_id == office.id)).one()


def test_an_office_needs_a_name_and_a_kind(factory, login):
    client = login.as_(factory.user(Role.admin))
    response = client.post("/admin/offices", data={"name": "", "kind": "nonsense"})
    assert response.status_code == 422 and "请填写机构名称" in response.get_data(as_text=True)
