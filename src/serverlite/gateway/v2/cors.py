"""CORS of HTTP APIs (`CorsConfiguration`) and function URLs (`Cors`): the gateway answers preflights itself
and puts the configured headers on every answer to an allowed origin.

https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html: "API Gateway automatically
sends a response to preflight OPTIONS requests, even if there isn't an OPTIONS route configured for your
API. For a CORS request, API Gateway adds the configured CORS headers to the response from an integration.
... API Gateway ignores CORS headers returned from your backend integration." Origins may use a wildcard
subdomain (`https://*.example.com`). A preflight is an OPTIONS request with `Origin` and
`Access-Control-Request-Method`; it is answered 204 before routing and authorization. An origin that is not
allowed gets no CORS headers, so the browser refuses the response.
https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors describes the same for URLs.
"""

from __future__ import annotations

import fnmatch

from serverlite.gateway.messages import GatewayRequest, GatewayResponse
from serverlite.template.model import CorsConfiguration

__all__ = ["Cors"]


class Cors:
    """One API's or URL's CORS configuration, with its header values joined once."""

    def __init__(self, config: CorsConfiguration) -> None:
        self._config = config
        self._any_origin = "*" in config.allow_origins
        self._patterns = tuple(origin.lower() for origin in config.allow_origins)
        self._preflight_headers: list[tuple[str, str]] = []
        if config.allow_methods:
            self._preflight_headers.append(("access-control-allow-methods", ",".join(config.allow_methods)))
        if config.allow_headers:
            self._preflight_headers.append(("access-control-allow-headers", ",".join(config.allow_headers)))
        if config.max_age is not None:
            self._preflight_headers.append(("access-control-max-age", str(config.max_age)))
        self._common: list[tuple[str, str]] = []
        if config.allow_credentials:
            self._common.append(("access-control-allow-credentials", "true"))

    def preflight(self, request: GatewayRequest) -> GatewayResponse | None:
        """The answer to a preflight request, or None when the request is not one."""
        if request.method != "OPTIONS" or not request.header("Access-Control-Request-Method"):
            return None
        origin = request.header("Origin")
        if not origin:
            return None
        response = GatewayResponse(204)
        allowed = self._allow_origin(origin)
        if allowed is not None:
            response.headers += [("access-control-allow-origin", allowed), *self._common]
            response.headers += self._preflight_headers
        return response

    def decorate(self, request: GatewayRequest, response: GatewayResponse) -> None:
        """Replace the integration's CORS headers by the configured ones (for an allowed origin)."""
        response.headers = [
            (name, value)
            for name, value in response.headers
            if not name.lower().startswith("access-control-")
        ]
        origin = request.header("Origin")
        allowed = self._allow_origin(origin) if origin else None
        if allowed is None:
            return
        response.headers += [("access-control-allow-origin", allowed), *self._common]
        if self._config.expose_headers:
            response.headers.append(("access-control-expose-headers", ",".join(self._config.expose_headers)))

    def _allow_origin(self, origin: str) -> str | None:
        """`*` when every origin is allowed, the origin itself when it is listed, else None."""
        if self._any_origin:
            return "*"
        lowered = origin.lower()
        for pattern in self._patterns:
            if pattern == lowered or ("*" in pattern and fnmatch.fnmatchcase(lowered, pattern)):
                return origin
        return None
