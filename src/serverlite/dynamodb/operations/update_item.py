"""UpdateItem: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html

A missing item is created from its key plus the update (unless the condition fails), as in
DynamoDB and dynalite actions/updateItem.js. `parse` and `apply` are shared with
TransactWriteItems' Update.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions import legacy
from serverlite.dynamodb.expressions.ast import PathAction, UpdateExpression
from serverlite.dynamodb.expressions.paths import project
from serverlite.dynamodb.expressions.update import apply_update
from serverlite.dynamodb.operations import item_request
from serverlite.dynamodb.operations.consumption import write_report
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.expression_parameters import expression_context
from serverlite.dynamodb.operations.item_collections import metrics_member
from serverlite.dynamodb.operations.schema import (
    KeySchema,
    reported_table,
    require_key_schema,
    schema_key,
)
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.values import Item

__all__ = ["UpdateItemRequest", "apply", "execute", "parse", "validate"]

OPERATION = "UpdateItem"


@dataclass(frozen=True, slots=True)
class UpdateItemRequest:
    """A validated UpdateItem request (expressions parsed and resolved)."""

    table_name: str
    key: Item
    update: UpdateExpression | None
    condition: Any
    return_values: str
    return_old_on_failure: bool
    return_consumed_capacity: str | None = None
    return_item_collection_metrics: bool = False


def validate(request: dict[str, Any]) -> UpdateItemRequest:
    """Types, constraints, then everything `parse` checks."""
    item_request.check_request(request, OPERATION)
    return parse(request)


def parse(request: dict[str, Any]) -> UpdateItemRequest:
    """Key values, the mixing rule, legacy AttributeUpdates and Expected, then the expressions.

    Legacy order: dynalite validations/updateItem.js (AttributeUpdates values and actions, then
    Expected); the mixing message lists ``AttributeUpdates, Expected, ConditionalOperator``.
    """
    key = item_request.validated_item(request["Key"])
    context = expression_context(
        request,
        ("UpdateExpression", "ConditionExpression"),
        ("AttributeUpdates", "Expected", "ConditionalOperator"),
    )
    update = legacy.attribute_updates(request.get("AttributeUpdates"))
    condition = legacy.expected_condition(request.get("Expected"), request.get("ConditionalOperator"))
    if request.get("UpdateExpression") is not None:
        update = context.update(request["UpdateExpression"])
    if request.get("ConditionExpression") is not None:
        condition = context.condition(request["ConditionExpression"])
    context.finish()
    return UpdateItemRequest(
        request["TableName"],
        key,
        update,
        condition,
        request.get("ReturnValues") or "NONE",
        request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD",
        request.get("ReturnConsumedCapacity"),
        request.get("ReturnItemCollectionMetrics") == "SIZE",
    )


def _check_key_not_updated(schema: KeySchema, update: UpdateExpression | None) -> None:
    """Key attributes cannot be changed (nubo-db/dynamodb-conformance updateItem.test.ts)."""
    names = {name for name, _ in schema}
    for action in update.actions if update else ():
        if action.path.parts[0] in names:
            raise ValidationException(
                "One or more parameter values were invalid: Cannot update attribute "
                f"{action.path.parts[0]}. This attribute is part of the key"
            )


def apply(request: UpdateItemRequest, storage: Database) -> tuple[Item | None, Item | None]:
    """Read, check the condition, update and write inside the caller's transaction; (old, new)."""
    schema = require_key_schema(storage, request.table_name)
    hash_key, range_key = schema_key(schema, request.key)
    _check_key_not_updated(schema, request.update)
    old = storage.items.get(request.table_name, hash_key, range_key)
    item_request.check_condition(request.condition, old, return_old_on_failure=request.return_old_on_failure)
    if old is None and _only_removes(request.update):
        return None, None
    base = old if old is not None else dict(request.key)
    new = apply_update(request.update, base) if request.update else dict(base)
    item_request.check_item_size(new, "Item size to update has exceeded the maximum allowed size")
    storage.items.put(request.table_name, hash_key, range_key, new, old=old)
    return old, new


def _only_removes(update: UpdateExpression | None) -> bool:
    """True for an update of REMOVE and DELETE actions only: on a missing item it does nothing, and
    creates no item (API_AttributeValueUpdate.html: "DELETE - Nothing happens; there is no attribute
    to delete")."""
    return update is not None and all(
        isinstance(action, PathAction) and action.section in ("REMOVE", "DELETE") for action in update.actions
    )


def execute(request: UpdateItemRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Read, check the condition, apply the update and write, in one transaction."""
    with storage.transaction():
        old, new = apply(request, storage)
        table = reported_table(
            storage,
            request.table_name,
            capacity=request.return_consumed_capacity,
            metrics=request.return_item_collection_metrics,
        )
        metrics = metrics_member(
            request.return_item_collection_metrics, storage, request.table_name, table, request.key
        )
    response = _returned(request, old, new or {})
    response.update(write_report(request.return_consumed_capacity, request.table_name, table, old, new))
    return response | metrics


def _returned(request: UpdateItemRequest, old: Item | None, new: Item) -> dict[str, Any]:
    """The Attributes member for ReturnValues (absent when there is nothing to return)."""
    paths = [action.path for action in request.update.actions] if request.update else []
    choice = request.return_values
    attributes: Item | None = None
    if choice == "ALL_OLD":
        attributes = old
    elif choice == "ALL_NEW":
        attributes = new
    elif choice == "UPDATED_OLD" and old is not None:
        attributes = project(old, paths)
    elif choice == "UPDATED_NEW":
        attributes = project(new, paths)
    return {"Attributes": attributes} if attributes else {}
