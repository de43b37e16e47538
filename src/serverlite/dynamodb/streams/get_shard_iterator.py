"""GetShardIterator: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html

TRIM_HORIZON reads from the oldest record kept, LATEST from just after the newest, and
AT_/AFTER_SEQUENCE_NUMBER from a record's sequence number; a sequence number older than the trim
point is a TrimmedDataAccessException. The iterator expires 15 minutes after it is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.errors import ResourceNotFoundException, ValidationException
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.streams.describe_stream import require_stream
from serverlite.dynamodb.streams.errors import TrimmedDataAccessException
from serverlite.dynamodb.streams.shards import Iterator, encode_iterator, shard_id

__all__ = ["GetShardIteratorRequest", "execute", "validate"]

OPERATION = "GetShardIterator"
SHAPE = {
    "StreamArn": "String",
    "ShardId": "String",
    "ShardIteratorType": "String",
    "SequenceNumber": "String",
}
TYPES = ("TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")


@dataclass(frozen=True, slots=True)
class GetShardIteratorRequest:
    """A validated GetShardIterator request."""

    stream_arn: str
    shard_id: str
    iterator_type: str
    sequence_number: int | None


def validate(request: dict[str, Any]) -> GetShardIteratorRequest:
    """Shape, the model's constraints, then the sequence number the AT_/AFTER_ types need."""
    check_shape(request, SHAPE)
    constraints = Constraints()
    constraints.not_null(request.get("StreamArn"), "streamArn")
    constraints.length(request.get("StreamArn"), "streamArn", 37, 1024)
    constraints.not_null(request.get("ShardId"), "shardId")
    constraints.length(request.get("ShardId"), "shardId", 28, 65)
    constraints.not_null(request.get("ShardIteratorType"), "shardIteratorType")
    constraints.one_of(request.get("ShardIteratorType"), "shardIteratorType", TYPES)
    constraints.length(request.get("SequenceNumber"), "sequenceNumber", 21, 40)
    constraints.raise_if_any()
    kind, number = request["ShardIteratorType"], request.get("SequenceNumber")
    if kind.endswith("_SEQUENCE_NUMBER"):
        if number is None or not number.isdigit():
            # serverlite's wording: AWS's text for this case is not recorded by any source we have.
            raise ValidationException(f"A valid SequenceNumber is required for ShardIteratorType {kind}")
    return GetShardIteratorRequest(
        request["StreamArn"], request["ShardId"], kind, int(number) if number is not None else None
    )


def execute(request: GetShardIteratorRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """An iterator positioned as asked."""
    stream = require_stream(storage, request.stream_arn)
    shard = shard_id(stream)
    if request.shard_id != shard:
        raise ResourceNotFoundException(f"Requested resource not found: Shard: {request.shard_id} not found")
    horizon = request.iterator_type == "TRIM_HORIZON"
    if horizon:
        position = stream.trimmed_through
    elif request.iterator_type == "LATEST":
        position = storage.streams.latest()
    else:
        assert request.sequence_number is not None
        position = request.sequence_number - (request.iterator_type == "AT_SEQUENCE_NUMBER")
        if request.sequence_number <= stream.trimmed_through:
            raise TrimmedDataAccessException()
    iterator = Iterator(stream.stream_arn, shard, position, environment.clock(), horizon)
    return {"ShardIterator": encode_iterator(iterator)}
