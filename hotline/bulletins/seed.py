"""The figures leaders read in the county's own sentence (the seed): 问题线索, 查处, 纠出假扶贫问题,
党纪政务处分 N人, the four forms (四种形态), 通报典型案例, 挂牌督办, 澄清正名, 容错免责/减责, money, and
the sentence that states them: "共摸排问题线索376个，查处241个，纠出假扶贫问题线索110余条，给予党纪政务
处分46人，通报典型案例10起，挂牌督办问题6件".

Each is a grouped SQL count over dated facts (definitions in hotline/bulletins/registry.py).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from hotline.bulletins import facts
from hotline.bulletins.tables import show
from hotline.cases import four_forms as forms
from models.cases import Case
from models.complaints import Complaint
from models.taxonomy import ProblemType

# Problem types that are "false poverty" (假扶贫): the aid reached people it should not have.
FALSE_POVERTY = (ProblemType.lowered_standard, ProblemType.false_claim, ProblemType.favoritism,
                 ProblemType.false_certificate)


def _in(stamp, a, b):
    return sa.and_(stamp >= a, stamp < b)


def four_forms(session: Session, ranges: list) -> dict:
    """{"form_1".."form_4", "form_unspecified": [人 per range]} and "measure_times": [人次 per range],
    from the outcome record's one grade-to-form table (hotline/cases/four_forms.py): each person
    once per matter by the heaviest measure, measures reversed by the period's end left out."""
    result = {f"form_{n}": [] for n in range(1, 5)}
    result["form_unspecified"], result["disciplined_people"] = [], []
    for a, b in ranges:
        rows = forms.forms_table(session, a, b)
        for row in rows:
            result["form_unspecified" if row.form is None else f"form_{row.form}"].append(row.people)
        result["disciplined_people"].append(forms.sanctioned_people(session, a, b))
    return result


def cleared_and_exonerated(session: Session, ranges: list) -> dict:
    """澄清正名 people (by when recorded) and 容错免责/减责 people (by when decided), per range."""
    from models.outcomes import Clearance, ToleranceApplication, ToleranceDecision

    granted = ToleranceApplication.decision.in_((ToleranceDecision.exonerated, ToleranceDecision.reduced))
    cleared = [sa.func.coalesce(sa.func.sum(sa.case((_in(Clearance.at, a, b), 1), else_=0)), 0) for a, b in ranges]
    decided = [sa.func.coalesce(sa.func.sum(sa.case((sa.and_(_in(ToleranceApplication.decided_at, a, b), granted), 1),
                                                    else_=0)), 0) for a, b in ranges]
    return {"name_cleared": [int(v) for v in session.execute(sa.select(*cleared)).one()],
            "exonerated": [int(v) for v in session.execute(sa.select(*decided)).one()]}


def false_poverty(session: Session, ranges: list, end) -> list[int]:
    """Clues whose standing finding is substantiated and whose type is a false-poverty type, plus
    cross-check findings confirmed in the range."""
    from models.findings import Finding, FindingStatus

    cases = (sa.select(Case.id).join(Complaint, Complaint.id == Case.complaint_id)
             .where(Complaint.problem_type.in_(FALSE_POVERTY)))
    clues = facts.standing_changes(session, ranges, end, facts.substantiated(), cases=cases)
    columns = [sa.func.coalesce(sa.func.sum(sa.case((sa.and_(_in(Finding.decided_at, a, b),
                                                             Finding.status == FindingStatus.confirmed), 1),
                                                    else_=0)), 0) for a, b in ranges]
    confirmed = [int(v) for v in session.execute(sa.select(*columns)).one()]
    return [a + b for a, b in zip(clues, confirmed)]


def compute(session: Session, period) -> dict:
    """The seed's figures not already computed with the case tables: {code: [period, cumulative]}."""
    ranges = list(period.ranges)
    values = {"false_poverty": false_poverty(session, ranges, period.end)}
    values.update(four_forms(session, ranges))
    values.update(cleared_and_exonerated(session, ranges))
    return values


def not_covered(session: Session) -> list[str]:
    """What the figures cannot yet state from the data (printed in the notes)."""
    return ["纠出假扶贫问题按线索登记（或更正后）的问题类型归类，办理结论暂未单独记载核实后的问题类型"]


def sentence(values: dict, period, column: int = 0) -> str:
    """The seed's sentence for the period (column 0) or its year to date (column 1)."""
    v = {code: pair[column] for code, pair in values.items()}
    head = period.title or (period.current if column == 0 else period.cumulative)
    text = (f"{head}，共摸排问题线索{v['clues']}个，查处{v['substantiated']}个，纠出假扶贫问题线索{v['false_poverty']}条，"
            f"给予党纪政务处分{v['disciplined_people']}人，通报典型案例{v['typical_published']}起，"
            f"挂牌督办问题{v['supervised']}件。")
    each = "、".join(f"第{'一二三四'[n - 1]}种形态{v[f'form_{n}']}人" for n in range(1, 5))
    unknown = f"、处分档次未注明{v['form_unspecified']}人" if v["form_unspecified"] else ""
    total = sum(v[f"form_{n}"] for n in range(1, 5)) + v["form_unspecified"]
    text += f"运用监督执纪“四种形态”处理{total}人，其中{each}{unknown}；"
    text += (f"澄清正名{v['name_cleared']}人，容错免责、减责{v['exonerated']}人；"
             f"追缴、退还资金{show(v['money_recovered'], 'money')}元。")
    return text
