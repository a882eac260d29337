"""Setting a table's indexes and foreign keys aside while many rows go in, inside one transaction.

Maintaining half a dozen indexes and a foreign-key trigger row by row costs more than building the
indexes once and validating each foreign key with one join afterwards. Both the drop and the
restore are part of the caller's transaction, so a failure in between rolls back the drop as well.
While set aside, the table is locked against readers (ACCESS EXCLUSIVE) until the commit.
"""
from __future__ import annotations

import sqlalchemy as sa


class IndexHold:
    """The secondary indexes (and on PostgreSQL the foreign keys) of one table, dropped until `restore`."""

    def __init__(self, connection: sa.Connection, table: sa.Table, keep: tuple[str, ...] = ()):
        """`keep`: columns whose indexes stay (e.g. one value for every row of the load: appending
        to one place of the index costs less than sorting all of it again)."""
        self.connection, self.table, self.keep = connection, table, set(keep)
        self.postgres = connection.dialect.name == "postgresql"
        self.indexes: list[sa.Index] = []
        self.foreign_keys: list[tuple[str, str]] = []  # (name, definition) as PostgreSQL holds them

    @property
    def active(self) -> bool:
        return bool(self.indexes or self.foreign_keys)

    def drop_if_worth_it(self, incoming: int) -> bool:
        """Drop when the table holds at most four times the rows coming in (else rebuilding costs more)."""
        if self.active or self.rows() > 4 * incoming:
            return False
        self.indexes = [index for index in self.table.indexes
                        if not {column.name for column in index.columns} <= self.keep]
        for index in self.indexes:
            index.drop(self.connection)
        if self.postgres:
            # Re-created from its own definition under its own name, whatever the migration called it.
            self.foreign_keys = [tuple(row) for row in self.connection.exec_driver_sql(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %(t)s::regclass AND contype = 'f'", {"t": self.table.name})]
            for name, _definition in self.foreign_keys:
                self.connection.exec_driver_sql(f'ALTER TABLE {self.table.name} DROP CONSTRAINT "{name}"')
        return True

    def restore(self) -> None:
        if self.postgres and self.indexes:
            self.connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        for index in self.indexes:
            index.create(self.connection)
        for name, definition in self.foreign_keys:
            self.connection.exec_driver_sql(f'ALTER TABLE {self.table.name} ADD CONSTRAINT "{name}" {definition}')
        self.indexes, self.foreign_keys = [], []

    def rows(self) -> int:
        """The table's row count: PostgreSQL's estimate where it has one, else counted."""
        if self.postgres:
            value = self.connection.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE oid = %(t)s::regclass", {"t": self.table.name}).scalar()
            if value is not None and value >= 0:
                return int(value)
        return int(self.connection.exec_driver_sql(f"SELECT COUNT(*) FROM {self.table.name}").scalar() or 0)
