"""The bulletin's query toolkit: one grouped scan per table answers many figures at once.

`tally` counts (or sums, or counts distinct values) over several timestamp ranges in a single
GROUP BY; `count_in_ranges` is its one-family form. `in_span` and `unindexed` keep SQLite's
planner on the timestamp's range (see below). Used by figures.py, case_figures.py and dashboard.py.
"""
from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import Session


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


def tally(session: Session, tallies: list[Tally], *, group=None, where=(), source=None) -> dict:
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
    if source is not None:  # a join (e.g. to the merge times)
        stmt = stmt.select_from(source)
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
