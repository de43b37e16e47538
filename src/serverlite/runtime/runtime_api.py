"""The Lambda Runtime API (`/2018-06-01/runtime/...`) of one execution environment.

Each environment gets its own listener, as each Lambda sandbox has its own `AWS_LAMBDA_RUNTIME_API`,
so a request tells us its environment by the socket it arrived on. Endpoints and status codes follow
https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html: `next` answers 200 with the event,
`response`/`error`/`init/error` answer 202 `{"status":"OK"}`, an unknown request id 400.

The only client is the runtime inside our own worker, and this hop is paid on every invocation, so the
server is a small HTTP/1.1 protocol on asyncio rather than a framework (shared/DESIGN.md, "Costs": about
0.3 ms per invoke against 0.6-0.85 ms with aiohttp). It understands what HTTP clients send:
keep-alive, `Content-Length` and chunked bodies, `Expect: 100-continue`.
"""

from __future__ import annotations

import asyncio
import json
import typing as t
from dataclasses import dataclass

__all__ = ["Delivery", "ResponseTooLarge", "RuntimeApiServer", "RuntimeApiSession"]

_PREFIX = "/2018-06-01/runtime/"
_ERROR_TYPE_HEADER = "lambda-runtime-function-error-type"
_ACCEPTED = b'{"status":"OK"}'
_NOT_FOUND = json.dumps({"errorMessage": "Not Found", "errorType": "NotFound"}).encode()
_INVALID_ID = json.dumps({"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}).encode()
_REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 404: "Not Found", 413: "Payload Too Large"}
_MAX_HEAD = 64 * 1024
_MAX_BODY = 64 * 1024 * 1024


class ResponseTooLarge(Exception):
    """The runtime posted a response over Lambda's limit: the invocation has failed with
    Function.ResponseSizeTooLarge, and the runtime is answered 413 with `body`."""

    def __init__(self, body: bytes) -> None:
        super().__init__("response too large")
        self.body = body


@dataclass(frozen=True)
class Delivery:
    """One invocation as the runtime receives it from `next`."""

    request_id: str
    event: bytes
    deadline_ms: int
    function_arn: str
    trace_id: str
    client_context: str | None = None
    cognito_identity: str | None = None


class RuntimeApiSession(t.Protocol):
    """The execution environment behind a Runtime API listener."""

    async def next_invocation(self) -> Delivery:
        """Wait for the next invocation (the runtime's long poll)."""
        ...

    def take_next(self, taker: t.Callable[[Delivery], None]) -> None:
        """The same without a task: `taker` receives the next invocation when there is one."""
        ...

    def post_response(self, request_id: str, payload: bytes) -> bool:
        """The function returned `payload`; False if `request_id` is not the current invocation;
        raises ResponseTooLarge."""
        ...

    def post_error(self, request_id: str, payload: bytes, error_type: str | None) -> bool:
        """The function failed; False if `request_id` is not the current invocation."""
        ...

    def post_init_error(self, payload: bytes, error_type: str | None) -> None:
        """Initialisation (importing the handler) failed."""
        ...


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


class RuntimeApiServer:
    """A listener on 127.0.0.1 serving one session's Runtime API."""

    def __init__(self, session: RuntimeApiSession, host: str = "127.0.0.1") -> None:
        self._session = session
        self._host = host
        self._server: asyncio.AbstractServer | None = None
        self._connections: set[_Connection] = set()
        self.port = 0

    async def start(self) -> None:
        """Listen on a free port; `port` tells which."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Connection(self), self._host, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and drop open connections, cancelling a pending `next`."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for connection in list(self._connections):
            connection.abort()
        await asyncio.sleep(0)  # let cancelled long polls finish

    @property
    def address(self) -> str:
        """The value of `AWS_LAMBDA_RUNTIME_API`."""
        return f"{self._host}:{self.port}"

    async def answer(self, request: _Request) -> tuple[int, dict[str, str], bytes]:
        """Route one request to the session."""
        if not request.path.startswith(_PREFIX):
            return 404, {}, _NOT_FOUND
        route = request.path[len(_PREFIX) :]
        if route == "invocation/next" and request.method == "GET":
            return await self._next()
        return self.answer_post(route, request)

    def answer_post(self, route: str, request: _Request) -> tuple[int, dict[str, str], bytes]:
        """The non-blocking endpoints: response, error, init/error."""
        error_type = request.headers.get(_ERROR_TYPE_HEADER)
        if route == "init/error" and request.method == "POST":
            self._session.post_init_error(request.body, error_type)
            return 202, {}, _ACCEPTED
        parts = route.split("/")
        if len(parts) != 3 or parts[0] != "invocation" or request.method != "POST":
            return 404, {}, _NOT_FOUND
        if parts[2] == "response":
            try:
                accepted = self._session.post_response(parts[1], request.body)
            except ResponseTooLarge as error:
                return 413, {}, error.body
        elif parts[2] == "error":
            accepted = self._session.post_error(parts[1], request.body, error_type)
        else:
            return 404, {}, _NOT_FOUND
        return (202, {}, _ACCEPTED) if accepted else (400, {}, _INVALID_ID)

    async def _next(self) -> tuple[int, dict[str, str], bytes]:
        delivery = await self._session.next_invocation()
        headers = {
            "Lambda-Runtime-Aws-Request-Id": delivery.request_id,
            "Lambda-Runtime-Deadline-Ms": str(delivery.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": delivery.function_arn,
            "Lambda-Runtime-Trace-Id": delivery.trace_id,
        }
        if delivery.client_context is not None:
            headers["Lambda-Runtime-Client-Context"] = delivery.client_context
        if delivery.cognito_identity is not None:
            headers["Lambda-Runtime-Cognito-Identity"] = delivery.cognito_identity
        return 200, headers, delivery.event


class _Connection(asyncio.Protocol):
    """One keep-alive connection from the runtime: parses requests one at a time."""

    def __init__(self, server: RuntimeApiServer) -> None:
        self._server = server
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._task: asyncio.Task[None] | None = None
        self._continued = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = t.cast(asyncio.Transport, transport)
        self._server._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._server._connections.discard(self)
        if self._task is not None:
            self._task.cancel()

    def abort(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._transport is not None:
            self._transport.abort()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._task is None:
            self._parse()

    def _parse(self) -> None:
        while self._task is None and self._transport is not None and not self._transport.is_closing():
            try:
                request = self._take_request()
            except ValueError:
                self._reply(400, {}, b"", close=True)
                return
            if request is None:
                return
            if request.method == "GET" and request.path.endswith("/invocation/next"):
                self._task = asyncio.ensure_future(self._long_poll(request))
            else:
                route = request.path[len(_PREFIX) :] if request.path.startswith(_PREFIX) else ""
                self._reply(*self._server.answer_post(route, request))

    async def _long_poll(self, request: _Request) -> None:
        try:
            status, headers, body = await self._server.answer(request)
        except asyncio.CancelledError:
            return
        self._task = None
        self._reply(status, headers, body)
        if self._buffer:
            self._parse()

    def _take_request(self) -> _Request | None:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > _MAX_HEAD:
                raise ValueError("request head too large")
            return None
        lines = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self._take_body(end + 4, headers)
        if body is None:
            if headers.get("expect", "").lower() == "100-continue" and not self._continued:
                self._continued = True
                assert self._transport is not None
                self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            return None
        self._continued = False
        return _Request(method, target.split("?", 1)[0], headers, body)

    def _take_body(self, start: int, headers: dict[str, str]) -> bytes | None:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self._take_chunked(start)
        length = int(headers.get("content-length") or 0)
        if length < 0 or length > _MAX_BODY:
            raise ValueError("bad content length")
        if len(self._buffer) < start + length:
            return None
        body = bytes(self._buffer[start : start + length])
        del self._buffer[: start + length]
        return body

    def _take_chunked(self, start: int) -> bytes | None:
        body = bytearray()
        position = start
        while True:
            line_end = self._buffer.find(b"\r\n", position)
            if line_end < 0:
                return None
            size = int(bytes(self._buffer[position:line_end]).split(b";", 1)[0], 16)
            if size == 0:  # last chunk, optional trailers, then an empty line
                terminator = self._buffer.find(b"\r\n\r\n", line_end)
                if terminator < 0:
                    return None
                del self._buffer[: terminator + 4]
                return bytes(body)
            chunk_start = line_end + 2
            if len(self._buffer) < chunk_start + size + 2:
                return None
            body += self._buffer[chunk_start : chunk_start + size]
            position = chunk_start + size + 2

    def _reply(self, status: int, headers: dict[str, str], body: bytes, *, close: bool = False) -> None:
        if self._transport is None or self._transport.is_closing():
            return
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}", "Content-Type: application/json"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        head.append(f"Content-Length: {len(body)}")
        if close:
            head.append("Connection: close")
        self._transport.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        if close:
            self._transport.close()
