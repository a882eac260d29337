"""The demo's texts name only the county's places, filed where they say, and no praise is worked as
a complaint or published as a typical case (issue 22)."""
from __future__ import annotations

from sqlmodel import select

from hotline.demo.county import TOWNSHIPS
from hotline.demo.texts import CountyPlaces, Place, is_complaint
from models.bulletins import TypicalCase
from models.cases import Case
from models.complaints import Complaint
from models.divisions import Township, Village
from models.taxonomy import ProblemType

PLACES = CountyPlaces("青溪县", {name: villages for name, _code, villages in TOWNSHIPS})


def test_a_text_naming_another_countys_place_is_refused_and_one_naming_ours_is_placed():
    assert PLACES.place("新集镇大柳村的低保被冒领") is None
    assert PLACES.place("涡阳县涡南镇胡碱村村计生专干张某") is None
    assert PLACES.place("柳河乡水井村会计刘某代领粮补") == Place("柳河乡", "水井村")
    assert PLACES.place("石桥镇的扶贫车间没开工") == Place("石桥镇", None)
    assert PLACES.place("村里的低保评得不公平") == Place(None, None)
    assert PLACES.place("石桥镇水井村") is None  # a village of 柳河乡 under 石桥镇: incoherent


def test_praise_and_enquiries_are_not_complaints():
    assert not is_complaint({"problem_types": ["other"]}) and not is_complaint({"problem_types": []})
    assert is_complaint({"problem_types": ["embezzlement"]})


def test_every_demo_text_names_only_the_place_it_is_filed_under(demo, session):
    towns = {t.id: t.name for t in session.exec(select(Township)).all()}
    villages = {v.id: v for v in session.exec(select(Village)).all()}
    for complaint in session.exec(select(Complaint)).all():
        place = PLACES.place(complaint.text)
        assert place is not None, complaint.text[:60]
        if place.township and complaint.township_id:
            assert towns[complaint.township_id] == place.township, complaint.text[:60]
        if place.village and complaint.village_id:
            assert villages[complaint.village_id].name == place.village, complaint.text[:60]


def test_no_typical_case_comes_from_a_text_that_is_not_a_complaint(demo, session):
    for row in session.exec(select(TypicalCase)).all():
        complaint = session.get(Complaint, session.get(Case, row.case_id).complaint_id)
        assert complaint.problem_type is not ProblemType.other
        assert "表扬" not in complaint.text and "感谢" not in complaint.text[:30]
