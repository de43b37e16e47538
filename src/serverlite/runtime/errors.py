"""Error payloads the Lambda service itself produces, as a client of Invoke sees them.

Function errors raised inside the handler are built by awslambdaric; these are the ones the platform adds
when the runtime cannot answer: a timeout, a runtime that exited, a request that cannot be delivered.
"""

from __future__ import annotations

import json

__all__ = ["exit_error", "out_of_memory_error", "timeout_error"]


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


def _payload(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()
