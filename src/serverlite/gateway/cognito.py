"""Cognito user pool authorizers (COGNITO_USER_POOLS): the token's signature is checked against a JWKS
file given locally (`--jwks POOL=PATH`), since serverlite never calls Cognito.

Rules (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html,
https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html):
the raw token is the identity-source header (default `Authorization`); RS256 signature by a key of the pool's
JWKS, `exp` in the future, `iss` = `https://cognito-idp.<region>.amazonaws.com/<poolId>`; without OAuth
scopes on the method the token must be an ID token, with scopes an access token whose `scope` holds one
of them. Anything else -> 401 Unauthorized. Claims reach `requestContext.authorizer.claims` as strings,
`exp`/`iat` in Java `Date.toString()` form ("Sun Dec 17 07:28:12 UTC 2017"; code index sample
`requestContext.authorizer.claims` of a REST event).
"""

from __future__ import annotations

import json
import logging
import re
import time
import typing as t
from collections.abc import Mapping
from pathlib import Path

from serverlite.gateway.errors import Unauthorized
from serverlite.gateway.execution_log import ExecutionLog, test_invoke_time
from serverlite.gateway.throttling import Clock
from serverlite.template.model import Authorizer

__all__ = ["CognitoVerifier", "JwksError", "load_jwks"]

logger = logging.getLogger(__name__)

_POOL_ID = re.compile(r"^[\w-]+_[0-9A-Za-z]+$")
_DATE_CLAIMS = ("exp", "iat")


class JwksError(ValueError):
    """A `--jwks` file that cannot be used."""


def load_jwks(path: Path) -> dict[str, t.Any]:
    """A JWKS document (`{"keys": [...]}`) from a file; raises JwksError."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise JwksError(f"{path}: not a JWKS JSON file: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JwksError(f'{path}: a JWKS file holds {{"keys": [...]}}')
    return document


class CognitoVerifier:
    """Verifies Cognito tokens against local JWKS documents keyed by pool id, pool ARN or logical id."""

    def __init__(self, jwks: Mapping[str, Mapping[str, t.Any]], clock: Clock = time.time) -> None:
        self._clock = clock
        self._keys: dict[str, t.Any] = {}
        for pool, document in jwks.items():
            self._keys[pool] = _key_set(pool, document)

    def verify(
        self, authorizer: Authorizer, token: str | None, scopes: t.Sequence[str], log: ExecutionLog | None
    ) -> dict[str, t.Any]:
        """`requestContext.authorizer` (`{"claims": {...}}`); raises Unauthorized."""
        if not token:
            raise _unauthorized(log, "no token in the identity source")
        import jwt  # PyJWT: only needed when a Cognito authorizer is used

        for arn in authorizer.provider_arns:
            pool_id = arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            key_set = self._keys.get(arn) or self._keys.get(pool_id)
            if key_set is None:
                # Unevaluable: deny, never wave through.
                logger.warning(
                    "Cognito authorizer %s: no JWKS for user pool %s; pass --jwks %s=PATH. Request denied.",
                    authorizer.name,
                    arn,
                    pool_id,
                )
                continue
            try:
                claims = self._decode(jwt, key_set, token, arn, pool_id)
            except jwt.PyJWTError as error:
                raise _unauthorized(log, f"token not valid: {error}") from None
            _check_use(claims, scopes, log)
            return {"claims": {name: _claim_text(name, value) for name, value in claims.items()}}
        raise _unauthorized(log, "no user pool of the authorizer has a JWKS")

    def _decode(self, jwt: t.Any, key_set: t.Any, token: str, arn: str, pool_id: str) -> dict[str, t.Any]:
        kid = jwt.get_unverified_header(token).get("kid")
        try:
            key = key_set[kid]
        except KeyError:
            raise jwt.InvalidKeyError(f"no key {kid!r} in the pool's JWKS") from None
        claims: dict[str, t.Any] = jwt.decode(
            token,
            key=key.key,
            algorithms=["RS256"],
            options={"verify_aud": False, "verify_iat": False, "require": ["exp", "iss"]},
            leeway=0,
        )
        if claims["exp"] <= self._clock():
            raise jwt.ExpiredSignatureError("Signature has expired")
        if _POOL_ID.match(pool_id):
            region = pool_id.split("_", 1)[0]
            issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
            if claims["iss"] != issuer:
                raise jwt.InvalidIssuerError(f"iss {claims['iss']!r} is not {issuer!r}")
        return claims


def _key_set(pool: str, document: Mapping[str, t.Any]) -> t.Any:
    import jwt

    try:
        return jwt.PyJWKSet.from_dict(dict(document))
    except jwt.PyJWKError as error:
        raise JwksError(f"JWKS of {pool}: {error}") from None


def _check_use(claims: Mapping[str, t.Any], scopes: t.Sequence[str], log: ExecutionLog | None) -> None:
    if not scopes:
        if claims.get("token_use") != "id":
            raise _unauthorized(log, "the method has no scopes, so it takes an ID token")
        return
    granted = str(claims.get("scope", "")).split()
    if claims.get("token_use") != "access" or not set(granted) & set(scopes):
        raise _unauthorized(log, f"the access token has none of the scopes {', '.join(scopes)}")


def _claim_text(name: str, value: object) -> str:
    if name in _DATE_CLAIMS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return test_invoke_time(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)  # e.g. cognito:groups [?]: not confirmed on AWS
    return str(value)


def _unauthorized(log: ExecutionLog | None, detail: str) -> Unauthorized:
    if log is not None:
        log.add(f"Unauthorized request: {detail}", error=True)
    return Unauthorized(detail)
