"""ListStreams: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_ListStreams.html

Limit is 1..100 (default 100); ExclusiveStartStreamArn resumes after that stream and
LastEvaluatedStreamArn is present only when more streams remain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database

__all__ = ["ListStreamsRequest", "execute", "validate"]

OPERATION = "ListStreams"
SHAPE = {"TableName": "String", "Limit": "Long", "ExclusiveStartStreamArn": "String"}


@dataclass(frozen=True, slots=True)
class ListStreamsRequest:
    """A validated ListStreams request."""

    table_name: str | None
    limit: int
    exclusive_start: str | None


def validate(request: dict[str, Any]) -> ListStreamsRequest:
    """Shape, then the model's constraints."""
    check_shape(request, SHAPE)
    constraints = Constraints()
    if request.get("TableName") is not None:
        constraints.table_name(request["TableName"])
    constraints.at_least(request.get("Limit"), "limit", 1)
    constraints.at_most(request.get("Limit"), "limit", 100)
    constraints.length(request.get("ExclusiveStartStreamArn"), "exclusiveStartStreamArn", 37, 1024)
    constraints.raise_if_any()
    return ListStreamsRequest(
        request.get("TableName"), int(request.get("Limit") or 100), request.get("ExclusiveStartStreamArn")
    )


def execute(request: ListStreamsRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """Streams in creation order, one page."""
    streams = storage.streams.streams(request.table_name)
    arns = [stream.stream_arn for stream in streams]
    start = arns.index(request.exclusive_start) + 1 if request.exclusive_start in arns else 0
    page = streams[start : start + request.limit]
    response: dict[str, Any] = {
        "Streams": [
            {"StreamArn": s.stream_arn, "TableName": s.table_name, "StreamLabel": s.label} for s in page
        ]
    }
    if start + request.limit < len(streams):
        response["LastEvaluatedStreamArn"] = page[-1].stream_arn
    return response
