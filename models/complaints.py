"""Complaints (问题线索): what was reported, its triage and the people accused."""
from __future__ import annotations

import datetime as dt
import decimal
import enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, enum_column, json_column, utc_column
from models.taxonomy import AccusedLevel, Program, ProblemType


class ComplaintStatus(LabelledEnum):
    received = "received", "已受理"
    assigned = "assigned", "已分办"
    in_progress = "in_progress", "办理中"
    closed = "closed", "已办结"
    merged = "merged", "已并单"



class TriageState(str, enum.Enum):
    pending = "pending"  # stored by a webhook; triage and routing run in the background (IntakeJob)
    unclassified = "unclassified"  # no model yet, or the classifier failed
    classified = "classified"
    needs_review = "needs_review"  # low confidence: waits in the review queue
    confirmed = "confirmed"  # an inspector confirmed or corrected the labels


# A clue: the substance of one report, with its triage. Identity lives in Complainant.
class Complaint(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    receipt_code: str = Field(max_length=20, unique=True)
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    complainant_id: int | None = Field(default=None, foreign_key="complainant.id", index=True)
    status: ComplaintStatus = Field(
        default=ComplaintStatus.received, sa_column=enum_column(ComplaintStatus, index=True))
    source: str = Field(default="hotline", max_length=20)  # hotline | crosscheck | open311
    township_id: int | None = Field(default=None, foreign_key="township.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    amount_yuan: decimal.Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(14, 2)))
    # Programme and primary type as entered by the operator, overwritten by triage and confirmation.
    program: Program | None = Field(default=None, sa_column=enum_column(Program, nullable=True, index=True))
    problem_type: ProblemType | None = Field(
        default=None, sa_column=enum_column(ProblemType, nullable=True, index=True))
    problem_type_scores: dict | None = Field(default=None, sa_column=json_column())
    program_scores: dict | None = Field(default=None, sa_column=json_column())
    secondary_types: list | None = Field(default=None, sa_column=json_column())
    confidence: float | None = None
    triage_state: TriageState = Field(
        default=TriageState.unclassified, sa_column=enum_column(TriageState, index=True))
    model_version: str | None = Field(default=None, max_length=40)
    entities: list | None = Field(default=None, sa_column=json_column())
    labels_confirmed_by_id: int | None = Field(default=None, foreign_key="user.id")
    labels_confirmed_at: dt.datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, default=False))
    # Merging (并单): a merged complaint points at the one that absorbed it.
    merged_into_id: int | None = Field(default=None, foreign_key="complaint.id")
    repeat_count: int = 1
    received_at: dt.datetime = Field(sa_column=utc_column(index=True))
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    updated_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# A person the complaint accuses, with their level (which decides routing).
class AccusedPerson(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    name: str = Field(max_length=40)
    title: str | None = Field(default=None, max_length=60)
    level: AccusedLevel = Field(default=AccusedLevel.unknown, sa_column=enum_column(AccusedLevel))


# A complaint stored by a fast channel (SMS, voice) whose triage, routing and clue registration
# still wait: a durable queue, drained by hotline.intake.completion; the row goes once that is done.
class IntakeJob(SQLModel, table=True):
    __tablename__ = "intake_job"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    # What the channel typed beyond the complaint row (accused, clue source, merge, named).
    inputs: dict | None = Field(default=None, sa_column=json_column())
    queued_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    attempts: int = 0
    next_try_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    last_error: str | None = Field(default=None, max_length=500)
