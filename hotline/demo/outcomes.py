"""The outcome side of a demo case's story, after its conclusion: 容错免责/减责 applied for and
decided, 澄清正名 for reports found untrue (wholly or in part), and the 回访教育 of disciplined cadres
made when they fall due. Every step goes through the real domain functions (hotline/cases/outcomes.py,
tolerance.py) on the demo's clock; measures themselves come with the outcome (stories.OUTCOMES).
"""
from __future__ import annotations

import datetime as dt
import random

from sqlmodel import select

from hotline.cases import outcomes, tolerance
from hotline.demo.timeline import Story
from models.cases import Case
from models.outcomes import CLEARANCE_METHODS, EducationVisit, ToleranceCondition
from models.users import User

CLEARANCE_SCOPES = ["被反映人所在村村民代表会议", "被反映人所在村党员大会", "乡镇机关干部会议", "被反映人所在单位班子会议"]
DECISION_REASONS = {
    "exonerated": "经集体研究，其失误系履职中无意过失，未谋取私利且主动挽回全部损失，符合所列情形，决定免责",
    "reduced": "经集体研究，其决策程序规范、未谋取私利，损失因上级政策调整造成，决定减轻责任",
    "refused": "经集体研究，其行为系为亲属谋取利益，不属于干事创业中的失误，不予容错",
}
VISIT_NOTES = ["回访时被处分人对所犯错误认识深刻，工作积极主动，已放下思想包袱",
               "与被处分人谈心谈话，了解其思想和工作情况，鼓励其轻装上阵",
               "回访了解到被处分人能正确对待处分，所在村群众反映其工作作风有明显转变"]


def after_outcome(director, story: Story, cid: int, name: str, spec: tuple, t: dt.datetime, inspector: User,
                  boss: User, rng: random.Random) -> None:
    """Queue the outcome's follow-ups on the case's story (spec: a stories.OUTCOMES entry)."""
    finding, measures, _money, cleared, decision, condition_key, note = spec
    if decision:
        director.timeline.add(t, "容错免责申请", lambda: _apply(director, cid, name, condition_key, inspector), story)
        director.timeline.add(t, "容错免责决定", lambda: _decide(director, cid, decision, boss), story)
    if cleared:
        at = director.later(t, rng.randint(2, 5), rng)
        method = CLEARANCE_METHODS[cid % 3]
        director.timeline.add(at, "澄清正名", lambda: outcomes.record_clearance(
            session=director.session, case=director.session.get(Case, cid), person=name, cleared_on=outcomes.today().isoformat(),
            method=method, scope=CLEARANCE_SCOPES[cid % len(CLEARANCE_SCOPES)],
            done_by=director.offices[director.session.get(Case, cid).office_id].name,
            note=note if finding == "partly_true" else "", actor=inspector), story)
    if any(kind in ("party_sanction", "government_sanction") for kind, _g, _p in measures):
        # visits fall due about three months on; the demo past is short, so the office visits early (a story
        # of its own, so a refused visit does not end the case's story)
        visit_story = Story(f"{story.name} 回访教育")
        at = director.later(t, rng.randint(1, 5), rng)
        director.timeline.add(at, "回访教育", lambda: _visit_due(director, cid, inspector, rng), visit_story)


def _apply(director, cid: int, name: str, key: str, inspector: User) -> None:
    session = director.session
    tolerance.ensure_defaults(session)
    condition = session.exec(select(ToleranceCondition).where(ToleranceCondition.key == key,
                                                              ToleranceCondition.current == True)  # noqa: E712
                             ).one()
    tolerance.apply(session=session, case=director.session.get(Case, cid), person=name, applicant="本人", condition_id=condition.id,
                    facts="本人书面申请：所涉问题发生在推进脱贫攻坚工作中，出于公心，未谋取私利，已主动采取措施挽回损失",
                    actor=inspector)


def _decide(director, cid: int, decision: str, boss: User) -> None:
    from models.outcomes import ToleranceApplication

    session = director.session
    case = director.session.get(Case, cid)
    application = session.exec(select(ToleranceApplication).where(ToleranceApplication.case_id == cid,
                                                                   ToleranceApplication.decision.is_(None))).one()
    extra = {}
    if decision == "exonerated":
        extra["unaffected"] = ["annual_review", "honours", "selection", "promotion"]
    elif decision == "reduced":
        extra["reduction"] = "依规减轻处理，由拟给予党内警告处分改为调整工作岗位"
        extra["influence_ends_on"] = outcomes.add_months(outcomes.today(), 6).isoformat()
    tolerance.decide(session=session, case=case, application_id=application.id, decision=decision,
                     reason=DECISION_REASONS[decision], actor=boss, **extra)


def _visit_due(director, cid: int, inspector: User, rng: random.Random) -> None:
    session = director.session
    case = director.session.get(Case, cid)
    for visit in session.exec(select(EducationVisit).where(EducationVisit.case_id == cid,
                                                           EducationVisit.visited_on.is_(None))).all():
        who = director.inspectors.get(case.office_id, inspector)
        outcomes.record_education_visit(session=session, case=case, visit_id=visit.id,
                                        visited_on=outcomes.today().isoformat(), visited_by=who.full_name,
                                        notes=rng.choice(VISIT_NOTES), actor=who)
