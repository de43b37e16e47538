"""One port for every REST and HTTP API: which core answers a request.

On AWS each API has a host of its own; locally they share `--port`. A host `<apiId>.execute-api.<any>`
picks its API; otherwise a REST API stage named by the first path segment wins, then an HTTP API stage
named so, then an HTTP API's `$default` stage (served at the root, as on AWS). What nobody claims goes to
the REST gateway (403 Missing Authentication Token), or to the HTTP API gateway when there is no REST API
(404 Not Found). One dictionary lookup and a string split on the hot path.
"""

from __future__ import annotations

from serverlite.gateway.errors import GatewayError
from serverlite.gateway.gateway import Gateway
from serverlite.gateway.messages import GatewayCore, GatewayRequest, GatewayResponse
from serverlite.gateway.v2.gateway import HttpGateway

__all__ = ["GatewayFront"]


class GatewayFront:
    """Sends each request to the REST or the HTTP API core."""

    def __init__(self, rest: Gateway, http: HttpGateway) -> None:
        self.rest = rest
        self.http = http
        self._rest_stages = frozenset(stage for api in rest.apis for stage in api.stages)
        self._rest_ids = frozenset(api.id for api in rest.apis)
        self._fallback: GatewayCore = rest if rest.apis else http

    def core_for(self, request: GatewayRequest) -> GatewayCore:
        """The core that answers `request`."""
        if not self.http.apis:
            return self.rest
        host = request.host
        if ".execute-api." in host.lower() and host.split(".", 1)[0].lower() in self._rest_ids:
            return self.rest
        first = request.raw_path[1:].partition("/")[0]
        if first in self._rest_stages and not self.http.owns_host(host):
            return self.rest
        if self.http.claims(request.raw_path, host):
            return self.http
        return self._fallback

    async def handle(self, request: GatewayRequest) -> GatewayResponse:
        """Answer one request; never raises."""
        return await self.core_for(request).handle(request)

    def reject(self, error: GatewayError, request: GatewayRequest) -> GatewayResponse:
        """The refusal of a request the HTTP adapter could not read, shaped by the API it was for."""
        return self.core_for(request).reject(error, request)

    async def close(self) -> None:
        """Release what the cores hold open."""
        await self.rest.close()
