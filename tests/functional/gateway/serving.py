"""A gateway with real workers served on a free port from a background event loop, for tests over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import threading
import typing as t
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from serverlite.gateway.gateway import Gateway
from serverlite.gateway.server import GatewayServer
from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.lambda_service import LambdaService
from serverlite.template.model import Function, RestApi


class Served:
    """The running gateway: its port, the Gateway object and the loop it runs on."""

    def __init__(self, port: int, gateway: Gateway, loop: asyncio.AbstractEventLoop) -> None:
        self.port = port
        self.gateway = gateway
        self.loop = loop

    def request(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request on a new connection; headers are sent exactly as given."""
        status, response_headers, data = raw_request(self.port, method, target, headers, body)
        return status, dict(response_headers), data

    def raw(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One request on a new connection; the response headers as sent, repeated ones included."""
        return raw_request(self.port, method, target, headers, body)


def raw_request(
    port: int,
    method: str,
    target: str,
    headers: list[tuple[str, str]] | None = None,
    body: bytes | None = None,
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request on a new connection, headers sent exactly as given (a `Host` among them replaces
    http.client's own); the response's headers as sent, in order."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    skip_host = any(name.lower() == "host" for name, _ in headers or [])
    conn.putrequest(method, target, skip_host=skip_host, skip_accept_encoding=True)
    for name, value in headers or []:
        conn.putheader(name, value)
    if body is not None:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, response.getheaders(), data


@contextlib.contextmanager
def serve(
    apis: Sequence[RestApi],
    functions: Sequence[Function],
    data_dir: Path,
    *,
    server_options: dict[str, t.Any] | None = None,
    make_gateway: Callable[[Sequence[RestApi], LambdaService], Gateway] | None = None,
) -> Iterator[Served]:
    """Run LambdaService + Gateway + GatewayServer until the block ends, then stop all of them."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    box: dict[str, t.Any] = {}

    async def main() -> None:
        service = LambdaService(
            {f.logical_id: f for f in functions},
            # INIT gets a minute, not Lambda's 10 s: sixteen cold starts at once on a loaded 2-core machine
            # can take longer (the limit itself: tests/functional/runtime/test_lambda_service.py).
            RuntimeSettings(data_dir=data_dir, init_timeout=60.0),
            output=lambda *args: None,
        )
        gateway = (make_gateway or _default_gateway)(apis, service)
        server = GatewayServer(gateway, "127.0.0.1", 0, **(server_options or {}))
        await server.start()
        box["served"] = Served(server.port, gateway, loop)
        ready.set()
        await stop.wait()
        await server.close()
        await gateway.close()
        await service.close()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(30)
    try:
        yield box["served"]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)


def _default_gateway(apis: Sequence[RestApi], service: LambdaService) -> Gateway:
    return Gateway(apis, service, account_id="123456789012")
