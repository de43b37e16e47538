"""Per-table settings kept beside the TableDescription: resource tags and the TimeToLive attribute.

Rows carry the TableId of the table they were written for. DeleteTable does not know about these
rows, so a reader compares that id with the live table's: rows of a deleted (or deleted and
re-created) table are ignored and removed lazily, which keeps AWS's semantics that a table's
tags and TTL setting die with it.
"""

from __future__ import annotations

import sqlite3
import weakref
from typing import Any

from serverlite.dynamodb.storage.database import Database

__all__ = ["MetadataStore", "metadata_of"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS table_tags ("
    " table_name TEXT NOT NULL, table_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL,"
    " PRIMARY KEY (table_name, tag_key))",
    "CREATE TABLE IF NOT EXISTS table_ttl ("
    " table_name TEXT PRIMARY KEY, table_id TEXT NOT NULL, attribute_name TEXT NOT NULL) WITHOUT ROWID",
)

_STORES: weakref.WeakKeyDictionary[Database, MetadataStore] = weakref.WeakKeyDictionary()


def metadata_of(database: Database) -> MetadataStore:
    """The metadata store of a database, creating its SQLite tables on first use."""
    store = _STORES.get(database)
    if store is None:
        store = MetadataStore(database._connection)  # noqa: SLF001 - same storage layer, own tables
        _STORES[database] = store
    return store


def _table_id(table: dict[str, Any]) -> str:
    return str(table.get("TableId", ""))


class MetadataStore:
    """Tags and TTL settings, each row bound to one incarnation of a table (its TableId)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        for statement in _SCHEMA:
            connection.execute(statement)

    def tags(self, table: dict[str, Any]) -> list[tuple[str, str]]:
        """The table's tags as (key, value) in the order they were first set."""
        name = table["TableName"]
        self._forget_stale(name, _table_id(table))
        rows = self._connection.execute(
            "SELECT tag_key, tag_value FROM table_tags WHERE table_name = ? ORDER BY rowid", (name,)
        )
        return [(str(key), str(value)) for key, value in rows]

    def put_tags(self, table: dict[str, Any], tags: list[tuple[str, str]]) -> None:
        """Add or overwrite tags (an overwritten tag keeps its place)."""
        name, table_id = table["TableName"], _table_id(table)
        self._forget_stale(name, table_id)
        self._connection.executemany(
            "INSERT INTO table_tags (table_name, table_id, tag_key, tag_value) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (table_name, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
            [(name, table_id, key, value) for key, value in tags],
        )

    def delete_tags(self, table: dict[str, Any], keys: list[str]) -> None:
        """Remove tags by key; absent keys are ignored."""
        name = table["TableName"]
        self._forget_stale(name, _table_id(table))
        self._connection.executemany(
            "DELETE FROM table_tags WHERE table_name = ? AND tag_key = ?", [(name, key) for key in keys]
        )

    def ttl_attribute(self, table: dict[str, Any]) -> str | None:
        """The TTL attribute name when TTL is enabled on this table, else None."""
        row = self._connection.execute(
            "SELECT table_id, attribute_name FROM table_ttl WHERE table_name = ?", (table["TableName"],)
        ).fetchone()
        if row is None or row[0] != _table_id(table):
            return None
        return str(row[1])

    def set_ttl_attribute(self, table: dict[str, Any], attribute_name: str | None) -> None:
        """Enable TTL on an attribute, or disable it (None)."""
        name = table["TableName"]
        self._connection.execute("DELETE FROM table_ttl WHERE table_name = ?", (name,))
        if attribute_name is not None:
            self._connection.execute(
                "INSERT INTO table_ttl (table_name, table_id, attribute_name) VALUES (?, ?, ?)",
                (name, _table_id(table), attribute_name),
            )

    def ttl_tables(self) -> list[tuple[str, str, str]]:
        """Every (table name, table id, attribute name) with TTL enabled, possibly stale."""
        rows = self._connection.execute(
            "SELECT table_name, table_id, attribute_name FROM table_ttl ORDER BY table_name"
        )
        return [(str(name), str(table_id), str(attribute)) for name, table_id, attribute in rows]

    def _forget_stale(self, name: str, table_id: str) -> None:
        self._connection.execute(
            "DELETE FROM table_tags WHERE table_name = ? AND table_id != ?", (name, table_id)
        )
