"""CloudWatch Logs errors: one class per AWS error, each class is its wire format.

CloudWatch Logs sends ``{"__type":"<Name>","message":"<text>"}`` with no namespace prefix and no
spaces: ``{"__type":"ResourceAlreadyExistsException","message":"The specified log group already exists"}``
is exactly the 94 bytes of ``content-length : 94`` in aws-robotics/cloudwatchlogs-ros1#1, and the
InvalidParameterException body of fluent-plugins-nursery/fluent-plugin-cloudwatch-logs#116 is the 184
bytes its capture shows.
"""

from __future__ import annotations

import json
from typing import ClassVar

__all__ = [
    "GROUP_ALREADY_EXISTS",
    "GROUP_NOT_FOUND",
    "STREAM_ALREADY_EXISTS",
    "STREAM_NOT_FOUND",
    "CloudWatchLogsError",
    "InvalidParameterException",
    "ResourceAlreadyExistsException",
    "ResourceNotFoundException",
    "SerializationException",
    "ServiceUnavailableException",
    "UnknownOperationException",
    "render_error",
]

# epsagon/list-lambdas#5 (DescribeLogStreams), osperlabs/logbeam#7 (PutLogEvents): observed texts.
GROUP_NOT_FOUND = "The specified log group does not exist."
# mentum/lawgs#11 (PutLogEvents), percona/rds_exporter#81 (FilterLogEvents): observed text.
STREAM_NOT_FOUND = "The specified log stream does not exist."
# aws-robotics/cloudwatchlogs-ros1#1, grycap/scar#82: observed texts (no trailing period).
GROUP_ALREADY_EXISTS = "The specified log group already exists"
STREAM_ALREADY_EXISTS = "The specified log stream already exists"


class CloudWatchLogsError(Exception):
    """Base class: status, ``__type`` and default message are class attributes."""

    status: ClassVar[int] = 400
    aws_type: ClassVar[str] = "CloudWatchLogsError"
    default_message: ClassVar[str | None] = None

    def __init__(self, message: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(self.message or self.aws_type)


class ResourceNotFoundException(CloudWatchLogsError):
    """A log group or log stream does not exist."""

    aws_type = "ResourceNotFoundException"


class ResourceAlreadyExistsException(CloudWatchLogsError):
    """A log group or log stream already exists."""

    aws_type = "ResourceAlreadyExistsException"


class InvalidParameterException(CloudWatchLogsError):
    """A parameter is missing, malformed or out of range."""

    aws_type = "InvalidParameterException"


class UnknownOperationException(CloudWatchLogsError):
    """The X-Amz-Target names no operation this server knows."""

    aws_type = "UnknownOperationException"


class SerializationException(CloudWatchLogsError):
    """The body is not a JSON object."""

    aws_type = "SerializationException"


class ServiceUnavailableException(CloudWatchLogsError):
    """Anything unexpected: logged, answered 500, and the server keeps serving."""

    status = 500
    aws_type = "ServiceUnavailableException"
    default_message = "The service cannot complete the request."


def render_error(error: CloudWatchLogsError) -> tuple[int, bytes]:
    """The one renderer of errors to (status, body bytes)."""
    body: dict[str, str] = {"__type": error.aws_type}
    if error.message is not None:
        body["message"] = error.message
    return error.status, json.dumps(body, separators=(",", ":")).encode()
