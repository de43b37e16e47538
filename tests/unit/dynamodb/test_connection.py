"""connection.py: HTTP/1.1 framing, fed bytes directly with a recording transport."""

from __future__ import annotations

import asyncio
import gzip
from typing import Any

from serverlite.dynamodb.connection import Answer, HttpConnection, Request


class _Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.sent = b""
        self.closed = False

    def write(self, data: Any) -> None:
        self.sent += bytes(data)

    def close(self) -> None:
        self.closed = True


def _connection(
    respond: Any = None, max_body: int = 1024
) -> tuple[HttpConnection, _Transport, list[Request]]:
    seen: list[Request] = []

    def echo(request: Request) -> Answer:
        seen.append(request)
        return 200, [("X", request.method)], request.body or b""

    connection = HttpConnection(respond or echo, max_body, set())
    transport = _Transport()
    connection.connection_made(transport)
    return connection, transport, seen


def _post(body: bytes, *headers: str) -> bytes:
    lines = ["POST / HTTP/1.1", "Host: x", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _answers(sent: bytes) -> list[tuple[str, bytes]]:
    """(status line, body) of each response in the bytes sent."""
    found = []
    while sent:
        head, _, rest = sent.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        length = next(int(line.split(": ")[1]) for line in lines if line.startswith("Content-Length"))
        found.append((lines[0], rest[:length]))
        sent = rest[length:]
    return found


def test_a_request_split_anywhere_is_one_request() -> None:
    connection, transport, seen = _connection()
    data = _post(b'{"a": 1}', "X-Amz-Target: T")
    for index in range(len(data)):
        connection.data_received(data[index : index + 1])
    assert [(r.method, r.headers["x-amz-target"], r.body) for r in seen] == [("POST", "T", b'{"a": 1}')]
    assert _answers(transport.sent) == [("HTTP/1.1 200 OK", b'{"a": 1}')]
    assert not transport.closed


def test_pipelined_requests_are_answered_in_order() -> None:
    connection, transport, seen = _connection()
    connection.data_received(_post(b"one") + _post(b"two") + b"GET / HTTP/1.1\r\n\r\n")
    assert [body for _, body in _answers(transport.sent)] == [b"one", b"two", b""]


def test_a_waiting_answer_holds_back_the_requests_behind_it() -> None:
    loop = asyncio.new_event_loop()
    pending: asyncio.Future[Answer] = loop.create_future()

    def respond(request: Request) -> Answer | asyncio.Future[Answer]:
        return pending if request.body == b"write" else (200, [], b"read")

    connection, transport, _ = _connection(respond)
    connection.data_received(_post(b"write") + _post(b"read"))
    assert transport.sent == b""
    pending.set_result((200, [], b"written"))
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    assert [body for _, body in _answers(transport.sent)] == [b"written", b"read"]


def test_chunked_body_with_extensions_and_trailers() -> None:
    connection, transport, seen = _connection()
    head = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    connection.data_received(head + b"3;x=y\r\nabc\r\n")
    connection.data_received(b"2\r\nde\r\n0\r\nTrailer: 1\r\n\r\n")
    assert [r.body for r in seen] == [b"abcde"]


def test_gzip_body_is_inflated_and_a_broken_one_flagged() -> None:
    connection, _, seen = _connection()
    connection.data_received(_post(gzip.compress(b"{}"), "Content-Encoding: gzip"))
    connection.data_received(_post(b"not gzip", "Content-Encoding: gzip"))
    assert [(r.body, r.body_error) for r in seen] == [(b"{}", False), (b"", True)]


def test_oversized_body_is_answered_then_dropped() -> None:
    connection, transport, seen = _connection(max_body=4)
    data = _post(b"0123456789") + _post(b"ok")
    connection.data_received(data[:50])
    connection.data_received(data[50:])
    assert [r.body for r in seen] == [None, b"ok"]
    assert [body for _, body in _answers(transport.sent)] == [b"", b"ok"]


def test_oversized_gzip_body_is_none() -> None:
    connection, _, seen = _connection(max_body=4)
    connection.data_received(_post(gzip.compress(b"0123456789"), "Content-Encoding: gzip"))
    assert seen[0].body is None


def test_expect_100_continue_is_answered_once() -> None:
    connection, transport, seen = _connection()
    data = _post(b"body", "Expect: 100-continue")
    connection.data_received(data[:-4])
    connection.data_received(b"bo")
    assert transport.sent == b"HTTP/1.1 100 Continue\r\n\r\n"
    connection.data_received(b"dy")
    assert [r.body for r in seen] == [b"body"]


def test_connection_close_and_http_1_0() -> None:
    connection, transport, _ = _connection()
    connection.data_received(_post(b"x", "Connection: close"))
    assert transport.closed and b"Connection: close\r\n" in transport.sent
    connection, transport, _ = _connection()
    connection.data_received(b"GET / HTTP/1.0\r\n\r\n")
    assert transport.closed


def test_garbage_is_400_and_closes() -> None:
    connection, transport, seen = _connection()
    connection.data_received(b"hello there\r\n\r\n")
    assert transport.sent.startswith(b"HTTP/1.1 400 Bad Request\r\n") and transport.closed
    assert seen == []
