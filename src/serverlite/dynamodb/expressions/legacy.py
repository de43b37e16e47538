"""Legacy conditional parameters of Query and Scan (KeyConditions, QueryFilter, ScanFilter,
AttributesToGet, ConditionalOperator), checked and converted to the same AST as expressions.

Checks and messages: dynalite validations/index.js ``validateConditions`` (observed AWS); operator
semantics: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.Conditions.html
"""

from __future__ import annotations

from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import And, Between, Comparison, Function, In, Not, Or, Path, Value
from serverlite.dynamodb.expressions.key_condition import KeyCondition
from serverlite.dynamodb.values import AttributeValue, compare, type_of, validate_value

__all__ = ["OPERATORS", "check_conditions", "filter_condition", "key_conditions"]

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
_TYPES = {
    "EQ": (*_SCALARS, "SS", "NS", "BS"),
    "NE": (*_SCALARS, "SS", "NS", "BS"),
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
        operator = condition["ComparisonOperator"]
        values = [validate_value(value) for value in condition.get("AttributeValueList") or ()]
        low, high = _COUNTS.get(operator, (1, 1))
        if len(values) < low or (high is not None and len(values) > high):
            raise ValidationException(
                f"{_INVALID}Invalid number of argument(s) for the {operator} ComparisonOperator"
            )
        if values and any(type_of(value) != type_of(values[0]) for value in values):
            raise ValidationException(
                f"{_INVALID}AttributeValues inside AttributeValueList must be of same type"
            )
        for value in values:
            if type_of(value) not in _TYPES.get(operator, (type_of(value),)):
                raise ValidationException(
                    f"{_INVALID}ComparisonOperator {operator} is not valid for "
                    f"{type_of(value)} AttributeValue type"
                )
        if operator == "BETWEEN" and (compare(values[0], values[1]) or 0) > 0:
            raise ValidationException(
                "The BETWEEN condition was provided a range where the lower bound is greater "
                "than the upper bound"
            )
        checked[name] = values
    return checked


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
    if operator == "NOT_CONTAINS":
        return Not(Function("contains", (path, operands[0])))
    if operator == "BEGINS_WITH":
        return Function("begins_with", (path, operands[0]))
    if operator == "IN":
        return In(path, tuple(operands))
    return Between(path, operands[0], operands[1])
