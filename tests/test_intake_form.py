"""An operator logs a call from the web form and reads back the receipt code."""
from __future__ import annotations

import re

from sqlmodel import select

from hotline import receipts
from models.complainants import Complainant
from models.complaints import AccusedPerson, Complaint
from models.contacts import Contact
from models.users import Role


def _form(county, **overrides):
    data = {"channel": "call", "phone": "13812345678", "name": "李秀兰",
            "text": "反映红旗村村支书王某把低保名额给了自己侄子，侄子家有小车。",
            "township_id": str(county["townships"]["石桥镇"].id),
            "village_id": str(county["villages"]["红旗村"].id),
            "accused_name": "王某", "accused_title": "村支书", "accused_level": "village_cadre",
            "program": "dibao", "amount": "3,500元"}
    data.update(overrides)
    return data


def test_it_logs_a_call_and_shows_a_receipt_code(factory, login, db):
    county = factory.county()
    client = login.as_(factory.user(Role.operator))
    response = client.post("/intake/new", data=_form(county))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'data-code="(\d+)"', page).group(1)
    assert receipts.is_well_formed(code)
    complaint = db.exec(select(Complaint)).one()
    assert complaint.receipt_code == code
    assert str(complaint.amount_yuan) == "3500.00"
    assert complaint.program.value == "dibao"
    assert complaint.village_id == county["villages"]["红旗村"].id
    accused = db.exec(select(AccusedPerson)).one()
    assert (accused.name, accused.title, accused.level.value) == ("王某", "村支书", "village_cadre")
    contact = db.exec(select(Contact)).one()
    assert contact.complaint_id == complaint.id and contact.channel.value == "call"


def test_it_keeps_the_identity_apart_from_the_complaint(factory, login, db):
    county = factory.county()
    client = login.as_(factory.user(Role.operator))
    client.post("/intake/new", data=_form(county))
    complaint = db.exec(select(Complaint)).one()
    person = db.get(Complainant, complaint.complainant_id)
    assert (person.name_masked, person.phone_masked) == ("李**", "138****5678")
    assert "李秀兰" not in str(person.name_enc) and "13812345678" not in str(person.phone_enc)
    assert "李秀兰" not in complaint.text and "13812345678" not in complaint.text
    contact = db.exec(select(Contact)).one()
    assert contact.phone_hash and "13812345678" not in contact.phone_hash


def test_it_accepts_an_anonymous_report(factory, login, db):
    county = factory.county()
    client = login.as_(factory.user(Role.operator))
    response = client.post("/intake/new", data=_form(county, anonymous="on", name="不该保存", phone=""))
    assert response.status_code == 302
    complaint = db.exec(select(Complaint)).one()
    assert complaint.complainant_id is None
    assert db.exec(select(Complainant)).all() == []


def test_it_shows_the_receipt_only_to_the_operator_who_logged_it(factory, login, client):
    county = factory.county()
    first, second = factory.user(Role.operator), factory.user(Role.operator)
    login.as_(first).post("/intake/new", data=_form(county))
    complaint_id = factory.db.exec(select(Complaint.id)).one()
    client.post("/logout")
    login.as_(second)
    assert client.get(f"/intake/receipt/{complaint_id}").status_code == 403


def test_it_lists_and_finds_complaints_by_receipt_code(factory, login):
    complaint = factory.complaint("柳河乡水井村会计刘某代领粮补")
    factory.complaint("另一条：危房改造资金被截留")
    client = login.as_(factory.user(Role.supervisor))
    page = client.get(f"/complaints?q={receipts.spaced(complaint.receipt_code)}").get_data(as_text=True)
    assert complaint.receipt_code in page and "危房改造资金被截留" not in page
    assert "危房改造资金被截留" in client.get("/complaints?q=危房").get_data(as_text=True)


def test_an_inspector_sees_only_their_offices_complaints(factory, login):
    complaint = factory.complaint("只在案管室的线索")
    outsider = factory.user(Role.inspector, office="石桥镇纪委")
    client = login.as_(outsider)
    assert "只在案管室的线索" not in client.get("/complaints").get_data(as_text=True)
    assert client.get(f"/complaints/{complaint.id}").status_code == 403
