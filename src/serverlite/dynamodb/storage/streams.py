"""DynamoDB Streams storage: one shard per stream, records appended inside the item write's transaction.

A table with an enabled stream gets a row in ``streams`` (its ARN, label, view type and key
schema); every item change of that table appends one row to ``stream_records`` on the same
connection (ItemStore.put/delete call `append`), so a record exists exactly when its change was
committed. Sequence numbers come from one AUTOINCREMENT counter, so they increase across every
stream and are never reused after a trim; on the wire they are 21-digit strings.

AWS facts (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html):
records are kept 24 hours; a PutItem or UpdateItem that changes nothing in an item writes no
record, nor does deleting an absent item; disabling a stream keeps it readable for 24 hours.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.values import Item, item_size

__all__ = ["RETENTION_SECONDS", "SCHEMA", "StreamInfo", "StreamRecordRow", "StreamStore", "StreamTarget"]

RETENTION_SECONDS = 24 * 3600
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS streams ("
    " stream_arn TEXT PRIMARY KEY, table_name TEXT NOT NULL, label TEXT NOT NULL, view_type TEXT NOT NULL,"
    " key_schema TEXT NOT NULL, created REAL NOT NULL, disabled REAL,"
    " trimmed_through INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS stream_records ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, stream_arn TEXT NOT NULL, created REAL NOT NULL,"
    " event_id TEXT NOT NULL, event_name TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS stream_records_by_stream ON stream_records (stream_arn, seq)",
)
_IMAGES = {
    "KEYS_ONLY": (False, False),
    "NEW_IMAGE": (True, False),
    "OLD_IMAGE": (False, True),
    "NEW_AND_OLD_IMAGES": (True, True),
}


@dataclass(frozen=True, slots=True)
class StreamTarget:
    """Where a table's changes go: its enabled stream, view type and key attribute names."""

    stream_arn: str
    view_type: str
    key_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """One stream as DescribeStream and ListStreams show it."""

    stream_arn: str
    table_name: str
    label: str
    view_type: str
    key_schema: list[dict[str, str]]
    created: float
    disabled: float | None
    trimmed_through: int


@dataclass(frozen=True, slots=True)
class StreamRecordRow:
    """One stored record: its sequence number and the Record members without awsRegion."""

    seq: int
    created: float
    event_id: str
    event_name: str
    body: dict[str, Any]


def target_of(description: dict[str, Any]) -> StreamTarget | None:
    """The enabled stream of a TableDescription, or None."""
    specification = description.get("StreamSpecification") or {}
    if not specification.get("StreamEnabled") or "LatestStreamArn" not in description:
        return None
    names = tuple(element["AttributeName"] for element in description["KeySchema"])
    return StreamTarget(description["LatestStreamArn"], specification["StreamViewType"], names)


class StreamStore:
    """Streams, their records, and the 24-hour trim."""

    def __init__(self, connection: sqlite3.Connection, clock: Callable[[], float] = time.time) -> None:
        self._connection = connection
        self.clock = clock

    def create(self, description: dict[str, Any]) -> None:
        """Register the table's LatestStreamArn as a new, enabled stream."""
        self._connection.execute(
            "INSERT OR REPLACE INTO streams (stream_arn, table_name, label, view_type, key_schema, created)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                description["LatestStreamArn"],
                description["TableName"],
                description["LatestStreamLabel"],
                description["StreamSpecification"]["StreamViewType"],
                json.dumps(description["KeySchema"]),
                self.clock(),
            ),
        )

    def disable(self, table_name: str) -> None:
        """Mark the table's enabled streams disabled (readable until their records are trimmed)."""
        self._connection.execute(
            "UPDATE streams SET disabled = ? WHERE table_name = ? AND disabled IS NULL",
            (self.clock(), table_name),
        )

    def append(self, target: StreamTarget, old: Item | None, new: Item | None) -> None:
        """Append the record of one item change (INSERT, MODIFY or REMOVE)."""
        present = new if new is not None else old
        assert present is not None
        keys = {name: present[name] for name in target.key_names if name in present}
        with_new, with_old = _IMAGES[target.view_type]
        now = self.clock()
        body: dict[str, Any] = {"ApproximateCreationDateTime": float(int(now)), "Keys": keys}
        size = item_size(keys)
        if with_new and new is not None:
            body["NewImage"] = new
            size += item_size(new)
        if with_old and old is not None:
            body["OldImage"] = old
            size += item_size(old)
        body["SizeBytes"] = size
        body["StreamViewType"] = target.view_type
        name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
        self._connection.execute(
            "INSERT INTO stream_records (stream_arn, created, event_id, event_name, body)"
            " VALUES (?, ?, ?, ?, ?)",
            (target.stream_arn, now, os.urandom(16).hex(), name, json.dumps(body, separators=(",", ":"))),
        )

    def get(self, stream_arn: str) -> StreamInfo | None:
        """One stream, or None."""
        row = self._connection.execute(_SELECT_STREAM + " WHERE stream_arn = ?", (stream_arn,)).fetchone()
        return None if row is None else _info(row)

    def streams(self, table_name: str | None = None) -> list[StreamInfo]:
        """Every stream (of one table), oldest first."""
        if table_name is None:
            rows = self._connection.execute(_SELECT_STREAM + " ORDER BY created, stream_arn")
        else:
            rows = self._connection.execute(
                _SELECT_STREAM + " WHERE table_name = ? ORDER BY created, stream_arn", (table_name,)
            )
        return [_info(row) for row in rows]

    def records(self, stream_arn: str, after: int, limit: int) -> list[StreamRecordRow]:
        """At most `limit` records with sequence number above `after`, in order."""
        rows = self._connection.execute(
            "SELECT seq, created, event_id, event_name, body FROM stream_records"
            " WHERE stream_arn = ? AND seq > ? ORDER BY seq LIMIT ?",
            (stream_arn, after, limit),
        )
        return [
            StreamRecordRow(seq, created, event_id, name, json.loads(body))
            for seq, created, event_id, name, body in rows
        ]

    def bounds(self, stream_arn: str) -> tuple[int | None, int | None]:
        """The first and last sequence numbers still held for a stream (None, None when empty)."""
        row = self._connection.execute(
            "SELECT MIN(seq), MAX(seq) FROM stream_records WHERE stream_arn = ?", (stream_arn,)
        ).fetchone()
        return row[0], row[1]

    def latest(self) -> int:
        """The highest sequence number ever assigned (0 when none)."""
        row = self._connection.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'stream_records'"
        ).fetchone()
        return 0 if row is None else int(row[0])

    def trim(self, retention: float = RETENTION_SECONDS) -> int:
        """Delete records older than `retention` seconds, and streams disabled that long ago."""
        cutoff = self.clock() - retention
        expired = self._connection.execute(
            "SELECT stream_arn, MAX(seq) FROM stream_records WHERE created < ? GROUP BY stream_arn", (cutoff,)
        ).fetchall()
        for stream_arn, seq in expired:
            self._connection.execute(
                "UPDATE streams SET trimmed_through = MAX(trimmed_through, ?) WHERE stream_arn = ?",
                (seq, stream_arn),
            )
        deleted = self._connection.execute("DELETE FROM stream_records WHERE created < ?", (cutoff,)).rowcount
        gone = [
            row[0]
            for row in self._connection.execute(
                "SELECT stream_arn FROM streams WHERE disabled < ?", (cutoff,)
            )
        ]
        for stream_arn in gone:
            self._connection.execute("DELETE FROM stream_records WHERE stream_arn = ?", (stream_arn,))
            self._connection.execute("DELETE FROM streams WHERE stream_arn = ?", (stream_arn,))
        return int(deleted)


_SELECT_STREAM = (
    "SELECT stream_arn, table_name, label, view_type, key_schema, created, disabled, trimmed_through"
    " FROM streams"
)


def _info(row: tuple[Any, ...]) -> StreamInfo:
    arn, table, label, view_type, key_schema, created, disabled, trimmed = row
    return StreamInfo(arn, table, label, view_type, json.loads(key_schema), created, disabled, int(trimmed))
