"""Items as JSON text keyed by (table, hash key bytes, range key bytes) in a WITHOUT ROWID table.

JSON keeps attribute order as written; the key columns hold storage/keys.py encodings so a
range scan over one hash key comes back in DynamoDB's sort-key order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

from serverlite.dynamodb.values import Item

__all__ = ["ItemStore"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS items ("
    " table_name TEXT NOT NULL, hash_key BLOB NOT NULL, range_key BLOB NOT NULL, item TEXT NOT NULL,"
    " PRIMARY KEY (table_name, hash_key, range_key)) WITHOUT ROWID"
)


class ItemStore:
    """Get, put, delete and range-scan items of one database."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def get(self, table: str, hash_key: bytes, range_key: bytes = b"") -> Item | None:
        """The item with this key, or None."""
        row = self._connection.execute(
            "SELECT item FROM items WHERE table_name = ? AND hash_key = ? AND range_key = ?",
            (table, hash_key, range_key),
        ).fetchone()
        return None if row is None else _decode(row[0])

    def put(self, table: str, hash_key: bytes, range_key: bytes, item: Item) -> None:
        """Insert or replace an item."""
        self._connection.execute(
            "INSERT OR REPLACE INTO items (table_name, hash_key, range_key, item) VALUES (?, ?, ?, ?)",
            (table, hash_key, range_key, json.dumps(item, separators=(",", ":"))),
        )

    def delete(self, table: str, hash_key: bytes, range_key: bytes = b"") -> None:
        """Delete an item if present."""
        self._connection.execute(
            "DELETE FROM items WHERE table_name = ? AND hash_key = ? AND range_key = ?",
            (table, hash_key, range_key),
        )

    def delete_table(self, table: str) -> None:
        """Delete every item of a table."""
        self._connection.execute("DELETE FROM items WHERE table_name = ?", (table,))

    def count(self, table: str) -> int:
        """Number of items in a table."""
        row = self._connection.execute("SELECT COUNT(*) FROM items WHERE table_name = ?", (table,)).fetchone()
        return int(row[0])

    def range(self, table: str, hash_key: bytes, *, forward: bool = True) -> Iterator[Item]:
        """Items of one hash key in sort-key order (for Query, later)."""
        order = "ASC" if forward else "DESC"
        cursor = self._connection.execute(
            f"SELECT item FROM items WHERE table_name = ? AND hash_key = ? ORDER BY range_key {order}",
            (table, hash_key),
        )
        return (_decode(row[0]) for row in cursor)

    def scan(
        self, table: str, *, after: tuple[bytes, bytes] | None = None, limit: int | None = None
    ) -> Iterator[tuple[bytes, bytes, Item]]:
        """Every item of a table as (hash key bytes, range key bytes, item), in storage-key order.

        `after` resumes strictly after that key; `limit` caps the rows read from SQLite.
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
        cursor = self._connection.execute(sql, params)
        return ((row[0], row[1], _decode(row[2])) for row in cursor)


def _decode(text: str) -> Item:
    item: Item = json.loads(text)
    return item
