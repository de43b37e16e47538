"""Validation shared by the item operations (PutItem, GetItem, UpdateItem, DeleteItem).

Order, after dynalite's index.js and validations/*.js (observed AWS): JSON types, then the
model's constraints (``N validation errors detected``), then attribute values, then expression
parameters and expressions. Table existence and key schema come later, in execute.
"""

from __future__ import annotations

from typing import Any

from serverlite.dynamodb.errors import ConditionalCheckFailedException, ValidationException
from serverlite.dynamodb.expressions.evaluate import evaluate
from serverlite.dynamodb.shapes import ATTRIBUTE_MAP, ATTRIBUTE_VALUE, Constraints, check_shape
from serverlite.dynamodb.values import Item, item_size, validate_value

__all__ = [
    "MAX_ITEM_SIZE",
    "SHAPE",
    "check_condition",
    "check_item_size",
    "check_request",
    "reject_legacy",
    "validated_item",
]

# 400 KB item limit: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
MAX_ITEM_SIZE = 400 * 1024
RETURN_VALUES = ("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW")

SHAPE: dict[str, Any] = {
    "TableName": "String",
    "Key": ATTRIBUTE_MAP,
    "Item": ATTRIBUTE_MAP,
    "ConditionExpression": "String",
    "UpdateExpression": "String",
    "ProjectionExpression": "String",
    "ExpressionAttributeNames": ("Map", "String"),
    "ExpressionAttributeValues": ATTRIBUTE_MAP,
    "ReturnValues": "String",
    "ReturnValuesOnConditionCheckFailure": "String",
    "ReturnConsumedCapacity": "String",
    "ReturnItemCollectionMetrics": "String",
    "ConsistentRead": "Boolean",
    "AttributesToGet": ("List", "String"),
    "Expected": (
        "Map",
        {
            "Value": ATTRIBUTE_VALUE,
            "Exists": "Boolean",
            "ComparisonOperator": "String",
            "AttributeValueList": ("List", ATTRIBUTE_VALUE),
        },
    ),
    "AttributeUpdates": ("Map", {"Value": ATTRIBUTE_VALUE, "Action": "String"}),
}


def check_request(request: dict[str, Any], required: str, *, return_values: bool) -> None:
    """JSON types and model constraints for an item request."""
    check_shape(request, SHAPE)
    constraints = Constraints()
    constraints.table_name(request.get("TableName"))
    constraints.not_null(request.get(required), required[0].lower() + required[1:])
    if return_values:
        constraints.one_of(request.get("ReturnValues"), "returnValues", RETURN_VALUES)
        constraints.one_of(
            request.get("ReturnValuesOnConditionCheckFailure"),
            "returnValuesOnConditionCheckFailure",
            ("ALL_OLD", "NONE"),
        )
    constraints.one_of(
        request.get("ReturnConsumedCapacity"), "returnConsumedCapacity", ("INDEXES", "TOTAL", "NONE")
    )
    constraints.raise_if_any()


def validated_item(attributes: dict[str, Any]) -> Item:
    """Every AttributeValue validated, numbers canonicalised, order kept."""
    return {name: validate_value(value) for name, value in attributes.items()}


def check_item_size(item: Item, message: str) -> None:
    """Reject items over 400 KB."""
    if item_size(item) > MAX_ITEM_SIZE:
        raise ValidationException(message)


def reject_legacy(request: dict[str, Any], members: tuple[str, ...]) -> None:
    """Legacy conditional parameters are not implemented; say so instead of ignoring them."""
    for member in members:
        if request.get(member) is not None:
            raise ValidationException(
                f"serverlite does not support the legacy parameter {member}; use expressions instead"
            )


def check_condition(condition: Any, old: Item | None, *, return_old_on_failure: bool) -> None:
    """Raise ConditionalCheckFailedException when a condition is false for the current item.

    With ``ReturnValuesOnConditionCheckFailure=ALL_OLD`` the error body carries the item as
    ``Item`` (botocore ConditionalCheckFailedException shape; nubo-db/dynamodb-conformance
    tests/tier3/error-messages/conditionalCheck.test.ts); nothing is added when there is no item.
    """
    if condition is None or evaluate(condition, old):
        return
    extra = {"Item": old} if return_old_on_failure and old else None
    raise ConditionalCheckFailedException(extra=extra)
