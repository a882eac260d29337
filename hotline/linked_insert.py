"""New rows that refer to each other's new ids, inserted in one statement.

A webhook's intake writes up to six rows (sealed identity, complaint, contact, audit entry, job,
the SMS itself), each later one naming an earlier one's new id. Through the ORM that was six
INSERTs, six round trips and five flushes: most of what the request cost
(docs/benchmarks-throughput.md). On PostgreSQL they go in as one statement of data-modifying CTEs,

    WITH new_complaint AS (INSERT INTO complaint (...) VALUES (...) RETURNING id),
         new_contact AS (INSERT INTO contact (..., complaint_id)
                         VALUES (..., (SELECT id FROM new_complaint)) RETURNING id)
    SELECT (SELECT id FROM new_complaint), (SELECT id FROM new_contact)

one round trip (PostgreSQL checks the foreign keys at the statement's end, when all rows exist);
elsewhere (SQLite) as one INSERT … RETURNING each, with the same values. A unique constraint
refuses either the same way (IntegrityError), so callers handle a repeat as before.

`Unless` makes the insert conditional on a look-up: on PostgreSQL the look-up is one more CTE, and
every INSERT selects its values FROM `go`, a CTE with a row only when the look-up found no value,
so "look up, and insert if nothing is found" is still one round trip (an SMS report is looked up as a possible further part
of its sender's last report; as a separate query it was one more round trip per report). When the
look-up finds a row, nothing is inserted and `Found` carries its value.

The rows are ORM objects, built with their models' defaults (the columns' Python-side defaults,
a timestamp filled at insertion, are given to the object first); afterwards each is in the session
as if loaded, with its id, so the caller goes on with ORM objects. Columns left to a server-side
default are expired and load when first read.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel

_INSERTED = "linked_insert.rows"


@dataclass(frozen=True)
class Ref:
    """The new id of an earlier row in the same insert, by that row's name."""

    row: str
    text: bool = False  # as a string (an audit entry's entity_id)


@dataclass
class NewRow:
    """One object to insert. `refs` maps a column to the Ref it takes, or (a JSON column) to a
    dict whose values may be Refs — its other values as they are."""

    name: str
    obj: SQLModel
    refs: Mapping[str, Ref | Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Unless:
    """Insert nothing if `query` (a one-column SELECT, built once: statements are cached by it)
    returns a row that is not NULL; `params` are its bound values."""

    query: sa.Select
    params: Mapping[str, Any]


class Found(Exception):
    """The `Unless` look-up found a row: nothing was inserted. `value` is what it found."""

    def __init__(self, value: Any):
        super().__init__(value)
        self.value = value


_GUARD = "unless_found"


def insert(session: Session, rows: Sequence[NewRow], *, unless: Unless | None = None) -> None:
    """Insert `rows` in their order, each Ref resolved to the id its row received; with `unless`,
    only when its look-up finds nothing (else raise Found: nothing written, no row in the session,
    though the objects may have had their Python-side defaults filled)."""
    session.flush()  # anything pending goes first, as an ORM flush would have ordered it
    prepared = [_prepare(row.obj) for row in rows]
    values = [row_values for row_values, _ in prepared]
    # On the session's connection, in its transaction: Core statements need none of the ORM's
    # execution machinery (a twentieth of the webhook's request went there).
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        ids = _one_statement(connection, rows, values, unless)
    else:
        ids = _one_by_one(connection, rows, values, unless)
    for row, (_, defaulted) in zip(rows, prepared):
        _hold(row.obj, "id", ids[row.name])
        for column, ref in row.refs.items():  # the object holds what the row holds
            _hold(row.obj, column, _resolved(ref, ids))
        make_transient_to_detached(row.obj)
        session.add(row.obj)  # persistent, as if loaded: no second INSERT
        if defaulted:
            session.expire(row.obj, defaulted)
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_INSERTED, []).extend((transaction, row.obj) for row in rows)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction) -> None:
    """Objects the ORM flushed itself leave the session when their transaction rolls back; these
    it took for loaded rows, so they are expunged here — else a retry in the same session (the
    webhook's, after a unique constraint's refusal) could meet a stale object under a reused id."""
    kept = []
    for transaction, obj in session.info.pop(_INSERTED, ()):
        if _within(transaction, previous_transaction):
            if obj in session:
                session.expunge(obj)
        else:
            kept.append((transaction, obj))
    if kept:
        session.info[_INSERTED] = kept


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    if not session.in_nested_transaction():  # a released savepoint's rows await the real commit
        session.info.pop(_INSERTED, None)


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _table(obj: SQLModel) -> sa.Table:
    return type(obj).__table__


@dataclass(frozen=True)
class _Column:
    key: str
    default: Any  # a Python-side scalar or callable default, or None
    server_default: bool
    json: bool


@functools.lru_cache(maxsize=None)
def _columns(model: type) -> tuple[_Column, ...]:
    """What the insert needs to know of a model's columns (all but the primary key), worked out
    once per model rather than for every row."""
    return tuple(_Column(column.key, column.default if column.default is not None and (
                            column.default.is_scalar or column.default.is_callable) else None,
                         column.server_default is not None, _json(column))
                 for column in model.__table__.columns if not column.primary_key)


def _prepare(obj: SQLModel) -> tuple[dict[str, Any], list[str]]:
    """The row's values, and the columns left to a server-side default (to expire once inserted).

    A column's Python-side default (a timestamp filled at insertion) is given to the object first,
    as the ORM would at the INSERT (a statement of several INSERTs cannot have SQLAlchemy fill
    them). The Nones that mean SQL NULL are left out: a column left out gets NULL — what None
    stands for once the defaults are filled — or its server default; and a statement without them
    stays short enough, with few enough parameters, for psycopg to cache its conversion
    (psycopg._queries: 4,096 bytes, 50 parameters; the intake's had 67, 22 of them NULL, and was
    converted again at every execution). A JSON column's None is JSON null, as the ORM writes it,
    so it stays."""
    state, values, left = obj.__dict__, {}, []
    for column in _columns(type(obj)):
        value = state[column.key] if column.key in state else getattr(obj, column.key)
        if value is None and column.default is not None:
            value = column.default.arg if column.default.is_scalar else column.default.arg(None)
            _hold(obj, column.key, value)
        elif value is None and column.server_default:
            left.append(column.key)
        if value is not None or column.json:
            values[column.key] = value
    if state.get("id") is not None:  # an id the caller chose (every table's key is `id`)
        values["id"] = state["id"]
    return values, left


def _hold(obj: SQLModel, key: str, value: Any) -> None:
    """Give a not yet attached object a value the row holds. Straight into its state: the object is
    about to become a loaded row (make_transient_to_detached resets every attribute's history), so
    the instrumented assignment's bookkeeping would be thrown away — it cost five assignments a
    twentieth of the request."""
    obj.__dict__[key] = value
    obj.__pydantic_fields_set__.add(key)


def _json(column: sa.Column) -> bool:
    kind = column.type
    return isinstance(getattr(kind, "impl_instance", kind), sa.JSON)


def _one_statement(connection: sa.Connection, rows: Sequence[NewRow], values: Sequence[dict],
                   unless: Unless | None = None) -> dict[str, int]:
    """One statement of CTEs. It is built once for each shape (which rows, which columns, which
    links) and executed with bound values: building it anew for every intake cost more than the
    round trips it saves."""
    shape, bound = [], {}
    for row, row_values in zip(rows, values):
        own = {column: value for column, value in row_values.items() if column not in row.refs}
        bound.update({(row.name, column, None): value for column, value in own.items()})
        links = []
        for column, ref in row.refs.items():
            if isinstance(ref, Ref):
                links.append((column, ref))
                continue
            links.append((column, tuple((key, value if isinstance(value, Ref) else type(value))
                                        for key, value in ref.items())))
            bound.update({(row.name, column, key): value for key, value in ref.items() if not isinstance(value, Ref)})
        shape.append((row.name, type(row.obj), tuple(own), tuple(links)))
    shape = tuple(shape)
    names = _param_names(shape)
    params = {names[key]: value for key, value in bound.items()}
    if unless is not None:
        clash = params.keys() & unless.params.keys()
        assert not clash, f"look-up parameters named like the rows' own: {sorted(clash)}"
        params.update(unless.params)
    ids = dict(connection.execute(_statement(shape, unless and unless.query), params).one()._mapping)
    found = ids.pop(_GUARD, None)
    if found is not None:
        raise Found(found)
    return ids


_JSON_TYPES = {str: sa.String, bool: sa.Boolean, int: sa.Integer, float: sa.Float}


@functools.lru_cache(maxsize=64)
def _param_names(shape: tuple) -> dict[tuple[str, str, str | None], str]:
    """The bound parameter of each row's column (row, column, None) or of a key of its JSON column
    (row, column, key): one naming for the statement built once and the values bound at every
    execution. Short (p0, p1, …): descriptive names made the guarded intake statement too long
    for psycopg to cache its conversion (tests/telephony/test_sms_parts.py)."""
    keys = []
    for name, _model, columns, links in shape:
        keys += [(name, column, None) for column in columns]
        keys += [(name, column, key) for column, link in links if not isinstance(link, Ref)
                 for key, kind in link if not isinstance(kind, Ref)]
    return {key: f"p{n}" for n, key in enumerate(keys)}


@functools.lru_cache(maxsize=64)
def _statement(shape: tuple, unless: sa.Select | None = None) -> sa.Select:
    ctes: dict[str, sa.CTE] = {}
    go = None
    if unless is not None:  # one row when the look-up found no value (a row of NULL is nothing found, as on SQLite)
        guard = unless.cte(_GUARD)
        go = sa.select(sa.literal_column("1")).where(~sa.exists(guard.select().where(guard.c[0].is_not(None)))).cte("go")

    def resolve(ref: Ref):
        value = sa.select(ctes[ref.row].c.id).scalar_subquery()
        return sa.cast(value, sa.String) if ref.text else value

    names = _param_names(shape)
    for name, model, columns, links in shape:
        table = model.__table__
        values = {column: sa.bindparam(names[name, column, None], type_=table.c[column].type) for column in columns}
        for column, link in links:
            if isinstance(link, Ref):
                values[column] = resolve(link)
                continue
            pairs = []  # a JSON column built in the statement: jsonb_build_object(key, value, ...)
            for key, kind in link:
                value = resolve(kind) if isinstance(kind, Ref) else (
                    sa.bindparam(names[name, column, key], type_=_JSON_TYPES.get(kind, sa.String)()))
                pairs += [sa.literal_column("'" + key.replace("'", "''") + "'", sa.String), value]
            values[column] = sa.func.jsonb_build_object(*pairs)
        if go is None:
            insert = sa.insert(table).values(**values)
        else:  # the same values, selected from `go`: a row only when the look-up found nothing
            insert = sa.insert(table).from_select(list(values), sa.select(*values.values()).select_from(go))
        ctes[name] = insert.returning(table.c.id).cte(f"new_{name}")
    columns = [sa.select(cte.c.id).scalar_subquery().label(name) for name, cte in ctes.items()]
    if unless is not None:
        columns.append(sa.select(*guard.c).scalar_subquery().label(_GUARD))
    return sa.select(*columns)


def _resolved(ref: Ref | Mapping[str, Any], ids: Mapping[str, int]):
    """A Ref (or a JSON template's Refs) as the Python value of the id it stands for."""
    if isinstance(ref, Ref):
        return str(ids[ref.row]) if ref.text else ids[ref.row]
    return {key: _resolved(value, ids) if isinstance(value, Ref) else value for key, value in ref.items()}


def _one_by_one(connection: sa.Connection, rows: Sequence[NewRow], values: Sequence[dict],
                unless: Unless | None = None) -> dict[str, int]:
    if unless is not None and (found := connection.execute(unless.query, unless.params).scalar()) is not None:
        raise Found(found)
    ids: dict[str, int] = {}
    for row, row_values in zip(rows, values):
        row_values = {**row_values, **{column: _resolved(ref, ids) for column, ref in row.refs.items()}}
        table = _table(row.obj)
        ids[row.name] = connection.execute(sa.insert(table).values(**row_values).returning(table.c.id)).scalar_one()
    return ids
