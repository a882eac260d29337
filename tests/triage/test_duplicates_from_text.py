"""A repeat report typed without township or accused finds its earlier clue from its own text
(the earlier report's accused were taken from its text by triage, so a model is served here)."""
from __future__ import annotations

from sqlmodel import select

from hotline.cases import duplicates
from models.complaints import Complaint

FIRST = "石桥镇红旗村村支书王某某把他弟弟报成了低保户，他弟弟在县城开店，家里有两台车。"
REPEAT = "我再反映一下，石桥镇那个村支书王某某的弟弟，还在吃低保，上次说了没人管。"


def test_a_repeat_report_with_empty_fields_finds_the_earlier_clue(factory, db, app):
    earlier = factory.complaint(FIRST)
    factory.complaint("柳河乡水井村会计刘某把粮补扣了一半。", township_id=factory.county()["townships"]["柳河乡"].id)
    with app.app_context():
        found = duplicates.find(db, text=REPEAT)
    assert found and found[0].complaint.id == earlier.id
    assert any("被反映人相同" in reason for reason in found[0].reasons)


def test_the_text_gives_place_and_names_but_the_form_still_wins(factory, db, app):
    county = factory.county()
    with app.app_context():
        hints = duplicates.text_hints(db, REPEAT)
    assert hints.township_id == county["townships"]["石桥镇"].id
    assert "王某某" in hints.names


def test_an_unrelated_report_finds_nothing(factory, db, app):
    factory.complaint(FIRST)
    with app.app_context():
        assert duplicates.find(db, text="我想问一下退耕还林的补助什么时候发。") == []
    assert len(db.exec(select(Complaint)).all()) == 1
