"""The ConditionCheck action of TransactWriteItems (not an operation of its own).

https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ConditionCheck.html: a key, a
required ConditionExpression and ReturnValuesOnConditionCheckFailure; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.operations import item_request
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.schema import request_key, require_table
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["ConditionCheckRequest", "apply", "parse"]


@dataclass(frozen=True, slots=True)
class ConditionCheckRequest:
    """A validated ConditionCheck action."""

    table_name: str
    key: Item
    condition: Any
    return_old_on_failure: bool


def parse(request: dict[str, Any]) -> ConditionCheckRequest:
    """Key values, then the condition and its placeholders (dynalite transactWriteItems.js)."""
    key = item_request.validated_item(request["Key"])
    context = expression_context(request, ("ConditionExpression",), ())
    condition = context.condition(request["ConditionExpression"])
    context.finish()
    return ConditionCheckRequest(
        request["TableName"], key, condition, request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    )


def apply(request: ConditionCheckRequest, storage: Database) -> tuple[Item | None, Item | None]:
    """Check the condition against the current item; (old item, old item)."""
    table = require_table(storage, request.table_name)
    hash_key, range_key = request_key(table, request.key)
    old = storage.items.get(request.table_name, hash_key, range_key)
    item_request.check_condition(request.condition, old, return_old_on_failure=request.return_old_on_failure)
    return old, old
