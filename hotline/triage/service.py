"""Triage in the product: classify complaints at intake, review queues, inspectors' corrections.

The running app holds one `ModelStore` (classifiers.artifact) that notices a newly promoted
model by a cheap stat of its pointer file, so retraining never needs a restart.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlmodel import Session, select

from classifiers.artifact import ModelStore
from classifiers.triage import TriageResult
from classifiers.extract import Division
from hotline import audit
from hotline.county import names as county_names
from hotline.db import cached
from models.base import utcnow
from models.complaints import Complaint, TriageState
from models.taxonomy import Program, ProblemType
from models.triage import LabelCorrection
from models.users import User

log = logging.getLogger(__name__)


class LabelError(ValueError):
    """A correction that cannot be stored (message in Chinese)."""


def model_store(session: Session) -> ModelStore:
    """The app's model store, built on first use with the county's division names."""
    app = current_app
    store = app.extensions.get("triage_store")
    # Divisions change in another process too (`county import`, another web worker's admin screen).
    current = cached(session, "divisions.version", lambda: county_names.version(session))
    if store is None:
        store = ModelStore(app.config["SETTINGS"].MODELS_DIR, divisions=known_divisions(session))
        app.extensions["triage_store"] = store
    elif app.extensions.get("triage_divisions_version") != current:
        store.set_divisions(known_divisions(session))
    app.extensions["triage_divisions_version"] = current
    return store


def known_divisions(session: Session) -> list[Division]:
    """Names in use, and former names pointing at today's division (hotline.county.names)."""
    return [Division(name, level, ref) for name, level, ref in county_names.gazetteer(session)]


def refresh_divisions(session: Session) -> None:
    """Call after divisions change, so place extraction knows the new names."""
    if has_app_context() and "triage_store" in current_app.extensions:
        current_app.extensions["triage_store"].set_divisions(known_divisions(session))


def triage_complaint(*, session: Session, complaint: Complaint) -> bool:
    """Classify and extract; False (left unclassified) when no model is available yet."""
    triage = model_store(session).get()
    if triage is None:
        complaint.triage_state = TriageState.unclassified
        return False
    apply_result(complaint, triage.classify(complaint.text), threshold=triage.low_confidence_threshold)
    return True


def apply_result(complaint: Complaint, result: TriageResult, *, threshold: float) -> None:
    """Store a triage result on a complaint: labels, the shown probabilities, one confidence."""
    complaint.problem_type = ProblemType(result.problem_type)
    # The table the case page shows: the probability of each type being the primary one, so
    # the type marked 主要 is the most probable one shown (see confidence.py).
    complaint.problem_type_scores = result.primary_probabilities
    complaint.secondary_types = [label for label in result.labels[1:]]
    complaint.program_scores = result.program_probabilities
    if complaint.program is None:  # what the operator chose stands; the model only fills a gap
        complaint.program = Program(result.program)
        complaint.confidence = result.confidence
    else:  # the programme is the operator's, not a guess: only the type's probability counts
        complaint.confidence = result.primary_probabilities.get(result.problem_type, result.confidence)
    complaint.model_version = result.model_version
    complaint.entities = [entity.to_dict() for entity in result.entities]
    # The queue holds exactly the complaints whose shown confidence is below the threshold.
    low = complaint.confidence < threshold
    complaint.triage_state = TriageState.needs_review if low else TriageState.classified


def retry_unclassified(session: Session, limit: int = 500) -> int:
    """Classify complaints that arrived while no model existed (or the classifier failed)."""
    rows = session.exec(select(Complaint).where(Complaint.triage_state == TriageState.unclassified)
                        .order_by(Complaint.id).limit(limit)).all()
    done = 0
    for complaint in rows:
        try:
            done += triage_complaint(session=session, complaint=complaint)
        except Exception:
            log.exception("triage retry failed for complaint %s", complaint.id)
    session.commit()
    return done


@dataclass
class Labels:
    problem_type: str
    secondary_types: list[str]
    program: str


def _validated(labels: Labels) -> tuple[ProblemType, list[ProblemType], Program]:
    try:
        primary = ProblemType(labels.problem_type)
        program = Program(labels.program)
        secondary = [ProblemType(t) for t in labels.secondary_types if t and t != labels.problem_type]
    except ValueError as exc:
        raise LabelError("问题类型或所涉领域不正确，请从列表中选择") from exc
    return primary, list(dict.fromkeys(secondary)), program


def confirm_labels(*, session: Session, complaint: Complaint, labels: Labels, actor: User) -> LabelCorrection:
    """Store an inspector's confirmation or correction; it becomes training data."""
    primary, secondary, program = _validated(labels)
    before = {"problem_type": getattr(complaint.problem_type, "value", None),
              "secondary_types": complaint.secondary_types or [],
              "program": getattr(complaint.program, "value", None)}
    after = {"problem_type": primary.value, "secondary_types": [t.value for t in secondary],
             "program": program.value}
    complaint.problem_type, complaint.program = primary, program
    complaint.secondary_types = after["secondary_types"]
    complaint.triage_state = TriageState.confirmed
    complaint.labels_confirmed_by_id, complaint.labels_confirmed_at = actor.id, utcnow()
    correction = LabelCorrection(complaint_id=complaint.id, user_id=actor.id, before=before, after=after,
                                 changed=before != after)
    session.add_all([complaint, correction])
    audit.record(session, actor=actor, action="complaint.labels", entity="complaint", entity_id=complaint.id,
                 detail={"before": before, "after": after})
    return correction


def confirmed_examples(session: Session) -> list[dict]:
    """Inspectors' confirmed labels as extra training examples (never part of the held-out split)."""
    rows = session.exec(select(Complaint).where(Complaint.triage_state == TriageState.confirmed)).all()
    return [{"id": f"db-{c.id}", "text": c.text,
             "problem_types": [c.problem_type.value] + list(c.secondary_types or []),
             "program": c.program.value if c.program else None} for c in rows if c.problem_type]


def queue(session: Session, state: TriageState, *, office_ids: set[int] | None = None,
          limit: int = 100) -> list[Complaint]:
    """Complaints waiting for review (low confidence) or still unclassified, oldest first."""
    from models.cases import Case

    stmt = select(Complaint).where(Complaint.triage_state == state)
    if office_ids is not None:
        stmt = stmt.join(Case, Case.complaint_id == Complaint.id).where(Case.office_id.in_(office_ids or {-1}))
    return list(session.exec(stmt.order_by(Complaint.received_at).limit(limit)).all())
