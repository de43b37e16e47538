"""The gateway's HTTP server: listens, hands each connection to http1.py, and runs the connections' timers.

Hostile clients are refused before the core sees them (issue 8): header values over API Gateway's 10240-byte
total (431), URLs over its 8192 characters (414), bodies over 10 MB (413), and clients too slow to send a
request head or body (408: `head_timeout` from a request's first byte, `body_timeout` for the body). The
parser's own line and field limits are above ours so that our AWS-shaped answers come first; past them the
client gets a plain-text 400 and the connection is closed.

One timer per server, not per request: a sweep every `tick` seconds (while connections are open) asks each
connection whether its head, body or keep-alive wait is over its limit.
"""

from __future__ import annotations

import asyncio
import time

from serverlite.gateway.gateway import MAX_PAYLOAD_BYTES
from serverlite.gateway.http1 import (
    Connection,
    ConnectionLimits,
    HeadersTooLarge,
    RequestTimeout,
    UriTooLong,
)
from serverlite.gateway.messages import GatewayCore

__all__ = ["GatewayServer", "HeadersTooLarge", "RequestTimeout", "UriTooLong"]

# API Gateway quotas (reference apigateway-lambda.md 4.5; https://docs.aws.amazon.com/apigateway/latest/
# developerguide/limits.html): "Total combined size of request line and header values" 10240 bytes and
# "Length, in characters, of the URL" 8192.
MAX_HEADER_VALUES_BYTES = 10240
MAX_URL_CHARACTERS = 8192
# The parser's limits (a request target, one header name or value), kept above ours so the checks above
# answer first: aiohttp's defaults, 8190, refused a single 9000-byte header that API Gateway accepts.
_MAX_FIELD_BYTES = 16 * 1024


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
        reuse_port: bool = False,
    ) -> None:
        """`reuse_port`: share host:port with other processes that set it too (SO_REUSEPORT: the kernel
        spreads new connections over them; gateway/processes.py)."""
        self._gateway = gateway
        self._host = host
        self._port = port
        self._reuse_port = reuse_port
        self._limits = ConnectionLimits(
            max_field=_MAX_FIELD_BYTES,
            max_body=MAX_PAYLOAD_BYTES,
            max_url=MAX_URL_CHARACTERS,
            max_header_values=MAX_HEADER_VALUES_BYTES,
            head_timeout=head_timeout,
            body_timeout=body_timeout,
        )
        # The sweep's period: a fraction of the shortest timeout, so a limit is enforced within ~1/8 of it.
        self._tick = min(1.0, max(0.05, min(head_timeout, body_timeout) / 8))
        self._server: asyncio.AbstractServer | None = None
        self._bound_port = port
        self._connections: set[Connection] = set()
        self._sweep: asyncio.TimerHandle | None = None

    @property
    def port(self) -> int:
        """The port actually listened on (useful with port 0)."""
        assert self._server is not None
        return self._bound_port

    async def start(self) -> None:
        """Start listening."""
        self._server = await asyncio.get_running_loop().create_server(
            self._connection,
            self._host,
            self._port,
            reuse_address=True,
            reuse_port=self._reuse_port or None,
        )
        self._bound_port = int(self._server.sockets[0].getsockname()[1])

    def stop_accepting(self) -> None:
        """Close the listening socket; the connections already open are served on (gateway processes take
        the port over)."""
        if self._server is not None:
            self._server.close()

    def _connection(self) -> Connection:
        if self._sweep is None:
            self._sweep = asyncio.get_running_loop().call_later(self._tick, self._check_connections)
        return Connection(self._gateway, self._limits, self._connections)

    def _check_connections(self) -> None:
        self._sweep = None
        now = time.monotonic()
        for connection in list(self._connections):
            connection.check_time(now)
        if self._connections and self._server is not None:
            self._sweep = asyncio.get_running_loop().call_later(self._tick, self._check_connections)

    async def close(self) -> None:
        """Stop accepting, let requests being answered finish (up to a second), close every connection."""
        if self._server is None:
            return
        self._server.close()
        deadline = time.monotonic() + 1.0
        while any(connection.busy for connection in self._connections) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        for connection in list(self._connections):
            connection.close()
        if self._sweep is not None:
            self._sweep.cancel()
            self._sweep = None
        await self._server.wait_closed()
        self._server = None
