"""storage/database.py: pragmas, round trips, transactions."""

from __future__ import annotations

import pathlib

import pytest

from serverlite.dynamodb.storage.database import open_database


def test_file_database_uses_wal_and_durability(tmp_path: pathlib.Path) -> None:
    database = open_database(tmp_path, "full")
    connection = database._connection
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2
    database.close()
    assert (tmp_path / "dynamodb.sqlite3").exists()


def test_process_durability_is_normal(tmp_path: pathlib.Path) -> None:
    database = open_database(tmp_path / "x.sqlite3")
    assert database._connection.execute("PRAGMA synchronous").fetchone()[0] == 1


def test_unknown_durability_is_refused() -> None:
    with pytest.raises(ValueError):
        open_database(None, "sometimes")


def test_items_keep_attribute_order_and_scan_in_key_order() -> None:
    database = open_database(None)
    database.items.put("t", b"h", b"\x02", {"z": {"S": "1"}, "a": {"S": "2"}})
    database.items.put("t", b"h", b"\x01", {"b": {"S": "3"}})
    assert list(database.items.get("t", b"h", b"\x02") or {}) == ["z", "a"]
    assert [list(item) for item in database.items.range("t", b"h")] == [["b"], ["z", "a"]]
    assert database.items.count("t") == 2


def test_transaction_rolls_back_on_error() -> None:
    database = open_database(None)
    with pytest.raises(RuntimeError), database.transaction():
        database.tables.put("t", {"TableName": "t"})
        raise RuntimeError("boom")
    assert database.tables.get("t") is None
