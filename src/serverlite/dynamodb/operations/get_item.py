"""GetItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html

Every read here is strongly consistent, so ConsistentRead only needs validating. `projection`,
`parse` and `read` are shared with BatchGetItem and TransactGetItems.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import Path
from serverlite.dynamodb.expressions.paths import project
from serverlite.dynamodb.operations import item_request
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.schema import request_key, require_table
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["GetItemRequest", "execute", "parse", "projection", "read", "validate"]

OPERATION = "GetItem"


@dataclass(frozen=True, slots=True)
class GetItemRequest:
    """A validated GetItem request; projection None means the whole item."""

    table_name: str
    key: Item
    projection: tuple[Path, ...] | None = None


def validate(request: dict[str, Any]) -> GetItemRequest:
    """Types, constraints, then everything `parse` checks."""
    item_request.check_request(request, "Key", return_values=False)
    return parse(request)


def parse(request: dict[str, Any]) -> GetItemRequest:
    """Key values, then the projection."""
    key = item_request.validated_item(request["Key"])
    return GetItemRequest(request["TableName"], key, projection(request))


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


def read(request: GetItemRequest, storage: Database) -> Item | None:
    """The item (projected), or None when there is none."""
    table = require_table(storage, request.table_name)
    hash_key, range_key = request_key(table, request.key)
    item = storage.items.get(request.table_name, hash_key, range_key)
    if item is None or request.projection is None:
        return item
    return project(item, request.projection)


def execute(request: GetItemRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """The item (projected), or an empty response when there is none."""
    item = read(request, storage)
    return {} if item is None else {"Item": item}
