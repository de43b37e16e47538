"""Table metadata: each TableDescription stored as JSON text, keyed by table name."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

__all__ = ["TableStore"]

SCHEMA = "CREATE TABLE IF NOT EXISTS tables (name TEXT PRIMARY KEY, description TEXT NOT NULL) WITHOUT ROWID"


class TableStore:
    """Get, put, delete and list table descriptions."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def get(self, name: str) -> dict[str, Any] | None:
        """The stored TableDescription, or None."""
        row = self._connection.execute("SELECT description FROM tables WHERE name = ?", (name,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put(self, name: str, description: dict[str, Any]) -> None:
        """Insert or replace a TableDescription."""
        self._connection.execute(
            "INSERT OR REPLACE INTO tables (name, description) VALUES (?, ?)",
            (name, json.dumps(description, separators=(",", ":"))),
        )

    def delete(self, name: str) -> None:
        """Remove a table's metadata."""
        self._connection.execute("DELETE FROM tables WHERE name = ?", (name,))

    def names(self) -> list[str]:
        """All table names in ascending order (ListTables order)."""
        return [row[0] for row in self._connection.execute("SELECT name FROM tables ORDER BY name")]
