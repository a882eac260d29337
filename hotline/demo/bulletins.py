"""The demo county's bulletin record: a campaign period (专项整治以来), typical cases the system
proposes and the demo supervisor approves, and the Monday bulletins published with them.

Called by the demo's Monday job (hotline.demo.past) right before it publishes last week's bulletin,
under the simulated clock, so each approval is dated before the publication that carries it.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from hotline.bulletins import campaigns, typical
from models.base import utcnow
from models.bulletins import CampaignPeriod, TypicalCase, TypicalStatus
from models.users import User

CAMPAIGN = "专项整治以来"
APPROVED_PER_WEEK = 1


def campaign_start(now: dt.datetime) -> dt.date:
    """The campaign began last November (as in the seed: "since the campaign began last November")."""
    return dt.date(now.year - 1, 11, 1)


def before_publication(session: Session) -> None:
    """Record the campaign once; propose typical cases and approve the weightiest new one."""
    now = utcnow()
    if session.exec(select(CampaignPeriod.id).where(CampaignPeriod.title == CAMPAIGN)).first() is None:
        campaigns.record(session, title=CAMPAIGN, start=campaign_start(now))
    supervisor = session.exec(select(User).where(User.username == "supervisor")).first()
    if supervisor is None:
        return
    typical.propose(session)
    waiting = session.exec(select(TypicalCase).where(TypicalCase.status == TypicalStatus.proposed)
                           .order_by(TypicalCase.id).limit(APPROVED_PER_WEEK)).all()
    for row in waiting:
        try:
            typical.approve(session, row, summary=row.draft, actor=supervisor)
        except typical.TypicalError:
            continue
