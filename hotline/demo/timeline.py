"""Steps at past moments, played in time order under the simulated clock.

Each step runs in a savepoint: a step the workflow refuses is rolled back, noted in `problems`,
and the rest of its story (the later steps of the same case) is dropped. Steps planned after
`now` are not played: a young case simply has not got that far yet.
"""
from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session

from hotline import settings
from hotline.demo.clock import SimulatedClock

log = logging.getLogger(__name__)
COMMIT_EVERY = 250


class Story:
    """The steps of one case (or one thread of events): a refused step ends it."""

    def __init__(self, name: str):
        self.name = name
        self.broken = False


@dataclass(order=True)
class Step:
    at: dt.datetime
    seq: int
    label: str = field(compare=False)
    run: Callable[[], None] = field(compare=False)
    story: Story | None = field(compare=False, default=None)


class Timeline:
    def __init__(self, session: Session, clock: SimulatedClock, now: dt.datetime):
        self.session, self.clock, self.now = session, clock, now
        self._heap: list[Step] = []
        self._seq = itertools.count()
        self.played = 0
        self.problems: list[str] = []

    def add(self, at: dt.datetime, label: str, run: Callable[[], None], story: Story | None = None) -> None:
        heapq.heappush(self._heap, Step(at, next(self._seq), label, run, story))

    def play(self) -> None:
        """Run every step up to `now`, earliest first (steps may add later steps)."""
        while self._heap:
            step = heapq.heappop(self._heap)
            if step.at > self.now or (step.story is not None and step.story.broken):
                continue
            self.clock.set(step.at)
            try:
                with self.session.begin_nested():
                    step.run()
            except Exception as exc:  # a demo step refused: keep the rest of the county
                where = f"{step.story.name}: " if step.story else ""
                self.problems.append(f"{where}{step.label}: {type(exc).__name__}: {exc}")
                log.warning("demo step refused: %s%s: %s", where, step.label, exc)
                if step.story is not None:
                    step.story.broken = True
            self.played += 1
            if self.played % COMMIT_EVERY == 0:
                self.session.commit()
        self.session.commit()


def zone() -> ZoneInfo:
    """The county's zone: the demo's days and office hours are local days and hours (TIMEZONE)."""
    return ZoneInfo(settings.current().TIMEZONE)


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(zone())


def at_local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone()).astimezone(dt.timezone.utc)


def office_time(cal, start: dt.datetime, days: int, rng, *, earliest_hour: int = 9) -> dt.datetime:
    """A moment in office hours, `days` working days after `start` (0: later that day, or the next
    working day when `start` is after hours or not a working day)."""
    start_local = local(start)
    if days <= 0:
        if cal.is_workday(start_local.date()) and start_local.hour < 16:
            later = start + dt.timedelta(minutes=rng.randint(20, 150))
            if local(later).hour < 18:
                return later
        days = 1
    day = local(cal.add_working_days(start, days)).date()
    return at_local(day, rng.randint(earliest_hour, 16), rng.randint(0, 59))
