"""HTTP/1.1 framing for the DynamoDB server: an asyncio Protocol, one per client connection.

Why not aiohttp: measured on this machine (2 cores, wrk, 16 connections), a bare aiohttp server
answers a canned body at ~25,000 requests/s (~40 us each) and this framing at ~80,000 (~12 us,
most of it the event loop and socket calls; its own Python is ~5 us), while a GetItem itself
costs ~9 us. SDK clients send small, Content-Length framed POSTs on keep-alive connections, so
framing is all that is needed (RFC 9112):

* the request line and header fields (names case-insensitive; the first of repeated fields wins);
* a body framed by Content-Length or ``Transfer-Encoding: chunked`` (RFC 9112 section 7.1), then
  ``Content-Encoding: gzip`` or ``deflate`` undone; ``Expect: 100-continue`` is answered;
* keep-alive unless ``Connection: close`` (or HTTP/1.0 without ``Connection: keep-alive``);
* pipelined requests answered in order: a request whose answer waits (for a group COMMIT) holds
  back the ones behind it.

A body over `max_body` bytes (after decompression) is answered 413 without being kept; the rest
of it is read and dropped, as aiohttp does, so the client can read the answer. A request that
cannot be parsed gets 400 and the connection is closed.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

__all__ = ["Answer", "Deferred", "HttpConnection", "Request", "Responder"]

_MAX_HEAD = 64 * 1024
_DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_REASONS = {status.value: status.phrase for status in HTTPStatus}


@dataclass(slots=True)
class Request:
    """One parsed request: header names lower-cased; body None when it was over the size limit."""

    method: str
    headers: dict[str, str]
    body: bytes | None
    body_error: bool = False  # the Content-Encoding could not be undone
    target: str = "/"  # the request target (path and query), which SigV4 signs
    peer: str = ""  # the client's address (`aws:SourceIp`)


# (status, header fields, body); a Future resolving to one, or a Deferred, when the answer must wait.
Answer = tuple[int, list[tuple[str, str]], bytes]


class Deferred:
    """An answer made by `finish(done)` once the future `done` (a shared COMMIT, say) is done:
    one callback, where a Future of the answer would take a second one."""

    __slots__ = ("done", "finish")

    def __init__(self, done: asyncio.Future[Any], finish: Callable[[asyncio.Future[Any]], Answer]) -> None:
        self.done = done
        self.finish = finish


Responder = Callable[[Request], "Answer | Deferred | asyncio.Future[Answer]"]


class _BadRequest(Exception):
    """The bytes received are not HTTP/1.1."""


class HttpConnection(asyncio.Protocol):
    """Parses requests from one connection, hands each to `respond`, writes the answers in order."""

    def __init__(self, respond: Responder, max_body: int, connections: set[HttpConnection]) -> None:
        self._respond = respond
        self._max_body = max_body
        self._connections = connections
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._discard = 0  # bytes of an oversized Content-Length body still to drop
        self._chunks: _Chunks | None = None  # how far an incomplete chunked body is parsed
        self._continued = False  # 100 Continue sent for the request being received
        self._waiting = False  # an answer is held back until its COMMIT; requests behind it wait
        self._closing = False
        self._peer = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._connections.add(self)
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if isinstance(peer, tuple) and peer else ""

    def connection_lost(self, exc: Exception | None) -> None:
        self._connections.discard(self)
        self._closing = True

    def close(self) -> None:
        """Close the connection (server shutdown)."""
        if self._transport is not None:
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        if self._discard:
            dropped = min(self._discard, len(data))
            self._discard -= dropped
            data = data[dropped:]
        self._buffer += data
        self._process()

    def _process(self) -> None:
        while not self._waiting and not self._closing and self._buffer:
            try:
                parsed = self._next_request()
            except _BadRequest:
                self._write(_BAD_REQUEST, close=True)
                return
            if parsed is None:
                return
            request, keep_alive = parsed
            answer = self._respond(request)
            if isinstance(answer, Deferred):
                self._waiting = True
                answer.done.add_done_callback(functools.partial(self._finished, answer.finish, keep_alive))
                return
            if isinstance(answer, asyncio.Future):
                self._waiting = True
                answer.add_done_callback(functools.partial(self._answered, keep_alive=keep_alive))
                return
            self._send(request, answer, keep_alive)

    def _answered(self, answer: asyncio.Future[Answer], *, keep_alive: bool) -> None:
        self._waiting = False
        if self._closing:
            return
        self._write(_render(answer.result(), keep_alive), close=not keep_alive)
        self._process()

    def _finished(
        self, finish: Callable[[asyncio.Future[Any]], Answer], keep_alive: bool, done: asyncio.Future[Any]
    ) -> None:
        self._waiting = False
        if self._closing:
            return
        self._write(_render(finish(done), keep_alive), close=not keep_alive)
        self._process()

    def _send(self, request: Request, answer: Answer, keep_alive: bool) -> None:
        if request.method == "HEAD":
            answer = (answer[0], answer[1], b"")
        self._write(_render(answer, keep_alive), close=not keep_alive)

    def _write(self, data: bytes, *, close: bool) -> None:
        assert self._transport is not None
        self._transport.write(data)
        if close:
            self._closing = True
            self._transport.close()

    # -- parsing ---------------------------------------------------------------------------------

    def _next_request(self) -> tuple[Request, bool] | None:
        """The next complete request and whether to keep the connection, or None until more data."""
        buffer = self._buffer
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > _MAX_HEAD:
                raise _BadRequest()
            return None
        method, target, version, headers = _parse_head(bytes(buffer[:end]))
        keep_alive = _keep_alive(version, headers.get("connection", ""))
        start = end + 4
        if "chunked" in headers.get("transfer-encoding", "").lower():
            framed = self._chunked(start)
        else:
            framed = self._sized(start, headers)
        if framed is None:
            if not self._continued and headers.get("expect", "").lower() == "100-continue":
                self._continued = True
                self._write(_CONTINUE, close=False)
            return None
        body, consumed = framed
        del self._buffer[:consumed]
        self._chunks, self._continued = None, False
        if body is None:
            return Request(method, headers, None, target=target, peer=self._peer), keep_alive
        return _decoded(
            Request(method, headers, body, target=target, peer=self._peer), self._max_body
        ), keep_alive

    def _sized(self, start: int, headers: dict[str, str]) -> tuple[bytes | None, int] | None:
        """(body or None when over the limit, bytes consumed), or None until it is complete."""
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            raise _BadRequest() from None
        if length < 0:
            raise _BadRequest()
        buffer = self._buffer
        if length > self._max_body:  # answer now; drop the body as it arrives
            self._discard = max(0, start + length - len(buffer))
            return None, min(len(buffer), start + length)
        if len(buffer) - start < length:
            return None
        return bytes(buffer[start : start + length]), start + length

    def _chunked(self, start: int) -> tuple[bytes | None, int] | None:
        """(body or None when over the limit, bytes consumed), or None until it is complete.

        Progress is kept in `_chunks`, so a large body is parsed once, not on every arrival.
        """
        buffer = self._buffer
        state = self._chunks = self._chunks or _Chunks(start)
        while True:
            line_end = buffer.find(b"\r\n", state.position)
            if line_end < 0:
                return None
            try:
                length = int(bytes(buffer[state.position : line_end]).split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadRequest() from None
            after = line_end + 2
            if length == 0:
                return _after_trailers(buffer, after, state, self._max_body)
            if len(buffer) < after + length + 2:
                return None
            state.size += length
            if state.size <= self._max_body:
                state.pieces.append(bytes(buffer[after : after + length]))
            state.position = after + length + 2


@dataclass(slots=True)
class _Chunks:
    """A chunked body being received: where the next chunk starts, the chunks so far, their size."""

    position: int
    pieces: list[bytes] = field(default_factory=list)
    size: int = 0


def _after_trailers(
    buffer: bytearray, position: int, state: _Chunks, max_body: int
) -> tuple[bytes | None, int] | None:
    """Skip the trailer fields after the last chunk; the body and bytes consumed, or None for more."""
    line_end = buffer.find(b"\r\n", position)
    while line_end > position:  # a trailer field, ignored
        position = line_end + 2
        line_end = buffer.find(b"\r\n", position)
    if line_end < 0:
        return None
    body = b"".join(state.pieces) if state.size <= max_body else None
    return body, line_end + 2


# Short header lines seen lately, parsed: clients repeat most of theirs (Host, Content-Type,
# X-Amz-Target, User-Agent ...) on every request; the cache starts over when full.
_FIELDS: dict[str, tuple[str, str]] = {}
_MAX_FIELDS = 1024
_MAX_CACHED_LINE = 160


def _parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _BadRequest()
    headers: dict[str, str] = {}
    known = _FIELDS
    for index in range(1, len(lines)):
        line = lines[index]
        field = known.get(line)
        if field is None:
            field = _parse_field(line)
            if len(line) <= _MAX_CACHED_LINE:
                if len(known) >= _MAX_FIELDS:
                    known.clear()
                known[line] = field
        if field[0] not in headers:
            headers[field[0]] = field[1]
    return parts[0], parts[1], parts[2], headers


def _parse_field(line: str) -> tuple[str, str]:
    """(lower-cased name, value) of one header line."""
    name, colon, value = line.partition(":")
    if not colon or not name or name != name.strip():
        raise _BadRequest()
    return name.lower(), value.strip()


def _keep_alive(version: str, connection: str) -> bool:
    tokens = connection.lower()
    if version == "HTTP/1.0":
        return "keep-alive" in tokens
    return "close" not in tokens


def _decoded(request: Request, max_body: int) -> Request:
    """Undo gzip or deflate; bodies that inflate past max_body become None (413)."""
    body = request.body
    wbits = _DECODERS.get(request.headers.get("content-encoding", "").strip().lower())
    if wbits is None or not body:
        return request
    decoder = zlib.decompressobj(wbits)
    try:
        inflated = decoder.decompress(body, max_body + 1)
    except zlib.error:
        return Request(request.method, request.headers, b"", True, request.target, request.peer)
    if len(inflated) > max_body:
        return Request(request.method, request.headers, None, False, request.target, request.peer)
    return Request(request.method, request.headers, inflated, False, request.target, request.peer)


_date_cache: tuple[int, str] = (0, "")


def _date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, email.utils.formatdate(now, usegmt=True))
    return _date_cache[1]


_STATUS_LINES = {
    status: f"HTTP/1.1 {status} {reason}\r\nContent-Length: " for status, reason in _REASONS.items()
}


def _render(answer: Answer, keep_alive: bool) -> bytes:
    status, fields, body = answer
    head = _STATUS_LINES.get(status) or f"HTTP/1.1 {status} Unknown\r\nContent-Length: "
    head += str(len(body))
    for name, value in fields:
        head += f"\r\n{name}: {value}"
    head += "\r\nDate: " + _date()
    if not keep_alive:
        head += "\r\nConnection: close"
    return (head + "\r\n\r\n").encode("latin-1") + body
