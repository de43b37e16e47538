"""SELECT's projection: each path's value under its own name, not nested as in ProjectionExpression.

``SELECT mymap.nested`` answers ``{"nested": ...}`` (nubo-db/dynamodb-conformance
tests/tier2/partiql/executeStatement.test.ts) and ``SELECT l[0]`` answers ``{"l[0]": ...}``
(floci DynamoDbPartiQLEdgeCaseIntegrationTest ``refusesANegativeListIndex``), both captured from AWS.
"""

from __future__ import annotations

from serverlite.dynamodb.expressions import paths
from serverlite.dynamodb.expressions.ast import Path
from serverlite.dynamodb.values import Item

__all__ = ["alias", "select_paths"]


def alias(path: Path) -> str:
    """The result name: the last name for ``a.b``, the written path when it ends in an index."""
    last = path.parts[-1]
    if isinstance(last, str):
        return last
    text = str(path.parts[0])
    for part in path.parts[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def select_paths(item: Item, projection: tuple[Path, ...] | None) -> Item:
    """The item as SELECT returns it (``*`` is the whole item)."""
    if projection is None:
        return item
    selected: Item = {}
    for path in projection:
        value = paths.get(item, path)
        if value is not None:
            selected[alias(path)] = value
    return selected
