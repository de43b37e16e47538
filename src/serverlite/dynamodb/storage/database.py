"""The SQLite database behind the DynamoDB server: one file (or memory), WAL mode.

Durability: every write request's transaction is committed before the response is sent. With
WAL, ``synchronous=NORMAL`` makes a commit survive a crash of this process (the WAL is written
before COMMIT returns) and ``FULL`` also survives an OS crash or power loss
(https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html).

Group commit (group_commit.py): once ``group_transactions`` is called, ``transaction()`` blocks
become SAVEPOINTs of one shared transaction, begun by the first of them and ended by
``commit_group``, so the requests of one event-loop tick pay for one COMMIT (and one fsync).
A failing block still rolls back only its own changes.
"""

from __future__ import annotations

import pathlib
import sqlite3
from collections.abc import Callable
from types import TracebackType

from serverlite.dynamodb.storage import indexes, items, streams, tables

__all__ = ["DATABASE_FILE", "DURABILITY", "Database", "open_database"]

DATABASE_FILE = "dynamodb.sqlite3"
DURABILITY = {"process": "NORMAL", "full": "FULL"}
# ROLLBACK TO keeps the savepoint open; RELEASE then ends it (https://www.sqlite.org/lang_savepoint.html).
_ROLLBACK_SAVEPOINT = ("ROLLBACK TO request", "RELEASE request")


class Database:
    """One SQLite connection with table and item stores and explicit transactions."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.tables = tables.TableStore(connection)
        self.streams = streams.StreamStore(connection)
        self.items = items.ItemStore(connection, self.tables.indexes, self.tables.stream, self.streams)
        self._on_group_open: Callable[[], bool] | None = None
        self.group_open = False

    def transaction(self) -> _Transaction:
        """Run a block atomically: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on error.

        With group transactions on, the block is a SAVEPOINT of the shared transaction instead.
        """
        if self._join_group():
            return _Transaction(self, "SAVEPOINT request", ("RELEASE request",), _ROLLBACK_SAVEPOINT)
        return _Transaction(self, "BEGIN IMMEDIATE", ("COMMIT",), ("ROLLBACK",))

    def group_transactions(self, on_open: Callable[[], bool]) -> None:
        """Make later transactions join one shared transaction, begun when on_open returns True.

        on_open schedules the shared transaction's ``commit_group``; it returns False when it
        cannot (a caller outside the event loop), and that transaction then commits on its own.
        """
        self._on_group_open = on_open

    def commit_group(self) -> None:
        """COMMIT the shared transaction (ROLLBACK it, and re-raise, when COMMIT fails)."""
        if not self.group_open:
            return
        self.group_open = False
        try:
            self._connection.execute("COMMIT")
        except BaseException:
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
            self.tables.forget()
            raise

    def _join_group(self) -> bool:
        """True when the shared transaction is open, beginning it if needed."""
        if self.group_open:
            return True
        if self._on_group_open is None or not self._on_group_open():
            return False
        self._connection.execute("BEGIN IMMEDIATE")
        self.group_open = True
        return True

    def close(self) -> None:
        """Checkpoint and close the connection."""
        self._connection.close()


class _Transaction:
    """`Database.transaction`'s block (a class: the generator of @contextmanager costs more)."""

    __slots__ = ("_begin", "_commit", "_database", "_rollback")

    def __init__(
        self, database: Database, begin: str, commit: tuple[str, ...], rollback: tuple[str, ...]
    ) -> None:
        self._database = database
        self._begin = begin
        self._commit = commit
        self._rollback = rollback

    def __enter__(self) -> None:
        self._database._connection.execute(self._begin)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        connection = self._database._connection
        if kind is None:
            for statement in self._commit:
                connection.execute(statement)
            return
        for statement in self._rollback:
            connection.execute(statement)
        self._database.tables.forget()


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
    for statement in streams.SCHEMA:
        connection.execute(statement)
    return Database(connection)
