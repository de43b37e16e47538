"""Validation shared by the item operations (PutItem, GetItem, UpdateItem, DeleteItem).

Order, after dynalite's index.js and validations/*.js (observed AWS): JSON types, then the
model's constraints (``N validation errors detected``), then attribute values, then expression
parameters and expressions. Table existence and key schema come later, in execute.
"""

from __future__ import annotations

import re
from typing import Any

from serverlite.dynamodb.errors import ConditionalCheckFailedException, ValidationException
from serverlite.dynamodb.expressions.evaluate import evaluate
from serverlite.dynamodb.expressions.legacy import OPERATORS
from serverlite.dynamodb.shapes import ATTRIBUTE_MAP, ATTRIBUTE_VALUE, Constraints, check_shape
from serverlite.dynamodb.values import Item, item_size, validate_value

__all__ = [
    "MAX_ITEM_SIZE",
    "SHAPE",
    "check_condition",
    "check_item_size",
    "check_request",
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


# Member order of the ``N validation errors detected`` list, per operation: dynalite
# validations/{putItem,getItem,updateItem,deleteItem}.js (observed AWS), with ConditionalOperator
# ahead of Key on UpdateItem as a conformance capture recorded it ("UpdateItem - member errors beside
# a missing Key": conditionalOperator, then key; eu-west-2 and us-east-1, 2026-10-09).
_ORDERS: dict[str, tuple[str, ...]] = {
    "PutItem": (
        "ReturnConsumedCapacity",
        "TableName",
        "Item",
        "ConditionalOperator",
        "Expected",
        "ReturnValues",
        "ReturnItemCollectionMetrics",
        "ReturnValuesOnConditionCheckFailure",
    ),
    "GetItem": ("ReturnConsumedCapacity", "AttributesToGet", "TableName", "Key"),
    "UpdateItem": (
        "ReturnConsumedCapacity",
        "TableName",
        "ReturnItemCollectionMetrics",
        "ReturnValues",
        "ConditionalOperator",
        "Expected",
        "AttributeUpdates",
        "Key",
        "ReturnValuesOnConditionCheckFailure",
    ),
    "DeleteItem": (
        "ReturnConsumedCapacity",
        "TableName",
        "ReturnValues",
        "ReturnItemCollectionMetrics",
        "ConditionalOperator",
        "Expected",
        "Key",
        "ReturnValuesOnConditionCheckFailure",
    ),
}
_ENUMS: dict[str, tuple[str, ...]] = {
    "ReturnConsumedCapacity": ("INDEXES", "TOTAL", "NONE"),
    "ReturnItemCollectionMetrics": ("SIZE", "NONE"),
    "ReturnValues": RETURN_VALUES,
    "ReturnValuesOnConditionCheckFailure": ("ALL_OLD", "NONE"),
    "ConditionalOperator": ("OR", "AND"),
}


def check_request(request: dict[str, Any], operation: str) -> None:
    """JSON types and model constraints for an item request, in the operation's member order."""
    check_shape(request, SHAPE)
    if _constraints_hold(request, operation):
        return
    constraints = Constraints()
    for member in _ORDERS[operation]:
        _constrain(constraints, request, member)
    constraints.raise_if_any()


_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")  # Constraints.table_name's pattern and length


def _constraints_hold(request: dict[str, Any], operation: str) -> bool:
    """True when `_constrain` finds nothing, for the usual request: a valid table name, the item or
    key, valid enum members. False means only "look closer" (Expected and AttributeUpdates always)."""
    for member in _ORDERS[operation]:
        value = request.get(member)
        if member == "TableName":
            if type(value) is not str or not _TABLE_NAME.fullmatch(value):
                return False
        elif member == "Item" or member == "Key":
            if value is None:
                return False
        elif value is not None and (member not in _ENUMS or value not in _ENUMS[member]):
            return False
    return True


def _constrain(constraints: Constraints, request: dict[str, Any], member: str) -> None:
    where = member[0].lower() + member[1:]
    value = request.get(member)
    if member == "TableName":
        constraints.table_name(value)
    elif member in ("Item", "Key"):
        constraints.not_null(value, where)
    elif member == "AttributesToGet":
        constraints.length(value, where, 1, 255)
    elif member == "Expected":
        for name, condition in reversed(list((value or {}).items())):
            constraints.one_of(
                condition.get("ComparisonOperator"), f"expected.{name}.member.comparisonOperator", OPERATORS
            )
    elif member == "AttributeUpdates":
        for name, update in reversed(list((value or {}).items())):
            # botocore service-2.json AttributeAction enum: ADD, PUT, DELETE.
            constraints.one_of(
                update.get("Action"), f"attributeUpdates.{name}.member.action", ("ADD", "PUT", "DELETE")
            )
    else:
        constraints.one_of(value, where, _ENUMS[member])


def validated_item(attributes: dict[str, Any]) -> Item:
    """Every AttributeValue validated, numbers canonicalised, order kept."""
    return {name: validate_value(value) for name, value in attributes.items()}


def check_item_size(item: Item, message: str) -> None:
    """Reject items over 400 KB."""
    if item_size(item) > MAX_ITEM_SIZE:
        raise ValidationException(message)


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
