"""Lambda (TOKEN and REQUEST) authorizers: identity sources, the authorizer event, its IAM policy, its cache.

Facts (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html,
`api-gateway-lambda-authorizer-input.html`, `api-gateway-lambda-authorizer-output.html`; reference 6):
* TOKEN: the token is one header (`method.request.header.X`); missing, empty or not matching
  `identityValidationExpression` (a whole-string match) -> 401 without calling the function.
  Event: `{"type":"TOKEN","authorizationToken":...,"methodArn":...}`.
* REQUEST: identity sources are headers, query strings, stage variables and `context` values; when any is
  missing or empty -> 401 without calling. Event: the proxy event's request fields plus type and methodArn.
* The function answers `principalId`, `policyDocument` and optionally `context` (string, number and boolean
  values only; REST APIs hand them on as strings) and `usageIdentifierKey`. Raising `Unauthorized` -> 401;
  any other failure or a malformed answer -> 500 AuthorizerConfigurationException.
* The policy is evaluated against the method ARN
  `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<VERB>/<path>`:
  an explicit Deny -> 403 "... with an explicit deny"; no Allow -> 403 "User is not authorized to access this
  resource". The answer is cached for `authorizerResultTtlInSeconds` (default 300, 0 = off) keyed by the
  identity source values, and the cached policy is applied to later methods (repost.aws
  knowledge-center/api-gateway-lambda-authorization-errors).
"""

from __future__ import annotations

import json
import re
import time
import typing as t
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

from serverlite.gateway.errors import AuthorizerConfigurationError, AuthorizerDenied, Unauthorized
from serverlite.gateway.events import RequestIdentity, build_proxy_event, encode_event
from serverlite.gateway.execution_log import ExecutionLog
from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.policy import action_matches, arn_matches
from serverlite.gateway.router import RouteMatch
from serverlite.gateway.throttling import Clock
from serverlite.runtime.invoker import FunctionNotFound, Invoker
from serverlite.template.model import Authorizer

__all__ = ["AuthorizerResult", "LambdaAuthorizers"]

# Identity-source prefix -> where the value comes from.
_HEADER, _QUERY, _STAGE, _CONTEXT = (
    "method.request.header.",
    "method.request.querystring.",
    "stageVariables.",
    "context.",
)


@dataclass(frozen=True)
class AuthorizerResult:
    """A Lambda authorizer's parsed answer (what the cache keeps)."""

    principal_id: str
    statements: tuple[Mapping[str, t.Any], ...]
    context: Mapping[str, str]
    usage_identifier_key: str | None = None

    def decide(self, method_arn: str) -> None:
        """Raise AuthorizerDenied unless an Allow statement matches and no Deny does."""
        allowed = False
        for statement in self.statements:
            if not (
                _listed(statement.get("Action"), "execute-api:Invoke", action_matches)
                and _listed(statement.get("Resource"), method_arn, arn_matches)
            ):
                continue
            if statement.get("Effect") == "Deny":
                raise AuthorizerDenied(explicit=True)
            allowed = allowed or statement.get("Effect") == "Allow"
        if not allowed:
            raise AuthorizerDenied(explicit=False)


def _listed(patterns: object, subject: str, test: t.Callable[[str, str], bool]) -> bool:
    values = patterns if isinstance(patterns, list) else [patterns] if patterns is not None else []
    return any(test(str(pattern), subject) for pattern in values)


class LambdaAuthorizers:
    """Runs Lambda authorizers through the `Invoker` seam and caches their answers."""

    def __init__(self, invoker: Invoker, clock: Clock = time.time) -> None:
        self._invoker = invoker
        self._clock = clock
        self._cache: dict[tuple[str, tuple[str, ...]], tuple[float, AuthorizerResult]] = {}
        self._patterns: dict[str, re.Pattern[str]] = {}

    async def authorize(
        self,
        authorizer: Authorizer,
        request: GatewayRequest,
        match: RouteMatch,
        identity: RequestIdentity,
        method_arn: str,
        log: ExecutionLog | None,
    ) -> tuple[dict[str, t.Any], str | None]:
        """(`requestContext.authorizer`, usageIdentifierKey); raises Unauthorized, AuthorizerDenied or
        AuthorizerConfigurationError."""
        if log is not None:
            log.add(f"Starting authorizer: {authorizer.id} for request: {identity.request_id}")
        values = self._identity_values(authorizer, request, match, identity, log)
        key = (authorizer.id, values)
        cached = self._cache.get(key) if authorizer.result_ttl_seconds > 0 and values else None
        latency = 0
        if cached is not None and cached[0] > self._clock():
            result = cached[1]
        else:
            started = time.monotonic()
            result = await self._invoke(authorizer, request, match, identity, method_arn, values, log)
            latency = round((time.monotonic() - started) * 1000)
            if authorizer.result_ttl_seconds > 0 and values:
                self._cache[key] = (self._clock() + authorizer.result_ttl_seconds, result)
        try:
            result.decide(method_arn)
        except AuthorizerDenied:
            if log is not None:
                log.add("The client is not authorized to perform this operation.", error=True)
            raise
        if log is not None:
            log.add(f"Using valid authorizer policy for principal: {result.principal_id}")
            log.add("Successfully completed authorizer execution")
        context = {"principalId": result.principal_id, **result.context, "integrationLatency": latency}
        return context, result.usage_identifier_key

    def _identity_values(
        self,
        authorizer: Authorizer,
        request: GatewayRequest,
        match: RouteMatch,
        identity: RequestIdentity,
        log: ExecutionLog | None,
    ) -> tuple[str, ...]:
        sources = [s.strip() for s in authorizer.identity_source.split(",") if s.strip()]
        values = tuple(_source_value(s, request, match, identity) or "" for s in sources)
        valid = all(values) if authorizer.type == "REQUEST" else bool(values and values[0])
        if valid and authorizer.type == "TOKEN" and authorizer.identity_validation_expression:
            pattern = self._patterns.setdefault(
                authorizer.id, re.compile(authorizer.identity_validation_expression)
            )
            valid = pattern.fullmatch(values[0]) is not None
        if sources and not valid:
            if log is not None:
                log.add(f"Unauthorized request: {identity.request_id}", error=True)
            raise Unauthorized(f"identity source missing or not valid for authorizer {authorizer.id}")
        return values

    async def _invoke(
        self,
        authorizer: Authorizer,
        request: GatewayRequest,
        match: RouteMatch,
        identity: RequestIdentity,
        method_arn: str,
        values: tuple[str, ...],
        log: ExecutionLog | None,
    ) -> AuthorizerResult:
        if authorizer.function is None:
            raise _config_error(log, f"authorizer {authorizer.id} names no function of this template")
        if authorizer.type == "TOKEN":
            event: dict[str, t.Any] = {
                "type": "TOKEN",
                "methodArn": method_arn,
                "authorizationToken": values[0],
            }
        else:
            event = _request_event(request, match, identity, method_arn)
        body = encode_event(event)
        if log is not None:
            log.data(f"Endpoint request body after transformations: {body.decode('utf-8', 'replace')}")
        try:
            result = await self._invoker.invoke(authorizer.function, body, trace_id=identity.trace_id)
        except FunctionNotFound:
            raise _config_error(log, f"authorizer function {authorizer.function} not found") from None
        payload = result.payload.decode("utf-8", "replace")
        if log is not None:
            log.data(f"Authorizer result body before parsing: {payload}")
        if result.failed:
            if result.error_message == "Unauthorized":
                if log is not None:
                    log.add(f"Unauthorized request: {identity.request_id}", error=True)
                raise Unauthorized("the authorizer function raised Unauthorized")
            raise _config_error(log, "Authorizer error")
        return _parse(payload, log)


def _source_value(
    source: str, request: GatewayRequest, match: RouteMatch, identity: RequestIdentity
) -> str | None:
    if source.startswith(_HEADER):
        return request.header(source[len(_HEADER) :])
    if source.startswith(_QUERY):
        return _query_value(request.raw_query, source[len(_QUERY) :])
    if source.startswith(_STAGE):
        return match.stage.variables.get(source[len(_STAGE) :])
    if source.startswith(_CONTEXT):
        return _context_value(source[len(_CONTEXT) :], request, match, identity)
    return None


def _query_value(raw_query: str | None, name: str) -> str | None:
    value = None
    for part in (raw_query or "").split("&"):
        key, _, item = part.partition("=")
        if unquote_plus(key) == name:
            value = unquote_plus(item)
    return value


def _context_value(
    name: str, request: GatewayRequest, match: RouteMatch, identity: RequestIdentity
) -> str | None:
    values = {
        "httpMethod": request.method,
        "path": request.raw_path,
        "stage": match.stage.name,
        "resourcePath": match.resource.path,
        "resourceId": match.resource.id,
        "apiId": match.api.id,
        "accountId": identity.account_id,
        "requestId": identity.request_id,
        "identity.sourceIp": request.source_ip,
        "identity.userAgent": request.header("User-Agent"),
    }
    return values.get(name)


def _request_event(
    request: GatewayRequest, match: RouteMatch, identity: RequestIdentity, method_arn: str
) -> dict[str, t.Any]:
    """The REQUEST authorizer's input: the proxy event's request fields without the body."""
    proxy = build_proxy_event(request, match, identity)
    event = {"type": "REQUEST", "methodArn": method_arn}
    for key in (
        "resource",
        "path",
        "httpMethod",
        "headers",
        "multiValueHeaders",
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "stageVariables",
        "requestContext",
    ):
        event[key] = proxy[key]
    return event


def _parse(payload: str, log: ExecutionLog | None) -> AuthorizerResult:
    """The function's answer; raises AuthorizerConfigurationError when it is not a usable policy."""
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = None
    document = answer.get("policyDocument") if isinstance(answer, dict) else None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(answer, dict) or "principalId" not in answer or not isinstance(statements, list):
        raise _config_error(log, f"Invalid JSON in response: {payload}")
    context = answer.get("context") or {}
    if not isinstance(context, dict) or not all(_primitive(value) for value in context.values()):
        raise _config_error(log, "Invalid context: values must be strings, numbers or booleans")
    usage_key = answer.get("usageIdentifierKey")
    return AuthorizerResult(
        principal_id=str(answer["principalId"]),
        statements=tuple(s for s in statements if isinstance(s, Mapping)),
        context={str(k): _text(v) for k, v in context.items() if v is not None},
        usage_identifier_key=str(usage_key) if usage_key is not None else None,
    )


def _primitive(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _text(value: object) -> str:
    """REST APIs pass context values on as strings: `1`, `true` (output doc's numberKey/booleanKey)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _config_error(log: ExecutionLog | None, detail: str) -> AuthorizerConfigurationError:
    if log is not None:
        log.add(f"Execution failed due to configuration error: {detail}", error=True)
    return AuthorizerConfigurationError(detail)
