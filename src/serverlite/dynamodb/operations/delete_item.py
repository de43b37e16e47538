"""DeleteItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html

`parse` and `apply` are shared with BatchWriteItem's DeleteRequest and TransactWriteItems' Delete.
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
from serverlite.dynamodb.operations.schema import reported_table, require_key_schema, schema_key
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["DeleteItemRequest", "apply", "execute", "parse", "validate"]

OPERATION = "DeleteItem"


@dataclass(frozen=True, slots=True)
class DeleteItemRequest:
    """A validated DeleteItem request."""

    table_name: str
    key: Item
    condition: Any = None
    return_values: str = "NONE"
    return_old_on_failure: bool = False
    return_consumed_capacity: str | None = None
    return_item_collection_metrics: bool = False


def validate(request: dict[str, Any]) -> DeleteItemRequest:
    """Types, constraints, then everything `parse` checks."""
    item_request.check_request(request, OPERATION)
    return parse(request)


def parse(request: dict[str, Any]) -> DeleteItemRequest:
    """Key values, ReturnValues, then the condition and its placeholders."""
    key = item_request.validated_item(request["Key"])
    if request.get("ReturnValues") not in (None, "NONE", "ALL_OLD"):
        raise ValidationException("ReturnValues can only be ALL_OLD or NONE")
    context = expression_context(request, ("ConditionExpression",), ("Expected", "ConditionalOperator"))
    condition = legacy.expected_condition(request.get("Expected"), request.get("ConditionalOperator"))
    if request.get("ConditionExpression") is not None:
        condition = context.condition(request["ConditionExpression"])
    context.finish()
    return DeleteItemRequest(
        request["TableName"],
        key,
        condition,
        request.get("ReturnValues") or "NONE",
        request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD",
        request.get("ReturnConsumedCapacity"),
        request.get("ReturnItemCollectionMetrics") == "SIZE",
    )


def apply(request: DeleteItemRequest, storage: Database) -> tuple[Item | None, Item | None]:
    """Check the condition and delete inside the caller's transaction; (old item, None)."""
    hash_key, range_key = schema_key(require_key_schema(storage, request.table_name), request.key)
    old = storage.items.get(request.table_name, hash_key, range_key)
    item_request.check_condition(request.condition, old, return_old_on_failure=request.return_old_on_failure)
    storage.items.delete(request.table_name, hash_key, range_key)
    return old, None


def execute(request: DeleteItemRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Check the condition against the current item and delete, in one transaction."""
    with storage.transaction():
        old, _ = apply(request, storage)
        table = reported_table(
            storage,
            request.table_name,
            capacity=request.return_consumed_capacity,
            metrics=request.return_item_collection_metrics,
        )
        metrics = metrics_member(
            request.return_item_collection_metrics, storage, request.table_name, table, request.key
        )
    response: dict[str, Any] = {"Attributes": old} if request.return_values == "ALL_OLD" and old else {}
    response.update(write_report(request.return_consumed_capacity, request.table_name, table, old, None))
    return response | metrics
