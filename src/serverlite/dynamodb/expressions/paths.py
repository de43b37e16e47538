"""Document paths over items: read one value, and project a set of paths (ProjectionExpression,
UPDATED_OLD/UPDATED_NEW). Paths here are resolved (no ``#`` placeholders left)."""

from __future__ import annotations

from typing import Any

from serverlite.dynamodb.expressions.ast import Path
from serverlite.dynamodb.values import AttributeValue, Item

__all__ = ["get", "project"]


def get(item: Item, path: Path) -> AttributeValue | None:
    """The value at ``path``, or None when any step is missing or of the wrong type."""
    current: AttributeValue | None = {"M": item}
    for part in path.parts:
        current = _step(current, part)
        if current is None:
            return None
    return current


def _step(value: AttributeValue | None, part: str | int) -> AttributeValue | None:
    if value is None:
        return None
    if isinstance(part, int):
        members = value.get("L")
        return members[part] if members is not None and part < len(members) else None
    children = value.get("M")
    return None if children is None else children.get(part)


def project(item: Item, paths: tuple[Path, ...] | list[Path]) -> Item:
    """The item reduced to the given paths; list elements picked by index are compacted, as in
    DynamoDB (``a[1]`` of ``[x, y, z]`` comes back as ``[y]``)."""
    result: dict[str, Any] = {}
    for path in paths:
        value = get(item, path)
        if value is not None:
            _insert(result, path.parts, value)
    ordered = {name: result[name] for name in item if name in result}
    cleaned: Item = _clean(ordered)
    return cleaned


def _insert(container: dict[str, Any], parts: tuple[str | int, ...], value: AttributeValue) -> None:
    """Place value at parts inside a projection being built (maps by name, lists by slot)."""
    head, rest = parts[0], parts[1:]
    if isinstance(head, int):
        slots: list[int] = container.setdefault("_slots", [])
        members: list[Any] = container.setdefault("L", [])
        if head not in slots:
            slots.append(head)
            members.append({})
        position = slots.index(head)
        if not rest:
            members[position] = value
        else:
            _insert_child(members, position, rest, value)
        return
    if not rest:
        container[head] = value
        return
    child = container.setdefault(head, {})
    _insert(child.setdefault("M", {}) if isinstance(rest[0], str) else child, rest, value)


def _insert_child(
    members: list[Any], position: int, rest: tuple[str | int, ...], value: AttributeValue
) -> None:
    child = members[position]
    _insert(child.setdefault("M", {}) if isinstance(rest[0], str) else child, rest, value)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k != "_slots"}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
