"""Likely duplicates are shown at intake; merging keeps every contact and raises priority."""
from __future__ import annotations

from sqlmodel import select

from hotline.cases import duplicates
from models.cases import Case, CaseEvent
from models.complaints import Complaint
from models.contacts import Contact
from tests.cases.conftest import case_for

TEXT = "石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车。"


def _form(county, **extra):
    data = {"channel": "call", "text": TEXT + "我再反映一次。", "township_id": str(county["townships"]["石桥镇"].id),
            "village_id": str(county["villages"]["红旗村"].id), "accused_name": "王某",
            "accused_level": "village_cadre", "program": "dibao"}
    data.update(extra)
    return data


def test_it_suggests_a_likely_duplicate_while_the_operator_types(village_case, staff, county, as_user):
    client = as_user(staff.operator)
    page = client.get("/cases/duplicates", query_string={
        "text": "红旗村王某把低保给侄子", "village_id": county["villages"]["红旗村"].id,
        "accused_name": "王某", "program": "dibao"}).get_data(as_text=True)
    assert 'name="merge_into"' in page and "被反映人相同" in page and "同一村" in page
    unrelated = client.get("/cases/duplicates", query_string={"text": "柳河乡修路资金被挪用",
                                                               "village_id": county["villages"]["水井村"].id})
    assert "merge_into" not in unrelated.get_data(as_text=True)


def test_the_intake_form_shows_the_duplicates_slot(staff, as_user):
    page = as_user(staff.operator).get("/intake/new").get_data(as_text=True)
    assert 'id="duplicates"' in page and "cases_duplicates.js" in page


def test_merging_at_intake_keeps_both_contacts_and_counts_the_repeat(village_case, staff, county, as_user, db):
    original = db.get(Complaint, village_case.complaint_id)
    response = as_user(staff.operator).post("/intake/new", data=_form(county, merge_into=str(original.id)))
    assert response.status_code == 302
    db.expire_all()
    new = db.exec(select(Complaint).where(Complaint.id != original.id)).one()
    assert new.status.value == "merged" and new.merged_into_id == original.id
    assert db.get(Complaint, original.id).repeat_count == 2
    assert case_for(db, new).status.value == "merged" and case_for(db, new).merged_into_case_id == village_case.id
    assert db.get(Case, village_case.id).priority > 0
    contacts = db.exec(select(Contact)).all()
    assert {c.complaint_id for c in contacts} == {original.id, new.id}
    page = as_user(staff.supervisor).get(f"/complaints/{original.id}").get_data(as_text=True)
    assert "并入的重复举报（1）" in page


def test_it_merges_at_intake_from_the_merge_into_it_is_given_without_a_form(village_case, factory, staff, db):
    # The domain takes the operator's choice as data (IntakeData.merge_into), not from flask.request:
    # a command or job logging a repeat report merges the same way.
    original = db.get(Complaint, village_case.complaint_id)
    repeat = factory.complaint(TEXT + "又一次反映", user=staff.operator, accused_name="王某",
                               accused_level="village_cadre", merge_into=original.id)
    assert repeat.merged_into_id == original.id
    assert factory.complaint(TEXT + "无关的一次", user=staff.operator).merged_into_id is None


def test_a_third_report_suggests_supervision(village_case, factory, staff, db):
    original = db.get(Complaint, village_case.complaint_id)
    for i in range(2):
        repeat = factory.complaint(TEXT + f"第{i + 2}次反映", user=staff.operator, accused_name="王某",
                                   accused_level="village_cadre")
        duplicates.merge(session=db, source=repeat, target=original, actor=staff.operator)
        db.commit()
    assert original.repeat_count == 3
    suggested = db.exec(select(CaseEvent).where(CaseEvent.kind == "supervision_suggested")).all()
    assert suggested and "建议挂牌督办" in suggested[-1].note


def test_a_complaint_cannot_be_merged_into_itself_or_into_a_merged_one(village_case, factory, staff, db):
    import pytest

    from hotline.cases.workflow import WorkflowError

    original = db.get(Complaint, village_case.complaint_id)
    with pytest.raises(WorkflowError, match="自身"):
        duplicates.merge(session=db, source=original, target=original, actor=staff.operator)
    other = factory.complaint("另一件事：危房改造补助被截留", user=staff.operator)
    duplicates.merge(session=db, source=other, target=original, actor=staff.operator)
    third = factory.complaint("第三件", user=staff.operator)
    with pytest.raises(WorkflowError, match="已并入其他线索"):
        duplicates.merge(session=db, source=third, target=other, actor=staff.operator)
