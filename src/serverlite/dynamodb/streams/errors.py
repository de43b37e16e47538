"""The errors only the Streams API sends; the others are errors.py's.

Types from the Streams service model (botocore dynamodbstreams service-2.json); the ``__type``
prefix is DynamoDB's (localstack and the Rust emulators record
``com.amazonaws.dynamodb.v20120810#ResourceNotFoundException`` for a missing stream).
"""

from __future__ import annotations

from serverlite.dynamodb.errors import DynamoDBError

__all__ = ["ExpiredIteratorException", "TrimmedDataAccessException", "stream_not_found"]

_DYNAMODB = "com.amazonaws.dynamodb.v20120810#"


class ExpiredIteratorException(DynamoDBError):
    """A shard iterator used more than 15 minutes after GetShardIterator (or GetRecords) returned it.

    Message from botocore's documentation of the exception
    (https://docs.aws.amazon.com/botocore/latest/reference/services/dynamodbstreams/client/exceptions/ExpiredIteratorException.html).
    """

    aws_type = _DYNAMODB + "ExpiredIteratorException"
    default_message = "The provided iterator exceeds the maximum age allowed."


class TrimmedDataAccessException(DynamoDBError):
    """A position older than the trim point (records are kept 24 hours); serverlite's wording."""

    aws_type = _DYNAMODB + "TrimmedDataAccessException"
    default_message = "The operation attempted to read past the oldest stream record in a shard."


def stream_not_found(stream_arn: str) -> str:
    """``Requested resource not found: Stream: ARN not found`` (localstack dynamodbstreams provider)."""
    return f"Requested resource not found: Stream: {stream_arn} not found"
