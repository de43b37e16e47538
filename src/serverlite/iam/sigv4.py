"""Signature Version 4, verified by rebuilding the signature from the raw request.

https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html, in the form botocore's
`SigV4Auth` signs (the reference the unit tests check this against): the canonical request is the method,
the URI path normalised and percent-encoded again (non-S3 services double-encode), the query pairs sorted,
`name:value` for each header `SignedHeaders` lists (values trimmed, inner whitespace collapsed), the
`SignedHeaders` list itself, and the SHA-256 of the body (DynamoDB clients send no
`X-Amz-Content-Sha256`; one that is sent must equal it, so a signed header cannot vouch for another
body). The method is taken as received, not upper-cased. The signing key is derived once per (secret,
date, region, service): a botocore round trip cost about 45 µs, this about 7 (a GetItem body).

Only requests signed with an access key of the credentials map are checked; any other caller (no
`Authorization`, or a key the map does not hold: a developer's own credentials, the AWS CLI, tests) is the
local admin principal and is not checked, so it gets None back.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from serverlite.iam.sessions import RoleSession

__all__ = ["IncompleteSignature", "SignatureMismatch", "SigningError", "TokenInvalid", "verify"]

_ALGORITHM = "AWS4-HMAC-SHA256"
_KEY_CACHE_LIMIT = 1024
_PATH_CACHE_LIMIT = 256


class SigningError(Exception):
    """A request signed with a mapped key that does not verify."""


class SignatureMismatch(SigningError):
    """The signature differs from the one computed with the session's secret."""


class TokenInvalid(SigningError):
    """The session token does not belong to the access key."""


class IncompleteSignature(SigningError):
    """An `Authorization` header that is not a complete SigV4 one."""


@dataclass(frozen=True)
class _Authorization:
    access_key_id: str
    region: str
    service: str
    signed_headers: str  # as the client listed them, `;`-separated, lower case
    signature: str


def verify(
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    session_of: Callable[[str], RoleSession | None],
) -> RoleSession | None:
    """The role session that signed the request, or None for an unchecked caller.

    `path` is the request target as received (query string included); `headers` are lower-cased names
    (first value of repeated fields). Raises SigningError.
    """
    header = headers.get("authorization", "")
    if not header.startswith(_ALGORITHM):
        return None
    fields = _fields(header)
    session = session_of(fields.get("Credential", "").split("/", 1)[0])
    if session is None:
        return None
    parsed = _parse(header, fields)
    if headers.get("x-amz-security-token", session.session_token) != session.session_token:
        raise TokenInvalid(parsed.access_key_id)
    expected = _signature(method, path, headers, body, session.secret_access_key, parsed)
    if not hmac.compare_digest(expected, parsed.signature):
        raise SignatureMismatch(parsed.access_key_id)
    return session


def _signature(
    method: str, target: str, headers: Mapping[str, str], body: bytes, secret: str, parsed: _Authorization
) -> str:
    """The hex signature of a request as the holder of `secret` computes it; raises SignatureMismatch
    when a header the client says it signed is absent."""
    timestamp = headers.get("x-amz-date", "")
    scope = f"{timestamp[:8]}/{parsed.region}/{parsed.service}/aws4_request"
    canonical = _canonical_request(method, target, headers, body, parsed)
    string_to_sign = f"{_ALGORITHM}\n{timestamp}\n{scope}\n{hashlib.sha256(canonical).hexdigest()}"
    key = _signing_key(secret, timestamp[:8], parsed.region, parsed.service)
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _canonical_request(
    method: str, target: str, headers: Mapping[str, str], body: bytes, parsed: _Authorization
) -> bytes:
    path, _, query = target.partition("?")
    lines = [method, _canonical_path(path), _canonical_query(query)]
    for name in parsed.signed_headers.split(";"):
        value = headers.get(name)
        if value is None:
            raise SignatureMismatch(parsed.access_key_id)
        lines.append(f"{name}:{' '.join(value.split())}")
    payload = hashlib.sha256(body).hexdigest()
    if (
        headers.get("x-amz-content-sha256", payload) != payload
    ):  # stricter than AWS for S3: no UNSIGNED-PAYLOAD
        raise SignatureMismatch(parsed.access_key_id)
    lines += ["", parsed.signed_headers, payload]
    return "\n".join(lines).encode()


_paths: dict[str, str] = {}


def _canonical_path(path: str) -> str:
    """The path normalised (dot segments) and percent-encoded once more, as botocore signs it."""
    canonical = _paths.get(path)
    if canonical is None:
        if len(_paths) >= _PATH_CACHE_LIMIT:
            _paths.clear()
        canonical = _paths[path] = quote(_remove_dot_segments(path or "/"), safe="/~")
    return canonical


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, and empty segments dropped, as botocore's `remove_dot_segments` does."""
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and kept else ""
    return first + "/".join(kept) + last


def _canonical_query(query: str) -> str:
    if not query:
        return ""
    pairs = sorted(pair.partition("=")[::2] for pair in query.split("&"))
    return "&".join(f"{key}={value}" for key, value in pairs)


_keys: dict[tuple[str, str, str, str], bytes] = {}


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """HMAC chain `AWS4<secret>` -> date -> region -> service -> `aws4_request`, kept per scope."""
    cached = (secret, date, region, service)
    key = _keys.get(cached)
    if key is None:
        key = f"AWS4{secret}".encode()
        for part in (date, region, service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        if len(_keys) >= _KEY_CACHE_LIMIT:
            _keys.clear()
        _keys[cached] = key
    return key


def _fields(header: str) -> dict[str, str]:
    """The fields of `AWS4-HMAC-SHA256 Credential=<key>/<scope>, SignedHeaders=<names>, Signature=<hex>`."""
    fields = {}
    for part in header[len(_ALGORITHM) :].split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    return fields


def _parse(header: str, fields: Mapping[str, str]) -> _Authorization:
    scope = fields.get("Credential", "").split("/")
    if len(scope) != 5 or not fields.get("SignedHeaders") or not fields.get("Signature"):
        raise IncompleteSignature(header)
    return _Authorization(
        access_key_id=scope[0],
        region=scope[2],
        service=scope[3],
        signed_headers=fields["SignedHeaders"].lower(),
        signature=fields["Signature"],
    )
