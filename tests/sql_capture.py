"""The statements an app sends to its database, for tests that count or read them."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import NamedTuple

import sqlalchemy as sa

from hotline.db import engine


class Sent(NamedTuple):
    text: str  # whitespace collapsed, for matching
    parameters: object
    raw: str  # as sent: psycopg's cache limits apply to this text

    @classmethod
    def of(cls, statement: str, parameters: object) -> "Sent":
        return cls(" ".join(statement.split()), parameters, statement)


@contextlib.contextmanager
def sent(app) -> Iterator[list[Sent]]:
    """Within: each statement sent on the app's engine, with its parameters."""
    seen: list[Sent] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(Sent.of(statement, parameters))

    with app.app_context():
        bind = engine()
    sa.event.listen(bind, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(bind, "before_cursor_execute", listen)
