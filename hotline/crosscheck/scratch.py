"""A rules run's scratch tables and planner settings (PostgreSQL and SQLite alike).

On PostgreSQL the scratch tables are UNLOGGED tables created and dropped inside the run's
transaction (never seen by any other session; a failed run rolls them back), not TEMPORARY ones:
a query that touches a temporary table cannot use parallel workers. SQLite gets TEMPORARY tables.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import Session


def bulk_insert(session: Session, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows into a (temporary) table: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        with cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def scratch_table(connection: sa.Connection) -> str:
    """How a rules run creates a scratch table (see `hotline.crosscheck.rules`): UNLOGGED on
    PostgreSQL, so that queries over it may use parallel workers; TEMPORARY elsewhere."""
    return "CREATE UNLOGGED TABLE" if connection.dialect.name == "postgresql" else "CREATE TEMPORARY TABLE"


def create_scratch_table(connection: sa.Connection, name: str, columns: dict[str, str]) -> None:
    """An empty scratch table `name` ({column: SQL type}), replacing one of that name."""
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    connection.exec_driver_sql(f"{scratch_table(connection)} {name} "
                               f"({', '.join(f'{c} {t}' for c, t in columns.items())})")


def fill_scratch_table(session: Session, name: str, columns: dict[str, str], rows: list[tuple], *,
                       index: str | None = None) -> None:
    """A scratch table `name` ({column: SQL type}) holding `rows`, analysed on PostgreSQL.

    `index`: a column to index as well (SQLite joins by nested loops and needs it).
    """
    conn = session.connection()
    create_scratch_table(conn, name, columns)
    bulk_insert(session, name, tuple(columns), rows)
    if index:
        conn.exec_driver_sql(f"CREATE INDEX {name}_{index} ON {name} ({index})")
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {name}")


@contextmanager
def planner(connection: sa.Connection, **settings: str) -> Iterator[None]:
    """PostgreSQL planner settings for the statements run inside, the previous values back
    afterwards (no-op elsewhere)."""
    if connection.dialect.name != "postgresql":
        yield
        return
    previous = {name: connection.exec_driver_sql(f"SHOW {name}").scalar() for name in settings}
    for name, value in settings.items():
        connection.exec_driver_sql(f"SET LOCAL {name} = {value}")
    try:
        yield
    finally:
        for name, value in previous.items():
            connection.exec_driver_sql(f"SET LOCAL {name} = '{value}'")
