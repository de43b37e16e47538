"""The SQLite database behind the DynamoDB server: one file (or memory), WAL mode.

Durability: every write request commits its own transaction before the response is sent. With
WAL, ``synchronous=NORMAL`` makes a commit survive a crash of this process (the WAL is written
before COMMIT returns) and ``FULL`` also survives an OS crash or power loss
(https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html).
"""

from __future__ import annotations

import pathlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from serverlite.dynamodb.storage import indexes, items, tables

__all__ = ["DATABASE_FILE", "DURABILITY", "Database", "open_database"]

DATABASE_FILE = "dynamodb.sqlite3"
DURABILITY = {"process": "NORMAL", "full": "FULL"}


class Database:
    """One SQLite connection with table and item stores and explicit transactions."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.tables = tables.TableStore(connection)
        self.items = items.ItemStore(connection, self.tables.indexes)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block atomically: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on error."""
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            self.tables.forget()
            raise
        self._connection.execute("COMMIT")

    def close(self) -> None:
        """Checkpoint and close the connection."""
        self._connection.close()


def open_database(path: pathlib.Path | None, durability: str = "process") -> Database:
    """Open (creating if needed) the database file, or an in-memory one when path is None.

    A directory path means ``path / "dynamodb.sqlite3"``.

    Raises:
        ValueError: durability is not "process" or "full".
    """
    if durability not in DURABILITY:
        raise ValueError(f"durability must be one of {sorted(DURABILITY)}, not {durability!r}")
    target = ":memory:"
    if path is not None:
        if path.is_dir():
            path = path / DATABASE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        target = str(path)
    connection = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={DURABILITY[durability]}")
    connection.execute(tables.SCHEMA)
    connection.execute(items.SCHEMA)
    connection.execute(indexes.SCHEMA)
    return Database(connection)
