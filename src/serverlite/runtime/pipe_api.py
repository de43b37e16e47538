"""The Runtime API of one execution environment over a socket pair: serverlite's end of the runtime hop.

The worker runs awslambdaric with a client of ours (runtime/bootstrap/awslambdaric_pipe.py, the other end)
that speaks length-prefixed frames over a Unix socket it inherits, instead of HTTP requests to a
listener: one frame each way per invocation, no request parsing, no connection per environment. The
session calls are the ones `RuntimeApiServer` makes (runtime_api.py), so both transports give the same
results; the HTTP one stays for runtimes that need a real Runtime API.

    frame = kind (1 byte) | header length (4 bytes, big endian) | body length (4 bytes) | header | body
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import typing as t

from serverlite.runtime.runtime_api import Delivery, ResponseTooLarge, RuntimeApiSession

__all__ = ["FD_VARIABLE", "LAMBDA_RUNTIME_API", "PipeRuntimeApi"]

#: Names the inherited socket's descriptor in the worker's environment (removed there before any import).
FD_VARIABLE = "_SERVERLITE_RUNTIME_FD"
#: `AWS_LAMBDA_RUNTIME_API` as Lambda sets it; with this transport nothing listens there.
LAMBDA_RUNTIME_API = "127.0.0.1:9001"

_PREFIX = struct.Struct(">BII")
_NEXT, _RESPONSE, _ERROR, _INIT_ERROR, _EVENT = (ord(kind) for kind in "NREIV")
_MAX_FRAME = 64 * 1024 * 1024


class PipeRuntimeApi:
    """One session's Runtime API on a socket pair; `child_fd` is the worker's end until it is spawned."""

    address = LAMBDA_RUNTIME_API

    def __init__(self, session: RuntimeApiSession) -> None:
        self._session = session
        self._transport: asyncio.Transport | None = None
        self._protocol: _Frames | None = None
        self.child_fd = -1

    async def start(self) -> None:
        """Create the socket pair and start reading frames from the worker's end."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.child_fd = theirs.detach()
        loop = asyncio.get_running_loop()
        self._transport, self._protocol = await loop.create_unix_connection(
            lambda: _Frames(self._session), sock=ours
        )

    def spawned(self) -> None:
        """The worker holds its end now: close serverlite's copy (so a dead worker reads as end of file)."""
        if self.child_fd >= 0:
            socket.close(self.child_fd)
            self.child_fd = -1

    async def close(self) -> None:
        """Drop the connection, cancelling a pending `next`."""
        self.spawned()
        if self._transport is not None:
            self._transport.abort()
        await asyncio.sleep(0)  # let a cancelled long poll finish


class _Frames(asyncio.Protocol):
    def __init__(self, session: RuntimeApiSession) -> None:
        self._session = session
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = t.cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= _PREFIX.size:
            kind, header_length, body_length = _PREFIX.unpack_from(self._buffer)
            end = _PREFIX.size + header_length + body_length
            if header_length + body_length > _MAX_FRAME:
                assert self._transport is not None
                self._transport.abort()  # not our runtime speaking
                return
            if len(self._buffer) < end:
                return
            header = bytes(self._buffer[_PREFIX.size : _PREFIX.size + header_length])
            body = bytes(self._buffer[_PREFIX.size + header_length : end])
            del self._buffer[:end]
            self._frame(kind, json.loads(header) if header else {}, body)

    def _frame(self, kind: int, header: dict[str, t.Any], body: bytes) -> None:
        if kind == _NEXT:
            self._session.take_next(self._deliver)
        elif kind == _RESPONSE:
            try:
                self._session.post_response(header["id"], body)
            except ResponseTooLarge:
                pass  # the worker knows the limit and fails as awslambdaric does on the HTTP API's 413
        elif kind == _ERROR:
            self._session.post_error(header["id"], body, header.get("type"))
        elif kind == _INIT_ERROR:
            self._session.post_init_error(body, header.get("type"))

    def _deliver(self, delivery: Delivery) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(_event_frame(delivery))


def _event_frame(delivery: Delivery) -> bytes:
    header: dict[str, t.Any] = {
        "id": delivery.request_id,
        "deadline": delivery.deadline_ms,
        "arn": delivery.function_arn,
        "trace": delivery.trace_id,
    }
    if delivery.client_context is not None:
        header["context"] = delivery.client_context
    if delivery.cognito_identity is not None:
        header["identity"] = delivery.cognito_identity
    encoded = json.dumps(header).encode()
    return _PREFIX.pack(_EVENT, len(encoded), len(delivery.event)) + encoded + delivery.event
