"""GetItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html

Every read here is strongly consistent; ConsistentRead only sets the price (an eventually
consistent read costs half a unit, capacity.py). `projection`, `parse`, `fetch` and `read` are
shared with BatchGetItem and TransactGetItems.

The hot path: the common request (a table name, a key of S or N values, ConsistentRead,
ReturnConsumedCapacity) is validated without the general walk, and a whole item is answered with
its stored JSON text (`execute_encoded`) instead of decoding it and encoding it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import Path
from serverlite.dynamodb.expressions.paths import project
from serverlite.dynamodb.operations import capacity, item_request
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.schema import require_key_schema, schema_key
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item, compact_json, validate_value

__all__ = [
    "GetItemRequest",
    "execute",
    "execute_encoded",
    "fetch",
    "parse",
    "projected",
    "projection",
    "read",
    "validate",
]

OPERATION = "GetItem"


@dataclass(slots=True)
class GetItemRequest:
    """A validated GetItem request; projection None means the whole item."""

    table_name: str
    key: Item
    projection: tuple[Path, ...] | None = None
    consistent: bool = False
    return_consumed_capacity: str | None = None


def validate(request: dict[str, Any]) -> GetItemRequest:
    """Types, constraints, then everything `parse` checks."""
    plain = _plain(request)
    if plain is not None:
        return plain
    item_request.check_request(request, OPERATION)
    return parse(request)


# The members of the common request, and what `check_request` requires of them.
_PLAIN_MEMBERS = frozenset(("TableName", "Key", "ConsistentRead", "ReturnConsumedCapacity"))
_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")
_CAPACITY = frozenset(("INDEXES", "TOTAL", "NONE"))


def _plain(request: dict[str, Any]) -> GetItemRequest | None:
    """The common request validated, or None for any other (or invalid) request.

    Only a request that `check_request` and `parse` would accept as it is gets through, and it
    becomes the same GetItemRequest; anything else, valid or not, takes the general path, which
    reports errors in AWS's order.
    """
    if not _PLAIN_MEMBERS.issuperset(request):
        return None
    name, key = request.get("TableName"), request.get("Key")
    consistent, capacity_mode = request.get("ConsistentRead"), request.get("ReturnConsumedCapacity")
    if type(name) is not str or type(key) is not dict or not _TABLE_NAME.fullmatch(name):
        return None
    if (consistent is not None and type(consistent) is not bool) or (
        capacity_mode is not None and (type(capacity_mode) is not str or capacity_mode not in _CAPACITY)
    ):
        return None
    checked: Item = {}
    for attribute, value in key.items():
        if type(value) is not dict or len(value) != 1:
            return None
        raw = value.get("S")
        if type(raw) is str:
            checked[attribute] = {"S": raw}
            continue
        raw = value.get("N")
        if type(raw) is not str:
            return None
        try:
            checked[attribute] = validate_value(value)
        except ValidationException:
            return None
    return GetItemRequest(name, checked, None, bool(consistent), capacity_mode)


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
    hash_key, range_key = schema_key(require_key_schema(storage, request.table_name), request.key)
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


def execute_encoded(request: GetItemRequest, storage: Database, environment: Environment) -> bytes:
    """`execute`'s response as JSON: a whole item without ConsumedCapacity is the stored text."""
    if request.projection is not None or request.return_consumed_capacity in ("TOTAL", "INDEXES"):
        return compact_json(execute(request, storage, environment)).encode()
    hash_key, range_key = schema_key(require_key_schema(storage, request.table_name), request.key)
    text = storage.items.get_json(request.table_name, hash_key, range_key)
    return b"{}" if text is None else b'{"Item":' + text.encode() + b"}"
