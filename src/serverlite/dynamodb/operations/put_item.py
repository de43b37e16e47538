"""PutItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ConditionalCheckFailedException, ValidationException
from serverlite.dynamodb.expressions.evaluate import evaluate
from serverlite.dynamodb.operations import item_request
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.schema import item_key, require_table
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["PutItemRequest", "execute", "validate"]

OPERATION = "PutItem"


@dataclass(frozen=True, slots=True)
class PutItemRequest:
    """A validated PutItem request (condition already parsed and resolved)."""

    table_name: str
    item: Item
    condition: Any
    return_values: str
    return_old_on_failure: bool


def validate(request: dict[str, Any]) -> PutItemRequest:
    """Types, constraints, item values, ReturnValues, size, then expressions (dynalite putItem.js)."""
    item_request.check_request(request, "Item", return_values=True)
    item = item_request.validated_item(request["Item"])
    if request.get("ReturnValues") not in (None, "NONE", "ALL_OLD"):
        raise ValidationException("ReturnValues can only be ALL_OLD or NONE")
    item_request.check_item_size(item, "Item size has exceeded the maximum allowed size")
    context = expression_context(request, ("ConditionExpression",), ("Expected",))
    item_request.reject_legacy(request, ("Expected", "ConditionalOperator"))
    condition = None
    if request.get("ConditionExpression") is not None:
        condition = context.condition(request["ConditionExpression"])
    context.finish()
    return PutItemRequest(
        request["TableName"],
        item,
        condition,
        request.get("ReturnValues") or "NONE",
        request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD",
    )


def execute(request: PutItemRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Check the condition and write, in one transaction."""
    with storage.transaction():
        table = require_table(storage, request.table_name)
        hash_key, range_key = item_key(table, request.item)
        old = storage.items.get(request.table_name, hash_key, range_key)
        if request.condition is not None and not evaluate(request.condition, old):
            extra = {"Item": old} if request.return_old_on_failure and old else None
            raise ConditionalCheckFailedException(extra=extra)
        storage.items.put(request.table_name, hash_key, range_key, request.item)
    return {"Attributes": old} if request.return_values == "ALL_OLD" and old else {}
