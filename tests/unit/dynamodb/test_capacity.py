"""operations/capacity.py against the numbers in AWS's docs and measured AWS responses.

Docs: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
("Read/write capacity unit consumption") and CapacityUnitCalculations.html ("Item sizes and
formats"). Measured: nubo-db/dynamodb-conformance getItem/consumedCapacity.test.ts and
putItem/indexConsumedCapacity.test.ts (real DynamoDB, eu-west-2).
"""

from __future__ import annotations

import pytest

from serverlite.dynamodb.operations.capacity import (
    batch_read_units,
    consumed_capacity,
    index_write_units,
    item_bytes,
    read_units,
    scan_read_units,
    write_units,
)
from serverlite.dynamodb.values import Item

KB = 1024


def _item_of(size: int) -> Item:
    """An item of exactly `size` bytes: name "a" (1 byte) plus a string."""
    return {"a": {"S": "x" * (size - 1)}}


def test_item_size_rules() -> None:
    assert item_bytes(None) == 0
    # Name bytes plus UTF-8 value bytes.
    assert item_bytes({"name": {"S": "héllo"}}) == 4 + 6
    # Numbers: about one byte per two significant digits, plus one; zeros trimmed.
    assert item_bytes({"n": {"N": "12345"}}) == 1 + 4
    assert item_bytes({"n": {"N": "1000"}}) == 1 + 2
    # BOOL and NULL are one byte; lists and maps 3 bytes plus one per element.
    assert item_bytes({"b": {"BOOL": True}, "z": {"NULL": True}}) == 2 + 2
    assert item_bytes({"l": {"L": [{"S": "ab"}]}}) == 1 + 3 + 1 + 2
    assert item_bytes({"m": {"M": {"k": {"S": "ab"}}}}) == 1 + 3 + 1 + 1 + 2


@pytest.mark.parametrize(
    ("size", "consistent", "transactional", "units"),
    [
        (int(3.5 * KB), True, False, 1.0),  # docs: 3.5 KB rounds to 4 KB, 1 RCU
        (int(3.5 * KB), False, False, 0.5),  # eventually consistent: half
        (10 * KB, True, False, 3.0),  # docs: 10 KB rounds to 12 KB, 3 RCU
        (10 * KB, False, False, 1.5),
        (10 * KB, True, True, 6.0),  # transactional: twice
        (0, False, False, 0.5),  # missing item still costs the minimum (conformance)
        (20, True, False, 1.0),  # tiny GetItem: 1 (conformance, strongly consistent)
    ],
)
def test_read_units(size: int, consistent: bool, transactional: bool, units: float) -> None:
    assert read_units(size, consistent=consistent, transactional=transactional) == units


def test_query_sums_before_rounding() -> None:
    # docs: 10 items totalling 40.8 KB round to 44 KB once, 11 RCU strongly consistent.
    sizes = [int(4.08 * KB)] * 10
    assert scan_read_units(sizes, consistent=True) == 11.0
    # docs: 1500 items of 64 bytes are 96 KB, 24 RCU.
    assert scan_read_units([64] * 1500, consistent=True) == 24.0
    assert scan_read_units([], consistent=False) == 0.5


def test_batch_get_rounds_each_item() -> None:
    # docs: a 1.5 KB and a 6.5 KB item count as 4 KB + 8 KB = 12 KB, 3 RCU.
    assert batch_read_units([int(1.5 * KB), int(6.5 * KB)], consistent=True) == 3.0


def test_write_units() -> None:
    assert write_units(None, _item_of(500)) == 1.0  # docs: 500 bytes, 1 WCU
    assert write_units(None, _item_of(int(3.5 * KB))) == 4.0  # docs: 3.5 KB, 4 WCU
    assert write_units(None, _item_of(int(3.5 * KB)), transactional=True) == 8.0
    # Update: the larger of before and after; delete of nothing still 1.
    assert write_units(_item_of(3 * KB), _item_of(10)) == 3.0
    assert write_units(None, None) == 1.0


def test_index_write_units_follow_measured_ladder() -> None:
    keys = ("gsiPk",)
    before: Item = {"pk": {"S": "a"}, "gsiPk": {"S": "g"}, "proj": {"S": "p"}}
    assert index_write_units(None, before, keys) == 1.0  # new entry
    assert index_write_units(before, dict(before), keys) == 0.0  # identical overwrite
    assert index_write_units(before, {**before, "proj": {"S": "p2"}}, keys) == 1.0  # projected change
    assert index_write_units(before, {**before, "gsiPk": {"S": "h"}}, keys) == 2.0  # key change
    assert index_write_units(before, None, keys) == 1.0  # key removed: delete only
    assert index_write_units(None, None, keys) == 0.0  # sparse: never in the index


def test_report_shapes() -> None:
    assert consumed_capacity(None, "T", 1.0) is None
    assert consumed_capacity("NONE", "T", 1.0) is None
    # Single-table operations carry no read/write split (conformance, real DynamoDB).
    assert consumed_capacity("TOTAL", "T", 0.5) == {"TableName": "T", "CapacityUnits": 0.5}
    assert consumed_capacity("TOTAL", "T", 1.0, global_indexes={"g": 1.0}) == {
        "TableName": "T",
        "CapacityUnits": 2.0,
    }
    # INDEXES: the table arm plus arms only for charged indexes (putItem/indexConsumedCapacity).
    assert consumed_capacity(
        "INDEXES", "T", 1.0, global_indexes={"g": 1.0, "idle": 0.0}, local_indexes={"l": 1.0}
    ) == {
        "TableName": "T",
        "CapacityUnits": 3.0,
        "Table": {"CapacityUnits": 1.0},
        "LocalSecondaryIndexes": {"l": {"CapacityUnits": 1.0}},
        "GlobalSecondaryIndexes": {"g": {"CapacityUnits": 1.0}},
    }
    assert consumed_capacity("INDEXES", "T", 1.0) == {
        "TableName": "T",
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }
    # Transactional operations add the split.
    assert consumed_capacity("TOTAL", "T", 4.0, split="WRITE") == {
        "TableName": "T",
        "CapacityUnits": 4.0,
        "WriteCapacityUnits": 4.0,
    }
    assert consumed_capacity("INDEXES", "T", 2.0, split="READ") == {
        "TableName": "T",
        "CapacityUnits": 2.0,
        "ReadCapacityUnits": 2.0,
        "Table": {"CapacityUnits": 2.0, "ReadCapacityUnits": 2.0},
    }
