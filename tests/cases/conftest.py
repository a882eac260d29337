"""Fixtures for the case workflow: an app context, the demo routing table, staff, a routed case."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.demo.loader import load_calendar_days, load_routing
from models.cases import Case
from models.users import Role


@pytest.fixture(autouse=True)
def app_context(app):
    """Domain functions read settings from the app; tests call them directly."""
    with app.app_context():
        yield


@pytest.fixture
def county(factory, db):
    county = factory.county()
    load_routing(db)
    load_calendar_days(db)
    db.commit()
    return county


class Staff:
    def __init__(self, factory):
        self.operator = factory.user(Role.operator, office="信访举报受理中心")
        self.supervisor = factory.user(Role.supervisor, office="县纪委监委")
        self.inspector = factory.user(Role.inspector, office="石桥镇纪委")
        self.colleague = factory.user(Role.inspector, office="石桥镇纪委")
        self.outsider = factory.user(Role.inspector, office="柳河乡纪委")
        self.admin = factory.user(Role.admin)


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
