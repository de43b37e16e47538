"""The endpoint request of `HTTP` and `HTTP_PROXY` integrations: its URL, parameters, and sending it.

URL: the integration URI with `${stageVariables.x}` replaced by the stage's value and each `{name}` by the
`integration.request.path.name` parameter. Parameters (`requestParameters`):
`integration.request.<where>.<name>` from `method.request.<where>.<name>`, `method.request.multivalue…`,
`method.request.body[.JSONPath]`, `context.x`, `stageVariables.x` or a `'literal'`
(https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html;
https://docs.aws.amazon.com/apigateway/latest/developerguide/setup-http-integrations.html for `{proxy}`).

Failures, as AWS answers them:
* the integration timeout (`timeoutInMillis`, 29 s by default) elapses: 504 `{"message": "Endpoint request
  timed out"}` (reference apigateway-lambda.md 2.5; the same gateway response as for Lambda);
* the endpoint cannot be reached (connection refused, unknown host, invalid URL): 500
  `{"message": "Internal server error"}` logged as a configuration error: an unreachable backend is a 500
  (https://repost.aws/knowledge-center/api-gateway-500-error-vpc "The target isn't listening on the target
  ports" -> 500 "Execution failed due to configuration error: ..."); LocalStack's HTTP integration answers a
  ConnectionError the same way (code index 249353710). The text after "configuration error: " is ours.
"""

from __future__ import annotations

import asyncio
import json
import re
import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp
from yarl import URL

from serverlite.gateway.errors import ApiConfigurationError, EndpointTimeout
from serverlite.gateway.integration_response import EndpointResponse
from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.router import RouteMatch
from serverlite.template.model import Integration

__all__ = ["EndpointRequest", "HttpBackend", "endpoint_url", "mapped_parameters"]

_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")
_PATH_VARIABLE = re.compile(r"\{([A-Za-z0-9._-]+)\+?\}")
_CONFIGURATION = "Execution failed due to configuration error: "


@dataclass(frozen=True)
class EndpointRequest:
    """What the gateway sends to the HTTP endpoint."""

    method: str
    url: str  # percent-encoded, query included
    headers: Sequence[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class MappedParameters:
    """`integration.request.{path,querystring,header}.<name>` values of one request (absent ones left out)."""

    path: Mapping[str, str]
    querystring: Mapping[str, str]
    header: Mapping[str, str]


def mapped_parameters(
    integration: Integration,
    request: GatewayRequest,
    match: RouteMatch,
    context: Mapping[str, t.Any],
    query: Mapping[str, list[str]],
) -> MappedParameters:
    """Evaluate the integration's `requestParameters` against the method request."""
    found: dict[str, dict[str, str]] = {"path": {}, "querystring": {}, "header": {}}
    for target, source in integration.request_parameters.items():
        parts = target.split(".", 3)
        if len(parts) != 4 or parts[:2] != ["integration", "request"] or parts[2] not in found:
            continue
        value = _source(source, request, match, context, query)
        if value is not None:
            found[parts[2]][parts[3]] = value
    return MappedParameters(found["path"], found["querystring"], found["header"])


def _source(
    source: str,
    request: GatewayRequest,
    match: RouteMatch,
    context: Mapping[str, t.Any],
    query: Mapping[str, list[str]],
) -> str | None:
    """One mapping source's value, or None when the method request does not have it."""
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return source[1:-1]
    where, _, name = source.removeprefix("method.request.").partition(".")
    if source.startswith("method.request."):
        return _method_request_value(where, name, request, match, query)
    if source.startswith("stageVariables."):
        return match.stage.variables.get(source.removeprefix("stageVariables."))
    if source.startswith("context."):
        node: t.Any = context
        for part in source.removeprefix("context.").split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        return None if node is None else str(node)
    return None


def _method_request_value(
    where: str, name: str, request: GatewayRequest, match: RouteMatch, query: Mapping[str, list[str]]
) -> str | None:
    if where == "path":
        return (match.path_parameters or {}).get(name)
    if where == "querystring":
        return query[name][-1] if name in query else None
    if where == "multivaluequerystring":
        return ",".join(query[name]) if name in query else None
    if where == "header":
        return request.header(name)
    if where == "multivalueheader":
        values = [value for key, value in request.headers if key.lower() == name.lower()]
        return ",".join(values) if values else None
    if where == "body":
        return _json_path(request.body, name) if name else request.body.decode("utf-8", errors="replace")
    return None


def _json_path(body: bytes, path: str) -> str | None:
    try:
        node: t.Any = json.loads(body)
        for part in path.split("."):
            node = node[part]
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    return node if isinstance(node, str) else json.dumps(node, separators=(",", ":"))


def endpoint_url(integration: Integration, match: RouteMatch, path: Mapping[str, str]) -> str:
    """The integration URI with stage variables and mapped path parameters substituted.

    A path value is used as the client sent it (still percent-encoded, slashes of `{proxy+}` kept); an
    unmapped `{name}` is left as it is.
    """
    uri = _STAGE_VARIABLE.sub(lambda m: match.stage.variables.get(m.group(1), ""), integration.uri)

    def substitute(found: re.Match[str]) -> str:
        value = path.get(found.group(1))
        return found.group(0) if value is None else quote(value, safe="/@:+!$&'()*,;=-._~%")

    return _PATH_VARIABLE.sub(substitute, uri)


class HttpBackend:
    """Sends endpoint requests over one aiohttp client session, created on first use."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def send(self, request: EndpointRequest, timeout_ms: int) -> EndpointResponse:
        """Send and read the whole answer.

        Raises EndpointTimeout (504) or ApiConfigurationError (500, endpoint unreachable).
        """
        session = self._client()
        try:
            async with asyncio.timeout(timeout_ms / 1000):
                async with session.request(
                    request.method,
                    URL(request.url, encoded=True),
                    headers=list(request.headers),
                    data=request.body or None,
                    allow_redirects=False,
                    skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
                ) as response:
                    body = await response.read()
                    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers]
                    return EndpointResponse(response.status, headers, body)
        except TimeoutError:
            raise EndpointTimeout("Execution failed due to a timeout error") from None
        except (aiohttp.InvalidURL, ValueError) as error:
            raise ApiConfigurationError(f"{_CONFIGURATION}Invalid endpoint address: {error}") from None
        except aiohttp.ClientError as error:
            raise ApiConfigurationError(f"{_CONFIGURATION}{error}") from None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # Bodies pass through untouched (no decompression); cookies are not kept.
            self._session = aiohttp.ClientSession(
                auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout()
            )
        return self._session

    async def close(self) -> None:
        """Close the client session, if one was opened."""
        if self._session is not None:
            await self._session.close()
            self._session = None
