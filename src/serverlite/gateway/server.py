"""aiohttp adapter for the gateway: converts HTTP to `GatewayRequest` and back, nothing else.

aiohttp keeps header names as the client sent them (`raw_headers`), which API Gateway REST APIs pass on.

Hostile clients are refused here, before the core sees them (issue 8): header values over API Gateway's
10240-byte total (431), URLs over its 8192 characters (414), bodies over 10 MB (413), and clients too slow to
send a request head or body (408: `head_timeout` from a request's first byte, `body_timeout` for the body).
aiohttp's own line and field limits are raised above ours so that our AWS-shaped answers come first; past
them aiohttp answers a plain-text 400 and closes the connection.
"""

from __future__ import annotations

import asyncio
import typing as t
from http import HTTPStatus

from aiohttp import web

from serverlite.gateway.errors import GatewayError, RequestTooLarge
from serverlite.gateway.gateway import MAX_PAYLOAD_BYTES
from serverlite.gateway.messages import GatewayCore, GatewayRequest, GatewayResponse

__all__ = ["GatewayServer", "HeadersTooLarge", "RequestTimeout", "UriTooLong"]

# API Gateway quotas (reference apigateway-lambda.md 4.5; https://docs.aws.amazon.com/apigateway/latest/
# developerguide/limits.html): "Total combined size of request line and header values" 10240 bytes and
# "Length, in characters, of the URL" 8192.
MAX_HEADER_VALUES_BYTES = 10240
MAX_URL_CHARACTERS = 8192
# aiohttp's parser limits, kept above ours so the checks below answer first (aiohttp's defaults, 8190,
# refused a single 9000-byte header that API Gateway accepts).
_MAX_LINE_BYTES = 16 * 1024
_MAX_FIELD_BYTES = 16 * 1024


class HeadersTooLarge(GatewayError):
    """Header values over 10240 bytes. The message is what AWS answers ("HTTP header is larger than 10240
    bytes.", ntsblog.homedev.com.au 2021-03-09); the status is RFC 6585's, not recorded from AWS."""

    status = 431
    error_type = "BadRequestException"
    response_type = "DEFAULT_4XX"
    body = b'{"message":"HTTP header is larger than 10240 bytes."}'
    traced = False


class UriTooLong(GatewayError):
    """A URL over 8192 characters (status and message are RFC 9110's; not recorded from AWS)."""

    status = 414
    error_type = "BadRequestException"
    response_type = "DEFAULT_4XX"
    body = b'{"message":"Request-URI Too Long"}'
    traced = False


class RequestTimeout(GatewayError):
    """The client did not send its request head or body in time (a slowloris; RFC 9110's 408)."""

    status = 408
    error_type = "BadRequestException"
    response_type = "DEFAULT_4XX"
    body = b'{"message":"Request Timeout"}'
    traced = False


class GatewayServer:
    """Serves a gateway core (REST APIs, HTTP APIs, a function URL) on host:port."""

    def __init__(
        self,
        gateway: GatewayCore,
        host: str,
        port: int,
        *,
        head_timeout: float = 10.0,
        body_timeout: float = 30.0,
    ) -> None:
        self._gateway = gateway
        self._host = host
        self._port = port
        self._head_timeout = head_timeout
        self._body_timeout = body_timeout
        self._server: asyncio.AbstractServer | None = None
        self._handler: web.Server | None = None
        self._guards: dict[asyncio.BaseTransport, _HeadGuard] = {}

    @property
    def port(self) -> int:
        """The port actually listened on (useful with port 0)."""
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        """Start listening."""
        self._handler = web.Server(
            self._handle,
            access_log=None,
            handler_cancellation=True,
            max_line_size=_MAX_LINE_BYTES,
            max_field_size=_MAX_FIELD_BYTES,
        )
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._guarded, self._host, self._port, reuse_address=True)

    def _guarded(self) -> asyncio.Protocol:
        assert self._handler is not None
        return _HeadGuard(self._handler(), self._head_timeout, self._guards)

    async def close(self) -> None:
        """Stop accepting and close open connections."""
        if self._server is not None:
            self._server.close()
            if self._handler is not None:
                await self._handler.shutdown(1.0)
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        guard = self._guards.get(request.transport) if request.transport else None
        if guard is not None:
            guard.head_received()
        try:
            response = await self._respond(request)
        finally:
            if guard is not None:
                guard.request_done()
        return web.Response(status=response.status, body=response.body, headers=_multidict(response.headers))

    async def _respond(self, request: web.BaseRequest) -> GatewayResponse:
        try:
            _check_head(request)
            async with asyncio.timeout(self._body_timeout):
                body = await _read_body(request)
        except TimeoutError:
            return self._gateway.reject(RequestTimeout(), self._request(request, b""))
        except (RequestTooLarge, HeadersTooLarge, UriTooLong) as error:
            return self._gateway.reject(error, self._request(request, b""))
        return await self._gateway.handle(self._request(request, body))

    def _request(self, request: web.BaseRequest, body: bytes) -> GatewayRequest:
        return GatewayRequest(
            method=request.method,
            target=request.raw_path,
            headers=tuple((k.decode("latin-1"), _text(v)) for k, v in request.raw_headers),
            body=body,
            source_ip=request.remote or "",
            host=request.host,
            scheme=request.scheme,
            port=self._local_port(request),
        )

    def _local_port(self, request: web.BaseRequest) -> int:
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        return int(sockname[1]) if sockname else self._port


def _check_head(request: web.BaseRequest) -> None:
    """Raises UriTooLong or HeadersTooLarge when the request is over API Gateway's quotas."""
    if len(request.raw_path) > MAX_URL_CHARACTERS:
        raise UriTooLong()
    if sum(len(value) for _, value in request.raw_headers) > MAX_HEADER_VALUES_BYTES:
        raise HeadersTooLarge()


async def _read_body(request: web.BaseRequest) -> bytes:
    length = request.content_length
    if length is not None and length > MAX_PAYLOAD_BYTES:
        raise RequestTooLarge()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(65536):
        size += len(chunk)
        if size > MAX_PAYLOAD_BYTES:
            raise RequestTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def _text(value: bytes) -> str:
    # Header bytes are UTF-8 in practice; anything else is kept visible rather than dropped.
    return value.decode("utf-8", errors="replace")


def _multidict(headers: t.Sequence[tuple[str, str]]) -> t.Any:
    from multidict import CIMultiDict

    return CIMultiDict(headers)


class _HeadGuard(asyncio.Protocol):
    """Wraps aiohttp's protocol of one connection: a request head must arrive within `timeout` seconds of
    its first byte, or the client gets a 408 and the connection is closed. aiohttp has no such timer
    (its keep-alive timeout runs only between requests), so a client sending a header byte per second
    held a connection, a parser and a buffer for as long as it liked."""

    def __init__(
        self,
        inner: asyncio.Protocol,
        timeout: float,
        registry: dict[asyncio.BaseTransport, _HeadGuard],
    ) -> None:
        self._inner = inner
        self._timeout = timeout
        self._registry = registry
        self._transport: asyncio.BaseTransport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._busy = False  # a request's head has arrived and its answer is not written yet

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport
        self._registry[transport] = self
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self._busy and self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._timeout, self._timed_out)
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        if self._transport is not None:
            self._registry.pop(self._transport, None)
        self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()

    def head_received(self) -> None:
        """The handler has the request: its head came in time."""
        self._cancel()
        self._busy = True

    def request_done(self) -> None:
        """The next bytes start a new head."""
        self._busy = False

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_out(self) -> None:
        self._timer = None
        transport = self._transport
        if self._busy or not isinstance(transport, asyncio.WriteTransport) or transport.is_closing():
            return
        transport.write(_raw_response(RequestTimeout().to_response()))
        transport.close()


def _raw_response(response: GatewayResponse) -> bytes:
    """HTTP/1.1 bytes of a response written without aiohttp (it has no request object to answer yet)."""
    lines = [f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}"]
    lines += [f"{name}: {value}" for name, value in response.headers]
    lines += [f"Content-Length: {len(response.body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body
