"""ItemCollectionMetrics (``ReturnItemCollectionMetrics: SIZE``) for writes to tables with LSIs.

https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ItemCollectionMetrics.html:
only tables with local secondary indexes have item collections; the metrics name the collection
by its partition key value (``ItemCollectionKey``) and give ``SizeEstimateRangeGB``, a lower and
an upper bound in GB of the table items plus their LSI copies. serverlite measures the
collection and reports the whole-GB bracket it falls in, ``[0.0, 1.0]`` below 1 GB (the shape
recorded by nubo-db/dynamodb-conformance tests/tier1/putItem/itemCollectionMetrics.test.ts: a
two-element array, key named by the partition key). Tables without LSIs report nothing.
"""

from __future__ import annotations

import math
from typing import Any

from serverlite.dynamodb.operations.consumption import index_copy
from serverlite.dynamodb.operations.schema import key_names
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.indexes import definitions
from serverlite.dynamodb.storage.keys import encode_key
from serverlite.dynamodb.values import Item, item_size

__all__ = ["GIGABYTE", "item_collection_metrics", "metrics_member"]

GIGABYTE = 1024**3


def item_collection_metrics(
    storage: Database, table_name: str, table: dict[str, Any], attributes: Item
) -> dict[str, Any] | None:
    """The metrics of the collection holding `attributes` (an item or key), None without LSIs."""
    local = [index for index in definitions(table) if not index.is_global]
    if not local:
        return None
    hash_name = key_names(table)[0][0]
    hash_value = attributes[hash_name]
    size = 0
    for item in storage.items.range(table_name, encode_key(hash_value)):
        size += item_size(item) + sum(item_size(index_copy(index, item) or {}) for index in local)
    low = float(math.floor(size / GIGABYTE))
    return {"ItemCollectionKey": {hash_name: hash_value}, "SizeEstimateRangeGB": [low, low + 1.0]}


def metrics_member(
    wanted: bool, storage: Database, table_name: str, table: dict[str, Any], attributes: Item
) -> dict[str, Any]:
    """``{"ItemCollectionMetrics": ...}`` for a single-item write when asked for and available."""
    metrics = item_collection_metrics(storage, table_name, table, attributes) if wanted else None
    return {} if metrics is None else {"ItemCollectionMetrics": metrics}
