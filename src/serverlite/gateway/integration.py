"""Integrations: send the request to the backend and map its answer back (Lambda proxy for now).

The proxy response contract follows reference apigateway-lambda.md section 2: only `statusCode`,
`headers`, `multiValueHeaders`, `body` and `isBase64Encoded` are allowed; a missing `statusCode` is 200;
a numeric string status is accepted; header values must be strings or booleans (numbers are rendered);
`multiValueHeaders` values must be lists; the body must be a string; anything else is a 502.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
import typing as t
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from serverlite.gateway.errors import (
    EndpointTimeout,
    FunctionFailed,
    InternalServerError,
    MalformedProxyResponse,
)
from serverlite.gateway.execution_log import ExecutionLog, java_map
from serverlite.gateway.messages import GatewayResponse
from serverlite.runtime.invoker import (
    FunctionNotFound,
    FunctionThrottled,
    InvocationResult,
    Invoker,
    PayloadTooLarge,
)

__all__ = [
    "ProxyOutcome",
    "function_error_line",
    "invoke_function",
    "invoke_proxy",
    "map_proxy_response",
    "parse_json",
    "remapped_header",
]

_MALFORMED = "Execution failed due to configuration error: Malformed Lambda proxy response"
_ALLOWED_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})
# Response headers API Gateway renames rather than pass on (reference 2.6).
_REMAPPED = frozenset({"connection", "content-length", "date", "server"})
_DROPPED = frozenset({"transfer-encoding"})


@dataclass(frozen=True)
class ProxyOutcome:
    """The function's invocation and what the client gets."""

    response: GatewayResponse
    invocation: InvocationResult


async def invoke_proxy(
    invoker: Invoker,
    function: str,
    event: bytes,
    *,
    timeout_ms: int,
    trace_id: str,
    binary_response: bool,
    log: ExecutionLog | None = None,
    endpoint_uri: str = "",
    on_result: Callable[[InvocationResult, float], None] | None = None,
) -> ProxyOutcome:
    """Invoke the function and map its result; raises a GatewayError on failure."""
    result = await invoke_function(
        invoker,
        function,
        event,
        timeout_ms=timeout_ms,
        trace_id=trace_id,
        log=log,
        endpoint_uri=endpoint_uri,
        on_result=on_result,
    )
    if result.failed:
        raise FunctionFailed(function_error_line(result))
    return ProxyOutcome(map_proxy_response(result.payload, binary_response=binary_response), result)


def function_error_line(result: InvocationResult) -> str:
    """The execution-log line of a function error (reference 2.5)."""
    return (
        f"Lambda execution failed with status 200 due to customer function error: "
        f"{result.error_message}. Lambda request id: {result.request_id}"
    )


async def invoke_function(
    invoker: Invoker,
    function: str,
    event: bytes,
    *,
    timeout_ms: int,
    trace_id: str,
    log: ExecutionLog | None = None,
    endpoint_uri: str = "",
    on_result: Callable[[InvocationResult, float], None] | None = None,
) -> InvocationResult:
    """Invoke the function within the integration timeout, logging the endpoint lines of reference 5.3.

    Raises EndpointTimeout (504) or InternalServerError (no such function).
    """
    if log is not None:
        log.data(f"Endpoint request body after transformations: {event.decode('utf-8', errors='replace')}")
        log.add(f"Sending request to {endpoint_uri}")
    started = time.monotonic()
    try:
        result = await _within(invoker.invoke(function, event, trace_id=trace_id, throttle=True), timeout_ms)
    except TimeoutError:
        raise EndpointTimeout("Execution failed due to a timeout error") from None
    except FunctionNotFound:
        raise InternalServerError(f"Function not found: {function}") from None
    except PayloadTooLarge:
        # Lambda refuses an event over 6 MB with 413: the client gets 500, as for other invocation failures.
        if log is not None:
            log.add(
                f"Lambda invocation failed with status: 413. Lambda request id: {uuid.uuid4()}", error=True
            )
        raise InternalServerError("Execution failed due to configuration error: Request too large") from None
    except FunctionThrottled:
        # Reference 2.5: Lambda's 429 is a 500 for the client, "Rate Exceeded." in the execution log.
        if log is not None:
            log.add(
                f"Lambda invocation failed with status: 429. Lambda request id: {uuid.uuid4()}", error=True
            )
        raise InternalServerError("Execution failed due to configuration error: Rate Exceeded.") from None
    latency_ms = (time.monotonic() - started) * 1000
    if on_result is not None:
        on_result(result, latency_ms)
    if log is not None:
        _log_lambda_response(log, result, trace_id, latency_ms)
    return result


async def _within(
    invocation: t.Coroutine[t.Any, t.Any, InvocationResult], timeout_ms: int
) -> InvocationResult:
    """The invocation's result, or TimeoutError after `timeout_ms`; on a timeout, or when the caller is
    cancelled (the client left), the function keeps running, as on AWS.

    What `asyncio.shield` inside `asyncio.timeout` does, with one future and one timer instead of a
    Timeout, a shield future and their callbacks (this runs on every request). A cancellation that arrives
    as the result does is not lost (Python 3.11's `wait_for` would lose it).
    """
    loop = asyncio.get_running_loop()
    task = loop.create_task(invocation)
    waiter = loop.create_future()
    timer = loop.call_later(timeout_ms / 1000, _wake, waiter, None)
    task.add_done_callback(lambda _: _wake(waiter, None))
    try:
        await waiter
    finally:
        timer.cancel()
        if not task.done():
            task.add_done_callback(_consume)  # finished later: nobody reads its outcome
    if not task.done():
        raise TimeoutError
    return task.result()


def _wake(waiter: asyncio.Future[None], _: object) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _consume(task: asyncio.Task[InvocationResult]) -> None:
    if not task.cancelled():
        task.exception()


def _log_lambda_response(
    log: ExecutionLog, result: InvocationResult, trace_id: str, latency_ms: float
) -> None:
    log.add(f"Received response. Status: 200, Integration latency: {round(latency_ms)} ms")
    headers = {
        "Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()),
        "Content-Type": "application/json",
        "Content-Length": len(result.payload),
        "Connection": "keep-alive",
        "x-amzn-RequestId": result.request_id,
        "x-amzn-Remapped-Content-Length": 0,
        "X-Amz-Executed-Version": "$LATEST",
        "X-Amzn-Trace-Id": f"{trace_id.replace('Root=', 'root=')};sampled=0",
    }
    if result.failed:
        headers["X-Amz-Function-Error"] = "Unhandled"
    log.data(f"Endpoint response headers: {java_map(headers)}")
    log.data(
        f"Endpoint response body before transformations: {result.payload.decode('utf-8', errors='replace')}"
    )


def map_proxy_response(payload: bytes, *, binary_response: bool = False) -> GatewayResponse:
    """Validate a proxy result and turn it into the client's response; raises MalformedProxyResponse."""
    try:
        result = parse_json(payload)
    except ValueError:
        raise MalformedProxyResponse(_MALFORMED) from None
    if not isinstance(result, dict) or not _ALLOWED_KEYS.issuperset(result):
        raise MalformedProxyResponse(_MALFORMED)
    status = _status(result.get("statusCode"))
    headers = _headers(result.get("headers"), result.get("multiValueHeaders"))
    body = _body(result.get("body"), result.get("isBase64Encoded"), binary_response)
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return GatewayResponse(status=status, body=body, headers=headers)


def parse_json(payload: bytes) -> t.Any:
    """`json.loads(payload)`, through orjson where it can (10x faster); what orjson refuses (NaN, an integer
    over 64 bits, UTF-16) goes to the standard library, so the outcome is the same. Raises ValueError."""
    try:
        return orjson.loads(payload)
    except ValueError:
        return json.loads(payload)


def _status(value: object) -> int:
    if value is None:
        return 200
    if isinstance(value, bool):
        raise MalformedProxyResponse(_MALFORMED)
    if isinstance(value, int):
        status = value
    elif isinstance(value, str) and value.strip().isdigit():
        status = int(value)
    else:
        raise MalformedProxyResponse(_MALFORMED)
    if not 100 <= status <= 599:
        raise MalformedProxyResponse(_MALFORMED)
    return status


def _header_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    raise MalformedProxyResponse(_MALFORMED)


def _headers(single: object, multi: object) -> list[tuple[str, str]]:
    if single is not None and not isinstance(single, dict):
        raise MalformedProxyResponse(_MALFORMED)
    if multi is not None and not isinstance(multi, dict):
        raise MalformedProxyResponse(_MALFORMED)
    merged: dict[str, tuple[str, list[str]]] = {}
    for name, values in (multi or {}).items():
        if not isinstance(values, list):
            raise MalformedProxyResponse(_MALFORMED)
        merged[name.lower()] = (name, [_header_value(v) for v in values])
    for name, value in (single or {}).items():
        text = _header_value(value)
        # The multiValueHeaders entry decides the name's casing; an identical value appears once.
        casing, values = merged.setdefault(name.lower(), (name, []))
        if text not in values:
            values.append(text)
    out: list[tuple[str, str]] = []
    for lowered, (name, values) in merged.items():
        if lowered in _DROPPED:
            continue
        final = f"x-amzn-Remapped-{name}" if lowered in _REMAPPED else name
        out.extend((final, value) for value in values)
    return out


def remapped_header(name: str) -> str | None:
    """The name a proxy response header reaches the client under (`x-amzn-Remapped-Date`), None if dropped."""
    lowered = name.lower()
    if lowered in _DROPPED:
        return None
    return f"x-amzn-Remapped-{name}" if lowered in _REMAPPED else name


def _body(body: object, is_base64: object, binary_response: bool) -> bytes:
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedProxyResponse(_MALFORMED)
    if is_base64 is not None and not isinstance(is_base64, bool):
        raise MalformedProxyResponse(_MALFORMED)
    if is_base64 and binary_response:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedProxyResponse(_MALFORMED) from None
    return body.encode("utf-8")
