"""The dashboard's figures: this week's cards, last week's rates and the 12-week trend, nothing more.

Computed with the bulletin's own functions (so each card equals the figure of the same name in
`figures.compute`) but over the weeks the page shows only: no year-to-date columns, no tables it
does not show; one scan per table, each over a range of at most twelve weeks.
The trend chart is drawn once per distinct series and kept in a small in-process cache.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlmodel import Session

from hotline.bulletins import case_figures, facts
from hotline.bulletins.figures import clue_counts, trend_points, trend_table, trend_weeks
from hotline.bulletins.periods import Period
from hotline.bulletins.queries import Tally, tally, totals
from hotline.bulletins.tables import Table, rate
from hotline.bulletins.weeks import IsoWeek
from models.contacts import Contact

RATE_KEYS = ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate")


@dataclass(frozen=True)
class _Ranges:
    """Stands in for a Period where a function reads only `.ranges`."""

    ranges: list


@dataclass
class Dashboard:
    week: str
    label: str
    current: dict  # this week so far: contacts, clues, cases_opened, cases_closed, overdue, supervised_open
    previous: dict  # last week complete: the same counts and the four rates
    trend: list[dict] = field(default_factory=list)

    @property
    def trend_table(self) -> Table:
        return trend_table(self.trend)

    @property
    def trend_key(self) -> str:
        """A short digest of the trend series: names the chart image drawn from it."""
        return series_key(self.trend)


def series_key(points: list[dict]) -> str:
    return hashlib.sha256(json.dumps(points, sort_keys=True).encode()).hexdigest()[:20]


def compute(session: Session, *, now: dt.datetime, zone: str) -> Dashboard:
    """The dashboard at `now`: this week up to now, last week whole, the 12 weeks ending with this one."""
    this_week = IsoWeek.containing(now, zone)
    current = Period.of(this_week, zone, now)
    last = Period.of(this_week.previous(), zone)
    both = _Ranges([(last.start, last.end), (current.start, current.end)])  # index 0 last week, 1 this week
    series, ranges = trend_weeks(current)

    contacts = tally(session, [Tally("cards", Contact.received_at, tuple(both.ranges)),
                               Tally("trend", Contact.received_at, ranges)])
    clues = clue_counts(session, both.ranges, ranges, detail=False)
    cases = case_figures.case_counts(session, both.ranges, ranges)
    events = case_figures.event_counts(session, both.ranges)
    contact_cards, clue_cards = totals(contacts, "cards", 2), clues.total

    # "year" columns = the week: the same functions as the bulletin's over last week alone
    week_only = Period("week", str(last.week), last.start, last.end, last.start, zone, last.end, "", last.week)
    resolved = facts.resolved_closings(session, both.ranges, current.end)
    parts = case_figures.rate_parts(case_figures.deadline_stats(session, week_only), {"closed": events["closed"][:2]},
                                resolved, case_figures.visit_counts(session, both.ranges))
    rates = {code: rate(num[0], den[0]) for code, (num, den) in parts.items()}
    overdue, _by_office = case_figures.overdue_at(session, current.end)
    _supervised, point = case_figures.supervised(session, current)
    still_open = point["supervised_open"]

    def cards(i: int) -> dict:
        return {"contacts": contact_cards[i], "clues": clue_cards[i],
                "cases_opened": cases["opened"][i], "cases_closed": events["closed"][i]}

    points = trend_points(series, totals(contacts, "trend", len(series)), clues.trend,
                          cases["trend_opened"], case_figures.closings(session, ranges))
    return Dashboard(week=str(this_week), label=this_week.label(),
                     current={**cards(1), "overdue": overdue, "supervised_open": still_open},
                     previous={**cards(0), **{k: rates[k] for k in RATE_KEYS}}, trend=points)


class ChartCache:
    """The last few trend charts drawn, by series digest (a bounded LRU shared by the process's threads)."""

    def __init__(self, size: int = 8):
        self.size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            image = self._items.get(key)
            if image is not None:
                self._items.move_to_end(key)
            return image

    def put(self, key: str, image: bytes) -> None:
        with self._lock:
            self._items[key] = image
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


TREND_CHARTS = ChartCache()
