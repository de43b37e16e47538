"""Error payloads the Lambda service itself produces, as a client of Invoke sees them.

Function errors raised inside the handler are built by awslambdaric; these are the ones the platform adds
when the runtime cannot answer: a timeout, a runtime that exited, a request that cannot be delivered.
"""

from __future__ import annotations

import json

__all__ = [
    "RESPONSE_LIMIT",
    "RUNTIME_API_TOO_LARGE",
    "exit_error",
    "out_of_memory_error",
    "response_too_large_error",
    "timeout_error",
]

#: The largest response a synchronous invocation may return, in bytes (Lambda quotas: 6 MB; the number is
#: the one Lambda's messages give).
RESPONSE_LIMIT = 6_291_556
#: What the Runtime API answers (413) to a runtime posting a larger response, as observed on Lambda:
#: e.g. https://github.com/anomalyco/console/issues/63 ("Failed to post handler success response. Http
#: response code: 413. {...}").
RUNTIME_API_TOO_LARGE = (
    b'{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).",'
    b'"errorType":"RequestEntityTooLarge"}'
)


def timeout_error(request_id: str, timeout_seconds: float) -> bytes:
    """The payload of a timed-out invocation.

    Current managed runtimes answer `Sandbox.Timedout` (reference apigateway-lambda.md 2.5 and 7.5), e.g.
    `{"errorType":"Sandbox.Timedout",
      "errorMessage":"RequestId: <id> Error: Task timed out after 3.00 seconds"}`.
    """
    return _payload(
        "Sandbox.Timedout",
        f"RequestId: {request_id} Error: Task timed out after {timeout_seconds:.2f} seconds",
    )


def exit_error(request_id: str, reason: str) -> bytes:
    """The payload when the runtime process exits during an invocation (`Runtime.ExitError`)."""
    return _payload(
        "Runtime.ExitError", f"RequestId: {request_id} Error: Runtime exited with error: {reason}"
    )


def out_of_memory_error(request_id: str, reason: str) -> bytes:
    """The payload when the function used more than its MemorySize and was killed."""
    return _payload(
        "Runtime.OutOfMemory", f"RequestId: {request_id} Error: Runtime exited with error: {reason}"
    )


def response_too_large_error() -> bytes:
    """The invocation's payload when the function returned more than RESPONSE_LIMIT bytes: the caller gets
    `Function.ResponseSizeTooLarge` (observed on Lambda, e.g. a 502 through API Gateway: "502
    Function.ResponseSizeTooLarge, maximum allowed payload size (6291556 bytes)")."""
    return _payload(
        "Function.ResponseSizeTooLarge",
        f"Response payload size exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes).",
    )


def _payload(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()
