"""Case-handling figures: throughput, overdue, the rates, offices, supervision, measures, money.
Reads the case workflow's tables (models/cases.py, docs/workflow.md), never writes.

Every figure counts dated facts before the period's end: events by `CaseEvent.at`, deadlines by
their due time as it stood then, return visits by `ReturnVisit.at`; standing figures (查处, money)
from the outcome events (hotline/bulletins/facts.py). No figure reads a case column a later event
rewrites, so a period's figures do not change as cases move on (docs/bulletin.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline.bulletins import registry
from hotline.bulletins.queries import Tally, count_in_ranges, in_span, tally, unindexed
from hotline.bulletins.tables import INT, MONEY, RATE, TEXT, Table, money, rate
from models.cases import (Case, CaseDeadline, CaseEvent, CaseExtension, CaseMeasure, DeadlineKind, Disposition,
                          MeasureKind, ReturnVisit, Satisfaction, SupervisionOrder, SupervisionReport)
from models.clues import Clue
from models.complaints import Complaint
from models.offices import Office

RECEIVED_KINDS = ("opened", "reassigned")  # the event's office_id is the office that received it
SATISFIED = (Satisfaction.satisfied, Satisfaction.basically_satisfied)


@dataclass
class FlowFigures:
    tables: list[Table] = field(default_factory=list)
    trend: dict = field(default_factory=dict)


def _one(result: dict, n: int = 2) -> list:
    return result.get(None, [0] * n)


EVENT_KINDS = ("assigned", "disposition_approved", "filed", "outcome_recorded", "closed", "reopened")


def event_counts(session: Session, ranges: list) -> dict:
    """{kind: [per range]}: distinct cases with an event of each kind in EVENT_KINDS; one scan.

    Events are first grouped by (case, kind) with a 0/1 "in range" flag per range, then the
    flags are summed: the same numbers as COUNT(DISTINCT case_id) per kind and range, for one
    sort instead of one per column.
    """

    ranges = list(ranges)
    case_id, kind = unindexed(CaseEvent.case_id), unindexed(CaseEvent.kind)
    flags = [sa.func.max(sa.case((sa.and_(CaseEvent.at >= a, CaseEvent.at < b), 1), else_=0)).label(f"in_{i}")
             for i, (a, b) in enumerate(ranges)]
    pairs = (sa.select(case_id.label("case_id"), kind.label("kind"), *flags)
             .where(in_span(CaseEvent.at, min(a for a, _ in ranges), max(b for _, b in ranges)),
                    unindexed(CaseEvent.kind.in_(EVENT_KINDS)))
             .group_by(case_id, kind).subquery())
    columns = [sa.func.sum(pairs.c[f"in_{i}"]) for i in range(len(ranges))]
    counts = {k: [0] * len(ranges) for k in EVENT_KINDS}
    for row in session.execute(sa.select(pairs.c.kind, *columns).group_by(pairs.c.kind)):
        counts[row[0]] = [int(v or 0) for v in row[1:]]
    return counts


def closings(session: Session, ranges) -> list[int]:
    """Distinct cases closed (event `closed`) in each range: the trend's weeks, in one scan; the same
    figure as event_counts' "closed"."""

    counts = count_in_ranges(session, CaseEvent.at, ranges, where=[CaseEvent.kind == "closed"],
                             distinct=CaseEvent.case_id)
    return counts.get(None, [0] * len(ranges))


def office_event_counts(session: Session, period) -> dict:
    """{office id: {"received": [week, year], "sent_back": [week, year]}}: event rows, one scan."""

    ranges = tuple(period.ranges)
    return tally(session, [Tally("received", CaseEvent.at, ranges, when=(CaseEvent.kind.in_(RECEIVED_KINDS),)),
                           Tally("sent_back", CaseEvent.at, ranges, when=(CaseEvent.kind == "sent_back",))],
                 group=CaseEvent.office_id, where=[CaseEvent.kind.in_(RECEIVED_KINDS + ("sent_back",))])


def merge_times(entity: str):
    """(id, merged_at) of every case (entity "case") or complaint ("complaint") merged into another
    by a merge event (并单), at the event's time."""
    key = Case.id if entity == "case" else Case.complaint_id
    return (sa.select(key.label("id"), sa.func.min(CaseEvent.at).label("merged_at"))
            .join(Case, Case.id == CaseEvent.case_id).where(CaseEvent.kind == "merged_into")
            .group_by(key).subquery())


def case_counts(session: Session, ranges: list, trend_ranges: tuple = ()) -> dict:
    """One scan of the case table: "opened" per range, net of the cases merged away in it (a merge
    counts -1 in the period it happens; a case born merged never counts); with trend ranges
    also "trend_opened" (the same figure for each trend week)."""

    merges = merge_times("case")
    merged_at = sa.func.coalesce(merges.c.merged_at,
                                 sa.case((Case.merged_into_case_id.is_not(None), Case.opened_at), else_=None))
    tallies = [Tally("opened", Case.opened_at, tuple(ranges)), Tally("merged", merged_at, tuple(ranges))]
    if trend_ranges:
        tallies += [Tally("trend_opened", Case.opened_at, trend_ranges),
                    Tally("trend_merged", merged_at, trend_ranges)]
    counts = tally(session, tallies, source=sa.outerjoin(Case.__table__, merges, merges.c.id == Case.id))
    counts = counts.get(None) or {t.name: [0] * len(t.ranges) for t in tallies}
    result = {"opened": [a - b for a, b in zip(counts["opened"], counts["merged"])]}
    if trend_ranges:
        result["trend_opened"] = [a - b for a, b in zip(counts["trend_opened"], counts["trend_merged"])]
    return result


def _due_as_of(moment):
    """A deadline's due time as it stood at `moment`: an extension approved later had not yet moved
    it (its `old_due_at`), so a period's overdue and on-time figures do not change when a deadline
    is extended afterwards. Returns (the expression, the outer join it needs)."""
    later = (sa.select(CaseExtension.deadline_id.label("deadline_id"),
                       sa.func.min(CaseExtension.old_due_at).label("due"))
             .where(CaseExtension.at >= moment).group_by(CaseExtension.deadline_id).subquery())
    due = sa.func.coalesce(later.c.due, CaseDeadline.due_at)
    source = sa.outerjoin(CaseDeadline.__table__, later, later.c.deadline_id == CaseDeadline.id)
    return due, source, later


def overdue_at(session: Session, moment) -> tuple[int, dict]:
    """(cases, {office id: cases}): distinct cases with a deadline passed (as it stood then) and
    neither met nor cancelled at `moment`, overall and per office that owns the deadline; one scan."""

    due, source, later = _due_as_of(moment)
    stmt = (sa.select(unindexed(CaseDeadline.office_id), unindexed(CaseDeadline.case_id)).distinct()
            .select_from(source).where(
        sa.or_(in_span(CaseDeadline.due_at, None, moment), later.c.due.is_not(None)), due < moment,
        unindexed(sa.or_(CaseDeadline.met_at.is_(None), CaseDeadline.met_at >= moment)),
        unindexed(sa.or_(CaseDeadline.cancelled_at.is_(None), CaseDeadline.cancelled_at >= moment))))
    cases, by_office = set(), {}
    for office_id, case_id in session.execute(stmt):
        cases.add(case_id)
        by_office[office_id] = by_office.get(office_id, 0) + 1
    return len(cases), by_office


def deadline_stats(session, period) -> dict:
    """{(office id, kind): [due in period, due in year, met on time in period, met on time in year]}.

    Deadlines falling due in each range (as they stood at the period's end) and not cancelled
    before they fell due; one query.
    """

    due, source, later = _due_as_of(period.end)
    on_time = sa.and_(CaseDeadline.met_at.is_not(None), CaseDeadline.met_at <= due)
    columns = []
    for test in (sa.true(), on_time):
        for a, b in period.ranges:
            inside = sa.and_(due >= a, due < b, test)
            columns.append(sa.func.coalesce(sa.func.sum(sa.case((inside, 1), else_=0)), 0))
    office, kind = unindexed(CaseDeadline.office_id), unindexed(CaseDeadline.kind)
    low = min(a for a, _ in period.ranges)
    stmt = (sa.select(office, kind, *columns).select_from(source)
            .where(sa.or_(in_span(CaseDeadline.due_at, low, period.end), later.c.due.is_not(None)),
                   due >= low, due < period.end,
                   unindexed(sa.or_(CaseDeadline.cancelled_at.is_(None), CaseDeadline.cancelled_at > due)))
            .group_by(office, kind))
    return {(row[0], getattr(row[1], "value", row[1])): [int(v) for v in row[2:]] for row in session.execute(stmt)}


def _deadlines_due(stats: dict, *, kinds=None, by_office: bool = False) -> tuple[dict, dict]:
    """(due, met on time) as {group: [period, year]}: one group (None) or one per office."""
    due: dict = {}
    met: dict = {}
    for (office_id, kind), values in stats.items():
        if kinds and kind not in {k.value for k in kinds}:
            continue
        key = office_id if by_office else None
        due[key] = [a + b for a, b in zip(due.get(key, [0, 0]), values[:2])]
        met[key] = [a + b for a, b in zip(met.get(key, [0, 0]), values[2:])]
    return due, met


def _row(values: dict, code: str, label: str | None = None) -> list:
    return [label or registry.name(code), *values[code]]


def throughput(values: dict, period) -> Table:
    """New, assigned, disposed, filed, concluded, substantiated, closed, reopened; overdue at the end."""
    rows = [_row(values, code) for code in ("cases_opened", "cases_assigned", "cases_disposed", "cases_filed",
                                            "cases_concluded", "substantiated", "cases_closed", "cases_reopened")]
    rows.append(_row(values, "overdue", "逾期未办（期末时点）"))
    return Table("cases", "表{n} 案件办理情况", "案件办理", ["指标", period.current, period.cumulative],
                 [TEXT, INT, INT], rows,
                 note="查处指核查结论为属实或部分属实；重新办理或改变结论的，在其发生的期间冲减。"
                      "逾期未办指期末时点仍有环节期限已过而未完成的案件数，两列同一口径。")


def visit_counts(session: Session, ranges: list) -> dict:
    """{"visits": [per range], "satisfied": [per range]}: return visits made, one scan."""

    ranges = tuple(ranges)
    counts = tally(session, [Tally("visits", ReturnVisit.at, ranges),
                             Tally("satisfied", ReturnVisit.at, ranges,
                                   when=(ReturnVisit.satisfaction.in_(SATISFIED),))])
    return counts.get(None) or {"visits": [0] * len(ranges), "satisfied": [0] * len(ranges)}


def rate_parts(stats: dict, events: dict, resolved: list, visit: dict) -> dict:
    """{rate code: (numerators, denominators)} over [period, year]."""
    due, met = _deadlines_due(stats, kinds=[DeadlineKind.assignment])
    all_due, all_met = _deadlines_due(stats)
    return {"response_rate": (_one(met), _one(due)), "resolution_rate": (resolved, events["closed"]),
            "satisfaction_rate": (visit["satisfied"], visit["visits"]), "on_time_rate": (_one(all_met), _one(all_due))}


RATE_CODES = ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate")


def rates(parts: dict, period) -> Table:
    """Response, resolution, satisfaction and on-time rates, with what each is counted from."""
    rows = []
    for code in RATE_CODES:
        num, den = parts[code]
        rows.append([registry.name(code), num[0], den[0], rate(num[0], den[0]), num[1], den[1], rate(num[1], den[1])])
    now, year = period.current, period.cumulative
    return Table("rates", "表{n} 响应率、解决率、满意率和按期办理率", "三率",
                 ["指标", f"{now}分子", f"{now}分母", now, f"{year}分子", f"{year}分母", year],
                 [TEXT, INT, INT, RATE, INT, INT, RATE], rows,
                 note="响应率：到期的分办期限中按期分办的比例；解决率：办结案件中办结时已有核查结论（属实、部分属实、"
                      "不实）的比例；满意率：回访中满意和基本满意的比例；按期办理率：到期的各环节期限中按期完成的比例。"
                      "分母为0时记“—”。")


def offices(session: Session, period, stats: dict, overdue: dict) -> Table:
    """Per office: cases received, sent back, deadlines due and met, overdue at the period's end."""
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
    now, year = period.current, "本年"
    return Table("offices", "表{n} 各单位按期办理率和退单率", "各单位",
                 ["单位", f"{now}收案", f"{now}退单", f"{now}退单率", f"{now}到期", f"{now}按期", f"{now}按期率",
                  f"{year}退单率", f"{year}按期率", "逾期未办"],
                 [TEXT, INT, INT, RATE, INT, INT, RATE, RATE, RATE, INT], rows,
                 note="收案含首次转入和改派转入；到期、按期按各环节期限计（期限归属当时承办的单位）。")


PROGRESS_KINDS = ("assigned", "reassigned", "sent_back", "disposition_approved", "filed", "outcome_recorded",
                  "closed", "reopened", "resumed")


def _progress(events: list) -> str:
    """Where a case stood after these events (oldest first), from the events alone."""
    text = "待分办"
    for kind, data in events:
        if kind == "assigned":
            text = "已分办"
        elif kind in ("reassigned", "sent_back", "reopened"):
            text = "重新办理" if kind == "reopened" else "待分办"
        elif kind == "disposition_approved":
            code = (data or {}).get("disposition")
            text = Disposition(code).label if code else "已作出处置"
        elif kind == "resumed":
            text = Disposition.preliminary_verification.label
        else:
            text = {"filed": "立案审查调查", "outcome_recorded": "已出结论", "closed": "已办结"}[kind]
    return text


def supervised(session: Session, period) -> tuple[Table, dict]:
    """Orders of 挂牌督办 in force at some time in the period, and where each case stood at its end
    (from the case's events before the end, so a later reopening does not change it)."""
    reports = dict(session.execute(
        sa.select(SupervisionReport.order_id, sa.func.count()).where(SupervisionReport.at < period.end)
        .group_by(SupervisionReport.order_id)).all())
    # A case is named by its clue number, as the register and the board name it (the receipt code
    # for a case registered before the clue register existed); never by the internal row id.
    stmt = (select(SupervisionOrder, Case.id, Office.name, sa.func.coalesce(Clue.number, Complaint.receipt_code))
            .join(Case, Case.id == SupervisionOrder.case_id).join(Office, Office.id == Case.office_id)
            .join(Complaint, Complaint.id == Case.complaint_id)
            .outerjoin(Clue, Clue.complaint_id == Case.complaint_id)
            .where(SupervisionOrder.set_at < period.end,
                   sa.or_(SupervisionOrder.lifted_at.is_(None), SupervisionOrder.lifted_at >= period.start))
            .order_by(SupervisionOrder.set_at, SupervisionOrder.id))
    orders = session.exec(stmt).all()
    history: dict = {}
    if orders:
        for case_id, kind, data in session.execute(
                sa.select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.data)
                .where(CaseEvent.case_id.in_({case_id for _o, case_id, _n, _c in orders}),
                       CaseEvent.kind.in_(PROGRESS_KINDS), CaseEvent.at < period.end)
                .order_by(CaseEvent.at, CaseEvent.id)):
            history.setdefault(case_id, []).append((kind, data))
    rows, still_open, ordered = [], set(), 0
    zone = _zone(period)
    for order, case_id, office_name, case_name in orders:
        progress = _progress(history.get(case_id, []))
        done = progress == "已办结"
        in_force = order.lifted_at is None or order.lifted_at >= period.end
        if not done and in_force:
            still_open.add(case_id)
        ordered += order.set_at >= period.start
        late = not done and order.due_at < period.end
        rows.append([case_name, office_name, order.set_at.astimezone(zone).strftime("%Y-%m-%d"),
                     order.due_at.astimezone(zone).strftime("%Y-%m-%d"), progress,
                     reports.get(order.id, 0), "是" if late else "否"])
    table = Table("supervised", "表{n} 挂牌督办案件进展", "挂牌督办",
                  ["案件", "承办单位", "督办日期", "督办期限", "进展（期末时点）", "进展报告（次）", "是否逾期"],
                  [TEXT, TEXT, TEXT, TEXT, TEXT, INT, TEXT], rows)
    return table, {"supervised": len(rows), "supervised_ordered": ordered, "supervised_open": len(still_open)}


def supervision_counts(session: Session, ranges: list) -> dict:
    """{"supervised": [per range] orders in force at some time in it, "supervised_ordered": [per range]}."""
    columns = []
    for a, b in ranges:
        columns.append(sa.func.coalesce(sa.func.sum(sa.case((sa.and_(
            SupervisionOrder.set_at < b,
            sa.or_(SupervisionOrder.lifted_at.is_(None), SupervisionOrder.lifted_at >= a)), 1), else_=0)), 0))
    for a, b in ranges:
        columns.append(sa.func.coalesce(sa.func.sum(sa.case((sa.and_(
            SupervisionOrder.set_at >= a, SupervisionOrder.set_at < b), 1), else_=0)), 0))
    row = session.execute(sa.select(*columns)).one()
    n = len(ranges)
    return {"supervised": [int(v) for v in row[:n]], "supervised_ordered": [int(v) for v in row[n:]]}


def _zone(period):
    from zoneinfo import ZoneInfo

    return ZoneInfo(period.zone)


def measure_counts(session: Session, ranges: list, end) -> dict:
    """{measure kind: [人次 per range]}: one row per person per measure, by when it was recorded,
    those reversed by `end` (the period's end) left out, as in the four-forms table."""

    standing = sa.or_(CaseMeasure.reversed_at.is_(None), CaseMeasure.reversed_at >= end)
    return count_in_ranges(session, CaseMeasure.at, ranges, group=CaseMeasure.kind, where=[standing])


def measures(counts: dict, values: dict, period) -> Table:
    """People handled, by measure (人次: one row per person per measure)."""
    rows = [[k.label, *counts.get(k.value, [0, 0])] for k in MeasureKind]
    rows.append(["合计", *values["measure_times"]])
    return Table("measures", "表{n} 处理人员情况（按措施）", "处理人员",
                 ["措施", f"{period.current}（人次）", f"{period.cumulative}（人次）"], [TEXT, INT, INT], rows)


def recovered(values: dict, period) -> Table:
    """Money recovered or returned, as stated by the outcomes recorded in the period."""
    sums, cases = values["money_recovered"], values["money_cases"]
    rows = [[registry.name("money_recovered"), sums[0], sums[1], cases[0], cases[1]]]
    return Table("recovered", "表{n} 追缴退还资金", "追缴资金",
                 ["项目", f"{period.current}（元）", f"{period.cumulative}（元）", f"{period.current}涉及案件",
                  f"{period.cumulative}涉及案件"], [TEXT, MONEY, MONEY, INT, INT], rows,
                 note="按案件结论登记的时间计；结论改变、金额变动的，变动额计入其发生的期间。")


def compute(session: Session, period, values: dict, *, trend_ranges: tuple = ()) -> FlowFigures:
    """The case figures into `values` and their tables; with `trend_ranges`, the weekly series too."""
    from hotline.bulletins import facts

    flow = FlowFigures()
    ranges = list(period.ranges)
    cases = case_counts(session, ranges, trend_ranges)
    events = event_counts(session, ranges)
    outcome = facts.outcome_changes(session, ranges, period.end)
    resolved = facts.resolved_closings(session, ranges, period.end)
    overdue, overdue_by_office = overdue_at(session, period.end)
    n = len(ranges)
    values["cases_opened"] = cases["opened"]
    for code, kind in (("cases_assigned", "assigned"), ("cases_disposed", "disposition_approved"),
                       ("cases_filed", "filed"), ("cases_concluded", "outcome_recorded"),
                       ("cases_closed", "closed"), ("cases_reopened", "reopened")):
        values[code] = events[kind][:n]
    values["substantiated"] = outcome["substantiated"]
    values["overdue"] = [overdue, overdue]
    stats = deadline_stats(session, period)
    parts = rate_parts(stats, {"closed": values["cases_closed"]}, resolved, visit_counts(session, ranges))
    for code, (num, den) in parts.items():
        values[code] = [rate(num[0], den[0]), rate(num[1], den[1])]
    supervised_table, point = supervised(session, period)
    values.update(supervision_counts(session, ranges))
    values["supervised_open"] = [point["supervised_open"]] * 2
    by_measure = measure_counts(session, ranges, period.end)
    values["measure_times"] = [sum(v[i] for v in by_measure.values()) for i in range(n)]
    values["money_recovered"] = [money(v) for v in outcome["money"]]
    values["money_cases"] = outcome["money_cases"]
    flow.tables.extend([throughput(values, period), rates(parts, period),
                        offices(session, period, stats, overdue_by_office), supervised_table,
                        measures(by_measure, values, period), recovered(values, period)])
    if trend_ranges:
        flow.trend = {"cases_opened": cases["trend_opened"], "cases_closed": closings(session, trend_ranges)}
    return flow
