"""The Lambda proxy integration event of a REST API (payload format 1.0).

Every key and null rule follows reference apigateway-lambda.md section 1: header names as the client
sent them (except `Authorization` and `User-Agent`), last-value and multi-value maps, `null` rather than
`{}` for absent query strings and path parameters, values of `path`/`pathParameters` not decoded.
"""

from __future__ import annotations

import base64
import json
import os
import time
import typing as t
from dataclasses import dataclass
from urllib.parse import unquote_plus

import orjson

from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.router import RouteMatch

__all__ = [
    "RequestIdentity",
    "build_proxy_event",
    "encode_event",
    "new_extended_request_id",
    "new_request_id",
    "new_trace_id",
    "request_context",
    "request_time",
    "unmatched_context",
]

# Never forwarded to the integration, on any method (reference 1.5).
_DROPPED_HEADERS = frozenset(
    name.lower()
    for name in (
        "Connection",
        "Content-Length",
        "Content-MD5",
        "Expect",
        "Max-Forwards",
        "Proxy-Authenticate",
        "Server",
        "TE",
        "Transfer-Encoding",
        "Trailer",
        "Upgrade",
        "WWW-Authenticate",
        "Keep-Alive",
    )
)
# Forwarded with this casing whatever the client sent (reference 1.5).
_CANONICAL_NAMES = {"authorization": "Authorization", "user-agent": "User-Agent"}
# The console's backend SDK, as test-invoke events show it (reference 1.10).
TEST_INVOKE_USER_AGENT = "aws-internal/3 aws-sdk-java/1.12.x"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class RequestIdentity:
    """The ids and times API Gateway stamps on one request."""

    request_id: str
    extended_request_id: str
    epoch_ms: int
    trace_id: str
    account_id: str


def new_request_id() -> str:
    """A random (version 4) UUID as text, like `c6af9ac6-7b61-11e6-9a41-93e8deadbeef`: `str(uuid.uuid4())`
    without building a UUID object."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def new_extended_request_id() -> str:
    """16 characters ending in `=`, like `Jq3xYHk2IAMEabc=` (reference 1.2)."""
    return base64.b64encode(os.urandom(12)).decode("ascii")[:15] + "="


def new_trace_id(now: float | None = None) -> str:
    """An X-Ray root id `Root=1-<8 hex epoch seconds>-<24 hex>`, as API Gateway adds it."""
    seconds = int(now if now is not None else time.time())
    return f"Root=1-{seconds:08x}-{os.urandom(12).hex()}"


_time_second = -1
_time_text = ""


def request_time(epoch_ms: int) -> str:
    """CLF time `dd/MMM/yyyy:HH:mm:ss +0000` in UTC with English month names (the last second's is kept)."""
    global _time_second, _time_text
    second = epoch_ms // 1000
    if second == _time_second:
        return _time_text
    tm = time.gmtime(second)
    day = f"{tm.tm_mday:02d}/{_MONTHS[tm.tm_mon - 1]}/{tm.tm_year}"
    text = f"{day}:{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} +0000"
    _time_second, _time_text = second, text
    return text


def build_proxy_event(
    request: GatewayRequest,
    match: RouteMatch,
    identity: RequestIdentity,
    *,
    binary_body: bool = False,
    test_invoke: bool = False,
) -> dict[str, t.Any]:
    """The event an `AWS_PROXY` integration sends to the function (`test_invoke`: the console's Test)."""
    if test_invoke:
        headers, multi_headers = _typed_header_maps(request)
    else:
        headers, multi_headers = _header_maps(request, identity)
    query, multi_query = _query_maps(request.raw_query)
    body, is_base64 = _body(request.body, binary_body)
    context = request_context(request, match, identity)
    if test_invoke:
        context.update(_test_invoke_context(match, identity))
    return {
        "resource": match.resource.path,
        "path": match.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": match.path_parameters,
        "stageVariables": dict(match.stage.variables) or None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": is_base64,
    }


def _header_maps(
    request: GatewayRequest, identity: RequestIdentity
) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in _forwarded_headers(request, identity):
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def _typed_header_maps(
    request: GatewayRequest,
) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """Test invoke passes only the headers typed in, and null when there are none (reference 1.10)."""
    if not request.headers:
        return None, None
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in request.headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def _test_invoke_context(match: RouteMatch, identity: RequestIdentity) -> dict[str, t.Any]:
    """What the console's method Test changes in `requestContext` (reference 1.10)."""
    return {
        "stage": "test-invoke-stage",
        "path": match.resource.path,
        "domainName": "testPrefix.testDomainName",
        "domainPrefix": "testPrefix",
        "identity": {
            **_identity_template(),
            "accountId": identity.account_id,
            "sourceIp": "test-invoke-source-ip",
            "apiKey": "test-invoke-api-key",
            "apiKeyId": "test-invoke-api-key-id",
            "userAgent": TEST_INVOKE_USER_AGENT,
        },
    }


def _forwarded_headers(request: GatewayRequest, identity: RequestIdentity) -> list[tuple[str, str]]:
    forwarded: list[tuple[str, str]] = []
    prior_forwarded_for = None
    has_trace = False
    for name, value in request.headers:
        lowered = name.lower()
        if lowered in _DROPPED_HEADERS:
            continue
        if lowered == "x-forwarded-for":
            prior_forwarded_for = value
            continue
        if lowered in ("x-forwarded-port", "x-forwarded-proto"):
            continue
        has_trace = has_trace or lowered == "x-amzn-trace-id"
        forwarded.append((_CANONICAL_NAMES.get(lowered, name), value))
    if not has_trace:
        forwarded.append(("X-Amzn-Trace-Id", identity.trace_id))
    client = f"{prior_forwarded_for}, {request.source_ip}" if prior_forwarded_for else request.source_ip
    # Locally the client reached us over plain HTTP on our port; AWS would say 443/https.
    forwarded += [
        ("X-Forwarded-For", client),
        ("X-Forwarded-Port", str(request.port)),
        ("X-Forwarded-Proto", request.scheme),
    ]
    return forwarded


def _query_maps(raw_query: str | None) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    if not raw_query:
        return None, None
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for part in raw_query.split("&"):
        if not part:
            continue
        raw_name, _, raw_value = part.partition("=")
        name, value = unquote_plus(raw_name), unquote_plus(raw_value)
        single[name] = value
        multi.setdefault(name, []).append(value)
    return (single, multi) if single else (None, None)


def _body(body: bytes, binary: bool) -> tuple[str | None, bool]:
    if not body:
        return None, False
    if binary:
        return base64.b64encode(body).decode("ascii"), True
    return body.decode("utf-8", errors="replace"), False


def request_context(
    request: GatewayRequest, match: RouteMatch, identity: RequestIdentity
) -> dict[str, t.Any]:
    """The event's `requestContext`; mapping templates see the same values as `$context` (reference 5.1)."""
    domain = request.host.rsplit(":", 1)[0] if request.host else ""
    context = {
        "resourceId": match.resource.id,
        "resourcePath": match.resource.path,
        "httpMethod": request.method,
        "extendedRequestId": identity.extended_request_id,
        "requestTime": request_time(identity.epoch_ms),
        "path": request.raw_path,
        "accountId": identity.account_id,
        "protocol": "HTTP/1.1",
        "stage": match.stage.name,
        "domainPrefix": domain.split(".", 1)[0],
        "requestTimeEpoch": identity.epoch_ms,
        "requestId": identity.request_id,
        "identity": _identity(request),
        "domainName": domain,
        "deploymentId": match.stage.deployment_id,
        "apiId": match.api.id,
    }
    if match.method.operation_name:  # OpenAPI operationId / the Method's OperationName (reference 1.2)
        context["operationName"] = match.method.operation_name
    return context


def unmatched_context(
    request: GatewayRequest, api_id: str, stage: str, identity: RequestIdentity
) -> dict[str, t.Any]:
    """`$context` of a request no method matched (for its gateway response): no resource keys."""
    domain = request.host.rsplit(":", 1)[0] if request.host else ""
    return {
        "httpMethod": request.method,
        "extendedRequestId": identity.extended_request_id,
        "requestTime": request_time(identity.epoch_ms),
        "path": request.raw_path,
        "accountId": identity.account_id,
        "protocol": "HTTP/1.1",
        "stage": stage,
        "domainPrefix": domain.split(".", 1)[0],
        "requestTimeEpoch": identity.epoch_ms,
        "requestId": identity.request_id,
        "identity": _identity(request),
        "domainName": domain,
        "apiId": api_id,
    }


def _identity_template() -> dict[str, str | None]:
    return {
        "cognitoIdentityPoolId": None,
        "accountId": None,
        "cognitoIdentityId": None,
        "caller": None,
        "sourceIp": None,
        "principalOrgId": None,
        "accessKey": None,
        "cognitoAuthenticationType": None,
        "cognitoAuthenticationProvider": None,
        "userArn": None,
        "userAgent": None,
        "user": None,
    }


def _identity(request: GatewayRequest) -> dict[str, str | None]:
    return {**_identity_template(), "sourceIp": request.source_ip, "userAgent": request.header("User-Agent")}


def encode_event(event: dict[str, t.Any]) -> bytes:
    """The event as the JSON bytes Lambda receives: compact UTF-8. orjson writes the bytes the standard
    library writes here (floats aside: `1e-7`, not `1e-07`), 10x faster; the standard library takes
    what orjson cannot (an integer over 64 bits in an authorizer's context)."""
    try:
        return orjson.dumps(event)
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
