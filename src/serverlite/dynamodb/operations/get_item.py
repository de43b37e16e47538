"""GetItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html

Every read here is strongly consistent, so ConsistentRead only needs validating.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.expressions.ast import Path
from serverlite.dynamodb.expressions.paths import project
from serverlite.dynamodb.operations import item_request
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.schema import request_key, require_table
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["GetItemRequest", "execute", "validate"]

OPERATION = "GetItem"


@dataclass(frozen=True, slots=True)
class GetItemRequest:
    """A validated GetItem request; projection None means the whole item."""

    table_name: str
    key: Item
    projection: tuple[Path, ...] | None


def validate(request: dict[str, Any]) -> GetItemRequest:
    """Types, constraints, key values, then the projection."""
    item_request.check_request(request, "Key", return_values=False)
    key = item_request.validated_item(request["Key"])
    context = expression_context(request, ("ProjectionExpression",), ("AttributesToGet",))
    projection: tuple[Path, ...] | None = None
    if request.get("ProjectionExpression") is not None:
        projection = context.projection(request["ProjectionExpression"]).paths
    elif request.get("AttributesToGet") is not None:
        projection = tuple(Path((name,)) for name in request["AttributesToGet"])
    context.finish()
    return GetItemRequest(request["TableName"], key, projection)


def execute(request: GetItemRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """The item (projected), or an empty response when there is none."""
    table = require_table(storage, request.table_name)
    hash_key, range_key = request_key(table, request.key)
    item = storage.items.get(request.table_name, hash_key, range_key)
    if item is None:
        return {}
    return {"Item": item if request.projection is None else project(item, request.projection)}
