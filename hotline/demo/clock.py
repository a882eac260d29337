"""A simulated clock for the demo: the real domain functions run as if at past moments.

The workflow stamps every step with `models.base.utcnow()` (the only clock the models use). To
give the demo county a believable past (cases assigned the day after the call, closed weeks
later, last Monday's bulletin built last Monday) the demo plays its history in time order and
moves that clock to each step's moment. Nothing outside the demo loader uses this.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import types
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
    """Install a simulated clock for models.base.utcnow() (single-threaded callers: the demo command)."""
    clock = SimulatedClock()
    real = models.base.dt

    class _DateTime(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001 - the signature of datetime.now
            if clock.at is None:
                return dt.datetime.now(tz)
            return clock.at if tz is None or tz is dt.timezone.utc else clock.at.astimezone(tz)

    shim = types.SimpleNamespace(**{name: getattr(dt, name) for name in dir(dt) if not name.startswith("__")})
    shim.datetime = _DateTime
    models.base.dt = shim
    try:
        yield clock
    finally:
        models.base.dt = real
