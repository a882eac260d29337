"""Dated facts behind the figures that a later event could otherwise rewrite.

The case's events (`CaseEvent`) are the append-only, dated record: each outcome recorded carries
its finding and the money recovered as then stated (`data.finding`, `data.money_recovered`); a
reopening, a merge, a closing are events of their own. A case's columns (finding, concluded_at,
money_recovered_yuan, closed_at) say only where it stands now and are cleared by a reopening, so no
figure reads them. Instead each standing figure is the sum of its changes, each counted in the
period of the event that made it:

- an outcome counts +1 in 查处 when its finding is 属实 or 部分属实, and a later reopening or outcome
  of the same case counts -1 if the outcome it replaces was substantiated (a reversal, dated when it
  happens);
- money recovered counts the change of the case's stated amount at each outcome (a new outcome
  stating less is a negative entry, in its own period);
- a closing is 'resolved' when the case's standing outcome at that moment has a finding.

Sums of changes add up: the weeks of a year add to its year to date, and a period rebuilt later
counts the same events (all dated before its end) the same way.
"""
from __future__ import annotations

import decimal

import sqlalchemy as sa
from sqlmodel import Session

from models.cases import CaseEvent, Finding

SUBSTANTIATED = (Finding.true.value, Finding.partly_true.value)


def finding_of(event=CaseEvent):
    return event.data["finding"].as_string()


def cents_of(event=CaseEvent):
    """The event's stated money in fen, exactly (amounts are strings with two decimals)."""
    text = event.data["money_recovered"].as_string()
    return sa.func.coalesce(sa.cast(sa.func.round(sa.cast(text, sa.Float) * 100), sa.BigInteger), 0)


def _in(stamp, a, b):
    return sa.and_(stamp >= a, stamp < b)


def standing_changes(session: Session, ranges: list, end, flag, *, cases=None) -> list[int]:
    """Net change per range of the number of cases whose standing outcome has `flag` (a condition on
    the outcome event): +1 when an outcome with it is recorded, -1 when a reopening or a new outcome
    replaces one that had it; each counted when it happens. `cases`: a subquery of case ids to
    restrict to."""
    standing = sa.case((sa.and_(CaseEvent.kind == "outcome_recorded", flag), 1), else_=0)
    order = (CaseEvent.at, CaseEvent.id)
    where = [CaseEvent.kind.in_(("outcome_recorded", "reopened")), CaseEvent.at < end]
    if cases is not None:
        where.append(CaseEvent.case_id.in_(cases))
    sequence = (sa.select(CaseEvent.at, standing.label("s"),
                          sa.func.lag(standing, 1, 0).over(partition_by=CaseEvent.case_id, order_by=order).label("p"))
                .where(*where).subquery())
    columns = [sa.func.coalesce(sa.func.sum(sa.case((_in(sequence.c.at, a, b), sequence.c.s - sequence.c.p),
                                                    else_=0)), 0) for a, b in ranges]
    low = min(a for a, _ in ranges)
    return [int(v) for v in session.execute(sa.select(*columns).where(sequence.c.at >= low)).one()]


def substantiated():
    return finding_of().in_(SUBSTANTIATED)


def flag_of(name: str):
    """The outcome event's boolean `data[name]` is true."""
    return CaseEvent.data[name].as_boolean().is_(True)


def stated(name: str):
    """The outcome event states `data[name]` (not null)."""
    return CaseEvent.data[name].as_string().is_not(None)


def outcome_changes(session: Session, ranges: list, end) -> dict:
    """{"substantiated": [net change per range], "money": [Decimal per range],
    "money_cases": [cases whose stated money changed, per range]} from the events before `end`."""
    order = (CaseEvent.at, CaseEvent.id)
    low = min(a for a, _ in ranges)
    cents = cents_of()
    money = (sa.select(CaseEvent.case_id, CaseEvent.at,
                       (cents - sa.func.lag(cents, 1, 0).over(partition_by=CaseEvent.case_id, order_by=order))
                       .label("d"))
             .where(CaseEvent.kind == "outcome_recorded", CaseEvent.at < end).subquery())
    sums = [sa.func.coalesce(sa.func.sum(sa.case((_in(money.c.at, a, b), money.c.d), else_=0)), 0)
            for a, b in ranges]
    moved = [sa.func.count(sa.distinct(sa.case((sa.and_(_in(money.c.at, a, b), money.c.d != 0), money.c.case_id),
                                               else_=None))) for a, b in ranges]
    row = session.execute(sa.select(*sums, *moved).where(money.c.at >= low)).one()
    n = len(ranges)
    return {"substantiated": standing_changes(session, ranges, end, substantiated()),
            "money": [decimal.Decimal(int(v)) / 100 for v in row[:n]],
            "money_cases": [int(v) for v in row[n:]]}


def resolved_closings(session: Session, ranges: list, end) -> list[int]:
    """Distinct cases closed in each range whose standing outcome then had a finding (解决)."""
    kinds = ("outcome_recorded", "reopened", "closed", "disposition_approved")
    has_finding = sa.case((sa.and_(CaseEvent.kind == "outcome_recorded", finding_of().is_not(None)), 1), else_=0)
    # A dismissal (予以了结) approved after an outcome replaces it as the standing conclusion.
    sequence = (sa.select(CaseEvent.case_id, CaseEvent.at, CaseEvent.kind,
                          sa.func.lag(has_finding, 1, 0).over(partition_by=CaseEvent.case_id,
                                                              order_by=(CaseEvent.at, CaseEvent.id)).label("p"))
                .where(CaseEvent.kind.in_(kinds), CaseEvent.at < end).subquery())
    low = min(a for a, _ in ranges)
    columns = [sa.func.count(sa.distinct(sa.case((sa.and_(_in(sequence.c.at, a, b), sequence.c.p == 1),
                                                  sequence.c.case_id), else_=None))) for a, b in ranges]
    stmt = sa.select(*columns).where(sequence.c.kind == "closed", sequence.c.at >= low)
    return [int(v) for v in session.execute(stmt).one()]
