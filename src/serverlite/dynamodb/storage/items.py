"""Items as JSON text keyed by (table, hash key bytes, range key bytes) in a WITHOUT ROWID table.

JSON keeps attribute order as written; the key columns hold storage/keys.py encodings so a
range read over one hash key comes back in DynamoDB's sort-key order. Every put and delete also
maintains the table's secondary indexes (indexes.py) and appends its stream record (streams.py)
on the same connection, so index entries and stream records change in the caller's transaction
together with the item.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

from serverlite.dynamodb.storage.indexes import (
    Bound,
    IndexDefinition,
    IndexStore,
    check_item,
    decode_item,
    encode_item,
    range_clauses,
    stream_rows,
)
from serverlite.dynamodb.storage.streams import StreamStore, StreamTarget
from serverlite.dynamodb.values import Item, values_equal

__all__ = ["UNREAD", "ItemStore", "Unread"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS items ("
    " table_name TEXT NOT NULL, hash_key BLOB NOT NULL, range_key BLOB NOT NULL, item TEXT NOT NULL,"
    " PRIMARY KEY (table_name, hash_key, range_key)) WITHOUT ROWID"
)


class Unread:
    """The type of `UNREAD`: "not read yet", where None means "there is none"."""


UNREAD = Unread()
_GET = "SELECT item FROM items WHERE table_name = ? AND hash_key = ? AND range_key = ?"


def _no_indexes(table: str) -> tuple[IndexDefinition, ...]:
    return ()


def _no_stream(table: str) -> StreamTarget | None:
    return None


def _unchanged(old: Item | None, new: Item) -> bool:
    """A put that changes nothing writes no stream record (Streams.html, "Stream records")."""
    return (
        old is not None
        and old.keys() == new.keys()
        and all(values_equal(old[name], value) for name, value in new.items())
    )


class ItemStore:
    """Get, put, delete, range-read and scan items of one database."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        indexes: Callable[[str], tuple[IndexDefinition, ...]] = _no_indexes,
        stream: Callable[[str], StreamTarget | None] = _no_stream,
        streams: StreamStore | None = None,
    ) -> None:
        self._connection = connection
        self._indexes = indexes
        self._stream = stream
        self._streams = streams if streams is not None else StreamStore(connection)
        self.index_entries = IndexStore(connection)

    def get(self, table: str, hash_key: bytes, range_key: bytes = b"") -> Item | None:
        """The item with this key, or None."""
        row = self._connection.execute(_GET, (table, hash_key, range_key)).fetchone()
        return None if row is None else decode_item(row[0])

    def get_json(self, table: str, hash_key: bytes, range_key: bytes = b"") -> str | None:
        """The item with this key as stored: its compact JSON text (ASCII, attributes in the order
        written, exactly what `encode_item` and so a response's encoder make of it), or None."""
        row = self._connection.execute(_GET, (table, hash_key, range_key)).fetchone()
        return None if row is None else str(row[0])

    def put(
        self, table: str, hash_key: bytes, range_key: bytes, item: Item, *, old: Item | None | Unread = UNREAD
    ) -> None:
        """Insert or replace an item, and its secondary-index entries.

        `old` is the item being replaced (None: none) when the caller has just read it.

        Raises:
            ValidationException: an index key attribute has the wrong type or an empty value.
        """
        indexes = self._indexes(table)
        stream = self._stream(table)
        if not (indexes or stream):
            old = None
        elif isinstance(old, Unread):
            old = self.get(table, hash_key, range_key)
        if indexes:
            check_item(indexes, item)
            for index in indexes:
                self.index_entries.write(table, index, (hash_key, range_key), old, item)
        if stream is not None and not _unchanged(old, item):
            self._streams.append(stream, old, item)
        self._connection.execute(
            "INSERT OR REPLACE INTO items (table_name, hash_key, range_key, item) VALUES (?, ?, ?, ?)",
            (table, hash_key, range_key, encode_item(item)),
        )

    def delete(self, table: str, hash_key: bytes, range_key: bytes = b"") -> None:
        """Delete an item if present, and its secondary-index entries."""
        indexes = self._indexes(table)
        stream = self._stream(table)
        old = self.get(table, hash_key, range_key) if indexes or stream else None
        for index in indexes:
            self.index_entries.write(table, index, (hash_key, range_key), old, None)
        if stream is not None and old is not None:
            self._streams.append(stream, old, None)
        self._connection.execute(
            "DELETE FROM items WHERE table_name = ? AND hash_key = ? AND range_key = ?",
            (table, hash_key, range_key),
        )

    def delete_table(self, table: str) -> None:
        """Delete every item of a table and every index entry."""
        self._connection.execute("DELETE FROM items WHERE table_name = ?", (table,))
        self.index_entries.delete_index(table)

    def count(self, table: str) -> int:
        """Number of items in a table."""
        row = self._connection.execute("SELECT COUNT(*) FROM items WHERE table_name = ?", (table,)).fetchone()
        return int(row[0])

    def range(self, table: str, hash_key: bytes, *, forward: bool = True) -> Iterator[Item]:
        """Items of one hash key in sort-key order."""
        return (item for _, item in self.query(table, hash_key, (None, None), forward=forward))

    def query(
        self,
        table: str,
        hash_key: bytes,
        bounds: tuple[Bound | None, Bound | None],
        *,
        forward: bool = True,
        after: bytes | None = None,
    ) -> Iterator[tuple[tuple[bytes, bytes], Item]]:
        """Items of one hash key with sort key within bounds, as ((hash, range), item).

        ``after`` resumes strictly after (before, when not forward) that range key. The cursor is
        read lazily and closed when the caller stops iterating.
        """
        return stream_rows(self._query(table, hash_key, bounds, forward, after), 2)

    def query_json(
        self,
        table: str,
        hash_key: bytes,
        bounds: tuple[Bound | None, Bound | None],
        *,
        forward: bool = True,
        after: bytes | None = None,
    ) -> Iterator[tuple[tuple[bytes, bytes], str]]:
        """`query`, with each item as its stored JSON text (see `get_json`)."""
        return stream_rows(self._query(table, hash_key, bounds, forward, after), 2, decode=False)

    def _query(
        self,
        table: str,
        hash_key: bytes,
        bounds: tuple[Bound | None, Bound | None],
        forward: bool,
        after: bytes | None,
    ) -> sqlite3.Cursor:
        sql = "SELECT hash_key, range_key, item FROM items WHERE table_name = ? AND hash_key = ?"
        params: list[object] = [table, hash_key]
        clauses, extra = range_clauses("range_key", bounds)
        sql += clauses
        params += extra
        if after is not None:
            sql += " AND range_key " + (">" if forward else "<") + " ?"
            params.append(after)
        sql += " ORDER BY range_key " + ("ASC" if forward else "DESC")
        return self._connection.execute(sql, params)

    def scan(
        self, table: str, *, after: tuple[bytes, bytes] | None = None, limit: int | None = None
    ) -> Iterator[tuple[bytes, bytes, Item]]:
        """Every item of a table as (hash key bytes, range key bytes, item), in storage-key order.

        `after` resumes strictly after that key; `limit` caps the rows read from SQLite. Rows are
        streamed from the cursor, never loaded all at once.
        """
        sql = "SELECT hash_key, range_key, item FROM items WHERE table_name = ?"
        params: list[object] = [table]
        if after is not None:
            sql += " AND (hash_key, range_key) > (?, ?)"
            params += [after[0], after[1]]
        sql += " ORDER BY hash_key, range_key"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = stream_rows(self._connection.execute(sql, params), 2)
        return ((key[0], key[1], item) for key, item in rows)
