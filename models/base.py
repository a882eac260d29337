"""Shared column types and helpers for every table."""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator


# A replacement clock for the current context (the demo plays a county's past with it).
_clock: ContextVar[Callable[[], dt.datetime] | None] = ContextVar("hotline_clock", default=None)


def utcnow() -> dt.datetime:
    """Now, timezone-aware in UTC: the only clock the models and the workflow use."""
    override = _clock.get()
    return override() if override is not None else dt.datetime.now(dt.timezone.utc)


@contextmanager
def clock_override(now: Callable[[], dt.datetime]) -> Iterator[None]:
    """Within the block, utcnow() answers `now()` (in this context only: other threads keep real time)."""
    token = _clock.set(now)
    try:
        yield
    finally:
        _clock.reset(token)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    PostgreSQL keeps the zone (timestamptz); SQLite has no zone type, so values
    are normalised to UTC before writing and tagged as UTC when read back.
    Naive datetimes are refused: they are a bug waiting to show up in a report.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused; use models.base.utcnow()")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def utc_column(*, nullable: bool = False, index: bool = False, default: bool = True) -> sa.Column:
    """A UTC timestamp column, by default filled with the time of insertion."""
    return sa.Column(
        UTCDateTime(), nullable=nullable, index=index, default=utcnow if default else None
    )


class JSONType(TypeDecorator):
    """JSON, stored as JSONB on PostgreSQL (indexable, compact) and as text on SQLite."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Any):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.JSONB())
        return dialect.type_descriptor(sa.JSON())


def code_type(length: int) -> sa.types.TypeEngine:
    """A code compared byte for byte (ID numbers, household numbers, name keys).

    On PostgreSQL the column takes the "C" collation: equality is the same as under any other,
    but its index over millions of rows sorts with memcmp and abbreviated keys (a roll import
    rebuilds it: 25–50 % faster than under C.UTF-8 here), and LIKE 'prefix%' can use it.
    """
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def json_column(*, nullable: bool = True) -> sa.Column:
    """A JSON column (JSONB on PostgreSQL)."""
    return sa.Column(JSONType(), nullable=nullable)


class LabelledEnum(str, enum.Enum):
    """A stored vocabulary: each member's value is what the database holds, its ``label`` the
    Chinese the screens, exports and bulletins show. Members are written ``name = "value", "标签"``,
    so a label can no longer be missing or fall out of step with the members."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict:
        """{member: label}, in member order (for choices, and for lookups by a stored string)."""
        return {member: member.label for member in cls}


def enum_column(enum_cls: type, *, nullable: bool = False, index: bool = False,
                default: Any = None) -> sa.Column:
    """A string column holding an Enum's value: no native PostgreSQL enum types,
    so adding a member never needs an ALTER TYPE migration."""
    return sa.Column(
        sa.Enum(enum_cls, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e],
                validate_strings=True),
        nullable=nullable, index=index, default=default,
    )
