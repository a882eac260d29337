"""The bulletin's figures: pure computation from the database for one ISO week and its year to date.

Every figure is an aggregate over a timestamp range (SQL GROUP BY, no rows loaded), so the same
week built twice from the same data gives the same numbers, and a year of data stays fast.
Definitions are in docs/bulletin.md; change them there first.
"""
from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import Session, select

from hotline.bulletins import workflow
from hotline.bulletins.tables import INT, RATE, TEXT, Figures, Table
from hotline.bulletins.weeks import IsoWeek
from models.cases import Case
from models.complaints import Complaint, ComplaintStatus
from models.contacts import Contact
from models.divisions import Township
from models.taxonomy import CHANNEL_LABELS, PROBLEM_TYPE_LABELS, PROGRAM_LABELS, Channel

TREND_WEEKS = 12
UNCLASSIFIED = "未分类"
NO_TOWNSHIP = "未明确乡镇"


@dataclass(frozen=True)
class Period:
    """The reported week and the year to date (ISO weeks 1..N of the same ISO year)."""

    week: IsoWeek
    start: dt.datetime
    end: dt.datetime
    ytd_start: dt.datetime
    zone: str

    @classmethod
    def of(cls, week: IsoWeek, zone: str, as_of: dt.datetime | None = None) -> "Period":
        """The week's period; `as_of` cuts a week still running short at that moment (dashboard)."""
        end = week.end(zone) if as_of is None else max(week.start(zone), min(week.end(zone), as_of))
        return cls(week, week.start(zone), end, week.year_start(zone), zone)

    @property
    def ranges(self) -> list[tuple[dt.datetime, dt.datetime]]:
        return [(self.start, self.end), (self.ytd_start, self.end)]


# How the aggregate scans use indexes on SQLite (PostgreSQL's planner chooses well from its
# statistics, and there the SQL is unchanged). Without ANALYZE statistics SQLite picks an index on
# any indexed term -- a GROUP BY column, `kind IN (...)`, `merged_into_id IS NULL` -- and walks the
# table through it, a B-tree seek per row. In these scans only the timestamp's range is worth an
# index, and only while it is short: a range at least WIDE_SPAN long (a year to date) holds much of
# the table, which a sequential read gets several times faster. So every other term, and a wide
# range, is written `+term` on SQLite (its documented way to keep a term off the indexes).
WIDE_SPAN = dt.timedelta(days=31)


class _Unindexed(ColumnElement):
    """An expression SQLite must not answer from an index (rendered `+(expr)`); unchanged elsewhere."""

    inherit_cache = True
    _traverse_internals = [("element", InternalTraversal.dp_clauseelement)]

    def __init__(self, element):
        self.element = element
        self.type = element.type

    @property
    def _from_objects(self):
        return self.element._from_objects


@compiles(_Unindexed)
def _compile_unindexed(element, compiler, **kw):
    return "(" + compiler.process(element.element, **kw) + ")"


@compiles(_Unindexed, "sqlite")
def _compile_unindexed_sqlite(element, compiler, **kw):
    return "+(" + compiler.process(element.element, **kw) + ")"


def unindexed(expression, wide: bool = True):
    """`expression`, kept off SQLite's indexes when `wide`."""
    return _Unindexed(expression) if wide else expression


def is_wide(low, high) -> bool:
    return low is None or high is None or high - low >= WIDE_SPAN


def in_span(stamp, low, high=None):
    """`low <= stamp < high` (high None: no upper bound; low None: no lower bound) for a WHERE
    clause, read through the table on SQLite when the span is wide or open."""
    column = unindexed(stamp, is_wide(low, high))
    tests = ([] if low is None else [column >= low]) + ([] if high is None else [column < high])
    return sa.and_(*tests)


@dataclass(frozen=True)
class Tally:
    """One family of columns of a grouped scan: a value for each range of `stamp`.

    Counts rows by default; `value`: sums this expression; `distinct`: counts distinct values of
    it. `when`: conditions this tally alone adds (other tallies of the same scan ignore them).
    """

    name: str
    stamp: object
    ranges: tuple
    when: tuple = ()
    value: object = None
    distinct: object = None

    def columns(self) -> list:
        result = []
        for a, b in self.ranges:
            inside = sa.and_(self.stamp >= a, self.stamp < b, *self.when)
            if self.distinct is not None:
                result.append(sa.func.count(sa.distinct(sa.case((inside, self.distinct), else_=None))))
            else:
                value = 1 if self.value is None else self.value
                result.append(sa.func.coalesce(sa.func.sum(sa.case((inside, value), else_=0)), 0))
        return result


def tally(session: Session, tallies: list[Tally], *, group=None, where=()) -> dict:
    """{group value: {tally name: [value in range 1, ...]}} from one scan of one table (no group:
    key None; a tuple of columns: tuple keys). Rows outside every tally's ranges are not read."""
    spans: list[list] = []  # [stamp, lowest start, highest end] per timestamp column
    for t in tallies:
        low, high = min(r[0] for r in t.ranges), max(r[1] for r in t.ranges)
        span = next((s for s in spans if s[0] is t.stamp), None)
        if span is None:
            spans.append([t.stamp, low, high])
        else:
            span[1], span[2] = min(span[1], low), max(span[2], high)
    reach = sa.or_(*(in_span(stamp, low, high) for stamp, low, high in spans))
    groups = [] if group is None else list(group) if isinstance(group, tuple) else [group]
    groups = [unindexed(g) for g in groups]  # only a timestamp's range is worth an index here
    columns = [column for t in tallies for column in t.columns()]
    stmt = sa.select(*groups, *columns).where(reach, *(unindexed(w) for w in where))
    if groups:
        stmt = stmt.group_by(*groups)
    result: dict = {}
    for row in session.execute(stmt):
        head = tuple(_plain(v) for v in row[:len(groups)])
        key = None if not groups else head if isinstance(group, tuple) else head[0]
        values = [_number(v) for v in row[len(groups):]]
        entry = result.setdefault(key, {t.name: [0] * len(t.ranges) for t in tallies})
        position = 0
        for t in tallies:
            part = values[position:position + len(t.ranges)]
            entry[t.name] = [a + b for a, b in zip(entry[t.name], part)]
            position += len(t.ranges)
    return result


def count_in_ranges(session: Session, stamp, ranges, *, group=None, where=(), distinct=None,
                    total=None) -> dict:
    """{group value: [count in range 1, count in range 2, ...]} in one query (no group: key None;
    a tuple of columns: tuple keys).

    `distinct`: count distinct values of this column instead of rows; `total`: sum this column.
    """
    counts = tally(session, [Tally("n", stamp, tuple(ranges), value=total, distinct=distinct)], group=group,
                   where=where)
    return {key: values["n"] for key, values in counts.items()}


def totals(counts: dict, name: str, size: int) -> list:
    """A tally summed over every group."""
    result = [0] * size
    for values in counts.values():
        result = [a + b for a, b in zip(result, values[name])]
    return result


def _number(value: object):
    return value if isinstance(value, decimal.Decimal) and value != int(value) else int(value)


def _plain(value: object) -> object:
    return getattr(value, "value", value)


def _share_rows(counts: dict, labels: list[tuple[object, str]], *, other_label: str) -> list[list]:
    """Rows of label, week, week share, YTD, YTD share (in the given label order), then a total."""
    totals = [sum(c[i] for c in counts.values()) for i in range(2)]
    rows = []
    known = {key for key, _ in labels}
    for key, text in labels:
        week, ytd = counts.get(key, [0, 0])
        rows.append([text, week, _share(week, totals[0]), ytd, _share(ytd, totals[1])])
    unknown = [sum(c[i] for k, c in counts.items() if k not in known) for i in range(2)]
    if any(unknown):
        rows.append([other_label, unknown[0], _share(unknown[0], totals[0]), unknown[1],
                     _share(unknown[1], totals[1])])
    rows.append(["合计", totals[0], _share(totals[0], totals[0]), totals[1], _share(totals[1], totals[1])])
    return rows


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


SHARE_COLUMNS = ["本周", "本周占比", "本年累计", "本年占比"]
SHARE_KINDS = [INT, RATE, INT, RATE]


def trend_weeks(period: Period, weeks: int = TREND_WEEKS) -> tuple[list[IsoWeek], tuple]:
    """The `weeks` weeks ending with the reported one (oldest first) and their ranges."""
    series = [period.week.previous(n) for n in range(weeks - 1, -1, -1)]
    return series, tuple((w.start(period.zone), w.end(period.zone)) for w in series)


def _period_tallies(stamp, period: Period, trend_ranges: tuple) -> list[Tally]:
    """`stamp` counted over the period's ranges ("period": [week, year]) and, if asked, the trend's."""
    tallies = [Tally("period", stamp, tuple(period.ranges))]
    if trend_ranges:
        tallies.append(Tally("trend", stamp, trend_ranges))
    return tallies


def contact_counts(session: Session, period: Period, trend_ranges: tuple = ()) -> dict:
    """Contacts by (channel, follow-up): "period" [week, year] and, with trend ranges, "trend"; one scan."""
    return tally(session, _period_tallies(Contact.received_at, period, trend_ranges),
                 group=(Contact.channel, Contact.is_followup))


def contacts_by_channel(session: Session, period: Period, counts: dict | None = None) -> Table:
    """Every contact (calls, texts, letters, follow-ups) received, by channel."""
    counts = contact_counts(session, period) if counts is None else counts
    both = {key: values["period"] for key, values in counts.items()}
    counts = marginal(both, 0)
    followups = marginal(both, 1).get(True, [0, 0])
    labels = [(c.value, CHANNEL_LABELS[c]) for c in Channel]
    return Table("channels", "表1 来电来信受理情况（按渠道）", "来电来信", ["渠道"] + SHARE_COLUMNS,
                 [TEXT] + SHARE_KINDS, _share_rows(counts, labels, other_label="其他渠道"),
                 note=f"其中查询、补充反映等跟进来电本周{followups[0]}件、本年累计{followups[1]}件。")


def _clue_filter():
    """A clue counts once: repeat reports merged into another complaint are left out."""
    return [Complaint.merged_into_id.is_(None), Complaint.status != ComplaintStatus.merged]


def marginal(counts: dict, position: int) -> dict:
    """Sum tuple-keyed counts down to one of the key's positions."""
    result: dict = {}
    for key, values in counts.items():
        previous = result.get(key[position], [0] * len(values))
        result[key[position]] = [a + b for a, b in zip(previous, values)]
    return result


def clue_counts(session: Session, period: Period, trend_ranges: tuple = ()) -> dict:
    """Clues by (problem type, programme, township) in one pass: "period" [week, year] and, with
    trend ranges, "trend"; the tables take its marginals."""
    return tally(session, _period_tallies(Complaint.received_at, period, trend_ranges),
                 group=(Complaint.problem_type, Complaint.program, Complaint.township_id), where=_clue_filter())


def clues_by(session: Session, period: Period, what: str, joint: dict | None = None) -> Table:
    """Clues received, by primary problem type, programme or township."""
    joint = clue_counts(session, period) if joint is None else joint
    joint = {key: values["period"] for key, values in joint.items()}
    if what == "problem_type":
        counts = marginal(joint, 0)
        labels = [(k.value, v) for k, v in PROBLEM_TYPE_LABELS.items()]
        return Table("problem_types", "表2 问题线索（按问题类型）", "线索-问题类型", ["问题类型"] + SHARE_COLUMNS,
                     [TEXT] + SHARE_KINDS, _share_rows(counts, labels, other_label=UNCLASSIFIED))
    if what == "program":
        counts = marginal(joint, 1)
        labels = [(k.value, v) for k, v in PROGRAM_LABELS.items()]
        return Table("programs", "表3 问题线索（按领域）", "线索-领域", ["领域"] + SHARE_COLUMNS,
                     [TEXT] + SHARE_KINDS, _share_rows(counts, labels, other_label="未明确领域"))
    counts = marginal(joint, 2)
    towns = session.exec(select(Township.id, Township.name).order_by(Township.code)).all()
    return Table("townships", "表4 问题线索（按乡镇）", "线索-乡镇", ["乡镇"] + SHARE_COLUMNS,
                 [TEXT] + SHARE_KINDS, _share_rows(counts, list(towns), other_label=NO_TOWNSHIP))


def _rule_labels() -> dict[str, str]:
    """Chinese names of the cross-check rules."""
    from hotline.crosscheck.rules import RULES

    return {code: rule.name for code, rule in RULES.items()}


def findings_by_rule(session: Session, period: Period) -> Table:
    """Cross-check suspicions raised (by when first found) and confirmed (by when decided), per rule."""
    from models.findings import Finding, FindingStatus

    ranges = tuple(period.ranges)
    counts = tally(session, [Tally("raised", Finding.created_at, ranges),
                             Tally("confirmed", Finding.decided_at, ranges,
                                   when=(Finding.status == FindingStatus.confirmed,))], group=Finding.rule)
    raised = {rule: values["raised"] for rule, values in counts.items() if any(values["raised"])}
    confirmed = {rule: values["confirmed"] for rule, values in counts.items() if any(values["confirmed"])}
    names = _rule_labels()
    rows = []
    for rule in sorted(set(raised) | set(confirmed) | set(names)):
        r, c = raised.get(rule, [0, 0]), confirmed.get(rule, [0, 0])
        rows.append([names.get(rule, rule), r[0], r[1], c[0], c[1]])
    rows.append(["合计", *(sum(row[i] for row in rows) for i in range(1, 5))])
    return Table("findings", "表{n} 大数据比对疑点（按规则）", "比对疑点",
                 ["比对规则", "本周发现", "本年累计发现", "本周确认", "本年累计确认"], [TEXT, INT, INT, INT, INT], rows,
                 note="疑点是比对规则发现的可疑情况，须经人工核查；确认数按核查确认的时间统计。")


def trend(session: Session, period: Period, weeks: int = TREND_WEEKS) -> list[dict]:
    """Weekly counts for the last `weeks` weeks ending with the reported one (oldest first)."""
    series, ranges = trend_weeks(period, weeks)
    counted = tally(session, [Tally("trend", Contact.received_at, ranges)])
    contacts = totals(counted, "trend", weeks)
    clues = totals(tally(session, [Tally("trend", Complaint.received_at, ranges)], where=_clue_filter()), "trend", weeks)
    cases = tally(session, [Tally("opened", Case.opened_at, ranges), Tally("closed", Case.closed_at, ranges)])
    return trend_points(series, contacts, clues, totals(cases, "opened", weeks), totals(cases, "closed", weeks))


def trend_points(series: list[IsoWeek], contacts: list, clues: list, opened: list, closed: list) -> list[dict]:
    return [{"week": str(w), "contacts": contacts[i], "clues": clues[i], "cases_opened": opened[i],
             "cases_closed": closed[i]} for i, w in enumerate(series)]


def trend_table(points: list[dict]) -> Table:
    rows = [[p["week"], p["contacts"], p["clues"], p["cases_opened"], p["cases_closed"]] for p in points]
    return Table("trend", f"表{{n}} 近{len(points)}周趋势", "近12周趋势",
                 ["周次", "来电来信", "问题线索", "新办案件", "办结案件"], [TEXT, INT, INT, INT, INT], rows)


def compute(session: Session, week: IsoWeek, *, zone: str, typical_limit: int = 3,
            as_of: dt.datetime | None = None) -> Figures:
    """All figures of the bulletin for `week` (and its year to date), or up to `as_of` within it.

    One scan per table gives the week, the year to date and the 12-week trend together.
    """
    period = Period.of(week, zone, as_of)
    series, ranges = trend_weeks(period)
    contacts = contact_counts(session, period, ranges)
    joint = clue_counts(session, period, ranges)
    tables = [contacts_by_channel(session, period, contacts), clues_by(session, period, "problem_type", joint),
              clues_by(session, period, "program", joint), clues_by(session, period, "township", joint)]
    flow = workflow.compute(session, period, typical_limit=typical_limit, trend_ranges=ranges)
    tables.extend(flow.tables)
    tables.append(findings_by_rule(session, period))
    points = trend_points(series, totals(contacts, "trend", len(series)), totals(joint, "trend", len(series)),
                          flow.trend["cases_opened"], flow.trend["cases_closed"])
    tables.append(trend_table(points))
    for number, table in enumerate(tables, start=1):
        table.title = _renumber(table.title, number)
    channel_total = tables[0].row("合计")
    clue_total = tables[1].row("合计")
    key = {"contacts_week": channel_total[1], "contacts_ytd": channel_total[3],
           "clues_week": clue_total[1], "clues_ytd": clue_total[3], **flow.key}
    return Figures(week=str(week), label=week.label(), start=period.start.isoformat(),
                   end=period.end.isoformat(), ytd_start=period.ytd_start.isoformat(), key=key,
                   tables=tables, typical_cases=flow.typical_cases, trend=points,
                   not_covered=flow.not_covered)


def _renumber(title: str, number: int) -> str:
    """'表7 …' or '表{n} …' → '表<number> …' so tables are numbered in the order they appear."""
    head, _, rest = title.partition(" ")
    return f"表{number} {rest}" if head.startswith("表") else title
