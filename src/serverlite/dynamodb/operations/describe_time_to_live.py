"""DescribeTimeToLive: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTimeToLive.html

``{"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}}`` or
``{"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}`` (dynalite test/describeTimeToLive.js
and test/updateTimeToLive.js, observed AWS). A missing table is ``Requested resource not found:
Table: X not found``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.operations.describe_table import not_found
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.operations.schema import require_table
from serverlite.dynamodb.operations.table_name import validate_table_name
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.metadata import metadata_of

__all__ = ["DescribeTimeToLiveRequest", "execute", "validate"]

OPERATION = "DescribeTimeToLive"


@dataclass(frozen=True, slots=True)
class DescribeTimeToLiveRequest:
    """A validated DescribeTimeToLive request."""

    table_name: str


def validate(request: dict[str, Any]) -> DescribeTimeToLiveRequest:
    """TableName required, pattern and length."""
    return DescribeTimeToLiveRequest(validate_table_name(request))


def execute(
    request: DescribeTimeToLiveRequest, storage: Database, environment: Environment
) -> dict[str, Any]:
    """The table's TTL status and attribute."""
    table = require_table(storage, request.table_name, not_found(request.table_name))
    attribute = metadata_of(storage).ttl_attribute(table)
    if attribute is None:
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": attribute}}
