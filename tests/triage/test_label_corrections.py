"""Inspectors confirm or correct labels in one click; corrections are stored and feed retraining."""
from __future__ import annotations

import json

import pytest
from sqlmodel import select

from classifiers.corpus import CORPUS_DIR
from hotline.triage import service
from hotline.triage.jobs import retrain
from models.complaints import Complaint, TriageState
from models.jobruns import JobRun
from models.triage import LabelCorrection
from models.users import Role


def test_a_correction_is_stored_with_before_and_after(factory, login, db):
    complaint = factory.complaint("镇里干部吃拿卡要，办危房改造要先送两条烟。")
    supervisor = factory.user(Role.supervisor)
    response = login.as_(supervisor).post(f"/triage/{complaint.id}/labels", data={
        "problem_type": "extortion", "secondary_types": ["formalism"], "program": "housing"})
    assert response.status_code == 302
    db.expire_all()
    stored = db.get(Complaint, complaint.id)
    assert stored.triage_state is TriageState.confirmed and stored.problem_type.value == "extortion"
    assert stored.secondary_types == ["formalism"] and stored.labels_confirmed_by_id == supervisor.id
    correction = db.exec(select(LabelCorrection)).one()
    assert correction.after["problem_type"] == "extortion" and correction.before is not None


def test_a_label_that_does_not_exist_is_refused_and_nothing_changes(factory, login, db):
    complaint = factory.complaint("镇里干部吃拿卡要。")
    before = complaint.problem_type
    client = login.as_(factory.user(Role.supervisor))
    response = client.post(f"/triage/{complaint.id}/labels", data={"problem_type": "treason", "program": "housing"})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Complaint, complaint.id).problem_type == before
    assert db.exec(select(LabelCorrection)).all() == []


def test_confirmed_labels_become_training_examples(factory, db):
    complaint = factory.complaint("低保被村干部亲属占了。")
    user = factory.user(Role.inspector)
    service.confirm_labels(session=db, complaint=complaint, actor=user,
                           labels=service.Labels("favoritism", ["lowered_standard"], "dibao"))
    db.commit()
    examples = service.confirmed_examples(db)
    assert examples == [{"id": f"db-{complaint.id}", "text": "低保被村干部亲属占了。",
                         "problem_types": ["favoritism", "lowered_standard"], "program": "dibao"}]


def test_low_confidence_complaints_wait_in_the_review_queue(factory, login):
    complaint = factory.complaint("😀😀😀 ？？？")
    assert complaint.triage_state is TriageState.needs_review
    page = login.as_(factory.user(Role.supervisor)).get("/triage/review").get_data(as_text=True)
    assert complaint.receipt_code in page


@pytest.fixture
def settings_overrides(settings_overrides, tmp_path):
    """Retraining learns from a sample of the hand-written corpus (every fourth line, with the
    committed split.json): the job's claim, training, promotion and record are what these tests
    check, and a full training (tests/conftest.py trained_models) takes far longer."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(CORPUS_DIR.glob("part-*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        (corpus / path.name).write_text("".join(lines[::4]), encoding="utf-8")
    (corpus / "split.json").write_bytes((CORPUS_DIR / "split.json").read_bytes())
    return {**settings_overrides, "TRAINING_CORPUS_DIR": corpus}


def test_weekly_retraining_runs_once_per_week_even_with_two_schedulers(app, db):
    with app.app_context():
        first = retrain(app)
    with app.app_context():
        second = retrain(app)
    assert first is not None and second is None
    assert len(db.exec(select(JobRun).where(JobRun.job == "triage.retrain")).all()) == 1
    settings = app.config["SETTINGS"]
    written = json.loads((settings.MODELS_DIR / first.split(":")[0] / "metadata.json").read_text(encoding="utf-8"))
    sample = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in settings.TRAINING_CORPUS_DIR.glob("*.jsonl"))
    assert written["split"]["n_corpus"] == sample  # learnt from the configured corpus
