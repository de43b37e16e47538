"""ListTagsOfResource: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTagsOfResource.html

A table holds at most 50 tags and AWS returns all 50 without a NextToken (ack-api-quirks
DDB-TABLE-108), so every answer here is one page: NextToken is accepted and never returned.
Tags come back in the order they were first set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.operations import tagging
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.shapes import check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.metadata import metadata_of

__all__ = ["ListTagsOfResourceRequest", "execute", "validate"]

OPERATION = "ListTagsOfResource"


@dataclass(frozen=True, slots=True)
class ListTagsOfResourceRequest:
    """A validated ListTagsOfResource request."""

    resource_arn: str


def validate(request: dict[str, Any]) -> ListTagsOfResourceRequest:
    """Shape and the required ResourceArn."""
    check_shape(request, {"ResourceArn": "String", "NextToken": "String"})
    return ListTagsOfResourceRequest(tagging.require_arn(request))


def execute(
    request: ListTagsOfResourceRequest, storage: Database, environment: Environment
) -> dict[str, Any]:
    """``{"Tags": [{"Key", "Value"}, ...]}``, empty list when the table has none."""
    name = tagging.table_name_of(request.resource_arn, OPERATION, environment)
    table = tagging.resolve_table(storage, request.resource_arn, name)
    tags = metadata_of(storage).tags(table)
    return {"Tags": [{"Key": key, "Value": value} for key, value in tags]}
