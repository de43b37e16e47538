"""Apply a resolved UpdateExpression to an item.

Every SET operand is evaluated against the item as it was before the update (DynamoDB evaluates
the whole expression against the old item). Runtime messages as DynamoDB sends them
(moto/dynamodb/exceptions.py, getmoto/moto, which records observed AWS responses).
"""

from __future__ import annotations

from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions import paths
from serverlite.dynamodb.expressions.ast import (
    Arithmetic,
    Function,
    Path,
    PathAction,
    SetAction,
    UpdateExpression,
    Value,
)
from serverlite.dynamodb.values import (
    SET_TYPES,
    AttributeValue,
    Item,
    add_numbers,
    type_of,
    values_equal,
)

__all__ = ["LEGACY_VALUE", "apply_update"]

_MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item"
_WRONG_TYPE = "An operand in the update expression has an incorrect data type"
_INVALID_PATH = "The document path provided in the update expression is invalid for update"
_TYPE_MISMATCH = "Type mismatch for attribute to update"
# The placeholder name legacy.py gives an AttributeUpdates value.
LEGACY_VALUE = ":legacy"


def apply_update(update: UpdateExpression, item: Item) -> Item:
    """Return a new item with every action applied (the input is not modified).

    Raises:
        ValidationException: a missing operand, a wrong operand type or an invalid path.
    """
    old = item
    new = dict(item)  # top-level attributes are replaced, never changed in place ...
    copied: set[str] = set()
    for action in _in_applying_order(update.actions):
        head = action.path.parts[0]
        if len(action.path.parts) > 1 and isinstance(head, str) and head in new and head not in copied:
            copied.add(head)  # ... but a nested path changes its attribute: that one gets a copy
            new[head] = _copy(new[head])
        if isinstance(action, SetAction):
            _assign(new, action.path, _value(action.value, old))
        else:
            _PATH_ACTIONS[action.section](new, action)
    return new


def _in_applying_order(actions: tuple[SetAction | PathAction, ...]) -> list[SetAction | PathAction]:
    """The actions in an order that keeps list indexes on the list's original positions.

    Every action addresses the item as it was (Expressions.UpdateExpressions.html), and paths never
    overlap (names.py), so only list positions can interfere: SETs go first, by path (elements past
    the end are appended "sorted in order by element number"), then ADD and DELETE, then the REMOVEs,
    the last position first, so that no removal shifts a position another action names.
    """
    if len(actions) == 1 or not any(isinstance(part, int) for a in actions for part in a.path.parts):
        return list(actions)  # without list positions, no order of these actions differs from another
    sets = sorted((a for a in actions if isinstance(a, SetAction)), key=lambda a: _path_key(a.path))
    changes = [a for a in actions if isinstance(a, PathAction) and a.section != "REMOVE"]
    removals = sorted(
        (a for a in actions if isinstance(a, PathAction) and a.section == "REMOVE"),
        key=lambda a: _path_key(a.path),
        reverse=True,
    )
    return [*sets, *changes, *removals]


def _path_key(path: Path) -> tuple[tuple[int, str | int], ...]:
    """Orders paths part by part, list positions numerically (names and positions never share a
    position of two non-conflicting paths)."""
    return tuple((1, part) if isinstance(part, int) else (0, part) for part in path.parts)


def _copy(value: Any) -> Any:
    """A deep copy of an AttributeValue (dicts, lists and immutable leaves only)."""
    if type(value) is dict:
        return {key: _copy(member) for key, member in value.items()}
    if type(value) is list:
        return [_copy(member) for member in value]
    return value


def _value(node: Any, item: Item) -> AttributeValue:
    if isinstance(node, Value) and node.value is not None:
        return node.value
    if isinstance(node, Path):
        found = paths.get(item, node)
        if found is None:
            raise ValidationException(_MISSING_ATTRIBUTE)
        return found
    if isinstance(node, Arithmetic):
        return _arithmetic(node, item)
    if isinstance(node, Function) and node.name == "if_not_exists":
        return paths.get(item, node.args[0]) or _value(node.args[1], item)
    if isinstance(node, Function) and node.name == "list_append":
        return _list_append(_value(node.args[0], item), _value(node.args[1], item))
    raise ValidationException(_WRONG_TYPE)


def _arithmetic(node: Arithmetic, item: Item) -> AttributeValue:
    left, right = _value(node.left, item), _value(node.right, item)
    if type_of(left) != "N" or type_of(right) != "N":
        raise ValidationException(_WRONG_TYPE)
    return {"N": add_numbers(left["N"], right["N"], node.operator)}


def _list_append(first: AttributeValue, second: AttributeValue) -> AttributeValue:
    if type_of(first) != "L" or type_of(second) != "L":
        raise ValidationException(_WRONG_TYPE)
    return {"L": [*first["L"], *second["L"]]}


def _parent(item: Item, path: Path) -> AttributeValue:
    """The container holding the path's last element; it must exist."""
    parent = paths.get(item, Path(path.parts[:-1])) if len(path.parts) > 1 else {"M": item}
    last = path.parts[-1]
    if (
        parent is None
        or (isinstance(last, int) and "L" not in parent)
        or (isinstance(last, str) and "M" not in parent)
    ):
        raise ValidationException(_INVALID_PATH)
    return parent


def _assign(item: Item, path: Path, value: AttributeValue) -> None:
    parent, last = _parent(item, path), path.parts[-1]
    if isinstance(last, str):
        parent["M"][last] = _copy(value)
    elif last < len(parent["L"]):
        parent["L"][last] = _copy(value)
    else:
        parent["L"].append(_copy(value))


def _remove(item: Item, action: PathAction) -> None:
    parent, last = _parent(item, action.path), action.path.parts[-1]
    if isinstance(last, str):
        parent["M"].pop(last, None)
    elif last < len(parent["L"]):
        del parent["L"][last]


def _add(item: Item, action: PathAction) -> None:
    assert action.value is not None and action.value.value is not None
    value, current = action.value.value, paths.get(item, action.path)
    if current is None:
        _assign(item, action.path, value)
    elif type_of(current) == type_of(value) == "N":
        _assign(item, action.path, {"N": add_numbers(current["N"], value["N"], "+")})
    elif type_of(current) == type_of(value) and type_of(value) in SET_TYPES:
        kind = type_of(value)
        extra = [m for m in value[kind] if not _member_of(kind, m, current[kind])]
        _assign(item, action.path, {kind: [*current[kind], *extra]})
    else:
        raise ValidationException(_mismatch(action))


def _delete(item: Item, action: PathAction) -> None:
    assert action.value is not None and action.value.value is not None
    value, current = action.value.value, paths.get(item, action.path)
    if current is None:
        return
    kind = type_of(value)
    if type_of(current) != kind:
        raise ValidationException(_mismatch(action))
    remaining = [m for m in current[kind] if not _member_of(kind, m, value[kind])]
    if remaining:
        _assign(item, action.path, {kind: remaining})
    else:
        _remove(item, PathAction("REMOVE", action.path))


def _mismatch(action: PathAction) -> str:
    """A value that does not fit the attribute: legacy AttributeUpdates say so in their own words,
    "Type mismatch for attribute to update" (one of UpdateItem's messages listed at
    https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html)."""
    return _TYPE_MISMATCH if action.value is not None and action.value.name == LEGACY_VALUE else _WRONG_TYPE


def _member_of(kind: str, member: str, members: list[str]) -> bool:
    element = kind[0]
    return any(values_equal({element: member}, {element: other}) for other in members)


_PATH_ACTIONS = {"REMOVE": _remove, "ADD": _add, "DELETE": _delete}
