"""Access control of HTTP API routes: throttling, then the route's authorization (JWT, Lambda, AWS_IAM).

Throttling (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html): a token
bucket per route and stage; a route's `RouteSettings` limits win over the stage's `DefaultRouteSettings`,
an unset limit falls back to the next level and finally to the account's (10,000 rps, burst 5,000); an
empty bucket is 429 `{"message":"Too Many Requests"}`. The limits of every route are worked out at start,
so a route without any is one dictionary lookup.

AWS_IAM (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html):
SigV4 checked as for REST APIs (iam.py) against `--credentials`; the caller reaches the 2.0 event as
`requestContext.authorizer.iam` (shape: https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html).
A request without a signature is 403 `{"message":"Forbidden"}`; a wrong signature is 403 with the SigV4
checker's message.
"""

from __future__ import annotations

import logging
import time
import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from serverlite.gateway.cognito import load_jwks
from serverlite.gateway.errors import GatewayError, MissingAuthenticationToken
from serverlite.gateway.events import RequestIdentity
from serverlite.gateway.iam import LocalCredential, SigV4Verifier, load_credentials
from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.throttling import ACCOUNT_BURST, ACCOUNT_RATE, Clock, TokenBuckets
from serverlite.gateway.v2.errors import Forbidden, HttpApiError, InternalServerError, TooManyRequests
from serverlite.gateway.v2.events import EventScope
from serverlite.gateway.v2.jwt import JwtVerifier
from serverlite.gateway.v2.lambda_authorizers import HttpLambdaAuthorizers
from serverlite.gateway.v2.router import HttpMatch
from serverlite.runtime.invoker import Invoker
from serverlite.template.model import HttpApi, Throttle

__all__ = ["HttpAccess", "HttpGrant", "iam_caller", "signature_error"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpGrant:
    """What authorization adds to the events: `v2` is 2.0's `requestContext.authorizer`, `v1` 1.0's,
    `identity` 1.0's IAM caller fields; `log` holds the `$context.authorizer.*` access-log values."""

    v2: Mapping[str, t.Any] | None = None
    v1: Mapping[str, t.Any] | None = None
    identity: Mapping[str, t.Any] = field(default_factory=dict)
    log: Mapping[str, t.Any] = field(default_factory=dict)


def iam_caller(credential: LocalCredential) -> dict[str, t.Any]:
    """`requestContext.authorizer.iam` of a SigV4 caller (2.0 events and function URLs)."""
    identity = credential.identity()
    return {
        "accessKey": identity["accessKey"],
        "accountId": identity["accountId"],
        "callerId": identity["caller"],
        "cognitoIdentity": None,
        "principalOrgId": None,
        "userArn": identity["userArn"],
        "userId": identity["user"],
    }


def signature_error(error: GatewayError) -> HttpApiError:
    """A SigV4 failure as HTTP APIs answer it: no signature is `Forbidden`, others keep their message."""
    if isinstance(error, MissingAuthenticationToken):
        return Forbidden("AWS_IAM route called without a signature")
    refused = HttpApiError(error.detail)
    refused.status, refused.message, refused.response_type = 403, error.error_message(), "ACCESS_DENIED"
    return refused


class HttpAccess:
    """Authorizers and throttles of every HTTP API of the application."""

    def __init__(
        self,
        apis: Sequence[HttpApi],
        invoker: Invoker,
        *,
        account_id: str,
        region: str,
        jwks_files: Mapping[str, Path] | None = None,
        credentials_file: Path | None = None,
        clock: Clock = time.time,
    ) -> None:
        """Reads the JWKS and credentials files now; raises JwksError or CredentialsError."""
        self._account_id, self._region = account_id, region
        uses_jwt = any(a.type == "JWT" for api in apis for a in api.authorizers.values())
        documents = {name: load_jwks(path) for name, path in (jwks_files or {}).items()} if uses_jwt else {}
        self._jwt = JwtVerifier(documents, clock) if uses_jwt else None
        self._lambda = HttpLambdaAuthorizers(invoker, clock)
        credentials = load_credentials(credentials_file, account_id) if credentials_file else {}
        self._iam = SigV4Verifier(credentials, region, clock)
        self._buckets = TokenBuckets(clock)
        self._limits = _route_limits(apis)
        self._warn(apis, bool(credentials))

    def throttle(self, match: HttpMatch) -> None:
        """Take a token of the route's bucket; raises TooManyRequests."""
        key = (match.api.id, match.stage.name, match.route.route_key)
        limits = self._limits.get(key)
        if limits is not None and not self._buckets.take(key, *limits):
            raise TooManyRequests(f"{match.route.route_key} throttled in stage {match.stage.name}")

    async def authorize(
        self, request: GatewayRequest, match: HttpMatch, scope: EventScope, identity: RequestIdentity
    ) -> HttpGrant | None:
        """The route's authorization; raises an HttpApiError."""
        route = match.route
        if route.authorization_type == "AWS_IAM":
            return self._sigv4(request)
        if route.authorization_type not in ("JWT", "CUSTOM"):
            return None
        authorizer = match.api.authorizers.get(route.authorizer_id or "")
        if authorizer is None:
            raise InternalServerError(f"route {route.route_key} has no authorizer {route.authorizer_id!r}")
        if authorizer.type == "JWT":
            assert self._jwt is not None
            source = _header(request, authorizer.identity_source[0]) if authorizer.identity_source else None
            jwt = self._jwt.verify(authorizer, source, route.authorization_scopes)
            claims = dict(jwt.claims)
            return HttpGrant(
                v2={"jwt": {"claims": claims, "scopes": jwt.scopes}},
                v1={"claims": claims, "scopes": jwt.scopes},
                log={f"authorizer.claims.{name}": value for name, value in claims.items()},
            )
        arn = route_arn(self._region, self._account_id, match, request)
        grant = await self._lambda.authorize(authorizer, request, scope, identity, arn)
        context = dict(grant.context)
        v1 = {**({"principalId": grant.principal_id} if grant.principal_id else {}), **context}
        log = {
            f"authorizer.{name}": value
            for name, value in context.items()
            if not isinstance(value, (dict, list))
        }
        if grant.principal_id:
            log["authorizer.principalId"] = grant.principal_id
        return HttpGrant(v2={"lambda": context}, v1={**v1, "integrationLatency": grant.latency_ms}, log=log)

    def _sigv4(self, request: GatewayRequest) -> HttpGrant:
        try:
            credential = self._iam.verify(request)
        except GatewayError as error:
            raise signature_error(error) from None
        fields = credential.identity()
        return HttpGrant(
            v2={"iam": iam_caller(credential)},
            v1=None,
            identity=fields,
            log={f"identity.{name}": value for name, value in fields.items()},
        )

    def _warn(self, apis: Sequence[HttpApi], has_credentials: bool) -> None:
        """Say at start which routes will refuse every request for want of local keys."""
        routes = [route for api in apis for route in api.routes]
        if not has_credentials and any(route.authorization_type == "AWS_IAM" for route in routes):
            logger.warning(
                "AWS_IAM routes of HTTP APIs refuse every request: no --credentials file was given"
            )
        for api in apis:
            for authorizer in api.authorizers.values():
                if authorizer.type == "JWT" and self._jwt is not None and not self._jwt.has_keys(authorizer):
                    logger.warning(
                        "JWT authorizer %s refuses every request: no --jwks for issuer %s",
                        authorizer.name,
                        authorizer.issuer,
                    )


def route_arn(region: str, account_id: str, match: HttpMatch, request: GatewayRequest) -> str:
    """`arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`, the request's own path."""
    raw = request.raw_path
    if match.stage.name != "$default":
        raw = raw[len(match.stage.name) + 1 :] or "/"
    return (
        f"arn:aws:execute-api:{region}:{account_id}:{match.api.id}/{match.stage.name}/{request.method}{raw}"
    )


def _header(request: GatewayRequest, source: str) -> str | None:
    """A JWT authorizer's identity source: `$request.header.Authorization`."""
    name = source.removeprefix("$request.header.")
    return request.header(name) if name != source else None


def _route_limits(apis: Sequence[HttpApi]) -> dict[tuple[str, str, str], tuple[float, int]]:
    """(api, stage, route key) -> (rate, burst) wherever a stage sets a limit."""
    found = {}
    for api in apis:
        for stage in api.stages.values():
            for route in api.routes:
                own = stage.route_throttles.get(route.route_key)
                if own is None and stage.default_throttle is None:
                    continue
                found[(api.id, stage.name, route.route_key)] = _merged(own, stage.default_throttle)
    return found


def _merged(own: Throttle | None, default: Throttle | None) -> tuple[float, int]:
    levels = [level for level in (own, default) if level is not None]
    rate = next((level.rate_limit for level in levels if level.rate_limit is not None), ACCOUNT_RATE)
    burst = next((level.burst_limit for level in levels if level.burst_limit is not None), ACCOUNT_BURST)
    return rate, burst
