"""Lambda authorizers of HTTP APIs: identity sources, the 2.0 or 1.0 event, simple or IAM-policy answers,
result caching.

https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html:
* identity sources are `$request.header.X`, `$request.querystring.x`, `$context.x` and `$stageVariables.x`;
  when one of them is missing or empty the answer is 401 `{"message":"Unauthorized"}` and the function is not
  called; without identity sources the function runs for every request and nothing is cached;
* with `enableSimpleResponses` (payload 2.0 only) the function answers
  `{"isAuthorized": bool, "context": {}}`; otherwise an IAM policy (`principalId`, `policyDocument`,
  `context`) checked against the route ARN
  `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>` as REST's authorizers are
  (`AuthorizerResult.decide`);
* not authorized or denied: 403 `{"message":"Forbidden"}`; the function raising `Unauthorized`: 401; any
  other failure or an unusable answer: 500 `{"message":"Internal Server Error"}`;
* answers are cached for `authorizerResultTtlInSeconds` (0: off) by identity source values; the context
  reaches the integration as `requestContext.authorizer.lambda` (2.0) or `requestContext.authorizer` (1.0).
"""

from __future__ import annotations

import json
import time
import typing as t
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

from serverlite.gateway.errors import AuthorizerDenied
from serverlite.gateway.events import RequestIdentity, encode_event
from serverlite.gateway.lambda_authorizers import AuthorizerResult
from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.throttling import Clock
from serverlite.gateway.v2.errors import Forbidden, InternalServerError, Unauthorized
from serverlite.gateway.v2.events import EventScope, authorizer_event_v1, authorizer_event_v2
from serverlite.runtime.invoker import FunctionNotFound, Invoker
from serverlite.template.model import HttpAuthorizer

__all__ = ["HttpLambdaAuthorizers", "LambdaGrant"]


@dataclass(frozen=True)
class LambdaGrant:
    """What an allowing answer adds to the event."""

    context: Mapping[str, t.Any]
    principal_id: str | None
    latency_ms: int = 0


@dataclass(frozen=True)
class _Answer:
    """A parsed answer: a simple one (`policy` None) or an IAM policy."""

    allowed: bool
    context: Mapping[str, t.Any]
    policy: AuthorizerResult | None = None

    def grant(self, route_arn: str, latency_ms: int) -> LambdaGrant:
        """The grant for this route; raises Forbidden."""
        if self.policy is None:
            if not self.allowed:
                raise Forbidden("the authorizer answered isAuthorized false")
            return LambdaGrant(self.context, None, latency_ms)
        try:
            self.policy.decide(route_arn)
        except AuthorizerDenied as denied:
            raise Forbidden(str(denied)) from None
        return LambdaGrant(self.context, self.policy.principal_id, latency_ms)


class HttpLambdaAuthorizers:
    """Runs HTTP API Lambda authorizers through the `Invoker` seam and caches their answers."""

    def __init__(self, invoker: Invoker, clock: Clock = time.time) -> None:
        self._invoker = invoker
        self._clock = clock
        self._cache: dict[tuple[str, tuple[str, ...]], tuple[float, _Answer]] = {}

    async def authorize(
        self,
        authorizer: HttpAuthorizer,
        request: GatewayRequest,
        scope: EventScope,
        identity: RequestIdentity,
        route_arn: str,
    ) -> LambdaGrant:
        """Raises Unauthorized, Forbidden or InternalServerError."""
        values = tuple(
            _source_value(source, request, scope, identity) or "" for source in authorizer.identity_source
        )
        if not all(values):
            raise Unauthorized(f"identity source missing for authorizer {authorizer.name}")
        caching = authorizer.result_ttl_seconds > 0 and bool(values)
        key = (authorizer.id, values)
        cached = self._cache.get(key) if caching else None
        if cached is not None and cached[0] > self._clock():
            return cached[1].grant(route_arn, 0)
        started = time.monotonic()
        answer = await self._invoke(authorizer, request, scope, identity, route_arn, list(values))
        if caching:
            self._cache[key] = (self._clock() + authorizer.result_ttl_seconds, answer)
        return answer.grant(route_arn, round((time.monotonic() - started) * 1000))

    async def _invoke(
        self,
        authorizer: HttpAuthorizer,
        request: GatewayRequest,
        scope: EventScope,
        identity: RequestIdentity,
        route_arn: str,
        values: list[str],
    ) -> _Answer:
        if authorizer.function is None:
            raise InternalServerError(f"authorizer {authorizer.name} names no function")
        build = authorizer_event_v2 if authorizer.payload_format_version == "2.0" else authorizer_event_v1
        event = build(request, scope, identity, route_arn, values)
        try:
            result = await self._invoker.invoke(
                authorizer.function, encode_event(event), trace_id=identity.trace_id
            )
        except FunctionNotFound:
            raise InternalServerError(f"authorizer function {authorizer.function} not found") from None
        if result.failed:
            if result.error_message == "Unauthorized":
                raise Unauthorized("the authorizer function raised Unauthorized")
            raise InternalServerError(f"authorizer {authorizer.name} failed: {result.error_message}")
        simple = authorizer.enable_simple_responses and authorizer.payload_format_version == "2.0"
        return _simple(result.payload) if simple else _policy(result.payload)


def _simple(payload: bytes) -> _Answer:
    answer = _json(payload)
    context = answer.get("context") or {}
    if not isinstance(answer.get("isAuthorized"), bool) or not isinstance(context, dict):
        raise InternalServerError("the authorizer's simple response is not {isAuthorized, context}")
    return _Answer(answer["isAuthorized"], context)


def _policy(payload: bytes) -> _Answer:
    answer = _json(payload)
    document = answer.get("policyDocument")
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    context = answer.get("context") or {}
    if "principalId" not in answer or not isinstance(statements, list) or not isinstance(context, dict):
        raise InternalServerError("the authorizer's response is not an IAM policy")
    result = AuthorizerResult(
        principal_id=str(answer["principalId"]),
        statements=tuple(statement for statement in statements if isinstance(statement, Mapping)),
        context={},
    )
    return _Answer(True, context, result)


def _json(payload: bytes) -> dict[str, t.Any]:
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise InternalServerError("the authorizer did not answer a JSON object")
    return answer


def _source_value(
    source: str, request: GatewayRequest, scope: EventScope, identity: RequestIdentity
) -> str | None:
    """One identity source's value: repeated headers and query parameters are joined with commas."""
    kind, _, name = source.removeprefix("$").partition(".")
    if kind == "request":
        where, _, name = name.partition(".")
        if where == "header":
            values = [value for key, value in request.headers if key.lower() == name.lower()]
        elif where == "querystring":
            values = [
                _query_value(part)
                for part in (request.raw_query or "").split("&")
                if _query_name(part) == name
            ]
        else:
            return None
        return ",".join(values) or None
    if kind == "stageVariables":
        return scope.stage_variables.get(name)
    if kind == "context":
        return _context_value(name, request, scope, identity)
    return None


def _query_name(part: str) -> str:
    return unquote_plus(part.partition("=")[0])


def _query_value(part: str) -> str:
    return unquote_plus(part.partition("=")[2])


def _context_value(
    name: str, request: GatewayRequest, scope: EventScope, identity: RequestIdentity
) -> str | None:
    values = {
        "accountId": identity.account_id,
        "apiId": scope.api_id,
        "httpMethod": request.method,
        "path": scope.raw_path,
        "requestId": identity.request_id,
        "routeKey": scope.route_key,
        "stage": scope.stage,
        "identity.sourceIp": request.source_ip,
        "identity.userAgent": request.header("User-Agent"),
    }
    return values.get(name)
