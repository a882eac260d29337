"""Shared column types and helpers for every table."""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
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


def new_row(model: type, **values: Any) -> Any:
    """A new (transient) instance of a table model: the same object `model(**values)` builds, in a
    tenth of the time.

    SQLModel's constructor sets every field, defaults included, through SQLAlchemy's and pydantic's
    attribute machinery (about 20 instrumented assignments a row); a webhook's intake builds six rows
    and that was a tenth of the request (docs/benchmarks-throughput.md). A new object has no history
    for that machinery to keep: the INSERT reads the values from the instance's `__dict__` either way,
    so they are put there directly, with the fields' defaults, as the constructor would.
    tests/test_new_row.py holds the two equal for every table model."""
    names, defaults = _fields(model)
    if not names.issuperset(values):
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(set(values) - names))}")
    instance = model._sa_class_manager.new_instance()
    state = instance.__dict__
    for name, default, factory in defaults:
        if name not in values:
            state[name] = factory() if factory is not None else default
    state.update(values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


@functools.lru_cache(maxsize=None)
def _fields(model: type) -> tuple[frozenset[str], tuple[tuple[str, Any, Callable[[], Any] | None], ...]]:
    """The model's field names, and (name, default, default factory) of every field with a default;
    mappers configured first, as the constructor's first call would."""
    from pydantic_core import PydanticUndefined

    sa.orm.configure_mappers()
    if getattr(model, "__sqlmodel_relationships__", None) or model.model_config.get("extra") == "allow":
        raise TypeError(f"new_row does not build {model.__name__}: relationships or extra fields")
    defaults = []
    for name, field in model.model_fields.items():
        if field.default_factory is None and field.default is PydanticUndefined:
            continue  # required: the constructor leaves it unset too
        if field.default_factory is None and isinstance(field.default, _SHARED_DEFAULTS):
            defaults.append((name, field.default, None))
        else:  # a factory, or a mutable default (a list, a dict) pydantic copies for each instance
            defaults.append((name, None, functools.partial(field.get_default, call_default_factory=True)))
    return frozenset(model.model_fields), tuple(defaults)


# Defaults every instance may share, as pydantic's own copy would leave them shared.
_SHARED_DEFAULTS = (type(None), str, bytes, int, float, bool, enum.Enum, decimal.Decimal, dt.date, dt.time,
                    dt.timedelta, tuple, frozenset)
