"""ListTables: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTables.html

Names in ascending order, at most Limit (1..100, default 100) after ExclusiveStartTableName;
LastEvaluatedTableName is set only when more names remain ("If you do not receive a
LastEvaluatedTableName value in the response, this means that there are no more table names to be
retrieved", API reference; dynalite test/listTables.js "should have no LastEvaluatedTableName if
the limit is large enough"). ExclusiveStartTableName need not name an existing table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database

__all__ = ["ListTablesRequest", "execute", "validate"]

OPERATION = "ListTables"

_DEFAULT_LIMIT = 100


@dataclass(frozen=True, slots=True)
class ListTablesRequest:
    """A validated ListTables request."""

    exclusive_start_table_name: str | None
    limit: int


def validate(request: dict[str, Any]) -> ListTablesRequest:
    """Limit 1..100; ExclusiveStartTableName a valid table name (botocore model)."""
    check_shape(request, {"ExclusiveStartTableName": "String", "Limit": "Long"})
    constraints = Constraints()
    start, limit = request.get("ExclusiveStartTableName"), request.get("Limit")
    # Coral reports limit before exclusiveStartTableName (dynalite test/listTables.js, observed AWS).
    constraints.at_least(limit, "limit", 1)
    constraints.at_most(limit, "limit", 100)
    constraints.pattern(start, "exclusiveStartTableName", "[a-zA-Z0-9_.-]+")
    constraints.length(start, "exclusiveStartTableName", 3, 255)
    constraints.raise_if_any()
    return ListTablesRequest(start, int(limit) if limit is not None else _DEFAULT_LIMIT)


def execute(request: ListTablesRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """One page of table names."""
    names = storage.tables.names()
    if request.exclusive_start_table_name is not None:
        names = [name for name in names if name > request.exclusive_start_table_name]
    page = names[: request.limit]
    response: dict[str, Any] = {"TableNames": page}
    if len(names) > request.limit:
        response["LastEvaluatedTableName"] = page[-1]
    return response
