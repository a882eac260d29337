"""The four forms (四种形态) and the people disciplined, computed from the measures.

MEASURE_TABLE is the one place that says, for every kind and grade of measure, its label, its form
and its default 影响期; docs/workflow.md prints it. Everything else (the form of a measure in SQL,
the four-forms table, 党纪政务处分 N人) is derived from it, so the bulletin can group in SQL.

Counting rules (docs/workflow.md):
- a person is a (case, person_name) pair: one matter, one accused person; a cadre handled in two
  separate matters counts in each;
- 人: each person once, in the form of their heaviest measure in the matter; 人次: each measure;
- a measure counts on the day it was recorded (`CaseMeasure.at`), and not at all once reversed on
  or before the end of the period asked about;
- a graded measure recorded without its grade (未注明, measures kept before grades were) lies
  somewhere between the second and third forms (问责 of unknown form: between the first and third);
  a person whose heaviest known measure does not settle it is counted under 未注明, not guessed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from models.outcomes import SANCTIONS, CaseMeasure, MeasureGrade, MeasureKind

K, G = MeasureKind, MeasureGrade

FORM_LABELS = {1: "第一种形态", 2: "第二种形态", 3: "第三种形态", 4: "第四种形态", None: "未注明档次"}
UNKNOWN = None  # the form of a graded measure whose grade was not recorded


@dataclass(frozen=True)
class MeasureType:
    kind: MeasureKind
    grade: MeasureGrade | None  # None: the kind is not graded
    label: str
    form: int | None  # 1-4; None with grade `unspecified`: 未注明; None for 问责·纪律处分 (see below)
    influence_months: int | None = None  # default 影响期 (处分期间); None: none


# kind, grade, label, form, default 影响期 in months. 党纪处分 periods: 《中国共产党纪律处分条例》
# (警告 1年, 严重警告 1年6个月 without promotion; 撤销党内职务 and 留党察看 2 years); 政务处分 periods:
# 《公职人员政务处分法》第八条 (警告 6个月, 记过 12, 记大过 18, 降级、撤职 24).
MEASURE_TABLE: tuple[MeasureType, ...] = (
    MeasureType(K.reminder_talk, None, "谈话提醒", 1),
    MeasureType(K.criticism, None, "批评教育", 1),
    MeasureType(K.inquiry, None, "谈话函询", 1),
    MeasureType(K.admonishing_talk, None, "诫勉", 1),
    MeasureType(K.work_talk, None, "工作约谈", 1),
    MeasureType(K.organisational, G.circulated_criticism, "通报批评", 1),
    MeasureType(K.organisational, G.ordered_review, "责令检查", 1),
    MeasureType(K.organisational, G.suspension, "停职检查", 2),
    MeasureType(K.organisational, G.post_adjustment, "调整职务", 2),
    MeasureType(K.organisational, G.ordered_resignation, "责令辞职", 3),
    MeasureType(K.organisational, G.removal, "免职", 3),
    MeasureType(K.organisational, G.downgrade, "降职", 3),
    MeasureType(K.organisational, G.unspecified, "组织处理（未注明）", UNKNOWN),
    MeasureType(K.party_sanction, G.warning, "党内警告", 2, 12),
    MeasureType(K.party_sanction, G.serious_warning, "党内严重警告", 2, 18),
    MeasureType(K.party_sanction, G.removal_from_party_post, "撤销党内职务", 3, 24),
    MeasureType(K.party_sanction, G.party_probation, "留党察看", 3, 24),
    MeasureType(K.party_sanction, G.party_expulsion, "开除党籍", 3),
    MeasureType(K.party_sanction, G.unspecified, "党纪处分（未注明）", UNKNOWN),
    MeasureType(K.government_sanction, G.warning, "政务警告", 2, 6),
    MeasureType(K.government_sanction, G.demerit, "记过", 2, 12),
    MeasureType(K.government_sanction, G.major_demerit, "记大过", 2, 18),
    MeasureType(K.government_sanction, G.demotion, "降级", 3, 24),
    MeasureType(K.government_sanction, G.dismissal, "撤职", 3, 24),
    MeasureType(K.government_sanction, G.discharge, "开除", 3),
    MeasureType(K.government_sanction, G.unspecified, "政务处分（未注明）", UNKNOWN),
    # 问责 by its form. 纪律处分 as the form: the 处分 itself is recorded as its own graded measure and
    # counts there, so this row counts in no form (recording one without the 处分 is refused).
    MeasureType(K.accountability, G.circulated_criticism, "问责·通报批评", 1),
    MeasureType(K.accountability, G.admonition, "问责·诫勉", 1),
    MeasureType(K.accountability, G.org_adjustment, "问责·组织调整", 2),
    MeasureType(K.accountability, G.disciplinary, "问责·纪律处分", None),
    MeasureType(K.accountability, G.unspecified, "问责（未注明）", UNKNOWN),
    MeasureType(K.prosecution, None, "移送司法机关", 4),
)

TYPES = {(t.kind, t.grade): t for t in MEASURE_TABLE}
GRADED = {t.kind for t in MEASURE_TABLE if t.grade is not None}

# Sort codes for "heaviest": an unknown grade lies between the second and third forms.
_CODE = {1: 10, 2: 20, 3: 30, 4: 40}
_UNKNOWN_CODE = 25


def grades_of(kind: MeasureKind) -> list[MeasureType]:
    """The grades a kind may be recorded with (未注明 is for old records only, never offered)."""
    return [t for t in MEASURE_TABLE if t.kind is kind and t.grade not in (None, G.unspecified)]


def measure_type(kind: MeasureKind, grade: MeasureGrade | None) -> MeasureType | None:
    """The table's row for a kind and grade; None if the pair is not a measure the rules know."""
    return TYPES.get((kind, grade))


def label(kind: MeasureKind, grade: MeasureGrade | None) -> str:
    found = measure_type(kind, grade)
    return found.label if found else kind.value


def _code(t: MeasureType) -> int | None:
    if t.grade is G.unspecified:
        return _UNKNOWN_CODE
    return _CODE.get(t.form) if t.form else None


def form_code() -> sa.ColumnElement:
    """A SQL expression: the sort code of CaseMeasure's form (10/20/30/40, 25 未注明, NULL none)."""
    whens = []
    for t in MEASURE_TABLE:
        grade_test = CaseMeasure.grade.is_(None) if t.grade is None else CaseMeasure.grade == t.grade
        whens.append(((CaseMeasure.kind == t.kind) & grade_test, _code(t)))
    # A graded kind stored without a grade (never written by this code) counts as 未注明.
    whens += [(CaseMeasure.kind == kind, _UNKNOWN_CODE) for kind in sorted(GRADED)]
    return sa.case(*whens, else_=sa.null())


def counting(start: dt.datetime, end: dt.datetime) -> list[sa.ColumnElement]:
    """The WHERE terms: recorded in [start, end) and not reversed by `end`."""
    return [CaseMeasure.at >= start, CaseMeasure.at < end,
            sa.or_(CaseMeasure.reversed_at.is_(None), CaseMeasure.reversed_at >= end)]


@dataclass
class FormsRow:
    form: int | None  # None: 未注明
    label: str
    people: int  # 人
    measures: int  # 人次


def forms_table(session: Session, start: dt.datetime, end: dt.datetime) -> list[FormsRow]:
    """The four-forms table for [start, end): 人 by heaviest measure per person and matter, 人次 by
    measure. Rows for the four forms always, then 未注明 (zeros included)."""
    code = form_code().label("code")
    per_measure = (select(code, sa.func.count().label("n")).select_from(CaseMeasure)
                   .where(*counting(start, end)).group_by(code))
    times = {c: n for c, n in session.exec(per_measure).all() if c is not None}
    heaviest = (select(CaseMeasure.case_id, CaseMeasure.person_name, sa.func.max(code).label("top"))
                .where(*counting(start, end)).group_by(CaseMeasure.case_id, CaseMeasure.person_name)
                .subquery())
    people = {c: n for c, n in session.exec(select(heaviest.c.top, sa.func.count())
                                            .where(heaviest.c.top.is_not(None))
                                            .group_by(heaviest.c.top)).all()}
    rows = [FormsRow(form, FORM_LABELS[form], people.get(c, 0), times.get(c, 0)) for form, c in _CODE.items()]
    rows.append(FormsRow(None, FORM_LABELS[None], people.get(_UNKNOWN_CODE, 0), times.get(_UNKNOWN_CODE, 0)))
    return rows


def sanctioned_people(session: Session, start: dt.datetime, end: dt.datetime) -> int:
    """党纪政务处分 N人: people given a 党纪 or 政务处分 in [start, end); one given both counts once."""
    people = (select(CaseMeasure.case_id, CaseMeasure.person_name)
              .where(CaseMeasure.kind.in_(SANCTIONS), *counting(start, end))
              .group_by(CaseMeasure.case_id, CaseMeasure.person_name).subquery())
    return session.exec(select(sa.func.count()).select_from(people)).one()


def sanctions_count(session: Session, start: dt.datetime, end: dt.datetime) -> int:
    """党纪政务处分 人次: each 处分 recorded in [start, end)."""
    return session.exec(select(sa.func.count()).select_from(CaseMeasure)
                        .where(CaseMeasure.kind.in_(SANCTIONS), *counting(start, end))).one()
