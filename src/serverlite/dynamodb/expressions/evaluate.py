"""Evaluate a resolved condition against an item (None = the item does not exist).

Semantics from https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html:
a comparison with a missing attribute is false (``<>`` is true: the values differ); ordering
comparisons need two scalars of the same type; sets compare unordered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from serverlite.dynamodb.expressions import paths
from serverlite.dynamodb.expressions.ast import And, Between, Comparison, Function, In, Not, Or, Path, Value
from serverlite.dynamodb.values import SET_TYPES, AttributeValue, Item, blob, compare, type_of, values_equal

__all__ = ["evaluate"]

_ORDERINGS: dict[str, Callable[[int], bool]] = {
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}


def evaluate(condition: Any, item: Item | None) -> bool:
    """True when the condition holds for the item."""
    return bool(_EVALUATORS[type(condition)](condition, item or {}))


def _operand(node: Any, item: Item) -> AttributeValue | None:
    if isinstance(node, Path):
        return paths.get(item, node)
    if isinstance(node, Value):
        return node.value
    if isinstance(node, Function) and node.name == "size":
        return _size(_operand(node.args[0], item))
    return None


def _size(value: AttributeValue | None) -> AttributeValue | None:
    if value is None:
        return None
    kind = type_of(value)
    raw = value[kind]
    if kind == "B":
        return {"N": str(len(blob(raw)))}
    if kind in ("S", "SS", "NS", "BS", "L", "M"):
        return {"N": str(len(raw))}
    return None


def _comparison(node: Comparison, item: Item) -> bool:
    left, right = _operand(node.left, item), _operand(node.right, item)
    if node.operator == "=":
        return values_equal(left, right)
    if node.operator == "<>":
        return not values_equal(left, right)
    if left is None or right is None:
        return False
    order = compare(left, right)
    return order is not None and _ORDERINGS[node.operator](order)


def _between(node: Between, item: Item) -> bool:
    value, low, high = (_operand(n, item) for n in (node.operand, node.low, node.high))
    if value is None or low is None or high is None:
        return False
    above, below = compare(value, low), compare(value, high)
    return above is not None and below is not None and above >= 0 and below <= 0


def _in(node: In, item: Item) -> bool:
    value = _operand(node.operand, item)
    return any(values_equal(value, _operand(option, item)) for option in node.options)


def _function(node: Function, item: Item) -> bool:
    return bool(_FUNCTIONS[node.name](item, *node.args))


def _attribute_exists(item: Item, path: Path) -> bool:
    return paths.get(item, path) is not None


def _attribute_not_exists(item: Item, path: Path) -> bool:
    return paths.get(item, path) is None


def _attribute_type(item: Item, path: Path, kind: Any) -> bool:
    value, expected = _operand(path, item), _operand(kind, item)
    return value is not None and expected is not None and type_of(value) == expected.get("S")


def _begins_with(item: Item, target: Any, prefix: Any) -> bool:
    value, start = _operand(target, item), _operand(prefix, item)
    if value is None or start is None or type_of(value) != type_of(start):
        return False
    if type_of(value) == "S":
        return bool(value["S"].startswith(start["S"]))
    return type_of(value) == "B" and blob(value["B"]).startswith(blob(start["B"]))


def _contains(item: Item, target: Any, operand: Any) -> bool:
    value, needle = _operand(target, item), _operand(operand, item)
    if value is None or needle is None:
        return False
    kind = type_of(value)
    if kind == "S" and type_of(needle) == "S":
        return bool(needle["S"] in value["S"])
    if kind == "B" and type_of(needle) == "B":
        return blob(needle["B"]) in blob(value["B"])
    if kind in SET_TYPES and type_of(needle) == kind[0]:
        return any(values_equal({kind[0]: member}, needle) for member in value[kind])
    if kind == "L":
        return any(values_equal(member, needle) for member in value["L"])
    return False


_FUNCTIONS: dict[str, Callable[..., bool]] = {
    "attribute_exists": _attribute_exists,
    "attribute_not_exists": _attribute_not_exists,
    "attribute_type": _attribute_type,
    "begins_with": _begins_with,
    "contains": _contains,
}

_EVALUATORS: dict[type, Callable[[Any, Item], bool]] = {
    Comparison: _comparison,
    Between: _between,
    In: _in,
    Function: _function,
    And: lambda node, item: evaluate(node.left, item) and evaluate(node.right, item),
    Or: lambda node, item: evaluate(node.left, item) or evaluate(node.right, item),
    Not: lambda node, item: not evaluate(node.operand, item),
}
