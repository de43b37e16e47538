"""DescribeStream: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_DescribeStream.html

One shard per stream. StreamStatus is ENABLED, or DISABLED after UpdateTable turned the stream off
or DeleteTable removed its table; a disabled stream's shard is closed, so its
SequenceNumberRange gains an EndingSequenceNumber.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ResourceNotFoundException
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.streams import StreamInfo
from serverlite.dynamodb.streams.errors import stream_not_found
from serverlite.dynamodb.streams.shards import sequence_number, shard_id

__all__ = ["DescribeStreamRequest", "execute", "require_stream", "validate"]

OPERATION = "DescribeStream"
SHAPE = {"StreamArn": "String", "Limit": "Long", "ExclusiveStartShardId": "String"}


@dataclass(frozen=True, slots=True)
class DescribeStreamRequest:
    """A validated DescribeStream request."""

    stream_arn: str


def validate(request: dict[str, Any]) -> DescribeStreamRequest:
    """Shape, then the model's constraints (StreamArn 37..1024, Limit 1..100)."""
    check_shape(request, SHAPE)
    constraints = Constraints()
    constraints.not_null(request.get("StreamArn"), "streamArn")
    constraints.length(request.get("StreamArn"), "streamArn", 37, 1024)
    constraints.at_least(request.get("Limit"), "limit", 1)
    constraints.at_most(request.get("Limit"), "limit", 100)
    constraints.length(request.get("ExclusiveStartShardId"), "exclusiveStartShardId", 28, 65)
    constraints.raise_if_any()
    return DescribeStreamRequest(request["StreamArn"])


def require_stream(storage: Database, stream_arn: str) -> StreamInfo:
    """The stream, or ResourceNotFoundException naming it."""
    stream = storage.streams.get(stream_arn)
    if stream is None:
        raise ResourceNotFoundException(stream_not_found(stream_arn))
    return stream


def execute(request: DescribeStreamRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """The StreamDescription with its one shard."""
    stream = require_stream(storage, request.stream_arn)
    first, last = storage.streams.bounds(stream.stream_arn)
    numbers: dict[str, str] = {"StartingSequenceNumber": sequence_number(first or stream.trimmed_through + 1)}
    if stream.disabled is not None:
        numbers["EndingSequenceNumber"] = sequence_number(last or stream.trimmed_through + 1)
    created = datetime.datetime.fromtimestamp(stream.created, datetime.UTC)
    return {
        "StreamDescription": {
            "StreamArn": stream.stream_arn,
            "StreamLabel": stream.label,
            "StreamStatus": "DISABLED" if stream.disabled is not None else "ENABLED",
            "StreamViewType": stream.view_type,
            "CreationRequestDateTime": created.timestamp(),
            "TableName": stream.table_name,
            "KeySchema": stream.key_schema,
            "Shards": [{"ShardId": shard_id(stream), "SequenceNumberRange": numbers}],
        }
    }
