"""`HTTP` and `HTTP_PROXY` integrations (https://docs.aws.amazon.com/apigateway/latest/developerguide/setup-http-integrations.html).

* `HTTP_PROXY`: the method request goes to the endpoint as it came: method (the integration's, unless `ANY`),
  headers minus the hop-by-hop ones (reference apigateway-lambda.md 1.5) and `Host`, query string and body;
  `requestParameters` add or replace path, query and header values. The endpoint's status, headers and body
  come back unchanged except the reserved headers, renamed `x-amzn-Remapped-<name>` as for the Lambda proxy
  (reference 2.6).
* `HTTP`: the body is the mapped one (mapping template or passthrough, integration_request.py); only mapped
  parameters are sent; the endpoint's status code selects the integration response ("For an HTTP ... backend,
  the selectionPattern is matched against the HTTP status code",
  https://docs.aws.amazon.com/apigateway/latest/api/API_IntegrationResponse.html), which builds the method
  response as for the `AWS` type (non_proxy.py).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from urllib.parse import quote, unquote_plus

from serverlite.gateway.events import RequestIdentity
from serverlite.gateway.execution_log import ExecutionLog, java_map
from serverlite.gateway.http_backend import EndpointRequest, HttpBackend, endpoint_url, mapped_parameters
from serverlite.gateway.integration import remapped_header
from serverlite.gateway.integration_request import template_input, transform_request
from serverlite.gateway.integration_response import EndpointResponse
from serverlite.gateway.messages import GatewayRequest, GatewayResponse
from serverlite.gateway.non_proxy import NonProxyIntegrations, RequestScope
from serverlite.gateway.request_log import log_method_request

__all__ = ["HttpIntegrations", "query_lists"]

# Never forwarded to the endpoint (reference 1.5); `Host` becomes the endpoint's own.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "content-length",
        "content-md5",
        "expect",
        "host",
        "keep-alive",
        "max-forwards",
        "proxy-authenticate",
        "proxy-connection",
        "server",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "www-authenticate",
    }
)


class HttpIntegrations:
    """Both HTTP integration types over one `HttpBackend`."""

    def __init__(self, backend: HttpBackend, non_proxy: NonProxyIntegrations) -> None:
        self._backend = backend
        self._non_proxy = non_proxy

    async def http_proxy(self, scope: RequestScope) -> GatewayResponse:
        """`HTTP_PROXY`: pass the request through and the endpoint's answer back."""
        request, match = scope.request, scope.match
        integration = match.method.integration
        query = query_lists(request.raw_query)
        mapped = mapped_parameters(integration, request, match, scope.context, query)
        headers = [(name, value) for name, value in request.headers if name.lower() not in _HOP_BY_HOP]
        headers = _replace(headers, mapped.header)
        if not any(name.lower() == "x-amzn-trace-id" for name, _ in headers):
            headers.append(("X-Amzn-Trace-Id", scope.identity.trace_id))
        if mapped.querystring:
            raw_query = _encode_query({**{k: v for k, v in query.items()}, **_lists(mapped.querystring)})
        else:
            raw_query = request.raw_query or ""
        endpoint = await self._send(
            scope,
            EndpointRequest(
                method=_method(integration.http_method, request),
                url=_with_query(endpoint_url(integration, match, mapped.path), raw_query),
                headers=headers,
                body=request.body,
            ),
        )
        out: list[tuple[str, str]] = []
        for name, value in endpoint.headers:
            final = remapped_header(name)
            if final is not None:
                out.append((final, value))
        if not any(name.lower() == "content-type" for name, _ in out):
            out.append(("Content-Type", "application/json"))
        if scope.log is not None:
            scope.log.add("Successfully completed execution")
        return GatewayResponse(status=endpoint.status, body=endpoint.body, headers=out)

    async def http(self, scope: RequestScope) -> GatewayResponse:
        """`HTTP`: mapped request, integration response selected by the endpoint's status code."""
        request, match = scope.request, scope.match
        integration = match.method.integration
        data = template_input(request, match, scope.context)
        if scope.log is not None:
            log_method_request(scope.log, request, match, scope.identity)
        body = transform_request(integration, request, data)
        mapped = mapped_parameters(integration, request, match, scope.context, query_lists(request.raw_query))
        path = {**mapped.path, **_strings(body.overrides.get("path"))}
        querystring = {**mapped.querystring, **_strings(body.overrides.get("querystring"))}
        headers = _replace(_default_headers(request, match.api.id, scope.identity), mapped.header)
        headers = _replace(headers, _strings(body.overrides.get("header")))
        endpoint = await self._send(
            scope,
            EndpointRequest(
                method=_method(integration.http_method, request),
                url=_with_query(endpoint_url(integration, match, path), _encode_query(_lists(querystring))),
                headers=headers,
                body=body.body,
            ),
        )
        return self._non_proxy.respond(scope, integration, endpoint, str(endpoint.status), data)

    async def _send(self, scope: RequestScope, request: EndpointRequest) -> EndpointResponse:
        log = scope.log
        if log is not None:
            if scope.match.method.integration.type == "HTTP_PROXY":
                log_method_request(log, scope.request, scope.match, scope.identity)
            log.add(f"Endpoint request URI: {request.url}")
            log.data(f"Endpoint request headers: {java_map(request.headers)}")
            log.data(
                f"Endpoint request body after transformations: {request.body.decode('utf-8', 'replace')}"
            )
            log.add(f"Sending request to {request.url}")
        started = time.monotonic()
        response = await self._backend.send(request, scope.match.method.integration.timeout_ms)
        if log is not None:
            _log_response(log, response, (time.monotonic() - started) * 1000)
        return response


def _log_response(log: ExecutionLog, response: EndpointResponse, latency_ms: float) -> None:
    log.add(f"Received response. Status: {response.status}, Integration latency: {round(latency_ms)} ms")
    log.data(f"Endpoint response headers: {java_map(response.headers)}")
    log.data(f"Endpoint response body before transformations: {response.body.decode('utf-8', 'replace')}")


def _default_headers(
    request: GatewayRequest, api_id: str, identity: RequestIdentity
) -> list[tuple[str, str]]:
    """What a non-proxy HTTP endpoint request carries besides the mapped headers (reference 5.3's
    `User-Agent: AmazonAPIGateway_<api id>`, as in the Lambda endpoint request)."""
    return [
        ("User-Agent", f"AmazonAPIGateway_{api_id}"),
        ("Content-Type", request.header("Content-Type") or "application/json"),
        ("X-Amzn-Trace-Id", identity.trace_id),
        ("Accept", request.header("Accept") or "application/json"),
    ]


def query_lists(raw_query: str | None) -> dict[str, list[str]]:
    """`a=1&a=2&b` -> `{"a": ["1", "2"], "b": [""]}`, decoded (reference 1.6)."""
    values: dict[str, list[str]] = {}
    for part in (raw_query or "").split("&"):
        if part:
            name, _, value = part.partition("=")
            values.setdefault(unquote_plus(name), []).append(unquote_plus(value))
    return values


def _encode_query(values: Mapping[str, Sequence[str]]) -> str:
    return "&".join(
        f"{quote(name, safe='')}={quote(value, safe='')}" for name, items in values.items() for value in items
    )


def _lists(values: Mapping[str, str]) -> dict[str, list[str]]:
    return {name: [value] for name, value in values.items()}


def _strings(values: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, Mapping) else {}


def _replace(headers: list[tuple[str, str]], values: Mapping[str, str]) -> list[tuple[str, str]]:
    """Headers with each of `values` replacing any header of that name (any casing)."""
    if not values:
        return headers
    names = {name.lower() for name in values}
    return [(k, v) for k, v in headers if k.lower() not in names] + list(values.items())


def _method(integration_method: str, request: GatewayRequest) -> str:
    return request.method if integration_method in ("ANY", "") else integration_method


def _with_query(url: str, query: str) -> str:
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"
