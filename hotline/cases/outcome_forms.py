"""The case page's outcome forms: each posted action mapped to its domain step (cases/views.py
merges these into its ACTIONS; the step itself checks roles, status and office)."""
from __future__ import annotations

from hotline.cases import outcomes, tolerance, workflow


def measures(form) -> list[tuple[str, str, str]]:
    kinds, people, grades = form.getlist("measure_kind"), form.getlist("measure_person"), form.getlist("measure_grade")
    return [(k, p, grades[i] if i < len(grades) else "") for i, (k, p) in enumerate(zip(kinds, people))]


ACTIONS = {
    "verify": lambda db, c, u, f: workflow.verify(session=db, case=c, reason=f.get("reason"), actor=u),
    "settle": lambda db, c, u, f: workflow.settle(session=db, case=c, reason=f.get("reason"), measures=measures(f),
                                                  actor=u),
    "measure": lambda db, c, u, f: outcomes.record_measure(
        session=db, case=c, kind=f.get("kind", ""), grade=f.get("grade") or None, person=f.get("person", ""),
        influence_ends_on=f.get("influence_ends_on", ""), note=f.get("note", ""), actor=u),
    "reverse_measure": lambda db, c, u, f: outcomes.reverse_measure(
        session=db, case=c, measure_id=f.get("measure_id", ""), reason=f.get("reason"), actor=u),
    "clearance": lambda db, c, u, f: outcomes.record_clearance(
        session=db, case=c, person=f.get("person", ""), cleared_on=f.get("cleared_on", ""),
        method=f.get("method", ""), scope=f.get("scope", ""), done_by=f.get("done_by", ""), note=f.get("note", ""),
        actor=u),
    "tolerance_apply": lambda db, c, u, f: tolerance.apply(
        session=db, case=c, person=f.get("person", ""), applicant=f.get("applicant", ""),
        condition_id=f.get("condition_id", ""), basis=f.get("basis", ""), facts=f.get("facts", ""), actor=u),
    "tolerance_decide": lambda db, c, u, f: tolerance.decide(
        session=db, case=c, application_id=f.get("application_id", ""), decision=f.get("decision", ""),
        reason=f.get("reason", ""), reduction=f.get("reduction", ""), unaffected=f.getlist("unaffected"),
        influence_ends_on=f.get("influence_ends_on", ""), actor=u),
    "education_visit": lambda db, c, u, f: outcomes.record_education_visit(
        session=db, case=c, visit_id=f.get("visit_id", ""), visited_on=f.get("visited_on", ""),
        visited_by=f.get("visited_by", ""), notes=f.get("notes", ""), actor=u),
}
DONE = {"verify": "已转初步核实", "settle": "已予以了结", "measure": "处理措施已登记", "reverse_measure": "处理措施已撤销",
        "clearance": "澄清正名已登记", "tolerance_apply": "容错免责申请已登记", "tolerance_decide": "容错免责决定已登记",
        "education_visit": "回访教育已登记"}
