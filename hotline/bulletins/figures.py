"""The bulletin's figures: pure computation from the database for one ISO week and its year to date.

Every figure is an aggregate over a timestamp range (SQL GROUP BY, no rows loaded), so the same
week built twice from the same data gives the same numbers, and a year of data stays fast.
Definitions are in docs/bulletin.md; change them there first.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline.bulletins import case_figures, registry
from hotline.bulletins.periods import Period
from hotline.bulletins.queries import Tally, tally, totals
from hotline.bulletins.tables import INT, RATE, TEXT, Figures, Table
from hotline.bulletins.weeks import IsoWeek
from models.cases import Case
from models.clues import ClueSource
from models.complaints import Complaint, ComplaintStatus
from models.contacts import Contact
from models.divisions import Township
from models.taxonomy import Channel, Program, ProblemType

TREND_WEEKS = 12
UNCLASSIFIED = "未分类"
NO_TOWNSHIP = "未明确乡镇"


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


def share_columns(period: Period) -> list[str]:
    return [period.current, f"{period.current}占比", period.cumulative, "本年占比"]


SHARE_KINDS = [INT, RATE, INT, RATE]


def trend_weeks(period: Period, weeks: int = TREND_WEEKS) -> tuple[list[IsoWeek], tuple]:
    """The `weeks` weeks ending with the reported one (a week period, the last one cut where an
    interim report is cut) or with the last whole week before the period's end, oldest first, and
    their ranges. Nothing after the period's end is counted, so the series never changes later."""
    zone = period.zone
    anchor = period.week if period.kind == "week" else IsoWeek.containing(period.end - dt.timedelta(microseconds=1), zone)
    if period.kind != "week" and anchor.end(zone) > period.end:
        anchor = anchor.previous()
    series = [anchor.previous(n) for n in range(weeks - 1, -1, -1)]
    return series, tuple((w.start(zone), min(w.end(zone), period.end)) for w in series)


def _period_tallies(stamp, period, trend_ranges: tuple) -> list[Tally]:
    """`stamp` counted over the period's ranges ("period": [week, year]) and, if asked, the trend's."""
    tallies = [Tally("period", stamp, tuple(period.ranges))]
    if trend_ranges:
        tallies.append(Tally("trend", stamp, trend_ranges))
    return tallies


def contact_counts(session: Session, period, trend_ranges: tuple = ()) -> dict:
    """Contacts by (channel, follow-up): "period" [week, year] and, with trend ranges, "trend"; one scan."""
    return tally(session, _period_tallies(Contact.received_at, period, trend_ranges),
                 group=(Contact.channel, Contact.is_followup))


def contacts_by_channel(session: Session, period: Period, counts: dict | None = None) -> Table:
    """Every contact (calls, texts, letters, follow-ups) received, by channel."""
    counts = contact_counts(session, period) if counts is None else counts
    both = {key: values["period"] for key, values in counts.items()}
    counts = marginal(both, 0)
    followups = marginal(both, 1).get(True, [0, 0])
    labels = [(c.value, c.label) for c in Channel]
    return Table("channels", "表1 来电来信受理情况（按渠道）", "来电来信", ["渠道"] + share_columns(period),
                 [TEXT] + SHARE_KINDS, _share_rows(counts, labels, other_label="其他渠道"),
                 note=f"其中查询、补充反映等跟进来电{period.current}{followups[0]}件、本年累计{followups[1]}件。")


def marginal(counts: dict, position: int) -> dict:
    """Sum tuple-keyed counts down to one of the key's positions."""
    result: dict = {}
    for key, values in counts.items():
        previous = result.get(key[position], [0] * len(values))
        result[key[position]] = [a + b for a, b in zip(previous, values)]
    return result


@dataclass
class ClueCounts:
    """Clues per range: `total`, by `source`, by (problem type, programme, township) in `detail`,
    and the total of each trend week in `trend`."""

    total: list
    sources: dict
    detail: dict
    trend: list


def _net(counts: dict, plus: str, minus: str) -> dict:
    return {key: [a - b for a, b in zip(values[plus], values[minus])] for key, values in counts.items()}


def clue_counts(session: Session, ranges: list, trend_ranges: tuple = (), *, detail: bool = True) -> ClueCounts:
    """Clues of the clue register (every source), net of the repeat reports merged into another clue
    in each range (并单: -1 when the merge happens; a report registered already merged never counts).

    Two scans of the register: by source with the trend weeks (few groups), and by (problem type,
    programme, township) for the period's ranges only (the breakdown tables take its marginals)."""
    from models.clues import Clue

    merges = case_figures.merge_times("complaint")
    born = sa.select(Complaint.id.label("id")).where(Complaint.merged_into_id.is_not(None)).subquery()
    # By source: the register alone, with the (few) merged complaints joined in.
    merged_at = sa.func.coalesce(merges.c.merged_at, sa.case((born.c.id.is_not(None), Clue.received_at), else_=None))
    registered = (sa.outerjoin(Clue.__table__, merges, merges.c.id == Clue.complaint_id)
                  .outerjoin(born, born.c.id == Clue.complaint_id))
    tallies = [Tally("period", Clue.received_at, tuple(ranges)), Tally("merged", merged_at, tuple(ranges))]
    trend = [Tally("trend", Clue.received_at, trend_ranges), Tally("trend_merged", merged_at, trend_ranges)] \
        if trend_ranges else []
    by_source = tally(session, tallies + trend, group=Clue.source, source=registered)
    sources = _net(by_source, "period", "merged")
    weeks = _net(by_source, "trend", "trend_merged") if trend_ranges else {}
    details = {}
    if detail:  # by the complaint's labels: the register joined to the complaints
        merged_at = sa.func.coalesce(merges.c.merged_at, sa.case((Complaint.merged_into_id.is_not(None),
                                                                   Clue.received_at), else_=None))
        labelled = (sa.join(Clue.__table__, Complaint.__table__, Complaint.id == Clue.complaint_id)
                    .outerjoin(merges, merges.c.id == Complaint.id))
        tallies = [Tally("period", Clue.received_at, tuple(ranges)), Tally("merged", merged_at, tuple(ranges))]
        details = _net(tally(session, tallies, group=(Complaint.problem_type, Complaint.program,
                                                      Complaint.township_id), source=labelled), "period", "merged")
    return ClueCounts(total=[sum(v[i] for v in sources.values()) for i in range(len(ranges))], sources=sources,
                      detail=details, trend=[sum(v[i] for v in weeks.values()) for i in range(len(trend_ranges))])


def clues_by(session: Session, period: Period, what: str, clues: ClueCounts | None = None) -> Table:
    """Clues registered, by source, primary problem type, programme or township."""
    clues = clue_counts(session, period.ranges) if clues is None else clues
    joint = clues.detail
    if what == "problem_type":
        counts = marginal(joint, 0)
        labels = [(k.value, k.label) for k in ProblemType]
        return Table("problem_types", "表2 问题线索（按问题类型）", "线索-问题类型", ["问题类型"] + share_columns(period),
                     [TEXT] + SHARE_KINDS, _share_rows(counts, labels, other_label=UNCLASSIFIED))
    if what == "program":
        counts = marginal(joint, 1)
        labels = [(k.value, k.label) for k in Program]
        return Table("programs", "表3 问题线索（按领域）", "线索-领域", ["领域"] + share_columns(period),
                     [TEXT] + SHARE_KINDS, _share_rows(counts, labels, other_label="未明确领域"))
    if what == "source":
        counts = clues.sources
        labels = [(k.value, k.label) for k in ClueSource]
        return Table("sources", "表{n} 问题线索（按来源）", "线索-来源", ["来源"] + share_columns(period),
                     [TEXT] + SHARE_KINDS, _share_rows(counts, labels, other_label="其他来源"))
    counts = marginal(joint, 2)
    towns = session.exec(select(Township.id, Township.name).order_by(Township.code)).all()
    return Table("townships", "表4 问题线索（按乡镇）", "线索-乡镇", ["乡镇"] + share_columns(period),
                 [TEXT] + SHARE_KINDS, _share_rows(counts, list(towns), other_label=NO_TOWNSHIP))


def _rule_labels() -> dict[str, str]:
    """Chinese names of the cross-check rules."""
    from hotline.crosscheck.rules import RULES

    return {code: rule.name for code, rule in RULES.items()}


def findings_by_rule(session: Session, period: Period, values: dict | None = None) -> Table:
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
    if values is not None:
        values["findings_raised"], values["findings_confirmed"] = rows[-1][1:3], rows[-1][3:5]
    now, year = period.current, period.cumulative
    return Table("findings", "表{n} 大数据比对疑点（按规则）", "比对疑点",
                 ["比对规则", f"{now}发现", f"{year}发现", f"{now}确认", f"{year}确认"], [TEXT, INT, INT, INT, INT], rows,
                 note="疑点是比对规则发现的可疑情况，须经人工核查；确认数按核查确认的时间统计。")


TREND_CODES = ("contacts", "clues", "cases_opened", "cases_closed")


def trend_points(series: list[IsoWeek], contacts: list, clues: list, opened: list, closed: list) -> list[dict]:
    """One point per week: the registry's figures of that week (the same functions as the tables)."""
    return [{"week": str(w), "contacts": contacts[i], "clues": clues[i], "cases_opened": opened[i],
             "cases_closed": closed[i]} for i, w in enumerate(series)]


def trend_table(points: list[dict]) -> Table:
    rows = [[p["week"], *(p[code] for code in TREND_CODES)] for p in points]
    return Table("trend", f"表{{n}} 近{len(points)}周趋势", "近12周趋势",
                 ["周次", *(registry.name(code) for code in TREND_CODES)], [TEXT, INT, INT, INT, INT], rows)


def forms_table(values: dict, period: Period) -> Table:
    """The four forms (四种形态), in 人, from the registry's values."""
    codes = ("form_1", "form_2", "form_3", "form_4", "form_unspecified", "disciplined_people")
    rows = [[registry.name(code), *values[code]] for code in codes]
    return Table("forms", "表{n} 运用监督执纪“四种形态”情况", "四种形态",
                 ["形态", f"{period.current}（人）", f"{period.cumulative}（人）"], [TEXT, INT, INT], rows,
                 note="每人在一案中按最重的处理措施计一次；处分或组织处理未注明档次的单列，不推定其形态；"
                      "党纪政务处分为受到党纪或政务处分的人数。")


def as_period(what, zone: str, as_of: dt.datetime | None = None) -> Period:
    """A Period from a Period or an IsoWeek, cut at `as_of` when that is before its end."""
    period = Period.of(what, zone) if isinstance(what, IsoWeek) else what
    return period.cut(as_of)


def compute(session: Session, what, *, zone: str, typical_limit: int = 3,
            as_of: dt.datetime | None = None, typical_cases: list[dict] | None = None) -> Figures:
    """All figures of the bulletin for a period (a Period, or an IsoWeek) and its year to date,
    or up to `as_of` within it (an interim report).

    One scan per table gives the period, the year to date and the 12-week trend together. Every
    registered figure lands in `values` first; tables and text read it from there.
    """
    from hotline.bulletins import seed, typical

    period = as_period(what, zone, as_of)
    series, ranges = trend_weeks(period)
    values: dict = {}
    contacts = contact_counts(session, period, ranges)
    joint = clue_counts(session, period.ranges, ranges)
    values["contacts"] = totals(contacts, "period", 2)
    values["clues"] = joint.total
    tables = [contacts_by_channel(session, period, contacts), clues_by(session, period, "source", joint),
              clues_by(session, period, "problem_type", joint), clues_by(session, period, "program", joint),
              clues_by(session, period, "township", joint)]
    flow = case_figures.compute(session, period, values, trend_ranges=ranges)
    tables.extend(flow.tables)
    tables.append(findings_by_rule(session, period, values))
    points = trend_points(series, totals(contacts, "trend", len(series)), joint.trend,
                          flow.trend["cases_opened"], flow.trend["cases_closed"])
    tables.append(trend_table(points))
    values.update(seed.compute(session, period))
    at = next(i for i, t in enumerate(tables) if t.key == "measures") + 1
    tables.insert(at, forms_table(values, period))
    chosen = typical.for_period(session, period) if typical_cases is None else typical_cases
    values["typical_published"] = typical.published_counts(session, period.ranges)
    for number, table in enumerate(tables, start=1):
        table.title = _renumber(table.title, number)
    missing = [code for code in registry.BY_CODE if code not in values]
    if missing:
        raise RuntimeError(f"registry figures not computed: {missing}")
    key = {"overdue": values["overdue"][0], "supervised_open": values["supervised_open"][0]}
    return Figures(week=period.key, label=period.label(), start=period.start.isoformat(),
                   end=period.end.isoformat(), ytd_start=period.ytd_start.isoformat(), key=key,
                   tables=tables, typical_cases=chosen[:typical_limit] if typical_limit else [], trend=points,
                   not_covered=seed.not_covered(session), period=period.describe(), values=values)


def figures_json(figures: Figures) -> bytes:
    """figures.json: the period and every registry figure (name, unit, value, cumulative value),
    in a stable order, so anyone can check a published bulletin against the data."""
    import json

    body = {"period": figures.period,
            "figures": {f.code: {"name": f.name, "unit": f.unit, "value": figures.values[f.code][0],
                                 "cumulative": figures.values[f.code][1]}
                        for f in registry.FIGURES}}
    return (json.dumps(body, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _renumber(title: str, number: int) -> str:
    """'表7 …' or '表{n} …' → '表<number> …' so tables are numbered in the order they appear."""
    head, _, rest = title.partition(" ")
    return f"表{number} {rest}" if head.startswith("表") else title
