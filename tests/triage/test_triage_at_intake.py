"""Every new complaint is triaged at intake; without a model it waits, unclassified, and is not lost."""
from __future__ import annotations

import shutil

from sqlmodel import select

from hotline.triage.jobs import catch_up
from models.complaints import Complaint, TriageState
from models.users import Role

TEACHER_GRANT = ("双龙镇安乐村的张某某两口子都是县二中的在编教师，他们儿子却连续两年领了高中国家助学金，"
                 "贫困证明是村委会开的，请纪委查一查。")


def test_a_logged_call_is_classified_with_probabilities_and_entities(factory, login, db):
    county = factory.county()
    client = login.as_(factory.user(Role.operator))
    client.post("/intake/new", data={"text": TEACHER_GRANT, "channel": "call",
                                     "township_id": county["townships"]["石桥镇"].id})
    complaint = db.exec(select(Complaint)).one()
    assert complaint.triage_state in (TriageState.classified, TriageState.needs_review)
    assert complaint.program.value == "education"
    assert complaint.problem_type is not None and complaint.model_version
    assert abs(sum(complaint.program_scores.values()) - 1.0) < 0.01
    kinds = {entity["kind"] for entity in complaint.entities}
    assert "person" in kinds and "program" in kinds


def test_the_operators_programme_stands(factory, db):
    complaint = factory.complaint(TEACHER_GRANT, program="dibao")
    assert complaint.program.value == "dibao"
    assert complaint.program_scores["education"] > complaint.program_scores["dibao"]


def test_a_complaint_is_kept_unclassified_when_no_model_exists(app, factory, db):
    shutil.rmtree(app.config["SETTINGS"].MODELS_DIR)
    complaint = factory.complaint(TEACHER_GRANT)
    assert complaint.id and complaint.triage_state is TriageState.unclassified
    assert complaint.problem_type is None


def test_a_broken_model_never_loses_the_report(app, factory, db):
    models_dir = app.config["SETTINGS"].MODELS_DIR
    for artifact in models_dir.rglob("*.joblib"):
        artifact.write_bytes(b"not a model")
    complaint = factory.complaint(TEACHER_GRANT)
    assert db.get(Complaint, complaint.id).triage_state is TriageState.unclassified


def test_unclassified_complaints_are_caught_up_once_a_model_exists(app, factory, db, trained_models):
    models_dir = app.config["SETTINGS"].MODELS_DIR
    shutil.rmtree(models_dir)
    complaint = factory.complaint(TEACHER_GRANT)
    shutil.copytree(trained_models, models_dir)
    with app.app_context():
        assert catch_up(app) == 1
    db.expire_all()
    assert db.get(Complaint, complaint.id).triage_state is not TriageState.unclassified


def test_the_case_page_shows_predictions_and_highlighted_entities(factory, login):
    complaint = factory.complaint(TEACHER_GRANT)
    page = login.as_(factory.user(Role.supervisor)).get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "智能分类" in page and "教育资助" in page
    assert '<mark class="ent ent-person"' in page


def test_an_invalid_id_number_is_flagged_in_the_text(factory, login):
    complaint = factory.complaint("村会计刘某用身份证号110101199003070000冒领了低保金三千五百元。")
    page = login.as_(factory.user(Role.supervisor)).get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "ent-id_number" in page and "无效" in page


def test_an_sms_without_fields_gets_its_accused_and_place_from_the_text(factory, db):
    from models.complaints import AccusedPerson

    county = factory.county()
    complaint = factory.complaint("下湾村村支书王某把低保给了他弟弟，会计刘某也分了一份", channel="sms",
                                  township_id=None)
    accused = db.exec(select(AccusedPerson).where(AccusedPerson.complaint_id == complaint.id)).all()
    assert {(a.name, a.title, a.level.value) for a in accused} == {
        ("王某", "村支书", "village_cadre"), ("刘某", "会计", "village_cadre")}
    assert complaint.village_id == county["villages"]["下湾村"].id
    assert complaint.township_id == county["townships"]["石桥镇"].id


def test_entities_are_highlighted_where_they_stand_even_in_traditional_characters(factory, login):
    complaint = factory.complaint("村支書王某把低保給了他弟弟。")
    page = login.as_(factory.user(Role.supervisor)).get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert '<mark class="ent ent-person" title="人名">村支書王某</mark>' in page
