"""The gateway's HTTP/1.1 server (gateway/http1.py) answers byte for byte as the aiohttp server it replaced
(issue 18), and hands the core the same requests.

Both servers run here side by side over the same stub core: the reference is the old adapter on aiohttp's
low-level `web.Server` (`web.Response(status, body, headers=CIMultiDict(...))`). Each case sends the same raw
bytes to both on fresh connections and compares every response byte (the `Date` value aside) and whether
the connection stays open after it.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import typing as t
from collections.abc import Iterator

import pytest
from aiohttp import web
from multidict import CIMultiDict

from serverlite.gateway.errors import GatewayError
from serverlite.gateway.messages import GatewayRequest, GatewayResponse
from serverlite.gateway.server import GatewayServer

RESPONSES: dict[str, GatewayResponse] = {
    "/json": GatewayResponse(
        200, b'{"a":1}', [("Content-Type", "application/json"), ("x-amzn-RequestId", "r1")]
    ),
    "/bare": GatewayResponse(200, b"ok"),
    "/empty": GatewayResponse(200, b""),
    "/no-content": GatewayResponse(204, b"dropped", [("X-A", "1")]),
    "/not-modified": GatewayResponse(304, b""),
    "/informational": GatewayResponse(199, b"x", [("Content-Type", "text/plain")]),
    "/unknown-status": GatewayResponse(299, b"odd", [("Content-Type", "text/plain")]),
    "/server-error": GatewayResponse(599, b"", [("Content-Type", "text/plain")]),
    "/repeated": GatewayResponse(200, b"r", [("Set-Cookie", "a=1"), ("set-cookie", "b=2"), ("X-Multi", "1")]),
    "/unicode": GatewayResponse(200, "é".encode(), [("Content-Type", "text/plain"), ("X-Name", "café ☕")]),
    "/length": GatewayResponse(200, b"12345", [("Content-Length", "5"), ("Content-Type", "text/plain")]),
    "/short-length": GatewayResponse(200, b"12345", [("Content-Length", "3")]),
    "/own-date-server": GatewayResponse(200, b"d", [("Date", "yesterday"), ("Server", "mine")]),
    "/own-connection": GatewayResponse(200, b"c", [("Connection", "close"), ("Content-Type", "text/plain")]),
    "/own-keep-alive": GatewayResponse(200, b"c", [("connection", "keep-alive")]),
    "/transfer-encoding": GatewayResponse(204, b"", [("Transfer-Encoding", "chunked")]),
    "/tab": GatewayResponse(200, b"t", [("X-Tab", "a\tb")]),
    "/newline": GatewayResponse(200, b"n", [("X-Bad", "a\nb")]),
    "/control": GatewayResponse(200, b"n", [("X-Bad", "a\x01b")]),
    "/not-a-length": GatewayResponse(200, b"n", [("Content-Length", "many")]),
    "/large": GatewayResponse(200, b"L" * 300_000, [("Content-Type", "application/octet-stream")]),
}


class StubCore:
    """Answers from RESPONSES by path; records what it was given."""

    def __init__(self) -> None:
        self.seen: list[GatewayRequest] = []

    async def handle(self, request: GatewayRequest) -> GatewayResponse:
        self.seen.append(request)
        template = RESPONSES.get(request.raw_path, RESPONSES["/json"])
        return GatewayResponse(template.status, template.body, list(template.headers))

    def reject(self, error: GatewayError, request: GatewayRequest) -> GatewayResponse:
        self.seen.append(request)
        return error.to_response()


class AiohttpReference:
    """The adapter of serverlite before issue 18, reduced to what the cases exercise."""

    def __init__(self, core: StubCore) -> None:
        self.core = core

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        body = await request.read()
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        answer = await self.core.handle(
            GatewayRequest(
                method=request.method,
                target=request.raw_path,
                headers=tuple(
                    (k.decode("latin-1"), v.decode("utf-8", "replace")) for k, v in request.raw_headers
                ),
                body=body,
                source_ip=request.remote or "",
                host=request.host,
                scheme=request.scheme,
                port=int(sockname[1]) if sockname else 0,
            )
        )
        return web.Response(status=answer.status, body=answer.body, headers=CIMultiDict(answer.headers))


class Servers:
    """Both servers on free ports, on an event loop of their own."""

    def __init__(self) -> None:
        self.ours, self.theirs = StubCore(), StubCore()
        self.loop = asyncio.new_event_loop()
        self.ports: dict[str, int] = {}
        self._stop = asyncio.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(
            target=self.loop.run_until_complete, args=(self._main(),), daemon=True
        )

    async def _main(self) -> None:
        server = GatewayServer(self.ours, "127.0.0.1", 0)
        await server.start()
        runner = web.ServerRunner(web.Server(AiohttpReference(self.theirs).handle, access_log=None))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.ports = {"ours": server.port, "theirs": runner.addresses[0][1]}
        self._ready.set()
        await self._stop.wait()
        await server.close()
        await runner.cleanup()

    def __enter__(self) -> Servers:
        self._thread.start()
        assert self._ready.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with Servers() as running:
        yield running


def exchange(port: int, raw: bytes, responses: int, *, head: bool = False) -> tuple[bytes, bool]:
    """Send `raw`, read `responses` answers (framed by Content-Length; `head`: no bodies); whether the
    server closed the connection after them."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        data, answers, offset = b"", 0, 0
        while answers < responses:
            end = data.find(b"\r\n\r\n", offset)
            if end < 0:
                chunk = sock.recv(65536)
                if not chunk:
                    return data, True
                data += chunk
                continue
            match = re.search(rb"\r\ncontent-length: *(\d+)", data[offset:end], re.IGNORECASE)
            length = (
                0 if head or match is None or b" 204 " in data[offset : offset + 16] else int(match.group(1))
            )
            while len(data) < end + 4 + length:
                chunk = sock.recv(65536)
                if not chunk:
                    return data, True
                data += chunk
            offset, answers = end + 4 + length, answers + 1
        sock.settimeout(0.3)
        try:
            closed = sock.recv(65536) == b""
        except TimeoutError:
            closed = False
        except ConnectionResetError:
            closed = True
        return data, closed


def both(servers: Servers, raw: bytes, responses: int = 1, *, head: bool = False) -> tuple[t.Any, t.Any]:
    ours = exchange(servers.ports["ours"], raw, responses, head=head)
    theirs = exchange(servers.ports["theirs"], raw, responses, head=head)
    return _normalised(ours), _normalised(theirs)


def _normalised(answer: tuple[bytes, bool]) -> tuple[bytes, bool]:
    data, closed = answer
    return re.sub(rb"\r\nDate: [^\r]*", b"\r\nDate: <date>", data), closed


def _request(path: str, *, method: str = "GET", version: str = "1.1", extra: str = "") -> bytes:
    return f"{method} {path} HTTP/{version}\r\nHost: example.com\r\n{extra}\r\n".encode("latin-1")


@pytest.mark.parametrize("path", [p for p in RESPONSES if p not in ("/newline", "/control", "/not-a-length")])
def test_every_response_is_written_as_aiohttp_wrote_it(servers: Servers, path: str) -> None:
    ours, theirs = both(servers, _request(path))
    assert ours == theirs


@pytest.mark.parametrize("path", ["/json", "/bare", "/empty", "/no-content", "/length", "/unknown-status"])
def test_head_requests_get_the_same_head_and_no_body(servers: Servers, path: str) -> None:
    ours, theirs = both(servers, _request(path, method="HEAD"), head=True)
    assert ours == theirs


@pytest.mark.parametrize(
    "version, extra",
    [
        ("1.0", ""),
        ("1.0", "Connection: keep-alive\r\n"),
        ("1.1", "Connection: close\r\n"),
        ("1.1", "Connection: keep-alive\r\n"),
    ],
    ids=["http10", "http10-keep-alive", "http11-close", "http11-keep-alive"],
)
def test_keep_alive_and_versions_answer_alike(servers: Servers, version: str, extra: str) -> None:
    for path in ("/json", "/own-connection", "/own-keep-alive"):
        ours, theirs = both(servers, _request(path, version=version, extra=extra))
        assert ours == theirs, path


@pytest.mark.parametrize("path", ["/newline", "/control", "/not-a-length"])
def test_a_header_aiohttp_refused_to_write_drops_the_connection_without_an_answer(
    servers: Servers, path: str
) -> None:
    ours, theirs = both(servers, _request(path))
    assert ours == theirs == ((b"", True))


def test_pipelined_requests_are_answered_in_order(servers: Servers) -> None:
    raw = _request("/json") + _request("/bare") + _request("/empty") + _request("/unicode")
    ours, theirs = both(servers, raw, responses=4)
    assert ours == theirs


def test_the_core_gets_the_same_request(servers: Servers) -> None:
    """Method, raw target, header names as sent, values, body, client address, host and port."""
    servers.ours.seen.clear()
    servers.theirs.seen.clear()
    raws = [
        b"POST /json?a=1&b=%20x HTTP/1.1\r\nHost: h.example:8080\r\nX-Mixed-Case: v\r\nx-dup: 1\r\nX-Dup: 2\r\n"
        b"Content-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
        b"PUT /json HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        b"GET /json HTTP/1.0\r\n\r\n",
        b"GET /json HTTP/1.1\r\nHost: x\r\nX-Spaces:   padded  \r\nX-Empty:\r\nX-Bytes: a\xff\xfeb\r\n\r\n",
        b"GET http://absolute.example/json?q HTTP/1.1\r\nHost: other\r\n\r\n",
        b"DELETE /json/%E2%82%AC/x%2Fy HTTP/1.1\r\nhost: lower\r\n\r\n",
        b"GET /json HTTP/1.1\r\nHost: x\r\nX-Tabs:\ta b\t\r\nAccept: a\r\nAccept: b\r\n\r\n",
        b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /json HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    ]
    for raw in raws:
        for name in ("ours", "theirs"):
            exchange(servers.ports[name], raw, 1)
    assert len(servers.ours.seen) == len(servers.theirs.seen) == len(raws)
    for ours, theirs in zip(servers.ours.seen, servers.theirs.seen, strict=True):
        assert (ours.method, ours.target, ours.headers, ours.body, ours.source_ip, ours.scheme) == (
            theirs.method,
            theirs.target,
            theirs.headers,
            theirs.body,
            theirs.source_ip,
            theirs.scheme,
        )
        assert ours.host == theirs.host
        assert ours.port == servers.ports["ours"] and theirs.port == servers.ports["theirs"]


@pytest.mark.parametrize(
    "raw",
    [
        b"GE\xff / HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        b"GET / HTTP/1.1\r\nBad Header Name: x\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /json\xff HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"GET /json HTTP/1.1\r\nhost: a\r\nHOST: b\r\n\r\n",
        b"GET /json HTTP/1.1\r\nHost: a\r\nUser-Agent: a\r\nuser-agent: b\r\n\r\n",
        b"GET /json HTTP/1.1\r\nX: a\r\n\r\n",
        b"GET /json HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n",
        b"GET http:/json HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET * HTTP/1.1\r\nHost: a\r\n\r\n",
    ],
    ids=[
        "bad-method",
        "two-lengths",
        "bad-header-name",
        "bad-version",
        "raw-byte-in-path",
        "tls-hello",
        "two-hosts",
        "two-user-agents",
        "no-host",
        "folded-header",
        "no-authority",
        "asterisk-get",
    ],
)
def test_what_cannot_be_parsed_is_a_400_and_a_close_on_both(servers: Servers, raw: bytes) -> None:
    """The same head; the explanation in the plain-text body is the parser's own."""
    ours, theirs = both(servers, raw)
    assert _without_length(ours[0]) == _without_length(theirs[0])
    assert ours[0].startswith(b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n")
    assert ours[1] and theirs[1]


def _without_length(answer: bytes) -> bytes:
    head = answer.partition(b"\r\n\r\n")[0]
    return re.sub(rb"\r\nContent-Length: \d+", b"", head)


def test_a_client_that_half_closes_gets_its_answer(servers: Servers) -> None:
    """The one deliberate difference: aiohttp closed a half-closed connection (`shutdown(SHUT_WR)` after the
    request, as `nc -N` does) without answering; RFC 9112 9.6 lets a client do that and wait."""
    with socket.create_connection(("127.0.0.1", servers.ports["ours"]), timeout=10) as sock:
        sock.sendall(_request("/bare") + _request("/empty"))
        sock.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    first, second = data.split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert (
        first.endswith(b"\r\n\r\nok") and b"Content-Length: 0\r\n" in second and second.endswith(b"\r\n\r\n")
    )
