"""Retention: purge the identity data of cases closed long ago, unless a legal hold keeps it.

A case is due when it has been closed (Case.status closed, Case.closed_at) for longer than
RETENTION_DAYS. Its complainants (its own complaint's and those of repeat reports merged into
it) lose every identity field: the sealed name, phone and ID number, their masked forms and the
phone look-up hash; the phone line's copies go too (the caller's number on calls, the
recipient's number in the outbox) and recording references are deleted. Each purged
complainant leaves a RetentionTombstone saying what was removed and when, and an audit entry.
The report text and the case's record stay: they are the commission's file, not identity.

Evidence files go with the identity, since a photo can identify its taker: every Attachment of
the purged complaints loses its sealed bytes and its filename (what stays: kind, size, SHA-256,
when it came), and every MMS media row loses the sealed sender number and Twilio's media URL. An
anonymous report has no complainant to purge, so its evidence goes when its case is due (with an
audit entry of its own); so does evidence left on a complaint whose person was purged earlier.
A legal hold keeps the evidence as it keeps the identity.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, select

from hotline import audit
from models.attachments import Attachment, MmsMedia
from models.base import utcnow
from models.cases import Case, CaseStatus
from models.complainants import Complainant
from models.complaints import Complaint
from models.contacts import Contact
from models.retention import LegalHold, RetentionTombstone
from models.telephony import OutboxMessage, PhoneCall, Recording, SmsMessage
from models.users import Actor

MAX_REASON = 500
COMPLAINANT_FIELDS = ("name_enc", "phone_enc", "id_number_enc", "name_masked", "phone_masked", "phone_hash")


class RetentionError(ValueError):
    """A hold that cannot be placed or released; the message says why, in Chinese."""


def retention_days(settings) -> int:
    """The retention period in days (settings.RETENTION_DAYS, validated at start)."""
    return settings.RETENTION_DAYS


# --- legal holds ---------------------------------------------------------------------------

def active_hold(session: Session, case_id: int) -> LegalHold | None:
    return session.exec(select(LegalHold).where(LegalHold.case_id == case_id,
                                                LegalHold.released_at.is_(None))).first()


def _reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if len(text) < 4:
        raise RetentionError(f"{what}须说明理由（至少4个字）")
    if len(text) > MAX_REASON:
        raise RetentionError(f"{what}理由过长（最多{MAX_REASON}字）")
    return text


def place_hold(*, session: Session, case: Case, actor: Actor, reason: str) -> LegalHold:
    """Keep a case's identity data past the retention period, with a reason (audited)."""
    reason = _reason(reason, "依法留存")
    if active_hold(session, case.id) is not None:
        raise RetentionError("该案件已处于依法留存状态，无需重复设置")
    if purged_complaints(session, case):
        raise RetentionError("该案件举报人的身份信息已按保存期限清除，无法再留存")
    hold = LegalHold(case_id=case.id, reason=reason, placed_by_id=getattr(actor, "id", None), placed_at=utcnow())
    session.add(hold)
    session.flush()
    audit.record(session, actor=actor, action="retention.hold", entity="case", entity_id=case.id,
                 detail={"hold_id": hold.id, "reason": reason[:200]})
    return hold


def release_hold(*, session: Session, hold: LegalHold, actor: Actor, reason: str) -> LegalHold:
    """End a legal hold; the case's identity data is purged at the next run if it is due."""
    reason = _reason(reason, "解除留存")
    if hold.released_at is not None:
        raise RetentionError("该留存已经解除")
    hold.released_at, hold.released_by_id, hold.release_reason = utcnow(), getattr(actor, "id", None), reason
    session.add(hold)
    audit.record(session, actor=actor, action="retention.release", entity="case", entity_id=hold.case_id,
                 detail={"hold_id": hold.id, "reason": reason[:200]})
    return hold


def purged_complaints(session: Session, case: Case) -> list[int]:
    rows = session.exec(select(RetentionTombstone.complaint_ids).where(RetentionTombstone.case_id == case.id)).all()
    return [i for ids in rows for i in (ids or [])]


# --- the purge -----------------------------------------------------------------------------

@dataclass
class PurgeReport:
    cutoff: dt.datetime
    days: int
    dry_run: bool = False
    cases: list[int] = field(default_factory=list)  # cases whose complainants were (or would be) purged
    complainants: int = 0
    recordings: int = 0
    attachments: int = 0  # evidence files whose sealed bytes were (or would be) removed
    mms: int = 0  # MMS media rows whose sender number and media URL were (or would be) removed
    held: list[int] = field(default_factory=list)  # due cases kept by a legal hold
    skipped: int = 0  # complainants also named in a case not yet due

    def summary(self) -> str:
        verb = "将清除" if self.dry_run else "已清除"
        return (f"保存期限 {self.days} 天（办结早于 {self.cutoff:%Y-%m-%d}）：{verb} {len(self.cases)} 件案件中 "
                f"{self.complainants} 位举报人的身份信息、{self.recordings} 条录音、"
                f"{self.attachments} 份举报材料（另彩信记录 {self.mms} 条）；依法留存未清除 {len(self.held)} 件；"
                f"因关联未到期案件暂不清除 {self.skipped} 人")


def _due_cases(session: Session, cutoff: dt.datetime) -> list[Case]:
    return list(session.exec(select(Case).where(Case.status == CaseStatus.closed, Case.closed_at.is_not(None),
                                                Case.closed_at < cutoff).order_by(Case.id)).all())


def _held_case_ids(session: Session) -> set[int]:
    return set(session.exec(select(LegalHold.case_id).where(LegalHold.released_at.is_(None))).all())


def _complaints_of(session: Session, case: Case) -> list[Complaint]:
    """The case's complaint and the repeat reports merged into it."""
    return list(session.exec(select(Complaint).where(sa.or_(Complaint.id == case.complaint_id,
                                                            Complaint.merged_into_id == case.complaint_id))
                             .order_by(Complaint.id)).all())


def _case_of(session: Session, complaint: Complaint) -> Case | None:
    case = session.exec(select(Case).where(Case.complaint_id == complaint.id)).first()
    if case is not None and case.status is CaseStatus.merged and case.merged_into_case_id:
        return session.get(Case, case.merged_into_case_id)
    if case is None and complaint.merged_into_id:
        return session.exec(select(Case).where(Case.complaint_id == complaint.merged_into_id)).first()
    return case


def _person_is_due(session: Session, complainant_id: int, cutoff: dt.datetime, held: set[int]) -> bool:
    """Every complaint naming this person belongs to a case closed before the cutoff and not held."""
    for complaint in session.exec(select(Complaint).where(Complaint.complainant_id == complainant_id)).all():
        case = _case_of(session, complaint)
        if (case is None or case.status is not CaseStatus.closed or case.closed_at is None
                or case.closed_at >= cutoff or case.id in held):
            return False
    return True


def purge(*, session: Session, days: int, now: dt.datetime | None = None, dry_run: bool = False,
          actor: Actor = None) -> PurgeReport:
    """Purge the identity data of every due case; commits per complainant (safe to interrupt).

    Two purges at once cannot both purge one person: the tombstone is unique per complainant,
    and the loser's transaction rolls back.
    """
    now = now or utcnow()
    report = PurgeReport(cutoff=now - dt.timedelta(days=days), days=days, dry_run=dry_run)
    held = _held_case_ids(session)
    for case in _due_cases(session, report.cutoff):
        if case.id in held:
            report.held.append(case.id)
            continue
        purged_here = False
        for complaint in _complaints_of(session, case):
            person = session.get(Complainant, complaint.complainant_id) if complaint.complainant_id else None
            if person is None or person.purged_at is not None:
                # No identity (anonymous) or already purged: only evidence may be left to remove.
                if _purge_orphan_evidence(session, report, complaint=complaint, case=case, days=days,
                                          actor=actor):
                    purged_here = True
                continue
            if not _person_is_due(session, person.id, report.cutoff, held):
                report.skipped += 1
                continue
            if dry_run:
                recordings = _recordings(session, person.id)
                attachments, media = _evidence(session, _complaint_ids(session, person.id))
                report.complainants += 1
                report.recordings += len(recordings)
                report.attachments += len(attachments)
                report.mms += len(media)
                purged_here = True
                continue
            removed = _purge_person(session=session, person=person, case=case, days=days, now=now, actor=actor)
            if removed is None:  # another run purged this person first
                continue
            report.complainants += 1
            report.recordings += len(removed["recordings"])
            report.attachments += len(removed["attachments"])
            report.mms += removed["mms"]
            purged_here = True
        if purged_here:
            report.cases.append(case.id)
    return report


def _complaint_ids(session: Session, complainant_id: int) -> list[int]:
    return list(session.exec(select(Complaint.id).where(Complaint.complainant_id == complainant_id)
                             .order_by(Complaint.id)).all())


def _recordings(session: Session, complainant_id: int) -> list[Recording]:
    ids = _complaint_ids(session, complainant_id)
    return list(session.exec(select(Recording).where(Recording.complaint_id.in_(ids))).all()) if ids else []


def _purge_person(*, session: Session, person: Complainant, case: Case, days: int, now: dt.datetime,
                  actor: Actor) -> dict | None:
    complaint_ids = _complaint_ids(session, person.id)
    removed: dict = {"complainant": [f for f in COMPLAINANT_FIELDS if getattr(person, f)]}
    tombstone = RetentionTombstone(complainant_id=person.id, case_id=case.id, complaint_ids=complaint_ids,
                                   case_closed_at=case.closed_at, retention_days=days, removed=removed,
                                   purged_at=now)
    session.add(tombstone)
    try:
        session.flush()  # the unique complainant_id decides who purges
    except IntegrityError:
        session.rollback()
        return None
    for name in COMPLAINANT_FIELDS:
        setattr(person, name, None)
    person.purged_at = now
    session.add(person)
    recordings = _recordings(session, person.id)
    removed["recordings"] = [r.recording_sid for r in recordings]
    for recording in recordings:
        session.delete(recording)
    removed["calls"] = _clear(session, PhoneCall, PhoneCall.complaint_id.in_(complaint_ids),
                              from_number_enc=None, from_masked=None, phone_hash=None)
    removed["outbox"] = _clear(session, OutboxMessage, OutboxMessage.complainant_id == person.id,
                               to_number_enc=None, to_masked=None, phone_hash=None)
    removed["contacts"] = _clear(session, Contact, Contact.complainant_id == person.id, phone_hash=None)
    removed["sms"] = _clear(session, SmsMessage, SmsMessage.complaint_id.in_(complaint_ids), from_hash="")
    removed.update(_purge_evidence(session, complaint_ids))
    tombstone.removed = dict(removed)
    flag_modified(tombstone, "removed")  # the flushed dict was this one, changed in place
    session.add(tombstone)
    audit.record(session, actor=actor, action="retention.purge", entity="complainant", entity_id=person.id,
                 detail={"case_id": case.id, "complaint_ids": complaint_ids, "fields": removed["complainant"],
                         "recordings": len(recordings), "attachments": len(removed["attachments"]),
                         "mms": removed["mms"], "retention_days": days})
    session.commit()
    return removed


# --- evidence files ----------------------------------------------------------------------------

# MMS media states in which the fetch job would still fetch (hotline.telephony.media PENDING, FETCHING).
_MMS_OPEN = ("pending", "fetching")


def _evidence(session: Session, complaint_ids: list[int]) -> tuple[list[Attachment], list[MmsMedia]]:
    """The complaints' evidence that still holds something identifying (sealed bytes, a number, a URL)."""
    if not complaint_ids:
        return [], []
    attachments = session.exec(select(Attachment).where(Attachment.complaint_id.in_(complaint_ids),
                                                        Attachment.sealed != "").order_by(Attachment.id)).all()
    media = session.exec(select(MmsMedia).where(MmsMedia.complaint_id.in_(complaint_ids),
                                                sa.or_(MmsMedia.sender_enc.is_not(None), MmsMedia.url != ""))
                         .order_by(MmsMedia.id)).all()
    return list(attachments), list(media)


def _purge_evidence(session: Session, complaint_ids: list[int]) -> dict:
    """Remove the sealed bytes and filenames of the complaints' files and the sender number and media
    URL of their MMS rows; what stays is said in the result: {"attachments": [{id, kind, size,
    sha256}], "mms": n}. Each row is cleared by a guarded UPDATE, so of two runs at once only one
    counts (and audits) a file."""
    attachments, media = _evidence(session, complaint_ids)
    kept = []
    for row in attachments:
        done = session.execute(sa.update(Attachment).where(Attachment.id == row.id, Attachment.sealed != "")
                               .values(sealed="", filename="")).rowcount
        if done:
            kept.append({"id": row.id, "kind": row.kind, "size": row.size, "sha256": row.sha256})
    cleared = 0
    for row in media:
        values = {"sender_enc": None, "url": ""}
        if row.status in _MMS_OPEN:  # never fetched: nothing to fetch from any more
            values.update(status="skipped", error="已超过保存期限，附件未获取")
        cleared += session.execute(sa.update(MmsMedia).where(
            MmsMedia.id == row.id, sa.or_(MmsMedia.sender_enc.is_not(None), MmsMedia.url != ""))
            .values(**values)).rowcount
    for row in [*attachments, *media]:
        session.expire(row)
    return {"attachments": kept, "mms": cleared}


def _purge_orphan_evidence(session: Session, report: PurgeReport, *, complaint: Complaint, case: Case,
                           days: int, actor: Actor) -> bool:
    """Evidence of a due complaint with no identity left to purge (anonymous, or its person purged
    before): removed and audited per complaint. True when there was some."""
    attachments, media = _evidence(session, [complaint.id])
    if not attachments and not media:
        return False
    if report.dry_run:
        report.attachments += len(attachments)
        report.mms += len(media)
        return True
    removed = _purge_evidence(session, [complaint.id])
    if not removed["attachments"] and not removed["mms"]:  # another run removed them first
        session.rollback()
        return False
    audit.record(session, actor=actor, action="retention.purge", entity="complaint", entity_id=complaint.id,
                 detail={"case_id": case.id, "attachments": removed["attachments"], "mms": removed["mms"],
                         "retention_days": days})
    session.commit()
    report.attachments += len(removed["attachments"])
    report.mms += removed["mms"]
    return True


def _clear(session: Session, model, where, **values) -> int:
    """Blank identity columns on the phone line's rows; how many rows held something."""
    rows = session.exec(select(model).where(where)).all()
    for row in rows:
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
    return len(rows)
