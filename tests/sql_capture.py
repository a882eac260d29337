"""The statements an app sends to its database, for tests that count or read them."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa

from hotline.db import engine


@contextlib.contextmanager
def sent(app) -> Iterator[list[tuple[str, object]]]:
    """Within: each statement sent on the app's engine, whitespace collapsed, with its parameters."""
    seen: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append((" ".join(statement.split()), parameters))

    with app.app_context():
        bind = engine()
    sa.event.listen(bind, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(bind, "before_cursor_execute", listen)
