"""The case page's outcome forms: each posted action mapped to its domain step (cases/views.py
merges these into its ACTIONS; the step itself checks roles, status and office)."""
from __future__ import annotations

from hotline.cases import outcomes, tolerance, workflow


def split_type(value: str) -> tuple[str, str]:
    """A measure type as the page's one select sends it: "kind" or "kind:grade"."""
    kind, _, grade = (value or "").partition(":")
    return kind, grade


def measures(form) -> list[tuple[str, str, str]]:
    """The outcome form's measure lines: (kind, person, grade)."""
    people = form.getlist("measure_person")
    if "measure_type" in form:
        types = [split_type(v) for v in form.getlist("measure_type")]
    else:  # kind and grade as two fields
        grades = form.getlist("measure_grade")
        types = [(k, grades[i] if i < len(grades) else "") for i, k in enumerate(form.getlist("measure_kind"))]
    return [(kind, person, grade) for (kind, grade), person in zip(types, people)]


ACTIONS = {
    "verify": lambda db, c, u, f: workflow.verify(session=db, case=c, reason=f.get("reason"), actor=u),
    "settle": lambda db, c, u, f: workflow.settle(session=db, case=c, reason=f.get("reason"), measures=measures(f),
                                                  actor=u),
    "measure": lambda db, c, u, f: outcomes.record_measure(
        session=db, case=c, kind=split_type(f.get("type", ""))[0], grade=split_type(f.get("type", ""))[1] or None,
        person=f.get("person", ""),
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
