"""Key conditions of a Query: from a parsed KeyConditionExpression (or legacy KeyConditions) to
one condition per key attribute, and from those to byte bounds on the encoded sort key.

The expression is parsed by the one condition grammar (parser.py); this module only checks its
shape, with DynamoDB's messages as recorded by dynalite (architect/dynalite
validations/index.js ``checkExpr``, observed AWS) and nubo-db/dynamodb-conformance
tests/tier1/query/keyConditionSemantics.test.ts (a value on the left flips the comparison;
nested key paths are rejected). Allowed forms
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html):
``pk = :v`` and, for the sort key, ``= < <= > >=``, ``BETWEEN :a AND :b`` and ``begins_with``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import And, Between, Comparison, Function, In, Not, Or, Path, Value
from serverlite.dynamodb.storage.indexes import Bound
from serverlite.dynamodb.storage.keys import encode_key
from serverlite.dynamodb.values import AttributeValue

__all__ = ["KeyCondition", "bounds", "from_expression"]

_INVALID_OPERATOR = "Invalid operator used in KeyConditionExpression: "
_INVALID_CONDITION = "Invalid condition in KeyConditionExpression: "
_LEGACY_NAMES = {"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NOT_KEY_FUNCTIONS = ("attribute_exists", "attribute_not_exists", "attribute_type", "contains")


@dataclass(frozen=True, slots=True)
class KeyCondition:
    """One key attribute's condition in legacy terms: EQ LT LE GT GE BETWEEN BEGINS_WITH ..."""

    operator: str
    values: tuple[AttributeValue, ...]


def from_expression(tree: Any) -> dict[str, KeyCondition]:
    """One KeyCondition per attribute named in a resolved KeyConditionExpression.

    Raises:
        ValidationException: an operator, function or shape a key condition cannot use.
    """
    conditions: dict[str, KeyCondition] = {}
    _collect(tree, conditions)
    return conditions


def _collect(node: Any, conditions: dict[str, KeyCondition]) -> None:
    _reject_operator(node)
    if isinstance(node, And):
        _collect(node.left, conditions)
        _collect(node.right, conditions)
        return
    args = _arguments(node)
    name, position = _key_argument(args)
    if name in conditions:
        raise ValidationException("KeyConditionExpressions must only contain one condition per key")
    values = tuple(arg.value for arg in args if isinstance(arg, Value) and arg.value is not None)
    conditions[name] = KeyCondition(_operator(node, position), values)


def _reject_operator(node: Any) -> None:
    if isinstance(node, (Or, Not, In)):
        raise ValidationException(_INVALID_OPERATOR + type(node).__name__.upper())
    if isinstance(node, Comparison) and node.operator == "<>":
        raise ValidationException(_INVALID_OPERATOR + "<>")
    if isinstance(node, Function):
        if node.name in _NOT_KEY_FUNCTIONS:
            raise ValidationException(_INVALID_OPERATOR + node.name)
        if node.name == "size":
            raise ValidationException("KeyConditionExpressions cannot contain nested operations")
        if not isinstance(node.args[0], Path):
            raise ValidationException(
                _INVALID_CONDITION + f"{node.name} operator must have the key attribute as its first operand"
            )
    if isinstance(node, Between) and not isinstance(node.operand, Path):
        raise ValidationException(
            _INVALID_CONDITION + "BETWEEN operator must have the key attribute as its first operand"
        )


def _arguments(node: Any) -> tuple[Any, ...]:
    if isinstance(node, Comparison):
        return (node.left, node.right)
    if isinstance(node, Between):
        return (node.operand, node.low, node.high)
    return tuple(node.args)


def _key_argument(args: tuple[Any, ...]) -> tuple[str, int]:
    name, position = "", 0
    for index, arg in enumerate(args):
        if isinstance(arg, Path):
            if name:
                raise ValidationException(
                    _INVALID_CONDITION + "Multiple attribute names used in one condition"
                )
            if len(arg.parts) > 1:
                raise ValidationException(
                    "KeyConditionExpressions cannot have conditions on nested attributes"
                )
            name, position = str(arg.parts[0]), index
        elif isinstance(arg, Function):
            _reject_operator(arg)
    if not name:
        raise ValidationException(_INVALID_CONDITION + "No key attribute specified")
    return name, position


def _operator(node: Any, position: int) -> str:
    if isinstance(node, Between):
        return "BETWEEN"
    if isinstance(node, Function):
        return "BEGINS_WITH"
    operator = node.operator if position == 0 else _FLIPPED[node.operator]
    return _LEGACY_NAMES[operator]


def bounds(condition: KeyCondition | None) -> tuple[Bound | None, Bound | None]:
    """(lower, upper) bounds on the encoded sort key for a sort-key condition (None: no bound)."""
    if condition is None:
        return None, None
    first = encode_key(condition.values[0])
    operator = condition.operator
    if operator == "EQ":
        return (first, True), (first, True)
    if operator == "BETWEEN":
        return (first, True), (encode_key(condition.values[1]), True)
    if operator == "BEGINS_WITH":
        following = _prefix_successor(first)
        return (first, True), None if following is None else (following, False)
    return {
        "LT": (None, (first, False)),
        "LE": (None, (first, True)),
        "GT": ((first, False), None),
        "GE": ((first, True), None),
    }[operator]


def _prefix_successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with prefix (None: none)."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])
