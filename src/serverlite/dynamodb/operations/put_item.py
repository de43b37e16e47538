"""PutItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html

`parse` and `apply` are shared with BatchWriteItem's PutRequest and TransactWriteItems' Put. The
condition is ConditionExpression or the legacy Expected/ConditionalOperator, converted to the
same AST (expressions/legacy.py); mixing the two forms is refused before either is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions import legacy
from serverlite.dynamodb.operations import item_request
from serverlite.dynamodb.operations.consumption import write_report
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.item_collections import metrics_member
from serverlite.dynamodb.operations.schema import reported_table, require_key_schema, schema_item_key
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.items import UNREAD
from serverlite.dynamodb.values import Item

__all__ = ["PutItemRequest", "apply", "execute", "parse", "validate"]

OPERATION = "PutItem"


@dataclass(frozen=True, slots=True)
class PutItemRequest:
    """A validated PutItem request (condition already parsed and resolved)."""

    table_name: str
    item: Item
    condition: Any = None
    return_values: str = "NONE"
    return_old_on_failure: bool = False
    return_consumed_capacity: str | None = None
    return_item_collection_metrics: bool = False


def validate(request: dict[str, Any]) -> PutItemRequest:
    """Types, constraints, then everything `parse` checks (dynalite putItem.js)."""
    item_request.check_request(request, OPERATION)
    return parse(request)


def parse(request: dict[str, Any]) -> PutItemRequest:
    """Item values, ReturnValues, size, then the condition and its placeholders."""
    item = item_request.validated_item(request["Item"])
    if request.get("ReturnValues") not in (None, "NONE", "ALL_OLD"):
        raise ValidationException("ReturnValues can only be ALL_OLD or NONE")
    item_request.check_item_size(item, "Item size has exceeded the maximum allowed size")
    context = expression_context(request, ("ConditionExpression",), ("Expected", "ConditionalOperator"))
    condition = legacy.expected_condition(request.get("Expected"), request.get("ConditionalOperator"))
    if request.get("ConditionExpression") is not None:
        condition = context.condition(request["ConditionExpression"])
    context.finish()
    return PutItemRequest(
        request["TableName"],
        item,
        condition,
        request.get("ReturnValues") or "NONE",
        request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD",
        request.get("ReturnConsumedCapacity"),
        request.get("ReturnItemCollectionMetrics") == "SIZE",
    )


def apply(
    request: PutItemRequest, storage: Database, *, read_old: bool = True
) -> tuple[Item | None, Item | None]:
    """Check the condition and write inside the caller's transaction; (old item, new item).

    With `read_old` False (the caller needs no old item, and there is no condition) old is None.
    """
    hash_key, range_key = schema_item_key(require_key_schema(storage, request.table_name), request.item)
    read_old = read_old or request.condition is not None
    old = storage.items.get(request.table_name, hash_key, range_key) if read_old else None
    item_request.check_condition(request.condition, old, return_old_on_failure=request.return_old_on_failure)
    storage.items.put(request.table_name, hash_key, range_key, request.item, old=old if read_old else UNREAD)
    return old, request.item


def execute(request: PutItemRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Check the condition and write, in one transaction."""
    capacity = request.return_consumed_capacity in ("TOTAL", "INDEXES")
    with storage.transaction():
        old, _ = apply(request, storage, read_old=capacity or request.return_values == "ALL_OLD")
        table = reported_table(
            storage,
            request.table_name,
            capacity=request.return_consumed_capacity,
            metrics=request.return_item_collection_metrics,
        )
        metrics = metrics_member(
            request.return_item_collection_metrics, storage, request.table_name, table, request.item
        )
    response: dict[str, Any] = {"Attributes": old} if request.return_values == "ALL_OLD" and old else {}
    response.update(
        write_report(request.return_consumed_capacity, request.table_name, table, old, request.item)
    )
    return response | metrics
