"""aiohttp adapter for the gateway: converts HTTP to `GatewayRequest` and back, nothing else.

aiohttp keeps header names as the client sent them (`raw_headers`), which API Gateway REST APIs pass on.
"""

from __future__ import annotations

import asyncio
import typing as t

from aiohttp import web

from serverlite.gateway.errors import RequestTooLarge
from serverlite.gateway.gateway import MAX_PAYLOAD_BYTES, Gateway
from serverlite.gateway.messages import GatewayRequest

__all__ = ["GatewayServer"]


class GatewayServer:
    """Serves a `Gateway` on host:port."""

    def __init__(self, gateway: Gateway, host: str, port: int) -> None:
        self._gateway = gateway
        self._host = host
        self._port = port
        self._server: asyncio.AbstractServer | None = None
        self._handler: web.Server | None = None

    @property
    def port(self) -> int:
        """The port actually listened on (useful with port 0)."""
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        """Start listening."""
        self._handler = web.Server(self._handle, access_log=None, handler_cancellation=True)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._handler, self._host, self._port, reuse_address=True)

    async def close(self) -> None:
        """Stop accepting and close open connections."""
        if self._server is not None:
            self._server.close()
            if self._handler is not None:
                await self._handler.shutdown(1.0)
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        try:
            body = await _read_body(request)
        except RequestTooLarge as error:
            response = self._gateway.reject(error, self._request(request, b""))
        else:
            response = await self._gateway.handle(self._request(request, body))
        return web.Response(status=response.status, body=response.body, headers=_multidict(response.headers))

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
