"""The events HTTP APIs and function URLs send to Lambda: payload format 2.0 and 1.0.

Sources: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
("All header names are lowercase"; 2.0 joins repeated headers and query parameters with commas, moves
cookies to `cookies`; `rawPath` and `http.path` of a named stage start with the stage,
https://github.com/aws-powertools/powertools-lambda-python/issues/621) and
https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html (the same 2.0 shape for function URLs).
In 2.0 absent parts (`cookies`, `queryStringParameters`, `pathParameters`, `stageVariables`, `body`) are left
out; 1.0 has REST's null rules. A body is text for `text/*`, `application/json`, `application/xml` and
`application/javascript` only, and base64 otherwise, a missing Content-Type included (verified against AWS in
https://github.com/ministackorg/ministack/pull/766). HTTP APIs forward `content-length` (real 2.0 events show
`"content-length": "0"` on a GET, https://github.com/logandk/serverless-wsgi/issues/191).
"""

from __future__ import annotations

import base64
import typing as t
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

from serverlite.gateway.events import RequestIdentity, request_time
from serverlite.gateway.messages import GatewayRequest

__all__ = ["EventScope", "authorizer_event_v1", "authorizer_event_v2", "event_v1", "event_v2"]

# Never forwarded (hop-by-hop and framing headers); x-forwarded-* are replaced by the gateway's own.
_DROPPED = frozenset(
    (
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "upgrade",
        "expect",
        "proxy-connection",
        "trailer",
    )
)
_REPLACED = frozenset(("x-forwarded-for", "x-forwarded-port", "x-forwarded-proto", "content-length"))
_TEXT_TYPES = frozenset(("application/json", "application/xml", "application/javascript"))


@dataclass(frozen=True)
class EventScope:
    """What an event says about where the request went (an HTTP API route or a function URL)."""

    api_id: str
    stage: str
    route_key: str
    raw_path: str  # as the client sent it, a named stage's prefix included
    resource_path: str = "$default"  # 1.0's `resource`: the route's path
    path_parameters: Mapping[str, str] | None = None
    stage_variables: Mapping[str, str] = field(default_factory=dict)
    authorizer: Mapping[str, t.Any] | None = None  # 2.0: {"jwt": ...} / {"lambda": ...} / {"iam": ...}
    identity: Mapping[str, t.Any] = field(default_factory=dict)  # 1.0: IAM caller fields


def _forwarded(request: GatewayRequest, identity: RequestIdentity) -> list[tuple[str, str]]:
    """Header names lower-cased, hop-by-hop ones dropped, AWS's own added (trace id, x-forwarded-*)."""
    forwarded: list[tuple[str, str]] = []
    prior_for = None
    has_trace = False
    for name, value in request.headers:
        lowered = name.lower()
        if lowered in _DROPPED:
            continue
        if lowered in _REPLACED:
            prior_for = value if lowered == "x-forwarded-for" else prior_for
            continue
        has_trace = has_trace or lowered == "x-amzn-trace-id"
        forwarded.append((lowered, value))
    forwarded.append(("content-length", str(len(request.body))))
    if not has_trace:
        forwarded.append(("x-amzn-trace-id", identity.trace_id))
    client = f"{prior_for}, {request.source_ip}" if prior_for else request.source_ip
    # Locally the client reached us over plain HTTP on our port; AWS would say 443/https.
    forwarded += [
        ("x-forwarded-for", client),
        ("x-forwarded-port", str(request.port)),
        ("x-forwarded-proto", request.scheme),
    ]
    return forwarded


def _joined(pairs: t.Iterable[tuple[str, str]]) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined


def _cookies(pairs: t.Iterable[tuple[str, str]]) -> list[str]:
    return [
        item.strip() for name, value in pairs if name == "cookie" for item in value.split(";") if item.strip()
    ]


def _query_pairs(raw_query: str | None) -> list[tuple[str, str]]:
    pairs = []
    for part in (raw_query or "").split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((unquote_plus(name), unquote_plus(value)))
    return pairs


def _body(request: GatewayRequest) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    content_type = (request.header("Content-Type") or "").split(";", 1)[0].strip().lower()
    if content_type.startswith("text/") or content_type in _TEXT_TYPES:
        return request.body.decode("utf-8", errors="replace"), False
    return base64.b64encode(request.body).decode("ascii"), True


def _domain(request: GatewayRequest) -> str:
    return request.host.rsplit(":", 1)[0] if request.host else ""


def _context_v2(request: GatewayRequest, scope: EventScope, identity: RequestIdentity) -> dict[str, t.Any]:
    domain = _domain(request)
    context: dict[str, t.Any] = {"accountId": identity.account_id, "apiId": scope.api_id}
    if scope.authorizer is not None:
        context["authorizer"] = dict(scope.authorizer)
    context |= {
        "domainName": domain,
        "domainPrefix": domain.split(".", 1)[0],
        "http": {
            "method": request.method,
            "path": scope.raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": request.source_ip,
            "userAgent": request.header("User-Agent") or "",
        },
        "requestId": identity.request_id,
        "routeKey": scope.route_key,
        "stage": scope.stage,
        "time": request_time(identity.epoch_ms),
        "timeEpoch": identity.epoch_ms,
    }
    return context


def _request_parts_v2(
    request: GatewayRequest, scope: EventScope, identity: RequestIdentity
) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    """(the keys before `requestContext`, the keys after it), in the documented order."""
    forwarded = _forwarded(request, identity)
    head: dict[str, t.Any] = {
        "version": "2.0",
        "routeKey": scope.route_key,
        "rawPath": scope.raw_path,
        "rawQueryString": request.raw_query or "",
    }
    cookies = _cookies(forwarded)
    if cookies:
        head["cookies"] = cookies
    head["headers"] = _joined((name, value) for name, value in forwarded if name != "cookie")
    query = _joined(_query_pairs(request.raw_query))
    if query:
        head["queryStringParameters"] = query
    tail: dict[str, t.Any] = {}
    if scope.path_parameters:
        tail["pathParameters"] = dict(scope.path_parameters)
    if scope.stage_variables:
        tail["stageVariables"] = dict(scope.stage_variables)
    return head, tail


def event_v2(request: GatewayRequest, scope: EventScope, identity: RequestIdentity) -> dict[str, t.Any]:
    """Payload format 2.0."""
    head, tail = _request_parts_v2(request, scope, identity)
    event = {**head, "requestContext": _context_v2(request, scope, identity)}
    body, is_base64 = _body(request)
    if body is not None:
        event["body"] = body
    if "pathParameters" in tail:
        event["pathParameters"] = tail["pathParameters"]
    event["isBase64Encoded"] = is_base64
    if "stageVariables" in tail:
        event["stageVariables"] = tail["stageVariables"]
    return event


def authorizer_event_v2(
    request: GatewayRequest, scope: EventScope, identity: RequestIdentity, route_arn: str, sources: list[str]
) -> dict[str, t.Any]:
    """A Lambda authorizer's 2.0 input: the request without its body, with `routeArn` and `identitySource`
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html)."""
    head, tail = _request_parts_v2(request, scope, identity)
    return {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": route_arn,
        "identitySource": sources,
        **{key: value for key, value in head.items() if key != "version"},
        "requestContext": _context_v2(request, scope, identity),
        **tail,
    }


def _request_parts_v1(
    request: GatewayRequest, scope: EventScope, identity: RequestIdentity
) -> dict[str, t.Any]:
    forwarded = _forwarded(request, identity)
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in forwarded:
        headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in _query_pairs(request.raw_query):
        query[name] = value
        multi_query.setdefault(name, []).append(value)
    return {
        "resource": scope.resource_path,
        "path": scope.raw_path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
    }


def _context_v1(request: GatewayRequest, scope: EventScope, identity: RequestIdentity) -> dict[str, t.Any]:
    domain = _domain(request)
    caller = {
        "accessKey": None,
        "accountId": None,
        "caller": None,
        "cognitoAuthenticationProvider": None,
        "cognitoAuthenticationType": None,
        "cognitoIdentityId": None,
        "cognitoIdentityPoolId": None,
        "principalOrgId": None,
        "sourceIp": request.source_ip,
        "user": None,
        "userAgent": request.header("User-Agent"),
        "userArn": None,
        **scope.identity,
    }
    return {
        "accountId": identity.account_id,
        "apiId": scope.api_id,
        "authorizer": dict(scope.authorizer)
        if scope.authorizer is not None
        else {"claims": None, "scopes": None},
        "domainName": domain,
        "domainPrefix": domain.split(".", 1)[0],
        "extendedRequestId": identity.extended_request_id,
        "httpMethod": request.method,
        "identity": caller,
        "path": scope.raw_path,
        "protocol": "HTTP/1.1",
        "requestId": identity.request_id,
        "requestTime": request_time(identity.epoch_ms),
        "requestTimeEpoch": identity.epoch_ms,
        "resourceId": None,
        "resourcePath": scope.resource_path,
        "stage": scope.stage,
    }


def event_v1(request: GatewayRequest, scope: EventScope, identity: RequestIdentity) -> dict[str, t.Any]:
    """Payload format 1.0 as HTTP APIs send it (`version`, lower-case headers, `resourceId: null`)."""
    body, is_base64 = _body(request)
    return {
        "version": "1.0",
        **_request_parts_v1(request, scope, identity),
        "requestContext": _context_v1(request, scope, identity),
        "pathParameters": dict(scope.path_parameters) if scope.path_parameters else None,
        "stageVariables": dict(scope.stage_variables) or None,
        "body": body,
        "isBase64Encoded": is_base64,
    }


def authorizer_event_v1(
    request: GatewayRequest, scope: EventScope, identity: RequestIdentity, route_arn: str, sources: list[str]
) -> dict[str, t.Any]:
    """A Lambda authorizer's 1.0 input: REST's REQUEST authorizer shape with `methodArn`, and the identity
    sources comma-joined as `identitySource` and `authorizationToken`."""
    context = _context_v1(request, scope, identity)
    del context["authorizer"]
    joined = ",".join(sources)
    return {
        "version": "1.0",
        "type": "REQUEST",
        "methodArn": route_arn,
        "identitySource": joined,
        "authorizationToken": joined,
        **_request_parts_v1(request, scope, identity),
        "requestContext": context,
        "pathParameters": dict(scope.path_parameters) if scope.path_parameters else {},
        "stageVariables": dict(scope.stage_variables) or {},
    }
