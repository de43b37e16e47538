"""What the client gets from a Lambda function's answer: payload format 2.0 and 1.0 of HTTP APIs.

2.0 (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html,
"Lambda function response for format 2.0", and the client's view in
https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html): valid JSON without `statusCode` is a 200
`application/json` response whose body is the function's JSON as returned (a string keeps its quotes:
`"Hello, world!"` is 15 bytes); with `statusCode`, `headers`, `cookies` (one `set-cookie` each), `body`
and `isBase64Encoded` are read (HTTP APIs have no binary media types: base64 bodies are always decoded) and
`multiValueHeaders` is not (a powertools REST response behind an HTTP API lost its Content-Type,
https://github.com/aws-powertools/powertools-lambda-python/issues/2464); without a content type the client
gets `text/plain; charset=utf-8` (ibid. and https://github.com/quarkusio/quarkus/issues/15909).
1.0 is REST's proxy contract (integration.py). Anything unusable is 500 `{"message":"Internal Server Error"}`.
"""

from __future__ import annotations

import base64
import binascii
import typing as t

from serverlite.gateway.errors import MalformedProxyResponse
from serverlite.gateway.integration import map_proxy_response, parse_json
from serverlite.gateway.messages import GatewayResponse
from serverlite.gateway.v2.errors import InternalServerError

__all__ = ["response_v1", "response_v2"]

_DEFAULT_TYPE = "text/plain; charset=utf-8"
_DROPPED = frozenset(("content-length", "transfer-encoding", "connection"))
_MALFORMED = "the Lambda response is not a valid payload format 2.0 response"


def response_v2(payload: bytes) -> GatewayResponse:
    """Map a 2.0 answer; raises InternalServerError when it is unusable."""
    try:
        result = parse_json(payload)
    except ValueError:
        raise InternalServerError("the Lambda response is not JSON") from None
    if not isinstance(result, dict) or "statusCode" not in result:
        return GatewayResponse(200, payload, [("Content-Type", "application/json")])
    headers = _headers(result.get("headers"))
    headers += [("Set-Cookie", cookie) for cookie in _cookies(result.get("cookies"))]
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", _DEFAULT_TYPE))
    return GatewayResponse(_status(result["statusCode"]), _body(result), headers)


def response_v1(payload: bytes) -> GatewayResponse:
    """Map a 1.0 answer with REST's rules, base64 bodies always decoded; raises InternalServerError."""
    try:
        return map_proxy_response(payload, binary_response=True)
    except MalformedProxyResponse:
        raise InternalServerError("Malformed Lambda proxy response") from None


def _status(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise InternalServerError(_MALFORMED)
    status = int(str(value))
    if not 100 <= status <= 599:
        raise InternalServerError(_MALFORMED)
    return status


def _headers(headers: object) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if not isinstance(headers, dict):
        raise InternalServerError(_MALFORMED)
    out = []
    for name, value in headers.items():
        if str(name).lower() in _DROPPED:
            continue
        out.append((str(name), _text(value)))
    return out


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise InternalServerError(_MALFORMED)


def _cookies(cookies: object) -> list[str]:
    if cookies is None:
        return []
    if not isinstance(cookies, list) or not all(isinstance(cookie, str) for cookie in cookies):
        raise InternalServerError(_MALFORMED)
    return t.cast(list[str], cookies)


def _body(result: dict[str, t.Any]) -> bytes:
    body = result.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise InternalServerError(_MALFORMED)
    if result.get("isBase64Encoded") is True:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise InternalServerError(_MALFORMED) from None
    return body.encode("utf-8")
