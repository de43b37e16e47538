"""The Lambda Runtime API (`/2018-06-01/runtime/...`) of one execution environment.

Each environment gets its own listener, as each Lambda sandbox has its own `AWS_LAMBDA_RUNTIME_API`,
so a request tells us its environment by the socket it arrived on. Endpoints and status codes follow
https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html: `next` answers 200 with the event,
`response`/`error`/`init/error` answer 202 `{"status":"OK"}`, an unknown request id 400.
"""

from __future__ import annotations

import asyncio
import json
import typing as t
from dataclasses import dataclass

from aiohttp import web

__all__ = ["Delivery", "RuntimeApiServer", "RuntimeApiSession"]

_PREFIX = "/2018-06-01/runtime/"
_ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
_ACCEPTED = json.dumps({"status": "OK"}).encode()


@dataclass(frozen=True)
class Delivery:
    """One invocation as the runtime receives it from `next`."""

    request_id: str
    event: bytes
    deadline_ms: int
    function_arn: str
    trace_id: str
    client_context: str | None = None


class RuntimeApiSession(t.Protocol):
    """The execution environment behind a Runtime API listener."""

    async def next_invocation(self) -> Delivery:
        """Wait for the next invocation (the runtime's long poll)."""
        ...

    def post_response(self, request_id: str, payload: bytes) -> bool:
        """The function returned `payload`; False if `request_id` is not the current invocation."""
        ...

    def post_error(self, request_id: str, payload: bytes, error_type: str | None) -> bool:
        """The function failed; False if `request_id` is not the current invocation."""
        ...

    def post_init_error(self, payload: bytes, error_type: str | None) -> None:
        """Initialisation (importing the handler) failed."""
        ...


class RuntimeApiServer:
    """An aiohttp listener on 127.0.0.1 serving one session's Runtime API."""

    def __init__(self, session: RuntimeApiSession, host: str = "127.0.0.1") -> None:
        self._session = session
        self._host = host
        self._server: t.Any = None
        self._handler: web.Server | None = None
        self.port = 0

    async def start(self) -> None:
        """Listen on a free port; `port` tells which."""
        self._handler = web.Server(self._handle, access_log=None)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._handler, self._host, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and drop open connections, cancelling a pending `next`."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
            if self._handler is not None:
                # A pending `next` never completes by itself: give it no grace (0 would mean "no limit").
                await self._handler.shutdown(0.001)
                await asyncio.sleep(0)  # let the cancelled handler tasks finish

    @property
    def address(self) -> str:
        """The value of `AWS_LAMBDA_RUNTIME_API`."""
        return f"{self._host}:{self.port}"

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        path = request.path
        if not path.startswith(_PREFIX):
            return _json(404, {"errorMessage": "Not Found", "errorType": "NotFound"})
        route = path[len(_PREFIX) :]
        if route == "invocation/next" and request.method == "GET":
            return await self._next()
        if route == "init/error" and request.method == "POST":
            self._session.post_init_error(await request.read(), request.headers.get(_ERROR_TYPE_HEADER))
            return web.Response(status=202, body=_ACCEPTED, content_type="application/json")
        parts = route.split("/")
        if len(parts) == 3 and parts[0] == "invocation" and request.method == "POST":
            return await self._post(parts[1], parts[2], request)
        return _json(404, {"errorMessage": "Not Found", "errorType": "NotFound"})

    async def _next(self) -> web.StreamResponse:
        delivery = await self._session.next_invocation()
        headers = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": delivery.request_id,
            "Lambda-Runtime-Deadline-Ms": str(delivery.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": delivery.function_arn,
            "Lambda-Runtime-Trace-Id": delivery.trace_id,
        }
        if delivery.client_context is not None:
            headers["Lambda-Runtime-Client-Context"] = delivery.client_context
        return web.Response(status=200, body=delivery.event, headers=headers)

    async def _post(self, request_id: str, kind: str, request: web.BaseRequest) -> web.StreamResponse:
        payload = await request.read()
        if kind == "response":
            accepted = self._session.post_response(request_id, payload)
        elif kind == "error":
            accepted = self._session.post_error(request_id, payload, request.headers.get(_ERROR_TYPE_HEADER))
        else:
            return _json(404, {"errorMessage": "Not Found", "errorType": "NotFound"})
        if not accepted:
            return _json(400, {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"})
        return web.Response(status=202, body=_ACCEPTED, content_type="application/json")


def _json(status: int, body: dict[str, str]) -> web.Response:
    return web.Response(status=status, body=json.dumps(body).encode(), content_type="application/json")
