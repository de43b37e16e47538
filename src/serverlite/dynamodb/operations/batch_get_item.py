"""BatchGetItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html

Up to 100 keys across tables; every table asked for appears in Responses (possibly with no
items). Reads are strongly consistent; ConsistentRead only sets the price. ConsumedCapacity is one
entry per table, each item rounded up to 4 KB on its own (capacity.batch_read_units). serverlite reads every
key unless the response would pass DynamoDB's 16 MB limit; the keys left over come back in
UnprocessedKeys with the table's projection settings, ready to resend.
Check order and messages: dynalite validations/batchGetItem.js and test/batchGetItem.js (observed
AWS); the empty-map and >100-per-table wordings from nubo-db/dynamodb-conformance
tests/tier3/error-messages/batchGetItem.test.ts (captured from AWS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import Path
from serverlite.dynamodb.operations import capacity, get_item, item_request
from serverlite.dynamodb.operations.consumption import Tallies
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.request_items import check_table_names, require_request_items
from serverlite.dynamodb.operations.schema import request_key, require_table
from serverlite.dynamodb.shapes import ATTRIBUTE_MAP, Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item, item_size

__all__ = ["BatchGetItemRequest", "TableKeys", "execute", "validate"]

OPERATION = "BatchGetItem"

MAX_KEYS = 100
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html: "as many as
# 100 items ... up to 16 MB of data"; the rest is returned as UnprocessedKeys.
RESPONSE_LIMIT = 16 * 1024 * 1024
_SETTINGS = ("AttributesToGet", "ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames")
SHAPE = {
    "RequestItems": (
        "Map",
        {
            "Keys": ("List", ATTRIBUTE_MAP),
            "AttributesToGet": ("List", "String"),
            "ConsistentRead": "Boolean",
            "ProjectionExpression": "String",
            "ExpressionAttributeNames": ("Map", "String"),
        },
    ),
    "ReturnConsumedCapacity": "String",
}


@dataclass(frozen=True, slots=True)
class TableKeys:
    """One table's validated keys and projection, plus its settings to echo in UnprocessedKeys."""

    table_name: str
    keys: tuple[Item, ...]
    projection: tuple[Path, ...] | None
    settings: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BatchGetItemRequest:
    """A validated BatchGetItem request."""

    tables: tuple[TableKeys, ...]
    response_limit: int = RESPONSE_LIMIT
    return_consumed_capacity: str | None = None


def validate(request: dict[str, Any]) -> BatchGetItemRequest:
    """Types, constraints, then per table: projection, key values, duplicates, the 100-key total."""
    check_shape(request, SHAPE)
    request_items = _check_constraints(request)
    tables, count = [], 0
    for table_name, wanted in request_items.items():
        projection = get_item.projection(wanted)
        keys, seen = [], set()
        for raw in wanted["Keys"]:
            key = item_request.validated_item(raw)
            identity = tuple(sorted((name, repr(value)) for name, value in key.items()))
            if identity in seen:
                raise ValidationException("Provided list of item keys contains duplicates")
            seen.add(identity)
            keys.append(key)
            count += 1
            if count > MAX_KEYS:
                raise ValidationException("Too many items requested for the BatchGetItem call")
        settings = {name: wanted[name] for name in _SETTINGS if wanted.get(name) is not None}
        tables.append(TableKeys(table_name, tuple(keys), projection, settings))
    return BatchGetItemRequest(tuple(tables), return_consumed_capacity=request.get("ReturnConsumedCapacity"))


def _check_constraints(request: dict[str, Any]) -> dict[str, Any]:
    constraints = Constraints()
    constraints.one_of(
        request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", ("INDEXES", "TOTAL", "NONE")
    )
    constraints.not_null(request.get("RequestItems"), "requestItems")
    constraints.raise_if_any()
    request_items: dict[str, Any] = request["RequestItems"]
    require_request_items(request_items, OPERATION)
    check_table_names(request_items, "{" + ", ".join(request_items) + "}", constraints)
    for table_name, wanted in request_items.items():
        where = f"requestItems.{table_name}.member"
        keys = wanted.get("Keys")
        constraints.not_null(keys, f"{where}.keys")
        if keys is not None and len(keys) > MAX_KEYS:
            constraints.failures.append(
                f"Value at 'RequestItems.{table_name}.member.Keys' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_KEYS}"
            )
        else:
            constraints.length(keys, f"{where}.keys", 1, None)
        constraints.length(wanted.get("AttributesToGet"), f"{where}.attributesToGet", 1, 255)
    constraints.raise_if_any()
    return request_items


def execute(request: BatchGetItemRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Every table and key checked first, then the items read until the response limit."""
    for wanted in request.tables:
        table = require_table(storage, wanted.table_name)
        for key in wanted.keys:
            request_key(table, key)
    responses: dict[str, list[Item]] = {wanted.table_name: [] for wanted in request.tables}
    unprocessed: dict[str, dict[str, Any]] = {}
    tallies = Tallies()
    budget = request.response_limit
    for wanted in request.tables:
        tally = tallies.of(wanted.table_name)
        for position, key in enumerate(wanted.keys):
            get = _get(wanted, key)
            found = get_item.fetch(get, storage) if budget >= 0 else None
            item = get_item.projected(get, found)
            if item is not None:
                budget -= item_size(item)
            if budget < 0:
                unprocessed[wanted.table_name] = {"Keys": list(wanted.keys[position:]), **wanted.settings}
                break
            tally.read += capacity.read_units(capacity.item_bytes(found), consistent=get.consistent)
            if item is not None:
                responses[wanted.table_name].append(item)
    response: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
    reports = tallies.reports(request.return_consumed_capacity)
    return response if reports is None else {**response, "ConsumedCapacity": reports}


def _get(wanted: TableKeys, key: Item) -> get_item.GetItemRequest:
    consistent = bool(wanted.settings.get("ConsistentRead"))
    return get_item.GetItemRequest(wanted.table_name, key, wanted.projection, consistent)
