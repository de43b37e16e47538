"""DeleteTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html

The response carries TableStatus DELETING and a short description, as AWS's does; the table and its
items are gone at once here (AWS takes a few seconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ValidationException
from serverlite.dynamodb.operations.describe_table import not_found
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.schema import require_table
from serverlite.dynamodb.operations.table_name import validate_table_name
from serverlite.dynamodb.storage.database import Database

__all__ = ["DeleteTableRequest", "execute", "validate"]

OPERATION = "DeleteTable"

# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection
_PROTECTED = (
    "Resource cannot be deleted as it is currently protected against deletion. "
    "Disable deletion protection first."
)


@dataclass(frozen=True, slots=True)
class DeleteTableRequest:
    """A validated DeleteTable request."""

    table_name: str


def validate(request: dict[str, Any]) -> DeleteTableRequest:
    """TableName required, pattern and length."""
    return DeleteTableRequest(validate_table_name(request))


def execute(request: DeleteTableRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Remove the table and all its items; answer its description with status DELETING."""
    with storage.transaction():
        table = require_table(storage, request.table_name, not_found(request.table_name))
        if table.get("DeletionProtectionEnabled"):
            raise ValidationException(_PROTECTED)
        storage.items.delete_table(request.table_name)
        storage.streams.disable(request.table_name)
        storage.tables.delete(request.table_name)
    table["TableStatus"] = "DELETING"
    return {"TableDescription": {name: table[name] for name in _DESCRIBED if name in table}}


# What AWS's DeleteTable answer describes (https://docs.aws.amazon.com/cli/latest/reference/dynamodb/delete-table.html
# shows the first five; TableArn, TableId, BillingModeSummary and DeletionProtectionEnabled as DescribeTable
# words them): no key schema, attribute definitions, creation time, indexes or stream.
_DESCRIBED = (
    "TableName",
    "TableStatus",
    "ProvisionedThroughput",
    "TableSizeBytes",
    "ItemCount",
    "TableArn",
    "TableId",
    "BillingModeSummary",
    "DeletionProtectionEnabled",
)
