"""Legacy conditional parameters (KeyConditions, QueryFilter, ScanFilter, Expected,
ConditionalOperator, AttributeUpdates), checked and converted to the same AST as expressions.

Checks and messages: dynalite validations/index.js ``validateConditions`` and
``validateAttributeConditions``, validations/updateItem.js for AttributeUpdates (observed AWS); the
ConditionalOperator rules (``... cannot be used without Filter or Expected``, ``... can only be used
when Filter or Expected has two or more elements``) from extenddb's dual-target test of legacy
ConditionalOperator validation, recorded against Amazon DynamoDB. Operator semantics:
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.Conditions.html
and LegacyConditionalParameters.AttributeUpdates.html.
"""

from __future__ import annotations

from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import (
    And,
    Between,
    Comparison,
    Function,
    In,
    Not,
    Or,
    Path,
    PathAction,
    SetAction,
    UpdateExpression,
    Value,
)
from serverlite.dynamodb.expressions.key_condition import KeyCondition
from serverlite.dynamodb.expressions.update import LEGACY_VALUE
from serverlite.dynamodb.values import AttributeValue, compare, type_of, validate_value

__all__ = [
    "OPERATORS",
    "attribute_updates",
    "check_conditional_operator",
    "check_conditions",
    "expected_condition",
    "filter_condition",
    "key_conditions",
]

OPERATORS = (
    "IN",
    "NULL",
    "BETWEEN",
    "LT",
    "NOT_CONTAINS",
    "EQ",
    "GT",
    "NOT_NULL",
    "NE",
    "LE",
    "BEGINS_WITH",
    "GE",
    "CONTAINS",
)
_INVALID = "One or more parameter values were invalid: "
_COUNTS = {"NULL": (0, 0), "NOT_NULL": (0, 0), "IN": (1, None), "BETWEEN": (2, 2)}
_SCALARS = ("S", "N", "B")
# EQ and NE take every type: "EQ is supported for all data types, including lists and maps"
# (LegacyConditionalParameters.Conditions.html).
_TYPES = {
    "LE": _SCALARS,
    "LT": _SCALARS,
    "GE": _SCALARS,
    "GT": _SCALARS,
    "CONTAINS": _SCALARS,
    "NOT_CONTAINS": _SCALARS,
    "BEGINS_WITH": ("S", "B"),
    "IN": _SCALARS,
    "BETWEEN": _SCALARS,
}
_COMPARATORS = {"EQ": "=", "NE": "<>", "LT": "<", "LE": "<=", "GT": ">", "GE": ">="}


def check_conditions(conditions: dict[str, Any] | None) -> dict[str, list[AttributeValue]]:
    """Validate a legacy condition map; return each attribute's validated AttributeValueList.

    Raises:
        ValidationException: value, count, type or BETWEEN-order errors, in dynalite's order.
    """
    checked: dict[str, list[AttributeValue]] = {}
    for name, condition in (conditions or {}).items():
        values = [validate_value(value) for value in condition.get("AttributeValueList") or ()]
        _check_operands(condition["ComparisonOperator"], values)
        checked[name] = values
    return checked


def _check_operands(operator: str, values: list[AttributeValue]) -> None:
    """Count, same type, type per operator, then BETWEEN order."""
    low, high = _COUNTS.get(operator, (1, 1))
    if len(values) < low or (high is not None and len(values) > high):
        raise ValidationException(
            f"{_INVALID}Invalid number of argument(s) for the {operator} ComparisonOperator"
        )
    if values and any(type_of(value) != type_of(values[0]) for value in values):
        raise ValidationException(f"{_INVALID}AttributeValues inside AttributeValueList must be of same type")
    for value in values:
        if type_of(value) not in _TYPES.get(operator, (type_of(value),)):
            raise ValidationException(
                f"{_INVALID}ComparisonOperator {operator} is not valid for "
                f"{type_of(value)} AttributeValue type"
            )
    if operator == "BETWEEN" and (compare(values[0], values[1]) or 0) > 0:
        raise ValidationException(
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
        )


def check_conditional_operator(conditions: dict[str, Any] | None, conditional_operator: str | None) -> None:
    """ConditionalOperator needs a Filter or Expected map of two or more conditions.

    Raises:
        ValidationException: no conditions, or only one.
    """
    if conditional_operator is None:
        return
    if not conditions:
        raise ValidationException("ConditionalOperator cannot be used without Filter or Expected")
    if len(conditions) < 2:
        raise ValidationException(
            "ConditionalOperator can only be used when Filter or Expected has two or more elements"
        )


def expected_condition(expected: dict[str, Any] | None, conditional_operator: str | None) -> Any:
    """Check a legacy Expected map and return it as one condition AST (None when absent).

    ``{"Exists": false}`` is attribute_not_exists; ``Value`` alone or with ``Exists: true`` is
    equality; ``ComparisonOperator`` takes ``AttributeValueList`` or a single ``Value``.

    Raises:
        ValidationException: dynalite validateAttributeConditions' checks, attribute by attribute.
    """
    nodes = [_expected(name, condition) for name, condition in (expected or {}).items()]
    check_conditional_operator(expected, conditional_operator)
    joined: Any = None
    join = Or if conditional_operator == "OR" else And
    for node in nodes:
        joined = node if joined is None else join(joined, node)
    return joined


def _expected(name: str, condition: dict[str, Any]) -> Any:
    has_list, has_value = condition.get("AttributeValueList") is not None, condition.get("Value") is not None
    operator = condition.get("ComparisonOperator")
    where = f" for Attribute: {name}"
    if has_list and has_value:
        raise ValidationException(f"{_INVALID}Value and AttributeValueList cannot be used together{where}")
    if operator is not None:
        if condition.get("Exists") is not None:
            raise ValidationException(
                f"{_INVALID}Exists and ComparisonOperator cannot be used together{where}"
            )
        if operator not in ("NULL", "NOT_NULL") and not (has_list or has_value):
            raise ValidationException(
                f"{_INVALID}Value or AttributeValueList must be used with ComparisonOperator: "
                f"{operator}{where}"
            )
        raw = condition["AttributeValueList"] if has_list else [condition["Value"]] if has_value else []
        values = [validate_value(value) for value in raw]
        _check_operands(operator, values)
        return _condition(Path((name,)), operator, values)
    if has_list:
        raise ValidationException(
            f"{_INVALID}AttributeValueList can only be used with a ComparisonOperator{where}"
        )
    exists = condition.get("Exists")
    if exists is not False and not has_value:
        shown = "null" if exists is None else "true"
        raise ValidationException(f"{_INVALID}Value must be provided when Exists is {shown}{where}")
    if exists is False and has_value:
        raise ValidationException(f"{_INVALID}Value cannot be used when Exists is false{where}")
    if exists is False:
        return Function("attribute_not_exists", (Path((name,)),))
    return Comparison("=", Path((name,)), Value(":legacy0", validate_value(condition["Value"])))


_UPDATE_TYPES = {"DELETE": ("SS", "NS", "BS"), "ADD": ("L", "SS", "NS", "BS", "N")}


def attribute_updates(updates: dict[str, Any] | None) -> UpdateExpression | None:
    """Check a legacy AttributeUpdates map and return it as update actions (None when absent).

    PUT sets the attribute; DELETE without a value removes it, with a set value removes those
    members; ADD adds to a number or set, appends to a list, or sets a missing attribute.

    Raises:
        ValidationException: an invalid value, a missing value, or a value type the action refuses.
    """
    if updates is None:
        return None
    actions: list[SetAction | PathAction] = []
    for name, update in updates.items():
        action = update.get("Action") or "PUT"
        value = validate_value(update["Value"]) if update.get("Value") is not None else None
        if value is None and action != "DELETE":
            raise ValidationException(
                f"{_INVALID}Only DELETE action is allowed when no attribute value is specified"
            )
        if value is not None and type_of(value) not in _UPDATE_TYPES.get(action, (type_of(value),)):
            raise ValidationException(
                f"{_INVALID}{action} action{' with value' if action == 'DELETE' else ''} is not supported "
                f"for the type {type_of(value)}"
            )
        actions.append(_update_action(Path((name,)), action, value))
    return UpdateExpression(tuple(actions), tuple(dict.fromkeys(_section(a) for a in actions)))


def _update_action(path: Path, action: str, value: AttributeValue | None) -> SetAction | PathAction:
    if value is None:
        return PathAction("REMOVE", path)
    operand = Value(LEGACY_VALUE, value)
    if action == "PUT":
        return SetAction(path, operand)
    if action == "ADD" and type_of(value) == "L":
        current = Function("if_not_exists", (path, Value(":legacyEmpty", {"L": []})))
        return SetAction(path, Function("list_append", (current, operand)))
    return PathAction(action, path, operand)


def _section(action: SetAction | PathAction) -> str:
    return "SET" if isinstance(action, SetAction) else action.section


def key_conditions(
    conditions: dict[str, Any], checked: dict[str, list[AttributeValue]]
) -> dict[str, KeyCondition]:
    """Legacy KeyConditions as KeyCondition objects (validated by check_conditions first)."""
    return {
        name: KeyCondition(condition["ComparisonOperator"], tuple(checked[name]))
        for name, condition in conditions.items()
    }


def filter_condition(
    conditions: dict[str, Any], checked: dict[str, list[AttributeValue]], conditional_operator: str | None
) -> Any:
    """A QueryFilter/ScanFilter as one condition AST (AND unless ConditionalOperator is OR)."""
    joined: Any = None
    join = Or if conditional_operator == "OR" else And
    for name, condition in conditions.items():
        node = _condition(Path((name,)), condition["ComparisonOperator"], checked[name])
        joined = node if joined is None else join(joined, node)
    return joined


def _condition(path: Path, operator: str, values: list[AttributeValue]) -> Any:
    operands = [Value(f":legacy{i}", value) for i, value in enumerate(values)]
    if operator in _COMPARATORS:
        return Comparison(_COMPARATORS[operator], path, operands[0])
    if operator == "NULL":
        return Function("attribute_not_exists", (path,))
    if operator == "NOT_NULL":
        return Function("attribute_exists", (path,))
    if operator == "CONTAINS":
        return Function("contains", (path, operands[0]))
    if operator == "NOT_CONTAINS":  # an attribute that is not there fails it, as CONTAINS does
        return And(Function("attribute_exists", (path,)), Not(Function("contains", (path, operands[0]))))
    if operator == "BEGINS_WITH":
        return Function("begins_with", (path, operands[0]))
    if operator == "IN":
        return In(path, tuple(operands))
    return Between(path, operands[0], operands[1])
