"""Campaign periods (专项期间) an admin records, e.g. 专项整治 from 1 November 2025: a bulletin can
report everything since its start (专项整治以来)."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from hotline.bulletins import periods
from hotline.bulletins.periods import Period
from models.base import utcnow
from models.bulletins import CampaignPeriod
from models.users import Actor


class CampaignError(ValueError):
    """A campaign period that cannot be recorded or found (the message is Chinese)."""


def record(session: Session, *, title: str, start, end=None, actor: Actor = None) -> CampaignPeriod:
    title = (title or "").strip()
    if not title or len(title) > 60:
        raise CampaignError("请填写专项期间名称（最多60字）")
    first = start if isinstance(start, dt.date) else periods.parse_date(start, "开始日期")
    last = None if end in (None, "") else end if isinstance(end, dt.date) else periods.parse_date(end, "结束日期")
    if last is not None and last < first:
        raise CampaignError("结束日期不能早于开始日期")
    if session.exec(select(CampaignPeriod.id).where(CampaignPeriod.title == title)).first() is not None:
        raise CampaignError(f"专项期间“{title}”已登记")
    row = CampaignPeriod(title=title, start=first, end=last, created_by_id=getattr(actor, "id", None),
                         created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def listed(session: Session) -> list[CampaignPeriod]:
    return list(session.exec(select(CampaignPeriod).order_by(CampaignPeriod.start.desc())).all())


def period_of(session: Session, title: str, zone: str, *, last: dt.date | None = None,
              today: dt.date | None = None) -> Period:
    """The campaign's period: from its start to `last` (default: its end, or yesterday while running)."""
    row = session.exec(select(CampaignPeriod).where(CampaignPeriod.title == title.strip())).first()
    if row is None:
        raise CampaignError(f"没有登记名为“{title}”的专项期间")
    today = today or utcnow().astimezone(periods.ZoneInfo(zone)).date()
    last = last or row.end or today - dt.timedelta(days=1)
    return periods.span(row.start, last, zone, row.title)
