"""Secondary indexes: definitions read from a TableDescription, and the ``index_items`` rows.

Each index entry is keyed by (table, index, index hash, index range, table hash, table range) in a
WITHOUT ROWID table, so a Query on an index is a range read on that primary key, exactly like a
Query on the table. The entry holds the item as the index projects it
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Projections):
KEYS_ONLY keeps table and index keys, INCLUDE adds NonKeyAttributes, ALL keeps everything.
Indexes are sparse: an item lacking an index key attribute has no entry.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.storage.keys import encode_key
from serverlite.dynamodb.values import Item, blob, compact_json, item_size, type_of

__all__ = [
    "SCHEMA",
    "Bound",
    "IndexDefinition",
    "IndexStore",
    "check_item",
    "decode_item",
    "definitions",
    "encode_item",
    "range_clauses",
    "stream_rows",
]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS index_items ("
    " table_name TEXT NOT NULL, index_name TEXT NOT NULL,"
    " index_hash BLOB NOT NULL, index_range BLOB NOT NULL,"
    " hash_key BLOB NOT NULL, range_key BLOB NOT NULL, size INTEGER NOT NULL, item TEXT NOT NULL,"
    " PRIMARY KEY (table_name, index_name, index_hash, index_range, hash_key, range_key)) WITHOUT ROWID"
)

_MAX_HASH_BYTES = 2048
_MAX_RANGE_BYTES = 1024
# (encoded key, inclusive) for one end of a sort-key range.
Bound = tuple[bytes, bool]


# Item JSON in and out of SQLite, bound once: json.loads/dumps check their arguments on every call.
decode_item: Callable[[str], Item] = json.JSONDecoder().decode
encode_item: Callable[[Item], str] = compact_json


@dataclass(frozen=True, slots=True)
class IndexDefinition:
    """One secondary index: its key attributes (name, type), projection and kind."""

    name: str
    is_global: bool
    keys: tuple[tuple[str, str], ...]
    table_keys: tuple[str, ...]
    projection_type: str
    non_key_attributes: tuple[str, ...]

    def projected_names(self) -> frozenset[str] | None:
        """Top-level attributes the index stores, or None for ALL."""
        if self.projection_type == "ALL":
            return None
        names = {*self.table_keys, *(name for name, _ in self.keys)}
        return frozenset(names | set(self.non_key_attributes))

    def entry(self, item: Item) -> tuple[bytes, bytes, Item] | None:
        """(index hash, index range, projected item), or None when the item is not in the index.

        Raises:
            ValidationException: an index key attribute has the wrong type or an empty value.
        """
        encoded: list[bytes] = []
        for position, (name, kind) in enumerate(self.keys):
            value = item.get(name)
            if value is None:
                return None
            _check_index_value(self.name, name, kind, value, is_hash=position == 0)
            encoded.append(encode_key(value))
        projected = self.projected_names()
        kept = item if projected is None else {k: v for k, v in item.items() if k in projected}
        return encoded[0], encoded[1] if len(encoded) > 1 else b"", kept


def check_item(indexes: tuple[IndexDefinition, ...], item: Item) -> None:
    """Reject an item whose index key attributes have the wrong type or are empty.

    Order as dynalite db/index.js traverseIndexes (observed AWS): GSIs last to first, then LSIs.
    """
    ordered = [i for i in reversed(indexes) if i.is_global] + [
        i for i in reversed(indexes) if not i.is_global
    ]
    for index in ordered:
        for position, (name, kind) in enumerate(index.keys):
            value = item.get(name)
            if value is not None:
                _check_index_value(index.name, name, kind, value, is_hash=position == 0)


def _check_index_value(index: str, name: str, kind: str, value: dict[str, Any], *, is_hash: bool) -> None:
    actual = type_of(value)
    if actual != kind:
        # dynalite db/index.js validateItem (observed AWS wording).
        raise ValidationException(
            "One or more parameter values were invalid: Type mismatch for Index Key "
            f"{name} Expected: {kind} Actual: {actual} IndexName: {index}"
        )
    if kind == "N":
        return
    size = len(value["S"].encode()) if kind == "S" else len(blob(value["B"]))
    if not size:
        # Empty key values are rejected as for table keys; AWS names the index and key.
        empty = "string" if kind == "S" else "binary"
        raise ValidationException(
            "One or more parameter values are not valid. A value specified for a secondary index key "
            f"is not supported. The AttributeValue for a key attribute cannot contain an empty {empty} "
            f"value. IndexName: {index}, IndexKey: {name}"
        )
    # An index key is a key: 2,048 bytes for its partition key, 1,024 for its sort key
    # (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-partition-sort-keys),
    # worded as for the table's keys (operations/schema.py; AWS's words for an index key are not recorded).
    if is_hash and size > _MAX_HASH_BYTES:
        raise ValidationException(
            "One or more parameter values were invalid: "
            "Size of hashkey has exceeded the maximum size limit of2048 bytes"
        )
    if not is_hash and size > _MAX_RANGE_BYTES:
        raise ValidationException(
            "One or more parameter values were invalid: "
            "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
        )


def definitions(description: dict[str, Any]) -> tuple[IndexDefinition, ...]:
    """Every secondary index of a TableDescription, LSIs first."""
    types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
    table_keys = tuple(k["AttributeName"] for k in description["KeySchema"])
    found: list[IndexDefinition] = []
    for member, is_global in (("LocalSecondaryIndexes", False), ("GlobalSecondaryIndexes", True)):
        for index in description.get(member) or ():
            projection = index.get("Projection") or {}
            found.append(
                IndexDefinition(
                    name=index["IndexName"],
                    is_global=is_global,
                    keys=tuple((k["AttributeName"], types[k["AttributeName"]]) for k in index["KeySchema"]),
                    table_keys=table_keys,
                    projection_type=projection.get("ProjectionType", "ALL"),
                    non_key_attributes=tuple(projection.get("NonKeyAttributes") or ()),
                )
            )
    return tuple(found)


class IndexStore:
    """Rows of ``index_items``: write, delete, range-read and measure index entries."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def write(
        self, table: str, index: IndexDefinition, key: tuple[bytes, bytes], old: Item | None, new: Item | None
    ) -> None:
        """Move one item's entry in one index from its old to its new state (either may be None)."""
        old_entry = None if old is None else index.entry(old)
        new_entry = None if new is None else index.entry(new)
        if old_entry is not None and (new_entry is None or new_entry[:2] != old_entry[:2]):
            self._connection.execute(
                "DELETE FROM index_items WHERE table_name = ? AND index_name = ? AND index_hash = ?"
                " AND index_range = ? AND hash_key = ? AND range_key = ?",
                (table, index.name, old_entry[0], old_entry[1], key[0], key[1]),
            )
        if new_entry is not None:
            self._connection.execute(
                "INSERT OR REPLACE INTO index_items (table_name, index_name, index_hash, index_range,"
                " hash_key, range_key, size, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    table,
                    index.name,
                    new_entry[0],
                    new_entry[1],
                    key[0],
                    key[1],
                    item_size(new_entry[2]),
                    encode_item(new_entry[2]),
                ),
            )

    def delete_index(self, table: str, index: str | None = None) -> None:
        """Drop every entry of one index, or of every index of a table."""
        if index is None:
            self._connection.execute("DELETE FROM index_items WHERE table_name = ?", (table,))
        else:
            self._connection.execute(
                "DELETE FROM index_items WHERE table_name = ? AND index_name = ?", (table, index)
            )

    def statistics(self, table: str, index: str) -> tuple[int, int]:
        """(ItemCount, IndexSizeBytes) of one index."""
        row = self._connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM index_items"
            " WHERE table_name = ? AND index_name = ?",
            (table, index),
        ).fetchone()
        return int(row[0]), int(row[1])

    def query(
        self,
        table: str,
        index: str,
        index_hash: bytes,
        bounds: tuple[Bound | None, Bound | None],
        *,
        forward: bool = True,
        after: tuple[bytes, bytes, bytes] | None = None,
        decode: bool = True,
    ) -> Iterator[tuple[tuple[bytes, bytes, bytes, bytes], Any]]:
        """Entries of one index hash key within sort-key bounds, in index order.

        Yields ((index hash, index range, table hash, table range), projected item); ``after``
        resumes strictly after (before, when not forward) that (index range, hash, range). With
        `decode` False, the projected item is its stored JSON text (as ItemStore.get_json's).
        """
        sql = "SELECT index_hash, index_range, hash_key, range_key, item FROM index_items"
        sql += " WHERE table_name = ? AND index_name = ? AND index_hash = ?"
        params: list[object] = [table, index, index_hash]
        clauses, extra = range_clauses("index_range", bounds)
        sql += clauses
        params += extra
        if after is not None:
            sql += " AND (index_range, hash_key, range_key) " + (">" if forward else "<") + " (?, ?, ?)"
            params += list(after)
        order = "ASC" if forward else "DESC"
        sql += f" ORDER BY index_range {order}, hash_key {order}, range_key {order}"
        return stream_rows(self._connection.execute(sql, params), 4, decode=decode)

    def scan(
        self, table: str, index: str, *, after: tuple[bytes, bytes, bytes, bytes] | None = None
    ) -> Iterator[tuple[tuple[bytes, bytes, bytes, bytes], Item]]:
        """Every entry of an index in index order, resuming strictly after ``after``."""
        sql = "SELECT index_hash, index_range, hash_key, range_key, item FROM index_items"
        sql += " WHERE table_name = ? AND index_name = ?"
        params: list[object] = [table, index]
        if after is not None:
            sql += " AND (index_hash, index_range, hash_key, range_key) > (?, ?, ?, ?)"
            params += list(after)
        sql += " ORDER BY index_hash, index_range, hash_key, range_key"
        return stream_rows(self._connection.execute(sql, params), 4)


def range_clauses(column: str, bounds: tuple[Bound | None, Bound | None]) -> tuple[str, list[object]]:
    """SQL conditions (and parameters) for a sort-key column between optional bounds."""
    sql = ""
    params: list[object] = []
    lower, upper = bounds
    if lower is not None:
        sql += f" AND {column} {'>=' if lower[1] else '>'} ?"
        params.append(lower[0])
    if upper is not None:
        sql += f" AND {column} {'<=' if upper[1] else '<'} ?"
        params.append(upper[0])
    return sql, params


def stream_rows(cursor: sqlite3.Cursor, keys: int, *, decode: bool = True) -> Iterator[tuple[Any, Any]]:
    """Stream rows of (key columns..., item JSON) as (keys, item), or (keys, JSON text) when not
    `decode`; the cursor is closed when the caller stops."""
    try:
        if decode:
            for row in cursor:
                yield row[:keys], decode_item(row[keys])
        else:
            for row in cursor:
                yield row[:keys], row[keys]
    finally:
        cursor.close()
