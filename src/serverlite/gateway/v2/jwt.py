"""JWT authorizers of HTTP APIs: the token is checked locally against a JWKS file given with `--jwks`
(serverlite never fetches the issuer's `jwks_uri`).

https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html: the identity
source holds the token, alone or prefixed with `Bearer`; its signature must verify with the issuer's key of
the token's `kid` (RSA algorithms); `iss` must equal the authorizer's issuer; `aud` must match one of its
audiences (`client_id` is checked only when `aud` is absent); `exp` must be in the future, `nbf` and `iat` in
the past; a route with scopes needs one of them in `scope` (or `scp`). A failure is 401
`{"message":"Unauthorized"}` with a `www-authenticate` header that says why (exact forms in
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html and a capture,
code index 66992138772: `Bearer` alone when there is no token, else
`Bearer scope="" error="invalid_token" error_description="..."`); missing scopes are 403 `Forbidden` with
`error="insufficient_scope"`. The `--jwks` key is the issuer URL, the last part of its path (a Cognito user
pool id) or the authorizer's name.
"""

from __future__ import annotations

import json
import logging
import time
import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from serverlite.gateway.throttling import Clock
from serverlite.gateway.v2.errors import Forbidden, Unauthorized
from serverlite.template.model import HttpAuthorizer

__all__ = ["JwtGrant", "JwtVerifier"]

logger = logging.getLogger(__name__)

_ALGORITHMS = ["RS256", "RS384", "RS512"]


@dataclass(frozen=True)
class JwtGrant:
    """A valid token's claims (as HTTP APIs pass them on: strings) and the scopes the route asked for."""

    claims: Mapping[str, str]
    scopes: list[str] | None


class JwtVerifier:
    """Checks JWTs against local JWKS documents."""

    def __init__(self, jwks: Mapping[str, Mapping[str, t.Any]], clock: Clock = time.time) -> None:
        import jwt  # PyJWT: only needed when a JWT authorizer is used

        self._clock = clock
        self._keys = {name: jwt.PyJWKSet.from_dict(dict(document)) for name, document in jwks.items()}

    def has_keys(self, authorizer: HttpAuthorizer) -> bool:
        """Whether a JWKS was given for the authorizer (else every request is refused)."""
        return self._key_set(authorizer) is not None

    def verify(self, authorizer: HttpAuthorizer, source: str | None, route_scopes: Sequence[str]) -> JwtGrant:
        """The token's claims; raises Unauthorized or Forbidden."""
        import jwt

        token = (source or "").strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        if not token:
            raise Unauthorized("no token in the identity source", [("www-authenticate", "Bearer")])
        key_set = self._key_set(authorizer)
        if key_set is None:
            logger.warning(
                "JWT authorizer %s: no JWKS for issuer %s; pass --jwks %s=PATH. Request refused.",
                authorizer.name,
                authorizer.issuer,
                authorizer.issuer,
            )
            raise _invalid("no signing key is configured locally for the issuer")
        try:
            claims = self._decode(jwt, key_set, token)
        except jwt.PyJWTError as error:
            raise _invalid(_description(error)) from None
        self._check_claims(authorizer, claims)
        granted = _granted(claims)
        if route_scopes and not set(granted) & set(route_scopes):
            wanted = " ".join(route_scopes)
            raise Forbidden(
                "the token has none of the route's scopes",
                [
                    (
                        "www-authenticate",
                        f'Bearer scope="{wanted}" error="insufficient_scope" '
                        f'error_description="expected scopes: [{wanted}]"',
                    )
                ],
            )
        return JwtGrant(
            {name: _claim_text(value) for name, value in claims.items()}, granted if route_scopes else None
        )

    def _key_set(self, authorizer: HttpAuthorizer) -> t.Any:
        issuer = (authorizer.issuer or "").rstrip("/")
        for name in (
            authorizer.issuer or "",
            issuer,
            issuer.rsplit("/", 1)[-1],
            authorizer.name,
            authorizer.id,
        ):
            if name and name in self._keys:
                return self._keys[name]
        return None

    def _decode(self, jwt: t.Any, key_set: t.Any, token: str) -> dict[str, t.Any]:
        kid = jwt.get_unverified_header(token).get("kid")
        try:
            key = key_set[kid]
        except KeyError:
            raise jwt.InvalidKeyError("the token's kid is not in the issuer's key set") from None
        options = {"verify_aud": False, "verify_exp": False, "verify_nbf": False, "verify_iat": False}
        decoded: dict[str, t.Any] = jwt.decode(token, key=key.key, algorithms=_ALGORITHMS, options=options)
        return decoded

    def _check_claims(self, authorizer: HttpAuthorizer, claims: Mapping[str, t.Any]) -> None:
        now = self._clock()
        if claims.get("iss") != authorizer.issuer:
            raise _invalid("the token does not have a valid issuer")
        audience = claims.get("aud", claims.get("client_id"))
        audiences = audience if isinstance(audience, list) else [audience]
        if authorizer.audience and not set(map(str, audiences)) & set(authorizer.audience):
            raise _invalid("the token does not have a valid audience")
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= now:
            raise _invalid("the token has expired")
        for name in ("nbf", "iat"):
            if isinstance(claims.get(name), (int, float)) and claims[name] > now:
                raise _invalid(f"the token's {name} is in the future")


def _invalid(description: str) -> Unauthorized:
    header = f'Bearer scope="" error="invalid_token" error_description="{description}"'
    return Unauthorized(description, [("www-authenticate", header)])


def _description(error: Exception) -> str:
    """PyJWT's reason in the words of the authorizer's header where AWS's are known."""
    import jwt

    if isinstance(error, jwt.DecodeError) and "segments" in str(error).lower():
        return "token contains an invalid number of segments"
    if isinstance(error, jwt.InvalidSignatureError):
        return "the token signature is invalid"
    return str(error)


def _granted(claims: Mapping[str, t.Any]) -> list[str]:
    scopes = claims.get("scope", claims.get("scp", ""))
    return [str(scope) for scope in scopes] if isinstance(scopes, list) else str(scopes).split()


def _claim_text(value: object) -> str:
    """Claims reach the integration as strings: `1700000000`, `true`, `[admin users]` for a list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(_claim_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
