"""The seam between the gateway and the Lambda runtime: `Invoker.invoke(function, event) -> result`.

The gateway imports this module only; pools, workers and the Runtime API stay behind it.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

__all__ = [
    "REQUEST_LIMIT",
    "FunctionNotFound",
    "FunctionThrottled",
    "InvocationResult",
    "Invoker",
    "PayloadTooLarge",
]

#: The largest event a synchronous invocation accepts, in bytes (Lambda quotas: 6 MB).
REQUEST_LIMIT = 6_291_456


class FunctionNotFound(LookupError):
    """No function of that name or logical id exists in the application."""


class FunctionThrottled(Exception):
    """Every environment the function's ReservedConcurrentExecutions allows is busy.

    Lambda answers a synchronous invocation then with 429 TooManyRequestsException, reason
    `ReservedFunctionConcurrentInvocationLimitExceeded` ("Rate Exceeded."), rather than queueing it
    (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
    """


class PayloadTooLarge(Exception):
    """The event is larger than REQUEST_LIMIT: Lambda refuses a synchronous invocation with 413
    RequestEntityTooLargeException."""

    def __init__(self, size: int) -> None:
        invocation = "the RequestResponse invocation type"
        super().__init__(f"{size} byte payload is too large for {invocation} (limit {REQUEST_LIMIT} bytes)")
        self.size = size


@dataclass(frozen=True)
class InvocationResult:
    """What the Lambda Invoke API returns: the payload and, for a failed invocation, the error kind.

    `function_error` is `"Unhandled"` when the function (or its runtime) failed, as in the
    `X-Amz-Function-Error` header of Invoke; `error_type` is the payload's `errorType` then.
    """

    request_id: str
    payload: bytes
    function_error: str | None = None
    error_type: str | None = None
    error_message: str | None = None
    duration_ms: float = 0.0
    init_duration_ms: float | None = None
    log: tuple[str, ...] = ()  # the invocation's log lines, START to REPORT (for Invoke's LogType=Tail)

    @property
    def failed(self) -> bool:
        """True when the function did not return a result."""
        return self.function_error is not None


class Invoker(t.Protocol):
    """Anything that can run a function; the gateway depends on this only."""

    async def invoke(
        self,
        function: str,
        event: bytes,
        *,
        trace_id: str | None = None,
        client_context: str | None = None,
        throttle: bool = False,
    ) -> InvocationResult:
        """Run `function` (name or logical id) with the JSON `event`; raises FunctionNotFound, and
        PayloadTooLarge for an event over REQUEST_LIMIT bytes.

        `throttle`: a synchronous caller is refused (FunctionThrottled) instead of waiting when the
        function's reserved concurrency is in use, as Lambda does.
        """
        ...
