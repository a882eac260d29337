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
from models.cases import Case, CaseMeasure, MeasureKind
from models.complaints import Complaint
from models.taxonomy import ProblemType

# Problem types that are "false poverty" (假扶贫): the aid reached people it should not have.
FALSE_POVERTY = (ProblemType.lowered_standard, ProblemType.false_claim, ProblemType.favoritism,
                 ProblemType.false_certificate)
SANCTIONS = (MeasureKind.party_sanction, MeasureKind.government_sanction)
# The four forms by measure kind (a person counts once, by the heaviest measure in the matter).
# Without grades, sanctions count as the second form (轻处分); the graded measures of the outcome
# record, where present, say which are heavy (third form).
FORM_OF_MEASURE = {MeasureKind.criticism: 1, MeasureKind.admonishing_talk: 1, MeasureKind.organisational: 2,
                   MeasureKind.party_sanction: 2, MeasureKind.government_sanction: 2, MeasureKind.prosecution: 4}


def _person():
    """One person in a matter: the accused record if linked, else the name within the case."""
    return sa.func.coalesce(sa.cast(CaseMeasure.accused_person_id, sa.String), CaseMeasure.person_name)


def _in(stamp, a, b):
    return sa.and_(stamp >= a, stamp < b)


def people(session: Session, ranges: list, kinds=None) -> list[int]:
    """Distinct people (per case) with a measure of `kinds` recorded in each range."""
    where = [CaseMeasure.kind.in_(kinds)] if kinds else []
    low = min(a for a, _ in ranges)
    high = max(b for _, b in ranges)
    pairs = (sa.select(CaseMeasure.case_id, _person().label("person"), CaseMeasure.at)
             .where(CaseMeasure.at >= low, CaseMeasure.at < high, *where).subquery())
    columns = [sa.func.count(sa.distinct(sa.case((_in(pairs.c.at, a, b),
                                                  sa.cast(pairs.c.case_id, sa.String) + ":" + pairs.c.person),
                                                 else_=None))) for a, b in ranges]
    return [int(v) for v in session.execute(sa.select(*columns)).one()]


def four_forms(session: Session, ranges: list) -> dict:
    """{"form_1": [per range], ...}: people by the heaviest form of their measures in a matter,
    among the measures recorded in the range."""
    form = sa.case(*((CaseMeasure.kind == kind, n) for kind, n in FORM_OF_MEASURE.items()), else_=1)
    result = {f"form_{n}": [0] * len(ranges) for n in range(1, 5)}
    for i, (a, b) in enumerate(ranges):
        heaviest = (sa.select(sa.func.max(form).label("form"))
                    .where(CaseMeasure.at >= a, CaseMeasure.at < b)
                    .group_by(CaseMeasure.case_id, _person()).subquery())
        for n, count in session.execute(sa.select(heaviest.c.form, sa.func.count()).group_by(heaviest.c.form)):
            result[f"form_{int(n)}"][i] = int(count)
    return result


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
    values = {"false_poverty": false_poverty(session, ranges, period.end),
              "disciplined_people": people(session, ranges, SANCTIONS),
              "name_cleared": facts.standing_changes(session, ranges, period.end, facts.flag_of("name_cleared")),
              "exonerated": facts.standing_changes(session, ranges, period.end, facts.stated("exoneration"))}
    values.update(four_forms(session, ranges))
    return values


def not_covered(session: Session) -> list[str]:
    """What the figures cannot yet state from the data (printed in the notes)."""
    return ["四种形态暂按处理措施种类归类（党纪政务处分未分轻重的，计入第二种形态）"]


def sentence(values: dict, period, column: int = 0) -> str:
    """The seed's sentence for the period (column 0) or its year to date (column 1)."""
    v = {code: pair[column] for code, pair in values.items()}
    head = period.title or (period.current if column == 0 else period.cumulative)
    text = (f"{head}，共摸排问题线索{v['clues']}个，查处{v['substantiated']}个，纠出假扶贫问题线索{v['false_poverty']}条，"
            f"给予党纪政务处分{v['disciplined_people']}人，通报典型案例{v['typical_published']}起，"
            f"挂牌督办问题{v['supervised']}件。")
    forms = "、".join(f"第{'一二三四'[n - 1]}种形态{v[f'form_{n}']}人" for n in range(1, 5))
    text += f"运用监督执纪“四种形态”处理{sum(v[f'form_{n}'] for n in range(1, 5))}人，其中{forms}；"
    text += (f"澄清正名{v['name_cleared']}件，容错免责、减责{v['exonerated']}件；"
             f"追缴、退还资金{show(v['money_recovered'], 'money')}元。")
    return text
