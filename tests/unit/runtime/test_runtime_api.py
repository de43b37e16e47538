"""The Runtime API protocol over a real socket with a scripted session: framing, routing, status codes."""

from __future__ import annotations

import asyncio

from serverlite.runtime.runtime_api import Delivery, RuntimeApiServer


class _Session:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self.posted: list[tuple[str, str, bytes, str | None]] = []

    async def next_invocation(self) -> Delivery:
        return await self.queue.get()

    def post_response(self, request_id: str, payload: bytes) -> bool:
        self.posted.append(("response", request_id, payload, None))
        return request_id == "req-1"

    def post_error(self, request_id: str, payload: bytes, error_type: str | None) -> bool:
        self.posted.append(("error", request_id, payload, error_type))
        return True

    def post_init_error(self, payload: bytes, error_type: str | None) -> None:
        self.posted.append(("init", "", payload, error_type))


async def _exchange(raw: bytes, deliveries: list[Delivery] = ()) -> tuple[bytes, _Session]:
    session = _Session()
    for delivery in deliveries:
        session.queue.put_nowait(delivery)
    server = RuntimeApiServer(session)
    await server.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(raw)
    await writer.drain()
    data = b""
    try:
        while True:
            chunk = await asyncio.wait_for(reader.read(65536), 0.3)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        pass
    writer.close()
    await server.close()
    return data, session


def _run(raw: bytes, deliveries: list[Delivery] = ()) -> tuple[bytes, _Session]:
    return asyncio.run(_exchange(raw, deliveries))


DELIVERY = Delivery("req-1", b'{"k":1}', 1700000000000, "arn:aws:lambda:us-east-1:1:function:F", "Root=1-a-b")


def test_next_then_response_on_one_connection():
    raw = (
        b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\ncontent-length: 4\r\n\r\n"
        b"true"
    )
    data, session = _run(raw, [DELIVERY])
    first, second = data.split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"200 OK\r\n")
    assert b"Lambda-Runtime-Aws-Request-Id: req-1\r\n" in first
    assert b"Lambda-Runtime-Deadline-Ms: 1700000000000\r\n" in first
    assert b"Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:1:function:F\r\n" in first
    assert b"Lambda-Runtime-Trace-Id: Root=1-a-b\r\n" in first
    assert first.endswith(b'Content-Length: 7\r\n\r\n{"k":1}')
    assert (
        second
        == b'202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"status":"OK"}'
    )
    assert session.posted == [("response", "req-1", b"true", None)]


def test_chunked_error_with_type_header():
    raw = (
        b"POST /2018-06-01/runtime/invocation/req-1/error HTTP/1.1\r\n"
        b"Lambda-Runtime-Function-Error-Type: Runtime.X\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    data, session = _run(raw)
    assert data.startswith(b"HTTP/1.1 202 Accepted\r\n")
    assert session.posted == [("error", "req-1", b"abcde", "Runtime.X")]


def test_expect_continue_is_answered_before_the_body():
    session = _Session()

    async def scenario() -> bytes:
        server = RuntimeApiServer(session)
        await server.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(
            b"POST /2018-06-01/runtime/init/error HTTP/1.1\r\nExpect: 100-continue\r\ncontent-length: 2\r\n\r\n"
        )
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)
        writer.write(b"{}")
        final = await asyncio.wait_for(reader.readuntil(b'{"status":"OK"}'), 2)
        writer.close()
        await server.close()
        return interim + final

    data = asyncio.run(scenario())
    assert data.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\n")
    assert session.posted == [("init", "", b"{}", None)]


def test_unknown_request_id_and_unknown_path():
    raw = (
        b"POST /2018-06-01/runtime/invocation/other/response HTTP/1.1\r\ncontent-length: 0\r\n\r\n"
        b"GET /somewhere HTTP/1.1\r\n\r\n"
    )
    data, _ = _run(raw)
    first, second = data.split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"400 Bad Request") and first.endswith(
        b'{"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}'
    )
    assert second.startswith(b"404 Not Found")


def test_garbage_gets_400_and_close():
    data, _ = _run(b"NONSENSE\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n") and b"Connection: close" in data
