"""GetItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html

Every read here is strongly consistent; ConsistentRead only sets the price (an eventually
consistent read costs half a unit, capacity.py). `projection`, `parse`, `fetch` and `read` are
shared with BatchGetItem and TransactGetItems.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import Path
from serverlite.dynamodb.expressions.paths import project
from serverlite.dynamodb.operations import capacity, item_request
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.schema import request_key, require_table
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["GetItemRequest", "execute", "fetch", "parse", "projected", "projection", "read", "validate"]

OPERATION = "GetItem"


@dataclass(frozen=True, slots=True)
class GetItemRequest:
    """A validated GetItem request; projection None means the whole item."""

    table_name: str
    key: Item
    projection: tuple[Path, ...] | None = None
    consistent: bool = False
    return_consumed_capacity: str | None = None


def validate(request: dict[str, Any]) -> GetItemRequest:
    """Types, constraints, then everything `parse` checks."""
    item_request.check_request(request, OPERATION)
    return parse(request)


def parse(request: dict[str, Any]) -> GetItemRequest:
    """Key values, then the projection."""
    key = item_request.validated_item(request["Key"])
    return GetItemRequest(
        request["TableName"],
        key,
        projection(request),
        bool(request.get("ConsistentRead")),
        request.get("ReturnConsumedCapacity"),
    )


def projection(request: dict[str, Any]) -> tuple[Path, ...] | None:
    """ProjectionExpression (or legacy AttributesToGet) with its placeholders checked."""
    context = expression_context(request, ("ProjectionExpression",), ("AttributesToGet",))
    _check_attributes_to_get(request.get("AttributesToGet"))
    paths: tuple[Path, ...] | None = None
    if request.get("ProjectionExpression") is not None:
        paths = context.projection(request["ProjectionExpression"]).paths
    elif request.get("AttributesToGet") is not None:
        paths = tuple(Path((name,)) for name in request["AttributesToGet"])
    context.finish()
    return paths


def _check_attributes_to_get(names: list[str] | None) -> None:
    """Duplicate names are rejected after the expression parameters (dynalite batchGetItem.js)."""
    seen: set[str] = set()
    for name in names or ():
        if name in seen:
            raise ValidationException(
                f"One or more parameter values were invalid: Duplicate value in attribute name: {name}"
            )
        seen.add(name)


def fetch(request: GetItemRequest, storage: Database) -> Item | None:
    """The whole item (what a read is charged for), or None when there is none."""
    table = require_table(storage, request.table_name)
    hash_key, range_key = request_key(table, request.key)
    return storage.items.get(request.table_name, hash_key, range_key)


def projected(request: GetItemRequest, item: Item | None) -> Item | None:
    """The item as the request's projection shows it."""
    if item is None or request.projection is None:
        return item
    return project(item, request.projection)


def read(request: GetItemRequest, storage: Database) -> Item | None:
    """The item (projected), or None when there is none."""
    return projected(request, fetch(request, storage))


def execute(request: GetItemRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """The item (projected), or an empty response when there is none; ConsumedCapacity if asked."""
    item = fetch(request, storage)
    shown = projected(request, item)
    response: dict[str, Any] = {} if shown is None else {"Item": shown}
    if request.return_consumed_capacity not in ("TOTAL", "INDEXES"):
        return response  # sizing the item costs a third of a GetItem: only when asked
    units = capacity.read_units(capacity.item_bytes(item), consistent=request.consistent)
    report = capacity.consumed_capacity(request.return_consumed_capacity, request.table_name, units)
    return response if report is None else {**response, "ConsumedCapacity": report}
