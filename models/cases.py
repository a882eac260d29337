"""Cases: a complaint being handled by an office, and the timeline of everything done to it."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import enum_column, json_column, utc_column


class CaseStatus(str, enum.Enum):
    pending_assignment = "pending_assignment"  # 待分办 (routed to an office, no inspector yet)
    assigned = "assigned"  # 已分办 (an inspector holds it)
    sent_back = "sent_back"  # 已退单 (waiting for the supervisor to reassign)
    disposition_proposed = "disposition_proposed"  # 处置意见待批
    talk_inquiry = "talk_inquiry"  # 谈话函询
    preliminary_verification = "preliminary_verification"  # 初步核实
    shelved = "shelved"  # 暂存待查
    filed = "filed"  # 立案审查调查
    concluded = "concluded"  # 已有结论 (finding recorded)
    closing_proposed = "closing_proposed"  # 办结待批
    closed = "closed"  # 已办结


CASE_STATUS_LABELS = {
    CaseStatus.pending_assignment: "待分办",
    CaseStatus.assigned: "已分办",
    CaseStatus.sent_back: "已退单",
    CaseStatus.disposition_proposed: "处置意见待批",
    CaseStatus.talk_inquiry: "谈话函询",
    CaseStatus.preliminary_verification: "初步核实",
    CaseStatus.shelved: "暂存待查",
    CaseStatus.filed: "立案审查调查",
    CaseStatus.concluded: "已出结论",
    CaseStatus.closing_proposed: "办结待批",
    CaseStatus.closed: "已办结",
}


# The handling of one complaint by a lead office.
class Case(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    status: CaseStatus = Field(
        default=CaseStatus.pending_assignment, sa_column=enum_column(CaseStatus, index=True))
    routing_rule_id: int | None = Field(default=None)
    priority: int = 0
    supervised: bool = Field(default=False, index=True)
    opened_at: dt.datetime = Field(sa_column=utc_column(index=True))
    # The deadline of the step the case is in now (working days, computed by the workflow).
    due_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False, index=True))
    closed_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    updated_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# One thing that happened to a case: who, when, what, why.
class CaseEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    at: dt.datetime | None = Field(default=None, sa_column=utc_column(index=True))
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(max_length=40)
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    data: dict | None = Field(default=None, sa_column=json_column())
