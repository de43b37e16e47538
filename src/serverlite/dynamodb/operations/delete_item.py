"""DeleteItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ConditionalCheckFailedException, ValidationException
from serverlite.dynamodb.expressions.evaluate import evaluate
from serverlite.dynamodb.operations import item_request
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.schema import request_key, require_table
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["DeleteItemRequest", "execute", "validate"]

OPERATION = "DeleteItem"


@dataclass(frozen=True, slots=True)
class DeleteItemRequest:
    """A validated DeleteItem request."""

    table_name: str
    key: Item
    condition: Any
    return_values: str
    return_old_on_failure: bool


def validate(request: dict[str, Any]) -> DeleteItemRequest:
    """Types, constraints, key values, ReturnValues, then the condition."""
    item_request.check_request(request, "Key", return_values=True)
    key = item_request.validated_item(request["Key"])
    if request.get("ReturnValues") not in (None, "NONE", "ALL_OLD"):
        raise ValidationException("ReturnValues can only be ALL_OLD or NONE")
    context = expression_context(request, ("ConditionExpression",), ("Expected",))
    item_request.reject_legacy(request, ("Expected", "ConditionalOperator"))
    condition = None
    if request.get("ConditionExpression") is not None:
        condition = context.condition(request["ConditionExpression"])
    context.finish()
    return DeleteItemRequest(
        request["TableName"],
        key,
        condition,
        request.get("ReturnValues") or "NONE",
        request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD",
    )


def execute(request: DeleteItemRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Check the condition against the current item and delete, in one transaction."""
    with storage.transaction():
        table = require_table(storage, request.table_name)
        hash_key, range_key = request_key(table, request.key)
        old = storage.items.get(request.table_name, hash_key, range_key)
        if request.condition is not None and not evaluate(request.condition, old):
            extra = {"Item": old} if request.return_old_on_failure and old else None
            raise ConditionalCheckFailedException(extra=extra)
        storage.items.delete(request.table_name, hash_key, range_key)
    return {"Attributes": old} if request.return_values == "ALL_OLD" and old else {}
