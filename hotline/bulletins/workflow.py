"""Case-handling figures of the bulletin: throughput, overdue, rates, offices, supervision, typical cases.

Reads the case workflow's tables (models/cases.py, docs/workflow.md) and never changes them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline.bulletins.tables import INT, RATE, TEXT, Table, rate
from models.cases import CASE_STATUS_LABELS, Case, CaseEvent, CaseStatus
from models.offices import Office

ASSIGNED_KINDS = ("assigned", "reassigned")
DISPOSED_KINDS = ("disposition_approved", "disposed")
SENT_BACK_KINDS = ("sent_back",)


@dataclass
class FlowFigures:
    tables: list[Table] = field(default_factory=list)
    key: dict = field(default_factory=dict)
    typical_cases: list[dict] = field(default_factory=list)
    not_covered: list[str] = field(default_factory=list)


def _event_counts(session: Session, period, kinds, *, group=None) -> dict:
    from hotline.bulletins.figures import count_in_ranges

    join_group = group is not None and group.class_ is Case
    stmt_where = [CaseEvent.kind.in_(kinds)]
    if join_group:
        stmt_where.append(CaseEvent.case_id == Case.id)
    return count_in_ranges(session, CaseEvent.at, period.ranges, group=group, where=stmt_where)


def overdue_at(session: Session, moment, *, group=None) -> dict:
    """Cases open at `moment` whose current deadline had passed by then."""
    columns = ([group] if group is not None else []) + [sa.func.count()]
    stmt = sa.select(*columns).where(
        Case.opened_at < moment, Case.due_at.is_not(None), Case.due_at < moment,
        sa.or_(Case.closed_at.is_(None), Case.closed_at >= moment))
    if group is not None:
        stmt = stmt.group_by(group)
    return {(row[0] if group is not None else None): int(row[-1]) for row in session.execute(stmt)}


def throughput(session: Session, period) -> tuple[Table, dict]:
    """New, assigned, disposed, closed cases in the week and year; overdue at the week's end."""
    from hotline.bulletins.figures import count_in_ranges

    opened = count_in_ranges(session, Case.opened_at, period.ranges).get(None, [0, 0])
    assigned = _event_counts(session, period, ASSIGNED_KINDS).get(None, [0, 0])
    disposed = _event_counts(session, period, DISPOSED_KINDS).get(None, [0, 0])
    closed = count_in_ranges(session, Case.closed_at, period.ranges).get(None, [0, 0])
    overdue = overdue_at(session, period.end).get(None, 0)
    rows = [["新受理案件", opened[0], opened[1]], ["已分办", assigned[0], assigned[1]],
            ["已作出处置", disposed[0], disposed[1]], ["已办结", closed[0], closed[1]],
            ["逾期未办结（周末时点）", overdue, overdue]]
    table = Table("cases", "表{n} 案件办理情况", "案件办理", ["指标", "本周", "本年累计"], [TEXT, INT, INT], rows,
                  note="逾期未办结为本周最后时刻仍未办结且已超过当前环节期限的案件数，本周与本年口径相同。")
    key = {"cases_opened_week": opened[0], "cases_closed_week": closed[0], "overdue": overdue}
    return table, key


def offices(session: Session, period) -> Table:
    """Per office: cases received, closed, sent back, overdue at the week's end."""
    from hotline.bulletins.figures import count_in_ranges

    opened = count_in_ranges(session, Case.opened_at, period.ranges, group=Case.office_id)
    closed = count_in_ranges(session, Case.closed_at, period.ranges, group=Case.office_id)
    sent_back = _event_counts(session, period, SENT_BACK_KINDS, group=Case.office_id)
    overdue = overdue_at(session, period.end, group=Case.office_id)
    rows = []
    for office in session.exec(select(Office).order_by(Office.id)).all():
        got = opened.get(office.id, [0, 0])
        back = sent_back.get(office.id, [0, 0])
        if not any(got) and not any(closed.get(office.id, [0, 0])) and not overdue.get(office.id):
            continue
        rows.append([office.name, got[0], closed.get(office.id, [0, 0])[0], back[0], rate(back[0], got[0]),
                     got[1], back[1], rate(back[1], got[1]), overdue.get(office.id, 0)])
    return Table("offices", "表{n} 各单位办理情况", "各单位",
                 ["单位", "本周收案", "本周办结", "本周退单", "本周退单率", "本年收案", "本年退单", "本年退单率",
                  "逾期未办结"], [TEXT, INT, INT, INT, RATE, INT, INT, RATE, INT], rows)


def supervised(session: Session, period) -> Table:
    """Cases under supervision (挂牌督办) and where each stands."""
    rows = []
    stmt = (select(Case, Office.name).join(Office, Office.id == Case.office_id)
            .where(Case.supervised.is_(True), Case.opened_at < period.end).order_by(Case.opened_at))
    for case, office_name in session.exec(stmt).all():
        closed = case.closed_at is not None and case.closed_at < period.end
        overdue = not closed and case.due_at is not None and case.due_at < period.end
        rows.append([f"第{case.id}号", office_name, "已办结" if closed else CASE_STATUS_LABELS.get(case.status, ""),
                     "是" if overdue else "否"])
    return Table("supervised", "表{n} 挂牌督办案件进展", "挂牌督办", ["案件", "承办单位", "进展", "是否逾期"],
                 [TEXT, TEXT, TEXT, TEXT], rows)


def compute(session: Session, period, *, typical_limit: int = 3) -> FlowFigures:
    flow = FlowFigures()
    cases_table, key = throughput(session, period)
    flow.tables.extend([cases_table, offices(session, period), supervised(session, period)])
    flow.key.update(key)
    flow.key["supervised_open"] = sum(1 for row in flow.tables[-1].rows if row[2] != "已办结")
    return flow
