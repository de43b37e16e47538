"""DescribeTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.schema import require_table
from serverlite.dynamodb.operations.table_name import validate_table_name
from serverlite.dynamodb.storage.database import Database

__all__ = ["DescribeTableRequest", "execute", "validate"]

OPERATION = "DescribeTable"


@dataclass(frozen=True, slots=True)
class DescribeTableRequest:
    """A validated DescribeTable request."""

    table_name: str


def validate(request: dict[str, Any]) -> DescribeTableRequest:
    """TableName required, pattern and length."""
    return DescribeTableRequest(validate_table_name(request))


def not_found(name: str) -> str:
    """Control-plane wording names the table (dynalite db/index.js getTable; moto exceptions.py)."""
    return f"Requested resource not found: Table: {name} not found"


def execute(request: DescribeTableRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """The stored description with live ItemCount and index sizes (AWS refreshes them about every
    six hours)."""
    table = require_table(storage, request.table_name, not_found(request.table_name))
    table["ItemCount"] = storage.items.count(request.table_name)
    for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        for index in table.get(member) or ():
            count, size = storage.items.index_entries.statistics(request.table_name, index["IndexName"])
            index["ItemCount"], index["IndexSizeBytes"] = count, size
    return {"Table": table}
