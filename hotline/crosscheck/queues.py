"""Where findings go: each township's findings wait in the review queue of the offices whose
jurisdiction covers that township (their inspectors see them, `hotline.scope`); a township no office
covers is worked by the county-wide offices (县纪委监委, 案管室).

The run page tells an admin how many findings went to which queue without showing any of them:
admins do not see personal data, by design. The navigation shows an inspector how many wait for him.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline import scope
from models.divisions import Township
from models.findings import Finding, FindingStatus
from models.offices import Office, OfficeJurisdiction

WAITING = (FindingStatus.open, FindingStatus.needs_review)
COUNTY_WIDE_QUEUE = "全县范围机构（县纪委监委、案管室）"


@dataclass
class Queue:
    office: str  # the office's name, or COUNTY_WIDE_QUEUE for townships no office covers
    townships: list[str] = field(default_factory=list)
    waiting: int = 0  # 待核查 + 待复核 in these townships
    new: int = 0  # of which this run found for the first time


def queues(session: Session, run_id: int | None = None) -> list[Queue]:
    """Every queue holding waiting findings, the largest first."""
    status = Finding.status.in_([s.value for s in WAITING])
    new = sa.func.sum(sa.case((Finding.first_run_id == run_id, 1), else_=0)) if run_id else sa.literal(0)
    by_township = session.execute(sa.select(Finding.township, sa.func.count(), new).where(status)
                                  .group_by(Finding.township)).all()
    offices: dict[str, set[str]] = {}
    for office, township in session.exec(
            select(Office.name, Township.name).join(OfficeJurisdiction, OfficeJurisdiction.office_id == Office.id)
            .join(Township, Township.id == OfficeJurisdiction.township_id)
            .where(Office.active, Office.kind.not_in(scope.COUNTY_WIDE))).all():
        offices.setdefault(township, set()).add(office)
    out: dict[str, Queue] = {}
    for township, waiting, fresh in by_township:
        for office in sorted(offices.get(township or "", ())) or [COUNTY_WIDE_QUEUE]:
            queue = out.setdefault(office, Queue(office))
            queue.townships.append(township or "（未注明乡镇）")
            queue.waiting += waiting
            queue.new += int(fresh or 0)
    for queue in out.values():
        queue.townships.sort()
    return sorted(out.values(), key=lambda q: (-q.waiting, q.office))


def waiting_for(session: Session, user) -> int:
    """The findings waiting in this user's queue (the townships he reaches)."""
    return session.exec(select(sa.func.count()).select_from(Finding).where(
        Finding.status.in_([s.value for s in WAITING]), scope.finding_filter(session, user))).one()
