"""The SQL a block of test code sends: for tests that count what a rule or a use case asks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy


@contextlib.contextmanager
def selects_sent(engine: sqlalchemy.Engine) -> Iterator[list[str]]:
    """The SELECT statements `engine` executes inside the block, in order."""
    selects: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        if statement.startswith("SELECT"):
            selects.append(statement)

    sqlalchemy.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield selects
    finally:
        sqlalchemy.event.remove(engine, "before_cursor_execute", seen)
