"""GetRecords: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html

At most Limit (1..1000, default 1000) records after the iterator's position; an empty list when
there are none yet. NextShardIterator continues after the last record returned (a fresh iterator,
good for 15 more minutes); it is absent once a disabled stream's closed shard is read to its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.shapes import Constraints, check_shape
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.streams.describe_stream import require_stream
from serverlite.dynamodb.streams.errors import ExpiredIteratorException, TrimmedDataAccessException
from serverlite.dynamodb.streams.shards import (
    ITERATOR_LIFETIME,
    Iterator,
    decode_iterator,
    encode_iterator,
    record,
)

__all__ = ["GetRecordsRequest", "execute", "validate"]

OPERATION = "GetRecords"
SHAPE = {"ShardIterator": "String", "Limit": "Long"}
_MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class GetRecordsRequest:
    """A validated GetRecords request."""

    iterator: Iterator
    limit: int


def validate(request: dict[str, Any]) -> GetRecordsRequest:
    """Shape, the model's constraints (ShardIterator 1..2048, Limit 1..1000), then the iterator."""
    check_shape(request, SHAPE)
    constraints = Constraints()
    constraints.not_null(request.get("ShardIterator"), "shardIterator")
    constraints.length(request.get("ShardIterator"), "shardIterator", 1, 2048)
    constraints.at_least(request.get("Limit"), "limit", 1)
    constraints.at_most(request.get("Limit"), "limit", _MAX_LIMIT)
    constraints.raise_if_any()
    return GetRecordsRequest(
        decode_iterator(request["ShardIterator"]), int(request.get("Limit") or _MAX_LIMIT)
    )


def execute(request: GetRecordsRequest, storage: Database, environment: Environment) -> dict[str, Any]:
    """The records and the next iterator."""
    iterator = request.iterator
    now = environment.clock()
    if now - iterator.issued > ITERATOR_LIFETIME:
        raise ExpiredIteratorException()
    stream = require_stream(storage, iterator.stream_arn)
    position = iterator.position
    if position < stream.trimmed_through:
        if not iterator.horizon:
            raise TrimmedDataAccessException()
        position = stream.trimmed_through
    rows = storage.streams.records(stream.stream_arn, position, request.limit)
    response: dict[str, Any] = {"Records": [record(row, environment.region) for row in rows]}
    if rows:
        position = rows[-1].seq
    _, last = storage.streams.bounds(stream.stream_arn)
    if stream.disabled is None or (last is not None and position < last):
        following = Iterator(stream.stream_arn, iterator.shard_id, position, now)
        response["NextShardIterator"] = encode_iterator(following)
    return response
