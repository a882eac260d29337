"""Case-handling figures: throughput, overdue, the three rates, offices, supervision, measures, money,
typical cases. Reads the case workflow's tables (models/cases.py, docs/workflow.md), never writes.

Counts of things that happen are taken from timestamps of the thing itself (CaseEvent.at,
CaseDeadline.due_at, ReturnVisit.at ...), so a week's figures do not drift as cases move on.
"""
from __future__ import annotations

import decimal
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline.bulletins.tables import INT, MONEY, RATE, TEXT, Table, money, rate
from models.cases import (DISPOSITION_LABELS, FINDING_LABELS, MEASURE_LABELS, Case, CaseDeadline, CaseEvent,
                          DeadlineKind, Finding, MeasureKind, ReturnVisit, Satisfaction, SupervisionOrder,
                          SupervisionReport, CaseMeasure)
from models.complaints import AccusedPerson, Complaint
from models.divisions import Township, Village
from models.offices import Office
from models.taxonomy import ACCUSED_LEVEL_LABELS, PROBLEM_TYPE_LABELS, PROGRAM_LABELS, label

RECEIVED_KINDS = ("opened", "reassigned")  # the event's office_id is the office that received it
SATISFIED = (Satisfaction.satisfied, Satisfaction.basically_satisfied)
RESOLVED = (Finding.true, Finding.partly_true, Finding.unfounded)


@dataclass
class FlowFigures:
    tables: list[Table] = field(default_factory=list)
    key: dict = field(default_factory=dict)
    typical_cases: list[dict] = field(default_factory=list)
    not_covered: list[str] = field(default_factory=list)
    trend: dict = field(default_factory=dict)


def _one(result: dict, n: int = 2) -> list:
    return result.get(None, [0] * n)


EVENT_KINDS = ("assigned", "disposition_approved", "filed", "outcome_recorded", "closed")


def event_counts(session: Session, period) -> dict:
    """{kind: [per range]}: distinct cases with an event of each kind in EVENT_KINDS, and
    "resolved": distinct cases closed (event) whose finding settles the matter; one scan.

    Events are first grouped by (case, kind) with a 0/1 "in range" flag per range, then the
    flags are summed: the same numbers as COUNT(DISTINCT case_id) per kind and range, for one
    sort instead of one per column.
    """
    from hotline.bulletins.figures import in_span, unindexed

    ranges = list(period.ranges)
    case_id, kind = unindexed(CaseEvent.case_id), unindexed(CaseEvent.kind)
    flags = [sa.func.max(sa.case((sa.and_(CaseEvent.at >= a, CaseEvent.at < b), 1), else_=0)).label(f"in_{i}")
             for i, (a, b) in enumerate(ranges)]
    pairs = (sa.select(case_id.label("case_id"), kind.label("kind"), *flags)
             .where(in_span(CaseEvent.at, min(a for a, _ in ranges), max(b for _, b in ranges)),
                    unindexed(CaseEvent.kind.in_(EVENT_KINDS)))
             .group_by(case_id, kind).subquery())
    resolved = sa.and_(pairs.c.kind == "closed",
                       pairs.c.case_id.in_(sa.select(Case.id).where(Case.finding.in_(RESOLVED))))
    columns = [sa.func.sum(pairs.c[f"in_{i}"]) for i in range(len(ranges))]
    columns += [sa.func.sum(sa.case((resolved, pairs.c[f"in_{i}"]), else_=0)) for i in range(len(ranges))]
    counts = {k: [0] * len(ranges) for k in EVENT_KINDS + ("resolved",)}
    for row in session.execute(sa.select(pairs.c.kind, *columns).group_by(pairs.c.kind)):
        values = [int(v or 0) for v in row[1:]]
        counts[row[0]] = values[:len(ranges)]
        counts["resolved"] = [a + b for a, b in zip(counts["resolved"], values[len(ranges):])]
    return counts


def office_event_counts(session: Session, period) -> dict:
    """{office id: {"received": [week, year], "sent_back": [week, year]}}: event rows, one scan."""
    from hotline.bulletins.figures import Tally, tally

    ranges = tuple(period.ranges)
    return tally(session, [Tally("received", CaseEvent.at, ranges, when=(CaseEvent.kind.in_(RECEIVED_KINDS),)),
                           Tally("sent_back", CaseEvent.at, ranges, when=(CaseEvent.kind == "sent_back",))],
                 group=CaseEvent.office_id, where=[CaseEvent.kind.in_(RECEIVED_KINDS + ("sent_back",))])


def case_counts(session: Session, period, trend_ranges: tuple = (), *, money: bool = True) -> dict:
    """One scan of the case table: "opened" (merged cases left out), "money" recovered and
    "money_cases" (by when the outcome was recorded) for [week, year]; with trend ranges also
    "trend_opened" and "trend_closed" (every case opened / closed in each trend week)."""
    from hotline.bulletins.figures import Tally, tally

    ranges = tuple(period.ranges)
    has_money = Case.money_recovered_yuan.is_not(None)
    tallies = [Tally("opened", Case.opened_at, ranges, when=(Case.merged_into_case_id.is_(None),))]
    if money:
        tallies += [Tally("money", Case.concluded_at, ranges, when=(has_money,), value=Case.money_recovered_yuan),
                    Tally("money_cases", Case.concluded_at, ranges, when=(has_money, Case.money_recovered_yuan > 0))]
    if trend_ranges:
        tallies += [Tally("trend_opened", Case.opened_at, trend_ranges),
                    Tally("trend_closed", Case.closed_at, trend_ranges)]
    counts = tally(session, tallies)
    return counts.get(None) or {t.name: [0] * len(t.ranges) for t in tallies}


def overdue_at(session: Session, moment) -> tuple[int, dict]:
    """(cases, {office id: cases}): distinct cases with a deadline passed and neither met nor
    cancelled at `moment`, overall and per office that owns the deadline; one scan."""
    from hotline.bulletins.figures import in_span, unindexed

    stmt = (sa.select(unindexed(CaseDeadline.office_id), unindexed(CaseDeadline.case_id)).distinct().where(
        in_span(CaseDeadline.due_at, None, moment),
        unindexed(sa.or_(CaseDeadline.met_at.is_(None), CaseDeadline.met_at >= moment)),
        unindexed(sa.or_(CaseDeadline.cancelled_at.is_(None), CaseDeadline.cancelled_at >= moment))))
    cases, by_office = set(), {}
    for office_id, case_id in session.execute(stmt):
        cases.add(case_id)
        by_office[office_id] = by_office.get(office_id, 0) + 1
    return len(cases), by_office


def deadline_stats(session, period) -> dict:
    """{(office id, kind): [due in week, due in year, met on time in week, met on time in year]}.

    Deadlines falling due in each range and not cancelled before they fell due; one query.
    """
    from hotline.bulletins.figures import in_span, unindexed

    on_time = sa.and_(CaseDeadline.met_at.is_not(None), CaseDeadline.met_at <= CaseDeadline.due_at)
    columns = []
    for test in (sa.true(), on_time):
        for a, b in period.ranges:
            inside = sa.and_(CaseDeadline.due_at >= a, CaseDeadline.due_at < b, test)
            columns.append(sa.func.coalesce(sa.func.sum(sa.case((inside, 1), else_=0)), 0))
    office, kind = unindexed(CaseDeadline.office_id), unindexed(CaseDeadline.kind)
    stmt = (sa.select(office, kind, *columns)
            .where(in_span(CaseDeadline.due_at, period.ytd_start, period.end),
                   unindexed(sa.or_(CaseDeadline.cancelled_at.is_(None),
                                    CaseDeadline.cancelled_at > CaseDeadline.due_at)))
            .group_by(office, kind))
    return {(row[0], getattr(row[1], "value", row[1])): [int(v) for v in row[2:]] for row in session.execute(stmt)}


def _deadlines_due(stats: dict, *, kinds=None, by_office: bool = False) -> tuple[dict, dict]:
    """(due, met on time) as {group: [week, year]}: one group (None) or one per office."""
    due: dict = {}
    met: dict = {}
    for (office_id, kind), values in stats.items():
        if kinds and kind not in {k.value for k in kinds}:
            continue
        key = office_id if by_office else None
        due[key] = [a + b for a, b in zip(due.get(key, [0, 0]), values[:2])]
        met[key] = [a + b for a, b in zip(met.get(key, [0, 0]), values[2:])]
    return due, met


def throughput(cases: dict, events: dict, overdue: int) -> tuple[Table, dict]:
    """New, assigned, disposed, concluded, closed cases; overdue at the week's end."""
    opened, closed = cases["opened"], events["closed"]
    assigned, disposed = events["assigned"], events["disposition_approved"]
    filed, concluded = events["filed"], events["outcome_recorded"]
    rows = [["新受理案件", opened[0], opened[1]], ["已分办", assigned[0], assigned[1]],
            ["已作出处置", disposed[0], disposed[1]], ["立案审查调查", filed[0], filed[1]],
            ["已出结论", concluded[0], concluded[1]], ["已办结", closed[0], closed[1]],
            ["逾期未办（周末时点）", overdue, overdue]]
    table = Table("cases", "表{n} 案件办理情况", "案件办理", ["指标", "本周", "本年累计"], [TEXT, INT, INT], rows,
                  note="逾期未办指本周最后时刻仍有环节期限已过而未完成的案件数，本周与本年同一口径。")
    key = {"cases_opened_week": opened[0], "cases_closed_week": closed[0], "cases_closed_ytd": closed[1],
           "overdue": overdue}
    return table, key


def visit_counts(session: Session, period) -> dict:
    """{"visits": [week, year], "satisfied": [week, year]}: return visits made, one scan."""
    from hotline.bulletins.figures import Tally, tally

    ranges = tuple(period.ranges)
    counts = tally(session, [Tally("visits", ReturnVisit.at, ranges),
                             Tally("satisfied", ReturnVisit.at, ranges,
                                   when=(ReturnVisit.satisfaction.in_(SATISFIED),))])
    return counts.get(None) or {"visits": [0, 0], "satisfied": [0, 0]}


def rates(stats: dict, events: dict, visit: dict) -> tuple[Table, dict]:
    """Response, resolution, satisfaction and on-time rates, with what each is counted from."""
    due, met = _deadlines_due(stats, kinds=[DeadlineKind.assignment])
    response = (_one(met), _one(due))
    closed, resolved = events["closed"], events["resolved"]
    visits, happy = visit["visits"], visit["satisfied"]
    all_due, all_met = _deadlines_due(stats)
    on_time = (_one(all_met), _one(all_due))
    rows = []
    for name, (num, den) in (("响应率", response), ("解决率", (resolved, closed)), ("满意率", (happy, visits)),
                             ("按期办理率", on_time)):
        rows.append([name, num[0], den[0], rate(num[0], den[0]), num[1], den[1], rate(num[1], den[1])])
    table = Table("rates", "表{n} 响应率、解决率、满意率和按期办理率", "三率",
                  ["指标", "本周分子", "本周分母", "本周", "本年分子", "本年分母", "本年累计"],
                  [TEXT, INT, INT, RATE, INT, INT, RATE], rows,
                  note="响应率：到期的分办期限中按期分办的比例；解决率：办结案件中查实或澄清（作出属实、部分属实、"
                       "不实结论）的比例；满意率：回访中满意和基本满意的比例；按期办理率：到期的各环节期限中按期完成的比例。"
                       "分母为0时记“—”。")
    key = {"response_rate": rows[0][3], "resolution_rate": rows[1][3], "satisfaction_rate": rows[2][3],
           "on_time_rate": rows[3][3]}
    return table, key


def offices(session: Session, period, stats: dict, overdue: dict) -> Table:
    """Per office: cases received, sent back, deadlines due and met, overdue at the week's end."""
    events = office_event_counts(session, period)
    due, met = _deadlines_due(stats, by_office=True)
    rows = []
    zero = [0, 0]
    for office_id, name in session.execute(sa.select(Office.id, Office.name).order_by(Office.id)):
        counts = events.get(office_id, {})
        got, back = counts.get("received", zero), counts.get("sent_back", zero)
        d, m = due.get(office_id, zero), met.get(office_id, zero)
        if not any(got + back + d) and not overdue.get(office_id):
            continue
        rows.append([name, got[0], back[0], rate(back[0], got[0]), d[0], m[0], rate(m[0], d[0]),
                     rate(back[1], got[1]), rate(m[1], d[1]), overdue.get(office_id, 0)])
    return Table("offices", "表{n} 各单位按期办理率和退单率", "各单位",
                 ["单位", "本周收案", "本周退单", "本周退单率", "本周到期", "本周按期", "本周按期率",
                  "本年退单率", "本年按期率", "逾期未办"],
                 [TEXT, INT, INT, RATE, INT, INT, RATE, RATE, RATE, INT], rows,
                 note="收案含首次转入和改派转入；到期、按期按各环节期限计（期限归属当时承办的单位）。")


def _progress(case: Case, end) -> str:
    """Where the case stood at `end`, from its own timestamps."""
    for stamp, text in ((case.closed_at, "已办结"), (case.concluded_at, "已出结论"), (case.filed_at, "立案审查调查")):
        if stamp is not None and stamp < end:
            return text
    if case.disposed_at is not None and case.disposed_at < end and case.disposition is not None:
        return DISPOSITION_LABELS[case.disposition]
    if case.assigned_at is not None and case.assigned_at < end:
        return "已分办"
    return "待分办"


def supervised(session: Session, period) -> tuple[Table, int]:
    """Orders of 挂牌督办 in force at some time in the week, and where each case stands."""
    reports = dict(session.execute(
        sa.select(SupervisionReport.order_id, sa.func.count()).where(SupervisionReport.at < period.end)
        .group_by(SupervisionReport.order_id)).all())
    stmt = (select(SupervisionOrder, Case, Office.name)
            .join(Case, Case.id == SupervisionOrder.case_id).join(Office, Office.id == Case.office_id)
            .where(SupervisionOrder.set_at < period.end,
                   sa.or_(SupervisionOrder.lifted_at.is_(None), SupervisionOrder.lifted_at >= period.start))
            .order_by(SupervisionOrder.set_at, SupervisionOrder.id))
    rows, still_open = [], 0
    for order, case, office_name in session.exec(stmt).all():
        progress = _progress(case, period.end)
        done = progress == "已办结"
        still_open += not done
        late = not done and order.due_at < period.end
        rows.append([f"第{case.id}号", office_name, order.set_at.astimezone(_zone(period)).strftime("%Y-%m-%d"),
                     order.due_at.astimezone(_zone(period)).strftime("%Y-%m-%d"), progress,
                     reports.get(order.id, 0), "是" if late else "否"])
    table = Table("supervised", "表{n} 挂牌督办案件进展", "挂牌督办",
                  ["案件", "承办单位", "督办日期", "督办期限", "进展（周末时点）", "进展报告（次）", "是否逾期"],
                  [TEXT, TEXT, TEXT, TEXT, TEXT, INT, TEXT], rows)
    return table, still_open


def _zone(period):
    from zoneinfo import ZoneInfo

    return ZoneInfo(period.zone)


def measures(session: Session, period) -> Table:
    """People handled, by measure (人次: one row per person per measure)."""
    from hotline.bulletins.figures import count_in_ranges

    counts = count_in_ranges(session, CaseMeasure.at, period.ranges, group=CaseMeasure.kind)
    rows = [[MEASURE_LABELS[k], *counts.get(k.value, [0, 0])] for k in MeasureKind]
    rows.append(["合计", sum(r[1] for r in rows), sum(r[2] for r in rows)])
    return Table("measures", "表{n} 处理人员情况（按措施）", "处理人员", ["措施", "本周（人次）", "本年累计（人次）"],
                 [TEXT, INT, INT], rows)


def recovered(counts: dict) -> Table:
    """Money recovered or returned, counted when the outcome was recorded."""
    sums, cases = counts["money"], counts["money_cases"]
    rows = [["追缴、退还资金", money(sums[0]), money(sums[1]), cases[0], cases[1]]]
    return Table("recovered", "表{n} 追缴退还资金", "追缴资金",
                 ["项目", "本周（元）", "本年累计（元）", "本周涉及案件", "本年涉及案件"], [TEXT, MONEY, MONEY, INT, INT], rows)


_NAMEISH = re.compile(r"[\u4e00-\u9fff]{0,1}某+|[A-Za-z]+")


def _accused_phrase(person: AccusedPerson | None) -> str:
    """'村支书某某': the accused by title only (never a name); the level when no title is known."""
    if person is None:
        return "有关人员某某"
    title = (person.title or "").replace(person.name or "\0", "")
    title = re.sub(r"[\s\d]", "", _NAMEISH.sub("", title))[:12]
    return f"{title or label(ACCUSED_LEVEL_LABELS, person.level)}某某"


def typical_cases(session: Session, period, limit: int) -> list[dict]:
    """The week's closed cases with substantiated findings, weightiest first, told without names."""
    if limit <= 0:
        return []
    closed_ids = select(CaseEvent.case_id).where(CaseEvent.kind == "closed", CaseEvent.at >= period.start,
                                                 CaseEvent.at < period.end)
    n_measures = (select(sa.func.count()).where(CaseMeasure.case_id == Case.id).correlate(Case).scalar_subquery())
    stmt = (select(Case, Complaint, n_measures).join(Complaint, Complaint.id == Case.complaint_id)
            .where(Case.id.in_(closed_ids), Case.finding.in_([Finding.true, Finding.partly_true]))
            .order_by(sa.func.coalesce(Case.money_recovered_yuan, 0).desc(), n_measures.desc(), Case.id)
            .limit(limit))
    found = []
    for case, complaint, _n in session.exec(stmt).all():
        found.append(_typical(session, case, complaint))
    return found


def _typical(session: Session, case: Case, complaint: Complaint) -> dict:
    town = session.get(Township, complaint.township_id) if complaint.township_id else None
    village = session.get(Village, complaint.village_id) if complaint.village_id else None
    accused = session.exec(select(AccusedPerson).where(AccusedPerson.complaint_id == complaint.id)
                           .order_by(AccusedPerson.id)).first()
    kinds = session.exec(select(CaseMeasure.kind).where(CaseMeasure.case_id == case.id)).all()
    tally: dict = {}
    for kind in kinds:
        tally[kind] = tally.get(kind, 0) + 1
    place = f"{town.name if town else ''}{village.name if village else ''}"
    problem = label(PROBLEM_TYPE_LABELS, complaint.problem_type) if complaint.problem_type else "违规违纪"
    area = f"在{label(PROGRAM_LABELS, complaint.program)}工作中" if complaint.program else ""
    text = f"{place}{_accused_phrase(accused)}{area}{problem}问题。经核查，反映问题{FINDING_LABELS[case.finding]}"
    if tally:
        text += "，给予" + "、".join(f"{MEASURE_LABELS[MeasureKind(k)]}{n}人" for k, n in tally.items())
    amount = decimal.Decimal(case.money_recovered_yuan or 0)
    if amount > 0:
        text += f"，追缴、退还资金{amount:,.2f}元"
    return {"case_id": case.id, "summary": text + "。", "money": money(amount),
            "finding": FINDING_LABELS[case.finding], "township": town.name if town else ""}


def compute(session: Session, period, *, typical_limit: int = 3, trend_ranges: tuple = ()) -> FlowFigures:
    """The case tables; with `trend_ranges`, also the weekly new and closed cases (flow.trend)."""
    flow = FlowFigures()
    cases = case_counts(session, period, trend_ranges)
    events = event_counts(session, period)
    overdue, overdue_by_office = overdue_at(session, period.end)
    cases_table, key = throughput(cases, events, overdue)
    stats = deadline_stats(session, period)
    rates_table, rate_key = rates(stats, events, visit_counts(session, period))
    supervised_table, still_open = supervised(session, period)
    flow.tables.extend([cases_table, rates_table, offices(session, period, stats, overdue_by_office),
                        supervised_table, measures(session, period), recovered(cases)])
    flow.key.update(key)
    flow.key.update(rate_key)
    flow.key["supervised_open"] = still_open
    flow.key["recovered_week"] = flow.tables[-1].rows[0][1]
    flow.typical_cases = typical_cases(session, period, typical_limit)
    if trend_ranges:
        flow.trend = {"cases_opened": cases["trend_opened"], "cases_closed": cases["trend_closed"]}
    return flow
