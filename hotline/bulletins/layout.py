"""The bulletin's text: numbered sections, each with its sentences, tables and charts.

The Word document and the HTML view both lay out these sections, so they say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hotline.bulletins.tables import Figures, Table, show, MONEY

NUMERALS = "一二三四五六七八九十"


@dataclass
class Section:
    heading: str  # without its number
    paragraphs: list[str]
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)

    def numbered(self, index: int) -> str:
        return f"{NUMERALS[index]}、{self.heading}"


def title(figures: Figures) -> str:
    period = figures.period or {}
    if period.get("kind", "week") == "week" and "-W" in figures.week:
        year, week = figures.week.split("-W")
        name = f"{year}年第{int(week)}周"
    else:
        name = (period.get("label") or figures.label).split("（截至")[0]
    if figures.interim:
        return f"{name}扶贫领域投诉举报受理办理情况（阶段性统计，{period.get('cut_label')}）"
    return f"关于{name}扶贫领域投诉举报受理办理情况的通报"


def _now(figures: Figures) -> str:
    return (figures.period or {}).get("current", "本周")


def _end(figures: Figures) -> str:
    """'本周末' for a whole period, '截至…' for an interim report."""
    period = figures.period or {}
    return period.get("cut_label") or f"{_now(figures)}末"


def _top(table: Table, column: int, count: int = 3) -> str:
    rows = [row for row in table.rows if row[0] != "合计" and row[column]]
    rows.sort(key=lambda row: -row[column])
    return "、".join(f"{row[0]}{row[column]}件" for row in rows[:count]) or "无"


def _maybe(figures: Figures, key: str) -> Table | None:
    return next((t for t in figures.tables if t.key == key), None)


def _contacts(figures: Figures) -> Section:
    table = figures.table("channels")
    total = table.row("合计")
    text = (f"{_now(figures)}共受理来电来信{total[1]}件，其中{_top(table, 1, 4)}；本年累计{total[3]}件。"
            + (table.note or ""))
    return Section("来电来信受理情况", [text], [table], ["channels"])


def _clues(figures: Figures) -> Section:
    sources, types, programs, towns = (figures.table(k) for k in ("sources", "problem_types", "programs",
                                                                   "townships"))
    text = (f"{_now(figures)}登记问题线索{figures.value('clues')}件（各种来源，重复举报已并单的不重复计算），"
            f"本年累计{figures.value('clues', 1)}件。按来源，{_top(sources, 1)}；"
            f"按问题类型，{_now(figures)}居前的是{_top(types, 1)}；按领域，{_top(programs, 1)}；"
            f"按乡镇，{_top(towns, 1)}。")
    return Section("问题线索分布情况", [text], [sources, types, programs, towns], ["problem_types", "programs"])


def _cases(figures: Figures) -> Section:
    tables = [t for t in (_maybe(figures, k) for k in ("cases", "rates", "offices")) if t]
    now = _now(figures)
    text = (f"{now}新受理案件{figures.value('cases_opened')}件，查处{figures.value('substantiated')}件，"
            f"办结{figures.value('cases_closed')}件；{_end(figures)}，逾期未办结{figures.value('overdue')}件。")
    paragraphs = [text]
    rates = _maybe(figures, "rates")
    if rates:
        parts = [f"{row[0]}{show(row[3], 'rate')}" for row in rates.rows]
        paragraphs.append(now + "，".join(parts) + "（口径见附注）。")
    return Section("案件办理情况", paragraphs, tables)


def _supervision(figures: Figures) -> Section:
    table = figures.table("supervised")
    text = (f"{_now(figures)}处于挂牌督办的案件共{figures.value('supervised')}件，"
            f"{_end(figures)}尚未办结{figures.value('supervised_open')}件。")
    return Section("挂牌督办情况", [text], [table] if table.rows else [])


def _handling(figures: Figures) -> Section | None:
    measures, recovered = _maybe(figures, "measures"), _maybe(figures, "recovered")
    if not measures and not recovered:
        return None
    paragraphs = []
    if measures:
        total = measures.row("合计")
        paragraphs.append(f"{_now(figures)}登记处理措施{total[1]}人次，本年累计{total[2]}人次。")
    if recovered:
        row = recovered.rows[0]
        paragraphs.append(f"{_now(figures)}追缴、退还资金{show(row[1], MONEY)}元，本年累计{show(row[2], MONEY)}元。")
    return Section("问责处理和资金追缴情况", paragraphs, [t for t in (measures, recovered) if t])


def _crosscheck(figures: Figures) -> Section | None:
    table = _maybe(figures, "findings")
    if not table:
        return None
    total = table.row("合计")
    text = f"{_now(figures)}大数据比对发现疑点{total[1]}条，本年累计{total[2]}条。疑点须经核查，不等于问题定性。"
    return Section("大数据比对情况", [text], [table])


def _typical(figures: Figures) -> Section | None:
    if not figures.typical_cases:
        return None
    paragraphs = [f"{i}. {case['summary']}" for i, case in enumerate(figures.typical_cases, start=1)]
    return Section("典型案例", paragraphs)


def _trend(figures: Figures) -> Section:
    table = figures.table("trend")
    return Section("近期趋势", [f"近{len(table.rows)}周来电来信、问题线索和案件办理趋势如下。"], [table], ["trend"])


def _overall(figures: Figures) -> Section:
    """The seed's sentence, from the registry's values."""
    from hotline.bulletins import seed

    period = figures.period or {}
    names = type("Names", (), {"title": period.get("title", ""), "current": _now(figures),
                               "cumulative": period.get("cumulative", "本年累计")})
    paragraphs = [seed.sentence(figures.values, names)]
    if period.get("kind") != "year" and not period.get("title"):
        paragraphs.append(seed.sentence(figures.values, names, column=1))
    return Section("总体情况", paragraphs)


def _corrections(figures: Figures) -> Section | None:
    if not figures.corrections:
        return None
    paragraphs = [f"{c['original_number']}（{c['original_issued']}印发）{c['figure_name'] + '：' if c['figure_name'] else ''}"
                  f"{c['text']}特此更正。" for c in figures.corrections]
    return Section("更正", paragraphs)


def sections(figures: Figures) -> list[Section]:
    """The bulletin's sections in order; those with nothing to report are left out."""
    built = [_overall(figures), _contacts(figures), _clues(figures), _cases(figures), _supervision(figures),
             _handling(figures), _crosscheck(figures), _typical(figures), _trend(figures), _corrections(figures)]
    return [s for s in built if s is not None]


def closing_notes(figures: Figures) -> list[str]:
    """Footnotes: what the figures mean, and what this build could not cover."""
    notes = ["统计时间按北京时间；周通报的本年累计为本年第1周至本周合计，各周数据相加等于本年累计。"
             "各项数据按事项发生的时间计入当期，此后的变化（如重新办理、改变结论）计入其发生的期间，已发布的数据不再变动。",
             "各项指标的定义见figures.json及系统文档《统计通报说明》；响应率、解决率、满意率、按期办理率、退单率分母为0时记“—”。"]
    if figures.interim:
        notes.insert(0, f"本件为阶段性统计（{(figures.period or {}).get('cut_label')}），只计已到期的期限，不是正式通报。")
    notes.extend(f"暂未统计：{item}" for item in figures.not_covered)
    return notes
