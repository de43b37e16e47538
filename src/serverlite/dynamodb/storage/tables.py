"""Table metadata: each TableDescription stored as JSON text, keyed by table name.

Each description, its key schema and its secondary-index definitions are cached, because every
item request needs them; any change to a table's description (or a rolled-back transaction) drops
the cache.
Callers own (and may change) what `get` returns, so the cache keeps the description serialised
with `marshal`, which rebuilds a fresh dict in half the time of ``json.loads``.
"""

from __future__ import annotations

import json
import marshal
import sqlite3
from typing import Any

from serverlite.dynamodb.storage.indexes import IndexDefinition, definitions
from serverlite.dynamodb.storage.streams import StreamTarget, target_of

__all__ = ["TableStore"]

SCHEMA = "CREATE TABLE IF NOT EXISTS tables (name TEXT PRIMARY KEY, description TEXT NOT NULL) WITHOUT ROWID"


_SELECT = "SELECT description FROM tables WHERE name = ?"


class TableStore:
    """Get, put, delete and list table descriptions."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._indexes: dict[str, tuple[IndexDefinition, ...]] = {}
        self._streams: dict[str, StreamTarget | None] = {}
        self._copies: dict[str, bytes] = {}
        self._keys: dict[str, tuple[tuple[str, str], ...]] = {}

    def get(self, name: str) -> dict[str, Any] | None:
        """The stored TableDescription (a fresh copy), or None."""
        copy = self._copies.get(name)
        if copy is None:
            row = self._connection.execute(_SELECT, (name,)).fetchone()
            if row is None:
                return None
            copy = self._copies[name] = marshal.dumps(json.loads(row[0]))
        description: dict[str, Any] = marshal.loads(copy)
        return description

    def put(self, name: str, description: dict[str, Any]) -> None:
        """Insert or replace a TableDescription."""
        self._indexes.pop(name, None)
        self._streams.pop(name, None)
        self._copies.pop(name, None)
        self._keys.pop(name, None)
        self._connection.execute(
            "INSERT OR REPLACE INTO tables (name, description) VALUES (?, ?)",
            (name, json.dumps(description, separators=(",", ":"))),
        )

    def delete(self, name: str) -> None:
        """Remove a table's metadata."""
        self._indexes.pop(name, None)
        self._streams.pop(name, None)
        self._copies.pop(name, None)
        self._keys.pop(name, None)
        self._connection.execute("DELETE FROM tables WHERE name = ?", (name,))

    def names(self) -> list[str]:
        """All table names in ascending order (ListTables order)."""
        return [row[0] for row in self._connection.execute("SELECT name FROM tables ORDER BY name")]

    def indexes(self, name: str) -> tuple[IndexDefinition, ...]:
        """The table's secondary indexes (none for an unknown table), cached."""
        cached = self._indexes.get(name)
        if cached is None:
            description = self.get(name)
            cached = () if description is None else definitions(description)
            self._indexes[name] = cached
        return cached

    def key_schema(self, name: str) -> tuple[tuple[str, str], ...] | None:
        """The table's key attributes as (name, type), HASH then RANGE, cached; None for no table."""
        cached = self._keys.get(name)
        if cached is None:
            description = self.get(name)
            if description is None:
                return None
            types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
            cached = tuple((k["AttributeName"], types[k["AttributeName"]]) for k in description["KeySchema"])
            self._keys[name] = cached
        return cached

    def stream(self, name: str) -> StreamTarget | None:
        """The table's enabled stream (None for none or an unknown table), cached."""
        if name in self._streams:
            return self._streams[name]
        description = self.get(name)
        target = None if description is None else target_of(description)
        self._streams[name] = target
        return target

    def forget(self) -> None:
        """Drop the caches (after a rollback)."""
        self._indexes.clear()
        self._streams.clear()
        self._copies.clear()
        self._keys.clear()
