"""The clue register (问题线索台账): every clue numbered, with its source, the reporter's standing
(实名/匿名), the duties owed to a named reporter, transfers out (转送) and referrals in (交办/移交).

A clue is one registered complaint (Complaint); the register row is what staff and documents cite.
docs/workflow.md ("The clue register") says which column means what for the bulletin.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, enum_column, utc_column


class ClueSource(LabelledEnum):
    """Where a clue came from (线索来源)."""

    call = "call", "来电"
    sms = "sms", "短信"
    letter = "letter", "来信"
    visit = "visit", "来访"
    online = "online", "网络举报"
    platform_12345 = "platform_12345", "12345转来"
    superior_assigned = "superior_assigned", "上级交办"  # (document number and deadline)
    superior_forwarded = "superior_forwarded", "上级转办"
    inspection_tour = "inspection_tour", "巡察移交"
    audit = "audit", "审计移交"
    department = "department", "职能部门移交"
    crosscheck = "crosscheck", "大数据比对"
    supervision = "supervision", "监督检查发现"
    media = "media", "媒体曝光"


# Sources another body referred to the commission: they carry the referrer, its document number
# and date, a 受理或转办 step and a report back (报结) of the result.
REFERRED_SOURCES = frozenset({ClueSource.superior_assigned, ClueSource.superior_forwarded,
                              ClueSource.inspection_tour, ClueSource.audit, ClueSource.department})


class ClueHandling(LabelledEnum):
    """Whether the commission handles the clue or passed it to the competent body."""

    own = "own", "本机关办理"  # (a case in one of its offices)
    transferred = "transferred", "已转送"  # 不予受理，已转送


class NoticeKind(LabelledEnum):
    """A notice to the reporter, or a report to the referring body."""

    acknowledgement = "acknowledgement", "受理告知"  # (named reporter, 15 working days)
    transfer = "transfer", "转送告知"  # (named reporter: where the matter went)
    feedback = "feedback", "结果反馈"  # (given through hotline.cases.feedback)
    objection_answer = "objection_answer", "异议答复"


class NoticeMethod(LabelledEnum):
    sms = "sms", "短信"  # (through the outbox)
    phone = "phone", "电话"
    written = "written", "书面"


class ObjectionOutcome(LabelledEnum):
    upheld = "upheld", "维持原处理结论"  # 维持原结论 (answered, no review)
    review = "review", "启动复查"  # 复查 (the case goes back for review)


# One register entry per clue. `number` is assigned at registration from ClueCounter and never
# changes; `year`/`seq` are its parts (unique per commission). Dates the register shows are local.
class Clue(SQLModel, table=True):
    __tablename__ = "clue"
    __table_args__ = (sa.UniqueConstraint("commission", "year", "seq", name="uq_clue_commission_year_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    number: str = Field(max_length=60, unique=True)
    commission: str = Field(max_length=60)
    year: int
    seq: int
    source: ClueSource = Field(sa_column=enum_column(ClueSource, index=True))
    # A referred matter: who referred it, their document number (来源文号), its date and deadline.
    referring_body: str | None = Field(default=None, max_length=60)
    referral_doc_number: str | None = Field(default=None, max_length=60)
    referral_date: dt.date | None = None
    referral_due_date: dt.date | None = None
    named: bool = Field(default=False, index=True)  # 实名举报 (now; a withdrawn name makes it False)
    name_withdrawn_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    received_at: dt.datetime = Field(sa_column=utc_column(index=True, default=False))
    registered_at: dt.datetime = Field(sa_column=utc_column())
    registered_by_id: int | None = Field(default=None, foreign_key="user.id")
    handling: ClueHandling = Field(default=ClueHandling.own, sa_column=enum_column(ClueHandling, index=True,
                                                                                     default=ClueHandling.own))
    # 转送: the competent body it went to and why (a transferred clue counts as received and
    # transferred, never as handled).
    transferred_to: str | None = Field(default=None, max_length=60)
    transfer_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    transferred_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    transferred_by_id: int | None = Field(default=None, foreign_key="user.id")
    # 受理告知 owed to a named reporter: due 15 working days after receipt (None: no duty, e.g.
    # anonymous, or registered before the duty existed — see migration 0004_clues).
    ack_due_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False,
                                                                              index=True))
    ack_given_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    # A referred matter: accepted or passed on (受理或转办) within 5 working days; result reported back.
    accept_due_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    accepted_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    reported_back_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    report_back_note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    reported_back_by_id: int | None = Field(default=None, foreign_key="user.id")


# The last sequence number given for one commission and year. Registration increments it in its
# own transaction (UPDATE … RETURNING), so a rolled-back registration leaves no gap and two
# concurrent ones wait for each other instead of drawing the same number.
class ClueCounter(SQLModel, table=True):
    __tablename__ = "clue_counter"

    commission: str = Field(max_length=60, primary_key=True)
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_seq: int = 0


# A notice to the reporter (受理告知, 转送告知, 反馈, 异议答复) and how it was given.
class ClueNotice(SQLModel, table=True):
    __tablename__ = "clue_notice"

    id: int | None = Field(default=None, primary_key=True)
    clue_id: int = Field(foreign_key="clue.id", index=True)
    kind: NoticeKind = Field(sa_column=enum_column(NoticeKind))
    method: NoticeMethod = Field(sa_column=enum_column(NoticeMethod))
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    outbox_id: int | None = None
    by_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime | None = Field(default=None, sa_column=utc_column(index=True))


# The reporter's objection (异议) to the outcome, and its answer: upheld, or sent back for review.
class ClueObjection(SQLModel, table=True):
    __tablename__ = "clue_objection"

    id: int | None = Field(default=None, primary_key=True)
    clue_id: int = Field(foreign_key="clue.id", index=True)
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    received_at: dt.datetime = Field(sa_column=utc_column())
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    outcome: ObjectionOutcome | None = Field(default=None, sa_column=enum_column(ObjectionOutcome, nullable=True))
    answer: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    answered_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    answered_by_id: int | None = Field(default=None, foreign_key="user.id")
