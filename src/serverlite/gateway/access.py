"""Access control of one request, after routing and the resource policy: authorization (Lambda authorizer,
Cognito user pool or AWS_IAM), then the API key and its usage plan, then the stage's throttle.

Order (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html and
execution logs, reference 5.3): the authorizer runs before "Verifying Usage Plan" (an AUTHORIZER key source
reads the key the authorizer returned); usage plan limits come before the stage's MethodSettings limits
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
Methods with nothing to check are known at start: `applies` is one set lookup on the hot path.
"""

from __future__ import annotations

import logging
import time
import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from serverlite.gateway.cognito import CognitoVerifier, load_jwks
from serverlite.gateway.errors import AuthorizerConfigurationError, Throttled
from serverlite.gateway.events import RequestIdentity
from serverlite.gateway.execution_log import ExecutionLog
from serverlite.gateway.iam import SigV4Verifier, load_credentials
from serverlite.gateway.lambda_authorizers import LambdaAuthorizers
from serverlite.gateway.logs import method_setting
from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.router import RouteMatch
from serverlite.gateway.throttling import Clock, TokenBuckets, limits
from serverlite.gateway.usage_plans import UsagePlans, log_key_not_required
from serverlite.runtime.invoker import Invoker
from serverlite.template.model import ApiKey, Method, RestApi, Throttle, UsagePlan

__all__ = ["AccessControl", "Grant"]

logger = logging.getLogger(__name__)

_AUTHORIZED = frozenset({"AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"})


@dataclass(frozen=True)
class Grant:
    """What access control adds to the event's `requestContext`."""

    authorizer: Mapping[str, t.Any] | None = None
    identity: Mapping[str, str] = field(default_factory=dict)

    def apply(self, request_context: dict[str, t.Any]) -> None:
        """Set `authorizer` and the `identity` fields (apiKey, apiKeyId, IAM caller) in place."""
        if self.authorizer is not None:
            request_context["authorizer"] = dict(self.authorizer)
        if self.identity:
            request_context["identity"] = {**request_context.get("identity", {}), **self.identity}


class AccessControl:
    """Authorizers, API keys, usage plans and stage throttles of every API of the application."""

    def __init__(
        self,
        apis: Sequence[RestApi],
        invoker: Invoker,
        *,
        account_id: str,
        region: str,
        usage_plans: Sequence[UsagePlan] = (),
        api_keys: Sequence[ApiKey] = (),
        jwks_files: Mapping[str, Path] | None = None,
        credentials_file: Path | None = None,
        clock: Clock = time.time,
    ) -> None:
        """Reads the JWKS and credentials files now; raises JwksError or CredentialsError."""
        self._account_id, self._region = account_id, region
        self._lambda = LambdaAuthorizers(invoker, clock)
        self._cognito = CognitoVerifier(
            {pool: load_jwks(path) for pool, path in (jwks_files or {}).items()}, clock
        )
        credentials = load_credentials(credentials_file, account_id) if credentials_file else {}
        self._iam = SigV4Verifier(credentials, region, clock)
        self._plans = UsagePlans(usage_plans, api_keys, clock)
        self._buckets = TokenBuckets(clock)
        self._stage_limits = _stage_limits(apis)
        self._guarded = {
            id(m) for m in _methods(apis) if m.authorization_type in _AUTHORIZED or m.api_key_required
        }
        self._guarded_stages = {(api_id, stage) for api_id, stage, _, _ in self._stage_limits}
        self._warn_unevaluable(apis, bool(credentials))

    @property
    def used(self) -> bool:
        """Whether any method has anything to check."""
        return bool(self._guarded or self._guarded_stages)

    def applies(self, match: RouteMatch) -> bool:
        """Whether the matched method has anything to check (false for plain methods: nothing to do)."""
        return id(match.method) in self._guarded or (match.api.id, match.stage.name) in self._guarded_stages

    async def check(
        self,
        request: GatewayRequest,
        match: RouteMatch,
        identity: RequestIdentity,
        log: ExecutionLog | None,
    ) -> Grant:
        """Authorize, then meter; raises the GatewayError of the first check that fails."""
        method = match.method
        authorizer, fields, usage_key = await self._authorize(request, match, identity, log)
        if method.api_key_required:
            from_authorizer = match.api.api_key_source == "AUTHORIZER"
            value = usage_key if from_authorizer else request.header("x-api-key")
            key = self._plans.check(match, value, identity.request_id, log)
            fields = {**fields, "apiKey": key.value, "apiKeyId": key.id}
        elif log is not None:
            log_key_not_required(log, match, identity.request_id)
        self._stage_throttle(match, log)
        return Grant(authorizer, fields)

    async def _authorize(
        self,
        request: GatewayRequest,
        match: RouteMatch,
        identity: RequestIdentity,
        log: ExecutionLog | None,
    ) -> tuple[Mapping[str, t.Any] | None, dict[str, str], str | None]:
        method = match.method
        if method.authorization_type == "AWS_IAM":
            return None, self._iam.verify(request).identity(), None
        if method.authorization_type not in ("CUSTOM", "COGNITO_USER_POOLS"):
            return None, {}, None
        authorizer = match.api.authorizers.get(method.authorizer_id or "")
        if authorizer is None:
            raise AuthorizerConfigurationError(f"method has no authorizer {method.authorizer_id!r}")
        if authorizer.type == "COGNITO_USER_POOLS":
            header = authorizer.identity_source.removeprefix("method.request.header.").split(",")[0]
            claims = self._cognito.verify(
                authorizer, request.header(header.strip()), method.authorization_scopes, log
            )
            return claims, {}, None
        arn = (
            f"arn:aws:execute-api:{self._region}:{self._account_id}:{match.api.id}/{match.stage.name}"
            f"/{request.method}/{match.path[1:]}"
        )
        context, usage_key = await self._lambda.authorize(authorizer, request, match, identity, arn, log)
        return context, {}, usage_key

    def _stage_throttle(self, match: RouteMatch, log: ExecutionLog | None) -> None:
        key = (match.api.id, match.stage.name, match.resource.path, match.method.http_method)
        throttle = self._stage_limits.get(key)
        if throttle is None:
            return
        rate, burst = limits(throttle)
        if not self._buckets.take(key, rate, burst):
            if log is not None:
                log.add(
                    f"Method throttle limit exceeded for API Stage {match.api.id}/{match.stage.name}, "
                    f"Resource {match.resource.path}, HttpMethod {match.method.http_method}. "
                    f"Limit: {rate:.2f} Burst: {burst}",
                    error=True,
                )
            raise Throttled(f"stage {match.stage.name} throttled {key}")

    def _warn_unevaluable(self, apis: Sequence[RestApi], has_credentials: bool) -> None:
        """Say at start which methods will be denied for want of local keys (never waved through)."""
        for method in _methods(apis):
            if method.authorization_type == "AWS_IAM" and not has_credentials:
                logger.warning("AWS_IAM methods deny every request: no --credentials file was given")
                return


def _methods(apis: Sequence[RestApi]) -> list[Method]:
    return [method for api in apis for resource in api.resources for method in resource.methods.values()]


def _stage_limits(apis: Sequence[RestApi]) -> dict[tuple[str, str, str, str], Throttle]:
    """(api, stage, resource path, method) -> the stage's MethodSettings throttle, where one is set."""
    found = {}
    for api in apis:
        for stage in api.stages.values():
            for resource in api.resources:
                for http_method in resource.methods:
                    setting = method_setting(stage, resource.path, http_method)
                    if setting is None:
                        continue
                    if setting.throttling_rate_limit is None and setting.throttling_burst_limit is None:
                        continue
                    throttle = Throttle(setting.throttling_rate_limit, setting.throttling_burst_limit)
                    found[(api.id, stage.name, resource.path, http_method)] = throttle
    return found
