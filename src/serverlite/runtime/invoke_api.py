"""The Lambda `Invoke` API (REST-JSON), so functions and tools can invoke functions as on AWS.

`POST /2015-03-31/functions/{FunctionName}/invocations` with `X-Amz-Invocation-Type`
(RequestResponse, Event, DryRun), `X-Amz-Log-Type: Tail` and `X-Amz-Client-Context`, answered as
https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html describes: 200 with the payload (and
`X-Amz-Function-Error: Unhandled` when the function failed), 202 for Event, 204 for DryRun. An unknown
function is 404 `{"Message":"Function not found: <arn>","Type":"User"}` (observed body:
aarondfrancis/sidecar#23).
"""

from __future__ import annotations

import asyncio
import base64
import json
import typing as t
from urllib.parse import parse_qs, unquote

from serverlite.runtime.invoker import FunctionNotFound, FunctionThrottled, PayloadTooLarge
from serverlite.runtime.lambda_service import LambdaService

__all__ = ["INVOKE_PATH_PREFIX", "LambdaInvokeApi"]

INVOKE_PATH_PREFIX = "/2015-03-31/functions/"
_TAIL_BYTES = 4096

Reply = tuple[int, dict[str, str], bytes]


class LambdaInvokeApi:
    """Socket-free core: `handle(method, target, headers, body) -> (status, headers, body)`."""

    def __init__(self, service: LambdaService, *, region: str, account_id: str) -> None:
        self._service = service
        self._region = region
        self._account_id = account_id
        self._background: set[asyncio.Task[t.Any]] = set()

    async def handle(self, method: str, target: str, headers: t.Mapping[str, str], body: bytes) -> Reply:
        """Answer one request of the Lambda API."""
        path, _, query = target.partition("?")
        parts = path[len(INVOKE_PATH_PREFIX) :].split("/") if path.startswith(INVOKE_PATH_PREFIX) else []
        if method != "POST" or len(parts) != 2 or parts[1] != "invocations":
            return _error(404, "UnknownOperationException", "Unknown operation")
        name = _function_name(unquote(parts[0]))
        qualifier = parse_qs(query).get("Qualifier", [None])[0]
        try:
            pool = self._service.pool(name)
        except FunctionNotFound:
            return _error(
                404, "ResourceNotFoundException", f"Function not found: {self._arn(name, qualifier)}"
            )
        if qualifier not in (None, "$LATEST"):
            return _error(
                404, "ResourceNotFoundException", f"Function not found: {self._arn(name, qualifier)}"
            )
        if body.strip():
            try:
                json.loads(body)
            except ValueError as error:
                return _error(
                    400, "InvalidRequestContentException", f"Could not parse request body into json: {error}"
                )
        return await self._invoke(pool.function.name, body or b"{}", headers)

    async def _invoke(self, name: str, event: bytes, headers: t.Mapping[str, str]) -> Reply:
        kind = headers.get("X-Amz-Invocation-Type", "RequestResponse")
        if kind == "DryRun":
            return 204, {}, b""
        context = _client_context(headers.get("X-Amz-Client-Context"))
        if kind == "Event":
            task = asyncio.ensure_future(self._service.invoke(name, event, client_context=context))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            return 202, {}, b""
        if kind != "RequestResponse":
            return _error(400, "InvalidParameterValueException", f"Unsupported invocation type {kind}")
        try:
            result = await self._service.invoke(name, event, client_context=context, throttle=True)
        except PayloadTooLarge as error:
            # 413 (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html lists it as
            # RequestTooLargeException); the type Lambda sends is RequestEntityTooLargeException, e.g.
            # https://github.com/faultline/faultline/issues/12 ("... byte payload is too large for the ...").
            return _error(413, "RequestEntityTooLargeException", str(error))
        except FunctionThrottled:
            # https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html: TooManyRequestsException, 429.
            body = {
                "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
                "Type": "User",
                "message": "Rate Exceeded.",
            }
            headers = {"Content-Type": "application/json", "x-amzn-ErrorType": "TooManyRequestsException"}
            return 429, headers, json.dumps(body, separators=(",", ":")).encode()
        reply = {
            "Content-Type": "application/json",
            "X-Amz-Executed-Version": "$LATEST",
            "x-amzn-RequestId": result.request_id,
        }
        if result.failed:
            reply["X-Amz-Function-Error"] = "Unhandled"
        if headers.get("X-Amz-Log-Type") == "Tail":
            tail = "\n".join(result.log).encode()[-_TAIL_BYTES:] + b"\n"
            reply["X-Amz-Log-Result"] = base64.b64encode(tail).decode()
        return 200, reply, result.payload

    def _arn(self, name: str, qualifier: str | None) -> str:
        arn = f"arn:aws:lambda:{self._region}:{self._account_id}:function:{name}"
        return f"{arn}:{qualifier}" if qualifier else arn


def _function_name(given: str) -> str:
    """A name, a full ARN or a partial ARN (`123456789012:function:Name`) -> the name."""
    if ":function:" in given:
        return given.split(":function:", 1)[1].split(":", 1)[0]
    return given.split(":", 1)[0]


def _client_context(encoded: str | None) -> str | None:
    if not encoded:
        return None
    try:
        return base64.b64decode(encoded).decode("utf-8")
    except ValueError:
        return None


def _error(status: int, error_type: str, message: str) -> Reply:
    body = json.dumps({"Type": "User", "Message": message}, separators=(",", ":")).encode()
    return status, {"Content-Type": "application/json", "x-amzn-ErrorType": error_type}, body
