"""Cross-check findings (比对疑点): a rule's suspicion with its evidence, and what people decided."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, code_type, enum_column, json_column, utc_column


class FindingStatus(LabelledEnum):
    open = "open", "待核查"  # a sure match, waiting for a person
    needs_review = "needs_review", "待复核（匹配不确定）"  # the match itself is uncertain (score below threshold)
    confirmed = "confirmed", "已确认"
    dismissed = "dismissed", "已排除"  # stays dismissed when the rules run again


# One run of the rules: when, which rules, how long each took, how many findings.
class CrosscheckRun(SQLModel, table=True):
    __tablename__ = "crosscheck_run"
    id: int | None = Field(default=None, primary_key=True)
    started_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    finished_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    rules: list | None = Field(default=None, sa_column=json_column())
    stats: dict | None = Field(default=None, sa_column=json_column())  # rule -> {found, new, seconds}
    started_by_id: int | None = Field(default=None, foreign_key="user.id")


# A suspicion raised by a rule about one recipient, with the rows that show it.
class Finding(SQLModel, table=True):
    __tablename__ = "crosscheck_finding"
    # Free room on each page: a re-run's update of `last_run_id` (unindexed) stays on the page
    # (migration 0002 says why).
    __table_args__ = {"postgresql_with": {"fillfactor": 50}}
    id: int | None = Field(default=None, primary_key=True)
    # rule + who + what: stable across re-imports and re-runs, so decisions stick.
    fingerprint: str = Field(max_length=64, unique=True)
    rule: str = Field(max_length=30, index=True)
    id_number: str | None = Field(default=None, max_length=40, index=True)
    name: str = Field(max_length=60, index=True)
    name_key: str = Field(default="", max_length=60, index=True)
    programme: str | None = Field(default=None, max_length=60)
    program: str | None = Field(default=None, max_length=20, index=True)
    township: str | None = Field(default=None, max_length=40, index=True)
    village: str | None = Field(default=None, max_length=40)
    score: float = 1.0
    match: str = Field(default="exact_id", max_length=30)  # exact_id | id_typo | name_household | ...
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # in Chinese, for people
    evidence: list | None = Field(default=None, sa_column=json_column())  # [{kind, row_id, fields}]
    status: FindingStatus = Field(default=FindingStatus.open, sa_column=enum_column(FindingStatus, index=True))
    decision_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    first_run_id: int | None = Field(default=None, foreign_key="crosscheck_run.id")
    last_run_id: int | None = Field(default=None, foreign_key="crosscheck_run.id")  # not indexed: see __table_args__
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    updated_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    # What the evidence was built from (`hotline.crosscheck.assembly`): a re-run whose hits point at
    # the same rows keeps the evidence instead of building it again. NULL: unknown (built again).
    evidence_key: str | None = Field(default=None, max_length=32)


# A finding turned into a clue (kind "clue") or attached to an existing complaint ("attached").
class FindingComplaint(SQLModel, table=True):
    __tablename__ = "crosscheck_finding_complaint"
    __table_args__ = (sa.UniqueConstraint("finding_id", "complaint_id", name="uq_finding_complaint"),)
    id: int | None = Field(default=None, primary_key=True)
    finding_id: int = Field(foreign_key="crosscheck_finding.id", index=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    kind: str = Field(default="attached", max_length=10)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# The identity and household links the rules join with, kept between runs
# (`hotline.crosscheck.links`): they depend on the rolls alone, so they are rebuilt after an import
# or a withdrawal, not by every run. `stamp` says which rolls they were built from; a run whose
# rolls differ (or whose code's `links.VERSION` differs) rebuilds them first. No foreign keys: a
# withdrawal deletes roll rows, and the stamp, not the database, says whether these are current.
class CrosscheckLinkState(SQLModel, table=True):
    __tablename__ = "crosscheck_link_state"
    id: int | None = Field(default=None, primary_key=True)
    stamp: str = Field(max_length=64)
    built_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    stats: dict | None = Field(default=None, sa_column=json_column())  # rows and seconds of the build


# The ID a row without a valid one was matched to, its score, match path and reason in words; shared by
# the two link tables below (a table-less SQLModel base: each table gets its own columns).
class _MatchedId(SQLModel):
    id_number: str = Field(max_length=18, index=True, sa_type=code_type(18))
    score: float
    match: str = Field(max_length=40)
    reason: str = Field(sa_type=sa.Text)


# A recipient row without a valid ID and the ID it was matched to (`matching.resolve_recipients`).
class CrosscheckLinkResolved(_MatchedId, table=True):
    __tablename__ = "crosscheck_link_resolved"
    rid: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})


# A registry row whose ID failed its check and the roll member's ID it was matched to
# (`matching.resolve_registries`).
class CrosscheckLinkRegistry(_MatchedId, table=True):
    __tablename__ = "crosscheck_link_registry"
    kind: str = Field(max_length=20, primary_key=True)
    tid: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})


# A registry person (payroll, non-farm vehicle, business, commercial property) found in a
# recipient row's household: via_row the household registry row that placed them there (NULL: the
# registry person is the recipient or their 户主), how 0 linked by the roll's own 户编号/户主身份证号,
# 1 through the recipient's (possibly resolved) identity. Registry rows of a mistyped ID stand for
# the member they were matched to (tpid).
class CrosscheckLinkHousehold(SQLModel, table=True):
    __tablename__ = "crosscheck_link_household"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    rid: int
    via_row: int | None = None
    how: int
    tid: int
    tpid: str = Field(max_length=18, sa_type=code_type(18))
