"""The RequestItems map shared by BatchGetItem and BatchWriteItem: table names as map keys.

Messages: an empty map is ``The requestItems parameter is required for <Operation>``
(nubo-db/dynamodb-conformance tests/tier3/error-messages/batchGetItem.test.ts and
batchWriteItem.test.ts, captured from AWS); a bad table name is reported for the whole map as
``Map keys must satisfy constraint: [...]`` (dynalite test/batchWriteItem.js, observed AWS).
"""

from __future__ import annotations

import re
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.shapes import Constraints

__all__ = ["check_table_names", "require_request_items"]

_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]+")
_KEY_RULES = (
    "Map keys must satisfy constraint: [Member must have length less than or equal to 255, "
    "Member must have length greater than or equal to 3, "
    "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]"
)


def require_request_items(request_items: dict[str, Any], operation: str) -> None:
    """An empty RequestItems map is its own ValidationException."""
    if not request_items:
        raise ValidationException(f"The requestItems parameter is required for {operation}")


def check_table_names(request_items: dict[str, Any], echo: str, constraints: Constraints) -> None:
    """One failure for the whole map when any table name breaks the TableName rules."""
    if any(not 3 <= len(name) <= 255 or not _TABLE_NAME.fullmatch(name) for name in request_items):
        constraints.failures.append(
            f"Value '{echo}' at 'requestItems' failed to satisfy constraint: {_KEY_RULES}"
        )
