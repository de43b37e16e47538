"""storage/indexes.py through ItemStore: entries follow puts and deletes, sparse, projected."""

from __future__ import annotations

from typing import Any

from serverlite.dynamodb.storage.database import open_database

TABLE: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "g", "AttributeType": "N"},
    ],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by-g",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    ],
}


def _entries(database: Any) -> list[Any]:
    return list(database.items.index_entries.scan("t", "by-g"))


def test_entries_follow_writes_inside_the_transaction() -> None:
    database = open_database(None)
    with database.transaction():
        database.tables.put("t", TABLE)
        database.items.put("t", b"a", b"", {"pk": {"S": "a"}, "g": {"N": "1"}, "x": {"S": "y"}})
        database.items.put("t", b"b", b"", {"pk": {"S": "b"}})
    assert [item for _, item in _entries(database)] == [{"pk": {"S": "a"}, "g": {"N": "1"}}]
    assert database.items.index_entries.statistics("t", "by-g") == (1, 6)
    database.items.put("t", b"a", b"", {"pk": {"S": "a"}, "g": {"N": "2"}})
    assert [keys[0] for keys, _ in _entries(database)] == [b"\xc0\x82" + b"2"]
    database.items.delete("t", b"a")
    assert _entries(database) == []


def test_rollback_removes_item_and_entry() -> None:
    database = open_database(None)
    database.tables.put("t", TABLE)
    try:
        with database.transaction():
            database.items.put("t", b"a", b"", {"pk": {"S": "a"}, "g": {"N": "1"}})
            raise RuntimeError
    except RuntimeError:
        pass
    assert (_entries(database), database.items.get("t", b"a")) == ([], None)
