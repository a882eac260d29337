"""What the outcome part of the case page shows: measures with grades and forms, 容错免责
applications and decisions, 澄清正名, 回访教育, and the outcome steps this user may take now."""
from __future__ import annotations

from flask_login import current_user
from sqlmodel import select

from hotline.cases import four_forms, outcomes, tolerance
from hotline.cases.transitions import may
from hotline.db import get_session
from models.cases import Case, Finding
from models.outcomes import (CLEARANCE_METHODS, SANCTIONS, UNAFFECTED, CaseMeasure, Clearance, EducationVisit,
                             MeasureKind, ToleranceApplication, ToleranceCondition, ToleranceDecision)

# The steps this part of the page offers (kept off the workflow's own list of forms).
STEPS = ("measure", "reverse_measure", "clearance", "tolerance_apply", "tolerance_decide", "education_visit")


def measure_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The one select of the forms: per kind, its grades (value "kind" or "kind:grade")."""
    groups = []
    for kind in MeasureKind:
        if kind in four_forms.GRADED:
            grades = [(f"{kind.value}:{t.grade.value}", t.label) for t in four_forms.grades_of(kind)]
            groups.append((kind.label, grades))
        else:
            groups.append((kind.label, [(kind.value, kind.label)]))
    return groups


def _relevant(step: str, case: Case, measures, applications, visits) -> bool:
    if step == "measure":
        return case.finding in outcomes.FOUND
    if step == "reverse_measure":
        return any(m.reversed_at is None for m in measures)
    if step == "clearance":
        return case.finding in (Finding.unfounded, Finding.partly_true)
    if step == "tolerance_apply":
        return case.finding is not Finding.unfounded
    if step == "tolerance_decide":
        return any(a.decision is None for a in applications)
    return any(v.visited_on is None for v in visits)


def outcome_panel(case: Case | None) -> dict:
    """Everything cases/_outcomes.html needs."""
    if case is None:
        return {}
    db = get_session()
    if tolerance.ensure_defaults(db):  # the default conditions, loaded on first use and kept
        db.commit()
    measures = db.exec(select(CaseMeasure).where(CaseMeasure.case_id == case.id).order_by(CaseMeasure.id)).all()
    applications = db.exec(select(ToleranceApplication).where(ToleranceApplication.case_id == case.id)
                           .order_by(ToleranceApplication.id)).all()
    visits = db.exec(select(EducationVisit).where(EducationVisit.case_id == case.id).order_by(EducationVisit.due_on)).all()
    steps = [s for s in STEPS if may(db, s, case, current_user) and _relevant(s, case, measures, applications, visits)]
    condition_ids = {a.condition_id for a in applications}
    return {
        "measures": [{"row": m, "label": four_forms.label(m.kind, m.grade),
                      "form": four_forms.FORM_LABELS[four_forms.measure_type(m.kind, m.grade).form]
                      if four_forms.measure_type(m.kind, m.grade) else "",
                      "sanction": m.kind in SANCTIONS} for m in measures],
        "applications": applications,
        "conditions_used": {c.id: c for c in db.exec(select(ToleranceCondition)
                                                      .where(ToleranceCondition.id.in_(condition_ids or {-1}))).all()},
        "conditions": tolerance.current_conditions(db) if "tolerance_apply" in steps else [],
        "clearances": db.exec(select(Clearance).where(Clearance.case_id == case.id).order_by(Clearance.id)).all(),
        "visits": visits,
        "steps": steps,
        "people": [p.name for p in outcomes.accused_people(db, case)],
        "choices": measure_choices(),
        "methods": CLEARANCE_METHODS,
        "unaffected": UNAFFECTED,
        "decisions": ToleranceDecision.labels(),
        "today": outcomes.today().isoformat(),
    }
