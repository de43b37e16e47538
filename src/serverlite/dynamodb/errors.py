"""DynamoDB errors: one class per AWS error, each class is its wire format.

The ``__type`` prefixes are what DynamoDB sends (observed responses recorded by dynalite,
architect/dynalite ``db/index.js`` and ``index.js``): service errors use
``com.amazonaws.dynamodb.v20120810#``, input validation ``com.amazon.coral.validate#`` and the
protocol layer ``com.amazon.coral.service#``.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

__all__ = [
    "ConditionalCheckFailedException",
    "DuplicateItemException",
    "DynamoDBError",
    "IdempotentParameterMismatchException",
    "InternalServerError",
    "ResourceInUseException",
    "ResourceNotFoundException",
    "SerializationException",
    "TransactionCanceledException",
    "UnknownOperationException",
    "ValidationException",
    "render_error",
]

_DYNAMODB = "com.amazonaws.dynamodb.v20120810#"
_CORAL_SERVICE = "com.amazon.coral.service#"


class DynamoDBError(Exception):
    """Base class: status, ``__type`` and default message are class attributes."""

    status: ClassVar[int] = 400
    aws_type: ClassVar[str] = _DYNAMODB + "DynamoDBError"
    default_message: ClassVar[str | None] = None
    # SerializationException spells the key "Message" (dynalite validations/index.js, observed).
    message_key: ClassVar[str] = "message"

    def __init__(self, message: str | None = None, *, extra: dict[str, Any] | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.extra = extra or {}
        super().__init__(self.message or self.aws_type)

    @property
    def code(self) -> str:
        """The short error code clients see (the part after ``#``)."""
        return self.aws_type.rsplit("#", 1)[-1]


class ValidationException(DynamoDBError):
    """Input failed validation."""

    aws_type = "com.amazon.coral.validate#ValidationException"


class ResourceNotFoundException(DynamoDBError):
    """Table does not exist (item operations say only ``Requested resource not found``)."""

    aws_type = _DYNAMODB + "ResourceNotFoundException"
    default_message = "Requested resource not found"


class ResourceInUseException(DynamoDBError):
    """Table already exists (``Table already exists: NAME``)."""

    aws_type = _DYNAMODB + "ResourceInUseException"


class ConditionalCheckFailedException(DynamoDBError):
    """A ConditionExpression evaluated to false."""

    aws_type = _DYNAMODB + "ConditionalCheckFailedException"
    default_message = "The conditional request failed"


class DuplicateItemException(DynamoDBError):
    """PartiQL INSERT of an item whose key already exists.

    Error name from nubo-db/dynamodb-conformance tests/tier2/partiql/executeStatement.test.ts (observed
    AWS); message from DynamoDB Local's PartiQL front end; botocore models it with a lower-case ``message``.
    """

    aws_type = _DYNAMODB + "DuplicateItemException"
    default_message = "Duplicate primary key exists in table"


class TransactionCanceledException(DynamoDBError):
    """A transaction was cancelled; ``CancellationReasons`` holds one reason per action, in order.

    Wire shape observed from AWS (aws/aws-sdk-net#1292): capital ``Message`` and
    ``{"Code": "None"}`` for actions that did not fail; the message lists the codes in order:
    ``Transaction cancelled, please refer cancellation reasons for specific reasons [None, ...]``.
    """

    aws_type = _DYNAMODB + "TransactionCanceledException"
    message_key = "Message"

    def __init__(self, reasons: list[dict[str, Any]]) -> None:
        codes = ", ".join(reason["Code"] for reason in reasons)
        super().__init__(
            f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
            extra={"CancellationReasons": reasons},
        )


class IdempotentParameterMismatchException(DynamoDBError):
    """A ClientRequestToken was reused with different parameters within its 10-minute window.

    The member is ``Message`` (botocore dynamodb service-2.json); AWS's text is not recorded by any
    source we have, so the message below is serverlite's own wording.
    """

    aws_type = _DYNAMODB + "IdempotentParameterMismatchException"
    message_key = "Message"
    default_message = (
        "The request uses the same client token as a previous, but non-identical request. "
        "Do not reuse a client token with different requests, unless the requests are identical."
    )


class UnknownOperationException(DynamoDBError):
    """X-Amz-Target names no DynamoDB operation; AWS sends no message (dynalite index.js)."""

    aws_type = _CORAL_SERVICE + "UnknownOperationException"


class SerializationException(DynamoDBError):
    """The body is not JSON, or a member has the wrong JSON type."""

    aws_type = _CORAL_SERVICE + "SerializationException"
    message_key = "Message"


class InternalServerError(DynamoDBError):
    """Anything unexpected; the traceback goes to stderr."""

    status = 500
    aws_type = _DYNAMODB + "InternalServerError"
    default_message = "Internal server error"


def render_error(error: DynamoDBError) -> tuple[int, bytes]:
    """Render an error as DynamoDB does: ``{"__type": ..., "message": ...}`` plus extras."""
    body: dict[str, Any] = {"__type": error.aws_type}
    if error.message is not None:
        body[error.message_key] = error.message
    body.update(error.extra)
    return error.status, json.dumps(body, separators=(",", ":")).encode()
