"""What the text says fills the fields the operator left empty: amount, accused and level."""
from __future__ import annotations

import decimal

import pytest
from sqlmodel import select

from models.complaints import AccusedPerson, Complaint
from models.taxonomy import AccusedLevel
from models.users import Role


def accused(db, complaint):
    return db.exec(select(AccusedPerson).where(AccusedPerson.complaint_id == complaint.id)).all()


@pytest.mark.parametrize("text, yuan", [
    ("石桥镇红旗村村支书王某把我家每月600元的低保扣了一半。", "600.00"),
    ("石橋鎮紅旗村村支書王某把我家危房改造的兩萬元補助領走了。", "20000.00"),
    ("红旗村村主任把公益岗工资扣了，每月五百", "500.00"),
    ("红旗村会计把低保扣了，每月六百，一年七千二", "7200.00"),
])
def test_an_amount_in_the_text_fills_an_empty_amount(factory, db, text, yuan):
    complaint = factory.complaint(text)
    assert db.get(Complaint, complaint.id).amount_yuan == decimal.Decimal(yuan)


def test_the_operators_amount_stands(factory, db):
    complaint = factory.complaint("村支书王某把我家每月600元的低保扣了。", amount="3500")
    assert db.get(Complaint, complaint.id).amount_yuan == decimal.Decimal("3500.00")


@pytest.mark.parametrize("typed, yuan", [("三千五", "3500.00"), ("六百", "600.00"), ("2.5万", "25000.00")])
def test_spoken_amounts_typed_in_the_field_are_accepted(factory, login, db, typed, yuan):
    client = login.as_(factory.user(Role.operator))
    county = factory.county()
    response = client.post("/intake/new", data={
        "text": "红旗村村支书王某把低保给了他弟弟。", "channel": "call", "amount": typed,
        "township_id": county["townships"]["石桥镇"].id})
    assert response.status_code in (302, 303)
    assert db.exec(select(Complaint)).one().amount_yuan == decimal.Decimal(yuan)


def test_an_approximate_amount_in_the_field_is_refused_in_chinese_and_nothing_is_lost(factory, login, db):
    client = login.as_(factory.user(Role.operator))
    text = "红旗村村支书王某把低保给了他弟弟。"
    response = client.post("/intake/new", data={"text": text, "channel": "call", "amount": "三百多"})
    page = response.get_data(as_text=True)
    assert "不是确切金额" in page and text in page
    assert db.exec(select(Complaint)).first() is None


@pytest.mark.parametrize("text, level", [
    ("青山镇那个村长贪污，大家都知道。", AccusedLevel.village_cadre),
    ("镇长把产业扶贫的钱挪去修镇政府大院了。", AccusedLevel.township_cadre),
    ("乡干部发危房补助要收好处费。", AccusedLevel.township_cadre),
    ("县水利局把饮水工程的钱挪用了，工程烂尾。", AccusedLevel.county_department),
])
def test_the_level_of_an_unnamed_accused_comes_from_the_text(factory, db, text, level):
    (person,) = accused(db, factory.complaint(text))
    assert person.level is level and person.name == "不详"


def test_a_typed_name_gets_its_level_and_title_from_the_text(factory, db):
    complaint = factory.complaint("县民政局局长王某某把低保名额给了亲戚。", accused_name="王某某")
    (person,) = accused(db, complaint)
    assert person.name == "王某某" and person.level is AccusedLevel.county_department


def test_a_typed_level_gets_the_name_of_that_level_from_the_text(factory, db):
    complaint = factory.complaint("红旗村会计刘某把粮补扣了，镇长也不管。", accused_level="village_cadre")
    (person,) = accused(db, complaint)
    assert person.name == "刘某" and person.level is AccusedLevel.village_cadre


def test_what_the_operator_typed_in_full_stands(factory, db):
    complaint = factory.complaint("红旗村村支书王某收了好处费。", accused_name="李某", accused_title="镇长",
                                  accused_level="township_cadre")
    (person,) = accused(db, complaint)
    assert (person.name, person.title, person.level) == ("李某", "镇长", AccusedLevel.township_cadre)
