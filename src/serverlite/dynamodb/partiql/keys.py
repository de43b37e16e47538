"""How a WHERE clause pins a primary key: its top-level ``AND`` terms, key equalities and the rest.

A write's WHERE must hold an equality on every key attribute (``Where clause does not contain a
mandatory equality on all key attributes``, nubo-db/dynamodb-conformance
tests/tier2/partiql/executeStatement.test.ts, captured from AWS); the other terms become the
write's condition. Parentheses around an ``AND`` group do not hide its key equalities (floci
DynamoDbPartiQLEdgeCaseIntegrationTest ``readsKeyEqualitiesInsideAGroupedAnd``, captured from AWS).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.expressions.ast import And, Comparison, Path, Value
from serverlite.dynamodb.values import AttributeValue, Item

__all__ = ["INCOMPLETE_KEY", "conjoin", "equality", "split_key", "terms"]

INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"


def terms(where: Any) -> list[Any]:
    """The top-level ``AND`` terms of a condition, in written order."""
    if where is None:
        return []
    if isinstance(where, And):
        return terms(where.left) + terms(where.right)
    return [where]


def conjoin(conditions: Sequence[Any]) -> Any:
    """``a AND b AND ...`` (None for no terms)."""
    result = None
    for condition in conditions:
        result = condition if result is None else And(result, condition)
    return result


def equality(term: Any) -> tuple[str, AttributeValue] | None:
    """(attribute, value) for ``name = value`` or ``value = name`` on a top-level attribute."""
    if not isinstance(term, Comparison) or term.operator != "=":
        return None
    for path, value in ((term.left, term.right), (term.right, term.left)):
        if isinstance(path, Path) and len(path.parts) == 1 and isinstance(value, Value):
            if value.value is not None:
                return str(path.parts[0]), value.value
    return None


def split_key(where: Any, names: Sequence[str]) -> tuple[Item, list[Any]]:
    """The key values the WHERE pins with ``=`` and the remaining terms.

    Raises:
        ValidationException: a key attribute has no equality.
    """
    key: Item = {}
    rest: list[Any] = []
    for term in terms(where):
        pinned = equality(term)
        if pinned is not None and pinned[0] in names and pinned[0] not in key:
            key[pinned[0]] = pinned[1]
        else:
            rest.append(term)
    if len(key) != len(names):
        raise ValidationException(INCOMPLETE_KEY)
    return {name: key[name] for name in names}, rest
