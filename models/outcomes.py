"""Discipline outcomes per person: measures with their grades, 容错免责/减责 applications and the
versioned conditions they are decided under, 澄清正名, and 回访教育 of disciplined cadres.

Measures are append-only: a measure found wrong is reversed (dated, with a reason), never
deleted, so a past period's figures can be recomputed as they stood. The grade → four-forms
mapping is one table in hotline/cases/four_forms.py (documented in docs/workflow.md).
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, enum_column, json_column, utc_column


class MeasureKind(LabelledEnum):
    reminder_talk = "reminder_talk", "谈话提醒"
    criticism = "criticism", "批评教育"
    inquiry = "inquiry", "谈话函询"  # (as a measure, when it ends the matter)
    admonishing_talk = "admonishing_talk", "诫勉谈话"  # 诫勉
    work_talk = "work_talk", "工作约谈"
    organisational = "organisational", "组织处理"  # (graded)
    party_sanction = "party_sanction", "党纪处分"  # (graded)
    government_sanction = "government_sanction", "政务处分"  # (graded)
    accountability = "accountability", "问责"  # (graded by its form)
    prosecution = "prosecution", "移送司法机关"


SANCTIONS = (MeasureKind.party_sanction, MeasureKind.government_sanction)  # 处分


class MeasureGrade(str, enum.Enum):
    """A grade within a kind; a grade's meaning is the (kind, grade) pair (警告 exists in both 处分)."""

    unspecified = "unspecified"  # 未注明 (measures recorded before grades were kept)
    # 党纪处分 and 政务处分
    warning = "warning"  # 警告
    serious_warning = "serious_warning"  # 严重警告 (党纪)
    removal_from_party_post = "removal_from_party_post"  # 撤销党内职务
    party_probation = "party_probation"  # 留党察看
    party_expulsion = "party_expulsion"  # 开除党籍
    demerit = "demerit"  # 记过 (政务)
    major_demerit = "major_demerit"  # 记大过
    demotion = "demotion"  # 降级
    dismissal = "dismissal"  # 撤职
    discharge = "discharge"  # 开除 (政务)
    # 组织处理
    suspension = "suspension"  # 停职检查
    post_adjustment = "post_adjustment"  # 调整职务
    ordered_resignation = "ordered_resignation"  # 责令辞职
    removal = "removal"  # 免职
    downgrade = "downgrade"  # 降职
    circulated_criticism = "circulated_criticism"  # 通报批评 (also a 问责 form)
    ordered_review = "ordered_review"  # 责令检查
    # 问责 forms (besides 通报批评)
    admonition = "admonition"  # 诫勉
    org_adjustment = "org_adjustment"  # 组织调整
    disciplinary = "disciplinary"  # 纪律处分 (the 处分 itself is recorded as its own measure)


# A measure taken against one person of a case: a row per person per measure.
class CaseMeasure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: MeasureKind = Field(sa_column=enum_column(MeasureKind, index=True))
    grade: MeasureGrade | None = Field(default=None, sa_column=enum_column(MeasureGrade, nullable=True))
    person_name: str = Field(max_length=40)
    accused_person_id: int | None = Field(default=None, foreign_key="accusedperson.id")
    note: str | None = Field(default=None, max_length=200)
    # The end of the measure's 影响期 (处分期间), where it has one: 回访教育 falls due within it.
    influence_ends_on: dt.date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime | None = Field(default=None, sa_column=utc_column(index=True))  # when it was recorded
    # A measure is never deleted: a wrong one is reversed, dated, and stops counting from then.
    reversed_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    reversed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reversal_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))


# One wording of one 容错免责 condition. Editing adds a version; a decision points at the version
# it was decided under, so its wording never changes afterwards.
class ToleranceCondition(SQLModel, table=True):
    __tablename__ = "tolerance_condition"
    __table_args__ = (sa.UniqueConstraint("key", "version", name="uq_tolerance_condition_version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, index=True)  # the same condition across its versions
    version: int = 1
    position: int = 0  # order in the list
    wording: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    requires_basis: bool = False  # "其他（须写明依据）": the application must state its basis
    current: bool = Field(default=True, index=True)  # the version in force (False: superseded or retired)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    retired_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))


class ToleranceDecision(LabelledEnum):
    exonerated = "exonerated", "免责"
    reduced = "reduced", "减责"
    refused = "refused", "不予容错"  # 不予免责/减责


# 四个不受影响 after a 免责 (the decision records which apply).
UNAFFECTED = {"annual_review": "年度考核", "honours": "评先评优", "selection": "选拔任用",
              "promotion": "职级晋升"}


# A 容错免责/减责 application for one person of a case, and the supervisor's decision on it.
class ToleranceApplication(SQLModel, table=True):
    __tablename__ = "tolerance_application"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    person_name: str = Field(max_length=40)
    accused_person_id: int | None = Field(default=None, foreign_key="accusedperson.id")
    applicant: str = Field(max_length=60)  # who applied (本人, 所在党组织, ...)
    condition_id: int = Field(foreign_key="tolerance_condition.id")
    basis: str | None = Field(default=None, sa_column=sa.Column(sa.Text))  # required by "其他"
    facts: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    applied_at: dt.datetime | None = Field(default=None, sa_column=utc_column(index=True))
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    decision: ToleranceDecision | None = Field(default=None,
                                               sa_column=enum_column(ToleranceDecision, nullable=True, index=True))
    decision_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    reduction: str | None = Field(default=None, sa_column=sa.Column(sa.Text))  # 减责: what it reduced
    unaffected: list | None = Field(default=None, sa_column=json_column())  # 免责: keys of UNAFFECTED
    influence_ends_on: dt.date | None = Field(default=None, sa_column=sa.Column(sa.Date))  # 减责 影响期
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False,
                                                                             index=True))
    # When the organisation department was reminded that the 影响期 ended (once).
    influence_reminded_at: dt.datetime | None = Field(default=None,
                                                      sa_column=utc_column(nullable=True, default=False))


CLEARANCE_METHODS = ("会议澄清", "书面澄清", "通报澄清", "谈话澄清", "其他方式")


# 澄清正名 for one person named in a report found 不实 or 部分属实 (for the untrue part).
class Clearance(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    person_name: str = Field(max_length=40)
    accused_person_id: int | None = Field(default=None, foreign_key="accusedperson.id")
    cleared_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    method: str = Field(max_length=20)  # one of CLEARANCE_METHODS, or 未注明 (migrated)
    scope: str = Field(max_length=200)  # 在一定范围内: where and before whom
    done_by: str = Field(max_length=60)  # who did it (organisation or person)
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# 回访教育: a follow-up visit to a disciplined cadre, scheduled within the measure's 影响期.
class EducationVisit(SQLModel, table=True):
    __tablename__ = "education_visit"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    measure_id: int = Field(foreign_key="casemeasure.id", index=True)
    office_id: int = Field(foreign_key="office.id", index=True)  # the responsible office
    person_name: str = Field(max_length=40)
    due_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    visited_on: dt.date | None = Field(default=None, sa_column=sa.Column(sa.Date, index=True))
    visited_by: str | None = Field(default=None, max_length=60)
    notes: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime | None = Field(default=None, sa_column=utc_column())
