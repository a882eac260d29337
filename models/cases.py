"""Cases: a complaint being handled by an office, its deadlines, outcome, feedback and supervision.

docs/workflow.md says which column means what for the weekly bulletin.
"""
from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, enum_column, json_column, utc_column
# Measures moved to models/outcomes.py with the rest of the outcome side; importable from here too.
from models.outcomes import CaseMeasure, MeasureKind  # noqa: F401


class CaseStatus(LabelledEnum):
    pending_assignment = "pending_assignment", "待分办"  # (routed to an office, no inspector yet)
    assigned = "assigned", "已分办"  # (an inspector holds it)
    sent_back = "sent_back", "已退单"  # (waiting for the supervisor to reassign)
    disposition_proposed = "disposition_proposed", "处置意见待批"
    talk_inquiry = "talk_inquiry", "谈话函询"
    preliminary_verification = "preliminary_verification", "初步核实"
    shelved = "shelved", "暂存待查"
    filed = "filed", "立案审查调查"
    concluded = "concluded", "已出结论"  # 已有结论 (finding recorded, or 予以了结 approved)
    closing_proposed = "closing_proposed", "办结待批"
    closed = "closed", "已办结"
    merged = "merged", "已并单"  # (absorbed by another case)


class Disposition(LabelledEnum):
    """The four ways of handling a clue (四类处置方式)."""

    talk_inquiry = "talk_inquiry", "谈话函询"
    preliminary_verification = "preliminary_verification", "初步核实"
    shelved = "shelved", "暂存待查"
    dismissed = "dismissed", "予以了结"


class Finding(LabelledEnum):
    unfounded = "unfounded", "不实"
    partly_true = "partly_true", "部分属实"
    true = "true", "属实"


class Exoneration(LabelledEnum):
    exonerated = "exonerated", "容错免责"
    reduced = "reduced", "减轻责任"  # 减责


class ExonerationCondition(LabelledEnum):
    not_forbidden = "not_forbidden", "法律法规和党内法规没有明令禁止"
    proper_procedure = "proper_procedure", "经过科学、民主、公开的决策程序"
    no_private_gain = "no_private_gain", "没有谋取私利"
    losses_remedied = "losses_remedied", "积极主动挽回损失、消除影响"
    authorised_pilot = "authorised_pilot", "经授权开展的改革试点"
    policy_changed = "policy_changed", "因上级政策调整导致失误"


class Satisfaction(LabelledEnum):
    satisfied = "satisfied", "满意"
    basically_satisfied = "basically_satisfied", "基本满意"
    unsatisfied = "unsatisfied", "不满意"


class DeadlineKind(LabelledEnum):
    assignment = "assignment", "分办"  # (routing → an inspector holds it)
    disposition = "disposition", "处置意见"  # 处置 (assignment → disposition approved)
    verification = "verification", "核实办理"  # 核实 (disposition approved → finding recorded)
    investigation = "investigation", "审查调查"  # (filed → finding recorded)
    feedback = "feedback", "反馈举报人"  # 反馈 (finding → feedback to a named complainant)


# The handling of one complaint by a lead office.
class Case(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    status: CaseStatus = Field(
        default=CaseStatus.pending_assignment, sa_column=enum_column(CaseStatus, index=True))
    routing_rule_id: int | None = Field(default=None)
    # The rule's name when it routed (rules are edited later); None: no rule matched (案管室).
    routing_rule_name: str | None = Field(default=None, max_length=60)
    helper_office_ids: list | None = Field(default=None, sa_column=json_column())
    priority: int = 0
    supervised: bool = Field(default=False, index=True)
    opened_at: dt.datetime = Field(sa_column=utc_column(index=True))
    # When the current office received it: the send-back (退单) window counts from here.
    office_received_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    assigned_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    # The deadline of the step the case is in now (the earliest open CaseDeadline), for sorting.
    due_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False, index=True))
    proposed_disposition: Disposition | None = Field(
        default=None, sa_column=enum_column(Disposition, nullable=True))
    disposition: Disposition | None = Field(default=None, sa_column=enum_column(Disposition, nullable=True))
    disposition_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    disposed_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    filed_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    finding: Finding | None = Field(default=None, sa_column=enum_column(Finding, nullable=True))
    concluded_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    money_recovered_yuan: decimal.Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(14, 2)))
    name_cleared: bool = False  # 澄清正名 (only with an unfounded finding)
    exoneration: Exoneration | None = Field(default=None, sa_column=enum_column(Exoneration, nullable=True))
    exoneration_condition: ExonerationCondition | None = Field(
        default=None, sa_column=enum_column(ExonerationCondition, nullable=True))
    closed_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False, index=True))
    merged_into_case_id: int | None = Field(default=None, foreign_key="case.id")
    reopen_count: int = 0
    updated_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# One thing that happened to a case: who, when, what, why (kinds listed in docs/workflow.md).
class CaseEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    at: dt.datetime | None = Field(default=None, sa_column=utc_column(index=True))
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(max_length=40, index=True)
    office_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    data: dict | None = Field(default=None, sa_column=json_column())


# One working-day deadline of one step, owned by the office that had the case then.
# On time: met_at <= due_at. Overdue now: met_at and cancelled_at null and due_at < now.
class CaseDeadline(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    kind: DeadlineKind = Field(sa_column=enum_column(DeadlineKind))
    started_at: dt.datetime = Field(sa_column=utc_column())
    due_at: dt.datetime = Field(sa_column=utc_column(default=False, index=True))
    extended_days: int = 0
    met_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    cancelled_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))


# An extension a supervisor approved: the deadline moved by `days` working days, with a reason.
class CaseExtension(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    deadline_id: int = Field(foreign_key="casedeadline.id")
    days: int
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    old_due_at: dt.datetime = Field(sa_column=utc_column(default=False))
    new_due_at: dt.datetime = Field(sa_column=utc_column(default=False))
    approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# Feedback given to the complainant on the outcome: an SMS through the outbox or a recorded call.
class CaseFeedback(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    channel: str = Field(max_length=10)  # sms | call
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    outbox_id: int | None = None
    by_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime | None = Field(default=None, sa_column=utc_column(index=True))


# A return visit (回访) to the complainant and how satisfied they were.
class ReturnVisit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    satisfaction: Satisfaction = Field(sa_column=enum_column(Satisfaction, index=True))
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    by_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime | None = Field(default=None, sa_column=utc_column(index=True))


# 挂牌督办: a supervisor's order with a deadline and a reporting interval (working days).
class SupervisionOrder(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    due_at: dt.datetime = Field(sa_column=utc_column(default=False))
    interval_days: int
    next_report_due_at: dt.datetime = Field(sa_column=utc_column(default=False, index=True))
    set_by_id: int | None = Field(default=None, foreign_key="user.id")
    set_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    lifted_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))


# A progress report on a supervised case.
class SupervisionReport(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="supervisionorder.id", index=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    progress: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    by_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# A scheduler job's claim on one piece of work: the unique key makes a second claim fail,
# so two schedulers (or a re-run) never send the same reminder twice.
class CaseReminder(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    claim_key: str = Field(max_length=80, unique=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: str = Field(max_length=20)  # remind | escalate | chase
    recipient_ids: list | None = Field(default=None, sa_column=json_column())
    at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# An in-app notice to one user (催办, escalation, progress chasing).
class CaseNotice(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: str = Field(max_length=20)
    text: str = Field(max_length=300)
    at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    read_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))


# Conflict-of-interest data a staff member declared: a relative (name, optional village).
class ConflictDeclaration(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    person_name: str = Field(max_length=40)
    relation: str = Field(default="", max_length=20)
    village_id: int | None = Field(default=None, foreign_key="village.id")
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
