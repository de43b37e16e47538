"""The gateway's own request and response types: what the HTTP adapter hands in and gets back."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from functools import cached_property

if t.TYPE_CHECKING:
    from serverlite.gateway.errors import GatewayError

__all__ = ["GatewayCore", "GatewayRequest", "GatewayResponse"]


@dataclass(frozen=True)
class GatewayRequest:
    """An HTTP request as the client sent it: raw target, header names in their original casing."""

    method: str
    target: str  # raw request target: path and query, not decoded
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source_ip: str
    host: str = ""
    scheme: str = "http"
    port: int = 80

    @cached_property
    def raw_path(self) -> str:
        """The path part of the target, still percent-encoded."""
        return self.target.partition("?")[0]

    @cached_property
    def raw_query(self) -> str | None:
        """The query part of the target, or None without a `?`."""
        _, mark, query = self.target.partition("?")
        return query if mark else None

    def header(self, name: str) -> str | None:
        """The last value of a header, matched case-insensitively."""
        return self._last_values.get(name.lower())

    @cached_property
    def _last_values(self) -> dict[str, str]:
        """Lowercased header name -> its last value (headers are looked up several times per request)."""
        return {key.lower(): value for key, value in self.headers}


@dataclass
class GatewayResponse:
    """What the gateway answers; headers keep the casing and order given."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def has_header(self, name: str) -> bool:
        """Whether a header of that name (any casing) is set."""
        lowered = name.lower()
        return any(key.lower() == lowered for key, _ in self.headers)


class GatewayCore(t.Protocol):
    """What the HTTP adapter serves: the REST gateway, the HTTP API gateway, a function URL, the front."""

    async def handle(self, request: GatewayRequest) -> GatewayResponse:
        """Answer one request; never raises."""
        ...

    def reject(self, error: GatewayError, request: GatewayRequest) -> GatewayResponse:
        """Answer a request the adapter refused before reading it."""
        ...
