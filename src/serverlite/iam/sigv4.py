"""Signature Version 4 checked with botocore's own signer: rebuild the request, sign it, compare.

https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html. Only requests signed with
an access key of the credentials map are checked; any other caller (no `Authorization`, or a key the map
does not hold: a developer's own credentials, the AWS CLI, tests) is the local admin principal and is
not checked, so it gets None back.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from serverlite.iam.sessions import RoleSession

__all__ = ["IncompleteSignature", "SignatureMismatch", "SigningError", "TokenInvalid", "verify"]

_ALGORITHM = "AWS4-HMAC-SHA256"


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
    signed_headers: tuple[str, ...]
    signature: str


def verify(
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    session_of: Callable[[str], RoleSession | None],
) -> RoleSession | None:
    """The role session that signed the request, or None for an unchecked caller.

    `headers` are lower-cased names (first value of repeated fields). Raises SigningError.
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
    expected = _signature(method, path, headers, body, session, parsed)
    if not hmac.compare_digest(expected, parsed.signature):
        raise SignatureMismatch(parsed.access_key_id)
    return session


def _signature(
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    session: RoleSession,
    parsed: _Authorization,
) -> str:
    signer = _Signer(
        Credentials(session.access_key_id, session.secret_access_key, session.session_token),
        parsed.service,
        parsed.region,
        parsed.signed_headers,
    )
    request = AWSRequest(
        method=method,
        url=f"http://{headers.get('host', 'localhost')}{path}",
        headers=dict(headers),
        data=body,
    )
    request.context["timestamp"] = headers.get("x-amz-date", "")
    canonical = signer.canonical_request(request)
    return str(signer.signature(signer.string_to_sign(request, canonical), request))


class _Signer(SigV4Auth):  # type: ignore[misc]  # botocore ships no type hints
    """botocore's SigV4 with the header list the client signed."""

    def __init__(self, credentials: Credentials, service: str, region: str, signed: tuple[str, ...]) -> None:
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        headers = HTTPHeaders()
        for name in self._signed:
            value = request.headers.get(name)
            if value is not None:
                headers[name] = value
        return headers


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
        signed_headers=tuple(name.lower() for name in fields["SignedHeaders"].split(";")),
        signature=fields["Signature"],
    )
