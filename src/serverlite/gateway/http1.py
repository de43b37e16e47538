"""HTTP/1.1 on one client connection, for the gateway: httptools parses, this module frames and answers.

The gateway ran on aiohttp's server until issue 18, whose request and response objects cost more CPU per
request than the gateway core itself. This protocol keeps what the gateway needs and answers byte for byte
as aiohttp did (tests/unit/gateway/test_http1.py compares the two): header names as the client sent them;
aiohttp's rules for `Content-Length`, `Content-Type`, `Date`, `Server` and `Connection`; keep-alive and
pipelined requests answered in order; the handler cancelled when the client leaves; a plain-text 400 and a
close for what cannot be parsed.

Limits come from server.py: a request target or one header over `max_field` bytes, or more than 128 headers,
is such a 400 (aiohttp's limits, kept above API Gateway's so that its AWS-shaped answers come first); a
body over `max_body` is answered 413 at once and the rest of it read and dropped. Timers are the server's
sweep (`check_time`), not one per request: the hot path only notes the time a state began.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time
import typing as t
from collections import deque
from http import HTTPStatus
from urllib.parse import urlsplit

import httptools  # type: ignore[import-untyped]  # no stubs installed

from serverlite.gateway.errors import GatewayError, RequestTooLarge
from serverlite.gateway.messages import GatewayCore, GatewayRequest, GatewayResponse

__all__ = [
    "Connection",
    "ConnectionLimits",
    "HeadersTooLarge",
    "RequestTimeout",
    "UriTooLong",
    "encode_response",
    "raw_response",
]

logger = logging.getLogger(__name__)

_REASONS = {status.value: status.phrase for status in HTTPStatus}
# aiohttp's rules (RFC 9110 6.4.1, 8.6): no body for 1xx, 204, 304, HEAD and a CONNECT's 2xx, and no
# Content-Length for those statuses.
_EMPTY_BODY_STATUSES = frozenset((204, 304, *range(100, 200)))
# aiohttp refused to write a header holding one of these and dropped the connection instead.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_MAX_HEADERS = 128
# Headers that may appear once (RFC 9110): aiohttp refused a request repeating one.
_SINGLETONS = frozenset(
    b"content-length content-location content-range content-type etag host max-forwards server "
    b"transfer-encoding user-agent".split()
)
_MAX_HEAD_BYTES = 256 * 1024  # an unfinished request head is refused past this
_QUEUE_HIGH = 16  # pipelined requests parsed ahead before reading pauses
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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


class ConnectionLimits(t.NamedTuple):
    """Sizes and times every connection of a server applies."""

    max_field: int  # bytes of the request target or of one header line
    max_body: int
    max_url: int  # characters of the target: over it the core answers UriTooLong
    max_header_values: int  # bytes of all header values: over it HeadersTooLarge
    head_timeout: float
    body_timeout: float
    keepalive_timeout: float = 3630.0  # aiohttp's
    lingering_time: float = 10.0  # how long the rest of a refused body is read and dropped (aiohttp's)


# --- writing -------------------------------------------------------------------------------------------

_server_software = ""
_date_second = -1
_date_text = ""


def server_software() -> str:
    """`Server` as aiohttp's server sent it (`Python/3.11 aiohttp/3.x`): kept, so answers stay the same."""
    global _server_software
    if not _server_software:
        from importlib.metadata import PackageNotFoundError, version

        try:
            aiohttp = version("aiohttp")
        except PackageNotFoundError:
            aiohttp = "3"
        _server_software = f"Python/{sys.version_info[0]}.{sys.version_info[1]} aiohttp/{aiohttp}"
    return _server_software


def http_date() -> str:
    """`Date` as RFC 9110's IMF-fixdate, formatted once a second."""
    global _date_second, _date_text
    now = int(time.time())
    if now != _date_second:
        tm = time.gmtime(now)
        _date_text = (
            f"{_WEEKDAYS[tm.tm_wday]}, {tm.tm_mday:02d} {_MONTHS[tm.tm_mon - 1]} {tm.tm_year:4d} "
            f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} GMT"
        )
        _date_second = now
    return _date_text


def encode_response(
    response: GatewayResponse, *, method: str, version: str, keep_alive: bool
) -> bytes | None:
    """The bytes of `response` to a `method` request of HTTP/`version` as aiohttp's web.Response wrote
    them; None where aiohttp refused to (a control character in a header, a Content-Length that is no
    number) and dropped the connection instead."""
    status, body = response.status, response.body
    headers = list(response.headers)
    names = {name.lower() for name, _ in headers}
    no_length = status in _EMPTY_BODY_STATUSES or (method == "CONNECT" and 200 <= status < 300)
    empty = no_length or method == "HEAD"
    length = len(body)
    if "content-length" in names:
        if no_length:
            headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
        else:
            try:
                length = int(next(value for name, value in headers if name.lower() == "content-length"))
            except ValueError:
                return None
    elif (body or (status != 304 and method != "HEAD")) and not (empty and no_length):
        headers.append(("Content-Length", str(length)))
    if empty:
        if "transfer-encoding" in names:
            headers = [(name, value) for name, value in headers if name.lower() != "transfer-encoding"]
    elif length and "content-type" not in names:
        headers.append(("Content-Type", "application/octet-stream"))
    if "date" not in names:
        headers.append(("Date", http_date()))
    if "server" not in names:
        headers.append(("Server", server_software()))
    if "connection" not in names:
        if keep_alive:
            if version == "1.0":
                headers.append(("Connection", "keep-alive"))
        elif version == "1.1":
            headers.append(("Connection", "close"))
    lines = [f"HTTP/{version} {status} {_REASONS.get(status, '')}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if _FORBIDDEN.search("\t".join(lines)) is not None:
        return None
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    return head if empty or not body else head + body


def raw_response(response: GatewayResponse) -> bytes:
    """HTTP/1.1 bytes of a response that ends the connection before a request was read (the head timeout)."""
    lines = [f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}"]
    lines += [f"{name}: {value}" for name, value in response.headers]
    lines += [f"Content-Length: {len(response.body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body


def _bad_request(message: str) -> bytes:
    """What aiohttp answered to a request it could not parse: a plain-text 400, then the connection closes."""
    response = GatewayResponse(400, message.encode("utf-8"), [("Content-Type", "text/plain; charset=utf-8")])
    encoded = encode_response(response, method="GET", version="1.0", keep_alive=False)
    assert encoded is not None
    return encoded


# --- reading -------------------------------------------------------------------------------------------


class _Message:
    """One request as it is parsed."""

    __slots__ = (
        "url",
        "headers",
        "values_size",
        "body",
        "size",
        "refused",
        "method",
        "version",
        "keep_alive",
    )

    def __init__(self) -> None:
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.values_size = 0
        self.body: list[bytes] = []
        self.size = 0
        self.refused = False  # answered already (413, 408): the rest of its body is dropped
        self.method = "GET"
        self.version = "1.1"
        self.keep_alive = True


class _Pending(t.NamedTuple):
    """A parsed request waiting for its turn on the connection, or what to answer in its place."""

    message: _Message
    refusal: GatewayError | None = None  # answered by the core's `reject`, without its body
    parse_error: str | None = None  # answered 400, then the connection closes


class _Refused(Exception):
    """Raised from a parser callback: the head is over a limit (the message says which)."""


_IDLE, _HEAD, _BODY = 0, 1, 2


class Connection(asyncio.Protocol):
    """One client connection: parse requests, answer them one after another in order, keep it alive."""

    def __init__(self, core: GatewayCore, limits: ConnectionLimits, registry: set[Connection]) -> None:
        self._core = core
        self._limits = limits
        self._registry = registry
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._peer = ""
        self._local_host = ""
        self._local_port = 0
        self._message = _Message()
        self._queue: deque[_Pending] = deque()
        self._task: asyncio.Task[None] | None = None
        self._state = _IDLE
        self._since = time.monotonic()  # when the state began; the server's sweep compares it to the limits
        self._reading_paused = False
        self._writing_paused = False
        self._closing = False
        self._failed = False  # unparseable input: nothing more is read
        self._head_bytes = 0  # bytes of an incomplete head received so far
        self._eof = False  # the client half-closed

    # --- asyncio.Protocol -------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = t.cast(asyncio.Transport, transport)
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if isinstance(peer, (tuple, list)) else str(peer or "")
        local = transport.get_extra_info("sockname")
        if isinstance(local, (tuple, list)):
            self._local_host = f"[{local[0]}]" if len(local) == 4 else str(local[0])
            self._local_port = int(local[1])
        self._registry.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._registry.discard(self)
        self._closing = True
        self._queue.clear()
        if self._task is not None:
            self._task.cancel()  # the client left: stop answering it (aiohttp's handler_cancellation)

    def data_received(self, data: bytes) -> None:
        if self._closing or self._failed:
            return
        try:
            self._parser.feed_data(data)
            if self._state == _HEAD:  # a head still incomplete: httptools holds its bytes
                self._head_bytes += len(data)
                if self._head_bytes > _MAX_HEAD_BYTES:
                    self._parse_failed(f"Request head is too long: more than {_MAX_HEAD_BYTES} bytes")
        except httptools.HttpParserUpgrade as upgrade:
            # A declined upgrade (WebSocket, h2c): answered as any request; what follows starts the next one.
            self._parser = httptools.HttpRequestParser(self)
            offset = _upgrade_offset(upgrade, len(data))
            if offset < len(data):
                self.data_received(data[offset:])
        except httptools.HttpParserCallbackError as error:
            cause = error.__context__
            self._parse_failed(str(cause) if isinstance(cause, _Refused) else "Bad Request")
            if not isinstance(cause, _Refused):
                logger.error("Error while reading a request", exc_info=cause)
        except httptools.HttpParserError as error:
            self._parse_failed(str(error) or "Bad Request")

    def eof_received(self) -> bool | None:
        # The client has sent all it will (a half-close): answer what it asked, then close. aiohttp closed
        # at once and dropped those answers.
        self._eof = True
        if not self.busy:
            self.close()
        return True

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        self._dispatch()

    # --- httptools callbacks ----------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._message = _Message()
        self._state, self._since = _HEAD, time.monotonic()

    def on_url(self, url: bytes) -> None:
        message = self._message
        message.url += url
        if len(message.url) > self._limits.max_field:
            raise _Refused(f"Status line is too long: more than {self._limits.max_field} bytes")

    def on_header(self, name: bytes, value: bytes) -> None:
        message = self._message
        if len(name) > self._limits.max_field or len(value) > self._limits.max_field:
            raise _Refused(f"Header field is too long: more than {self._limits.max_field} bytes")
        if len(message.headers) >= _MAX_HEADERS:
            raise _Refused(f"Too many headers: more than {_MAX_HEADERS}")
        lowered = name.lower()
        if lowered in _SINGLETONS and any(known.lower() == lowered for known, _ in message.headers):
            raise _Refused(f"Duplicate '{name.decode('latin-1')}' header found.")
        value = value.strip(b" \t")
        message.headers.append((name, value))
        message.values_size += len(value)

    def on_headers_complete(self) -> None:
        message, parser = self._message, self._parser
        message.method = parser.get_method().decode("ascii", "replace")
        message.version = parser.get_http_version()
        message.keep_alive = parser.should_keep_alive()
        if not _valid_target(message.url, message.method):
            raise _Refused(f"Invalid URL: {message.url.decode('latin-1')}")
        if message.version == "1.1" and not any(name.lower() == b"host" for name, _ in message.headers):
            raise _Refused("Missing 'Host' header in request.")
        self._state, self._since, self._head_bytes = _BODY, time.monotonic(), 0
        length = _content_length(message.headers)
        if length is not None and length > self._limits.max_body:
            self._refuse(RequestTooLarge())

    def on_body(self, body: bytes) -> None:
        message = self._message
        if message.refused:
            return
        message.size += len(body)
        if message.size > self._limits.max_body:
            self._refuse(RequestTooLarge())
        else:
            message.body.append(body)

    def on_message_complete(self) -> None:
        self._state, self._since = _IDLE, time.monotonic()
        if self._message.refused:
            return
        self._queue.append(_Pending(self._message))
        if len(self._queue) >= _QUEUE_HIGH and self._transport is not None and not self._reading_paused:
            self._reading_paused = True
            self._transport.pause_reading()
        self._dispatch()

    # --- timers, called by the server's sweep -----------------------------------------------------

    def check_time(self, now: float) -> None:
        """Answer or close what waited too long: a head (408, closed), a body (408), an idle keep-alive."""
        if self._closing:
            return
        waited, limits = now - self._since, self._limits
        if self._state == _HEAD:
            if waited > limits.head_timeout and not self.busy:
                self._head_timed_out()
        elif self._state == _BODY:
            if self._message.refused:
                if waited > limits.lingering_time:
                    self.close()
            elif waited > limits.body_timeout:
                self._refuse(RequestTimeout())
        elif waited > limits.keepalive_timeout and not self.busy:
            self.close()

    @property
    def busy(self) -> bool:
        """Whether a request is being answered or waits for its turn."""
        return self._task is not None or bool(self._queue)

    def close(self) -> None:
        """Close the connection (pending writes are flushed first)."""
        self._closing = True
        if self._transport is not None:
            self._transport.close()

    # --- answering --------------------------------------------------------------------------------

    def _refuse(self, error: GatewayError) -> None:
        """Answer the current request with `error` in its turn; the rest of its body is dropped."""
        message = self._message
        message.refused, message.body = True, []
        self._since = time.monotonic()  # lingering starts now
        self._queue.append(_Pending(message, refusal=error))
        self._dispatch()

    def _parse_failed(self, reason: str) -> None:
        self._failed = True
        self._queue.append(_Pending(self._message, parse_error=reason))
        self._dispatch()

    def _head_timed_out(self) -> None:
        transport = self._transport
        if transport is not None and not transport.is_closing():
            transport.write(raw_response(RequestTimeout().to_response()))
        self.close()

    def _dispatch(self) -> None:
        if self._task is None and self._queue and not self._writing_paused and not self._closing:
            self._task = asyncio.get_running_loop().create_task(self._answer_queued())

    async def _answer_queued(self) -> None:
        try:
            while self._queue and not self._closing and not self._writing_paused:
                pending = self._queue.popleft()
                if self._reading_paused and len(self._queue) <= _QUEUE_HIGH // 2 and self._transport:
                    self._reading_paused = False
                    self._transport.resume_reading()
                if not await self._answer(pending):
                    self.close()
        finally:
            self._task = None
        if self._eof and not self._queue:
            self.close()

    async def _answer(self, pending: _Pending) -> bool:
        """Write the answer to one request; False when the connection closes after it."""
        if pending.parse_error is not None:
            self._write(_bad_request(pending.parse_error))
            return False
        message = pending.message
        refusal = pending.refusal
        if (
            refusal is None
            and len(message.url) > self._limits.max_url
            and _characters(message.url) > self._limits.max_url
        ):
            refusal = UriTooLong()
        elif refusal is None and message.values_size > self._limits.max_header_values:
            refusal = HeadersTooLarge()
        if refusal is not None:
            response = self._core.reject(refusal, self._request(message, with_body=False))
        else:
            response = await self._core.handle(self._request(message))
        encoded = encode_response(
            response, method=message.method, version=message.version, keep_alive=message.keep_alive
        )
        if encoded is None:
            logger.error(
                "Unhandled exception: a response header holds a control character (connection closed)"
            )
            return False
        self._write(encoded)
        if pending.refusal is not None and message is self._message and self._state == _BODY:
            return True  # its body is still arriving: read and dropped until it ends or lingering does
        return message.keep_alive

    def _write(self, data: bytes) -> None:
        transport = self._transport
        if transport is not None and not transport.is_closing():
            transport.write(data)

    def _request(self, message: _Message, *, with_body: bool = True) -> GatewayRequest:
        headers = tuple(
            (name.decode("latin-1"), value.decode("utf-8", "replace")) for name, value in message.headers
        )
        target = message.url.decode("utf-8", "surrogateescape")
        host, scheme = self._local_host, "http"
        for name, value in headers:
            if len(name) == 4 and name.lower() == "host":
                host = value
                break
        if target[:1] not in ("/", "*"):
            # An absolute-form target (a proxy's request): its authority and scheme win, as in aiohttp.
            url = urlsplit(target)
            host, scheme = url.hostname or host, url.scheme or scheme
        return GatewayRequest(
            method=message.method,
            target=target,
            headers=headers,
            body=b"".join(message.body) if with_body and message.body else b"",
            source_ip=self._peer,
            host=host,
            scheme=scheme,
            port=self._local_port,
        )


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if len(name) == 14 and name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _valid_target(url: bytes, method: str) -> bool:
    """Origin form, `OPTIONS *`, or an absolute form with an authority (aiohttp refused the rest)."""
    if url[:1] == b"/" or (url == b"*" and method == "OPTIONS"):
        return True
    rest = url.partition(b":")[2]
    return rest[:2] == b"//" and rest[2:3] not in (b"", b"/", b"?", b"#")


def _characters(url: bytes) -> int:
    return len(url.decode("utf-8", "surrogateescape"))


def _upgrade_offset(upgrade: Exception, size: int) -> int:
    """Where the bytes after an upgrade request begin (httptools gives the offset as the argument)."""
    try:
        return int(str(upgrade.args[0]))
    except (IndexError, ValueError):
        return size
