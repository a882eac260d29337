"""A simulated clock for the demo: the real domain functions run as if at past moments.

The workflow stamps every step with `models.base.utcnow()` (the only clock the models use). To
give the demo county a believable past (cases assigned the day after the call, closed weeks
later, last Monday's bulletin built last Monday) the demo plays its history in time order and
moves that clock to each step's moment, through `models.base.clock_override` (a context
variable: other threads and requests keep real time). Nothing outside the demo loader uses this.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import models.base


class SimulatedClock:
    """The moment `models.base.utcnow()` returns while the clock is installed (None: real time)."""

    def __init__(self) -> None:
        self.at: dt.datetime | None = None

    def set(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("naive datetime refused")
        self.at = moment.astimezone(dt.timezone.utc)


@contextlib.contextmanager
def simulated() -> Iterator[SimulatedClock]:
    """Move models.base.utcnow() to the clock's moment while the block runs (real time until set)."""
    clock = SimulatedClock()

    def now() -> dt.datetime:
        return clock.at if clock.at is not None else dt.datetime.now(dt.timezone.utc)

    with models.base.clock_override(now):
        yield clock
