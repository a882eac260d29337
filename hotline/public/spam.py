"""Spam / 无效 review of web reports: a queue the system fills, decisions operators take.

A web report is screened as it is stored (`screen`): a burst from one address, or text that says
nothing (one character repeated, no Chinese at all, too short to name anything, links) puts it in
the queue as `suspected`; nothing is refused or hidden for it. An operator marks a report `spam`
(无效) or `valid` with a reason (`review`): the report is never deleted or closed by it, every
change is audited with the state before and after, and a mark is reversed the same way.

Bulletin figures do not read these marks: docs/bulletin.md defines 来电来信 and 问题线索 by what was
received and registered, with no exclusion for spam.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from hotline import audit, controlchars
from models.attachments import SPAM_STATES, SpamMark
from models.base import utcnow
from models.complaints import Complaint
from models.contacts import Contact
from models.taxonomy import Channel
from models.users import Actor

SUSPECTED, SPAM, VALID = "suspected", "spam", "valid"
BURST_REPORTS = 3  # the third report from one address within the report counter's hour
MIN_MEANINGFUL = 6  # fewer letters/characters than this cannot name who, where and what
MAX_REASON = 300
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


class SpamError(ValueError):
    """A review that cannot be taken; the message is Chinese."""


def suspicions(text: str, *, address_reports: int = 0) -> list[str]:
    """Why a web report looks like spam (Chinese, for the queue), or [] when it does not."""
    text = controlchars.drop(text or "")
    meaningful = [ch for ch in text if ch.isalnum()]
    found = []
    if address_reports >= BURST_REPORTS:
        found.append(f"同一网络地址一小时内第{address_reports}次提交")
    if len(meaningful) < MIN_MEANINGFUL:
        found.append("内容过短")
    elif len(set(meaningful)) <= max(2, len(meaningful) // 20):
        found.append("内容为重复字符")
    if meaningful and not _CJK.search(text):
        found.append("内容不含中文")
    if _LINK.search(text):
        found.append("内容含网址链接")
    return found


def screen(session: Session, complaint_id: int, text: str, *, address_reports: int = 0) -> SpamMark | None:
    """Queue a just-stored web report when it looks like spam. The caller commits."""
    found = suspicions(text, address_reports=address_reports)
    if not found or session.get(SpamMark, complaint_id) is not None:
        return None
    mark = SpamMark(complaint_id=complaint_id, state=SUSPECTED, suspicion="；".join(found)[:200])
    session.add(mark)
    session.flush()
    return mark


def is_web_report(session: Session, complaint_id: int) -> bool:
    return session.exec(select(Contact.id).where(Contact.complaint_id == complaint_id, Contact.channel == Channel.web,
                                                 Contact.is_followup == False)).first() is not None  # noqa: E712


def review(session: Session, complaint_id: int, *, state: str, reason: str, user: Actor) -> SpamMark:
    """An operator's decision: `spam` (无效) or `valid`, with a reason; audited; the caller commits."""
    if state not in (SPAM, VALID):
        raise SpamError("请选择“标记为无效”或“标记为有效”")
    reason = controlchars.drop(reason or "").strip()
    if not reason:
        raise SpamError("请填写理由（例如：内容为广告、与扶贫领域无关的重复提交）")
    if len(reason) > MAX_REASON:
        raise SpamError(f"理由过长（{len(reason)}字），最多{MAX_REASON}字")
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or not is_web_report(session, complaint_id):
        raise SpamError("只能标记网上举报")
    existing = session.get(SpamMark, complaint_id)
    before = existing.state if existing is not None else None  # None: never in the queue
    mark = existing or SpamMark(complaint_id=complaint_id, state=SUSPECTED)
    if mark.state == state:
        raise SpamError(f"该举报已是“{SPAM_STATES[state]}”")
    mark.state, mark.reason, mark.marked_by_id, mark.marked_at = state, reason, user.id, utcnow()
    session.add(mark)
    audit.record(session, actor=user, action="public.spam_review", entity="complaint", entity_id=complaint_id,
                 detail={"from": before, "to": state, "reason": reason})
    session.flush()
    return mark


RECENT = "recent"  # not a state: the latest web reports, marked or not (any can be marked)


@dataclass
class QueueRow:
    mark: SpamMark | None
    complaint: Complaint


def queue(session: Session, state: str = SUSPECTED, limit: int = 200) -> list[QueueRow]:
    """Reports in one review state, oldest first for the suspected (the work), newest first otherwise."""
    order = SpamMark.created_at if state == SUSPECTED else SpamMark.marked_at.desc()
    rows = session.exec(select(SpamMark, Complaint).join(Complaint, Complaint.id == SpamMark.complaint_id)
                        .where(SpamMark.state == state).order_by(order).limit(limit)).all()
    return [QueueRow(mark, complaint) for mark, complaint in rows]


def recent(session: Session, limit: int = 100) -> list[QueueRow]:
    """The latest web reports with their mark, if any."""
    web = select(Contact.complaint_id).where(Contact.channel == Channel.web, Contact.is_followup == False)  # noqa: E712
    rows = session.exec(select(Complaint, SpamMark).outerjoin(SpamMark, SpamMark.complaint_id == Complaint.id)
                        .where(Complaint.id.in_(web)).order_by(Complaint.received_at.desc(), Complaint.id.desc())
                        .limit(limit)).all()
    return [QueueRow(mark, complaint) for complaint, mark in rows]


def counts(session: Session) -> dict[str, int]:
    import sqlalchemy as sa

    found = dict(session.exec(select(SpamMark.state, sa.func.count()).group_by(SpamMark.state)).all())
    return {state: found.get(state, 0) for state in SPAM_STATES}


def mark_of(session: Session, complaint_id: int) -> SpamMark | None:
    return session.get(SpamMark, complaint_id)
