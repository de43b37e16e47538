"""ConsumedCapacity as DynamoDB computes and reports it.

Sizes follow "Item sizes and formats"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html,
implemented by ``values.item_size``): attribute-name bytes plus value bytes, numbers about
(significant digits / 2) + 1 bytes, 3 bytes plus 1 per element for lists and maps, 1 byte for
BOOL and NULL. Units follow "Read/write capacity mode"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html):

* a read unit covers 4 KB strongly consistent; eventually consistent costs half; a transactional
  read costs twice; an item is rounded up on its own (GetItem, BatchGetItem, TransactGetItems);
* Query and Scan add up the sizes of every item read (before FilterExpression and projection)
  and round the sum up once; reading nothing still costs the minimum (1, or 0.5 eventually);
* a write unit covers 1 KB; PutItem/UpdateItem cost the larger of the old and new item,
  DeleteItem the deleted item (1 when there was none); a transactional write costs twice;
* an index write costs the write units of the index's copy of the item, twice when its key
  changes (delete plus insert), nothing when its copy is unchanged (measured against AWS by
  nubo-db/dynamodb-conformance tests/tier1/putItem/indexConsumedCapacity.test.ts).

The report (``ReturnConsumedCapacity``): NONE or absent gives nothing; TOTAL gives
``{"TableName", "CapacityUnits"}``; INDEXES adds ``"Table": {"CapacityUnits"}`` and, only for
indexes that were charged, ``"LocalSecondaryIndexes"`` / ``"GlobalSecondaryIndexes"`` maps of
``{"CapacityUnits"}``. ``ReadCapacityUnits`` / ``WriteCapacityUnits`` appear only on transactional
operations; AWS omits the split everywhere else (conformance getItem/consumedCapacity.test.ts).

Signatures, for wiring into the item operations::

    item_bytes(item: Item | None) -> int
    read_units(size: int, *, consistent: bool, transactional: bool = False) -> float
    scan_read_units(sizes: Iterable[int], *, consistent: bool) -> float
    batch_read_units(sizes: Iterable[int], *, consistent: bool) -> float
    write_units(old: Item | None, new: Item | None, *, transactional: bool = False) -> float
    index_write_units(old: Item | None, new: Item | None, key_names: Sequence[str]) -> float
    consumed_capacity(mode: str | None, table_name: str, table_units: float, *,
                      global_indexes: Mapping[str, float] = {}, local_indexes: Mapping[str, float] = {},
                      split: str | None = None) -> dict | None

``split`` is "READ" or "WRITE" for transactional operations (adds ReadCapacityUnits or
WriteCapacityUnits equal to CapacityUnits at every level), None otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from serverlite.dynamodb.values import Item, item_size, values_equal

__all__ = [
    "READ_UNIT_BYTES",
    "WRITE_UNIT_BYTES",
    "batch_read_units",
    "consumed_capacity",
    "index_write_units",
    "item_bytes",
    "read_units",
    "scan_read_units",
    "write_units",
]

READ_UNIT_BYTES = 4 * 1024
WRITE_UNIT_BYTES = 1024
_SPLIT_MEMBER = {"READ": "ReadCapacityUnits", "WRITE": "WriteCapacityUnits"}


def item_bytes(item: Item | None) -> int:
    """The DynamoDB size of an item; 0 for no item."""
    return 0 if item is None else item_size(item)


def _units(size: int, unit: int) -> int:
    return max(1, math.ceil(size / unit))


def read_units(size: int, *, consistent: bool, transactional: bool = False) -> float:
    """Read units for one item of `size` bytes (0 for a missing item still costs the minimum)."""
    units = float(_units(size, READ_UNIT_BYTES))
    if transactional:
        return units * 2
    return units if consistent else units / 2


def scan_read_units(sizes: Iterable[int], *, consistent: bool) -> float:
    """Query/Scan: the summed size of every item read, rounded up to 4 KB once."""
    return read_units(sum(sizes), consistent=consistent)


def batch_read_units(sizes: Iterable[int], *, consistent: bool) -> float:
    """BatchGetItem: each item rounded up on its own, then added."""
    return sum(read_units(size, consistent=consistent) for size in sizes)


def write_units(old: Item | None, new: Item | None, *, transactional: bool = False) -> float:
    """Table write units: the larger of the item before and after, 1 KB per unit, minimum 1."""
    units = float(_units(max(item_bytes(old), item_bytes(new)), WRITE_UNIT_BYTES))
    return units * 2 if transactional else units


def index_write_units(old: Item | None, new: Item | None, key_names: Sequence[str]) -> float:
    """Write units one index is charged, given its copy of the item before and after (None: absent)."""
    if old is None and new is None:
        return 0.0
    if old is None or new is None:
        return write_units(old, new)
    if _same_item(old, new):
        return 0.0
    if any(not values_equal(old.get(name), new.get(name)) for name in key_names):
        return write_units(old, None) + write_units(None, new)
    return write_units(old, new)


def _same_item(old: Item, new: Item) -> bool:
    return old.keys() == new.keys() and all(values_equal(old[name], new[name]) for name in old)


def consumed_capacity(
    mode: str | None,
    table_name: str,
    table_units: float,
    *,
    global_indexes: Mapping[str, float] | None = None,
    local_indexes: Mapping[str, float] | None = None,
    split: str | None = None,
) -> dict[str, Any] | None:
    """The ConsumedCapacity member for ReturnConsumedCapacity `mode`, or None to leave it out."""
    if mode not in ("TOTAL", "INDEXES"):
        return None
    charged_global = {name: units for name, units in (global_indexes or {}).items() if units}
    charged_local = {name: units for name, units in (local_indexes or {}).items() if units}
    total = table_units + sum(charged_global.values()) + sum(charged_local.values())
    report: dict[str, Any] = {"TableName": table_name, **_arm(total, split)}
    if mode == "TOTAL":
        return report
    report["Table"] = _arm(table_units, split)
    if charged_local:
        report["LocalSecondaryIndexes"] = {name: _arm(u, split) for name, u in charged_local.items()}
    if charged_global:
        report["GlobalSecondaryIndexes"] = {name: _arm(u, split) for name, u in charged_global.items()}
    return report


def _arm(units: float, split: str | None) -> dict[str, float]:
    arm = {"CapacityUnits": float(units)}
    if split is not None:
        arm[_SPLIT_MEMBER[split]] = float(units)
    return arm
