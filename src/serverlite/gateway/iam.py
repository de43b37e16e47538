"""AWS_IAM authorization: Signature Version 4 checked with botocore's own signer against local credentials.

The credentials file is ini like `~/.aws/credentials` (`[profile]` with `aws_access_key_id`,
`aws_secret_access_key`, optionally `aws_session_token`; serverlite also reads optional `user_arn` and
`account_id`). A request signed by one of them, for service `execute-api` in this region, within 5 minutes
of now, is authenticated; its caller fields fill `requestContext.identity` (reference 1.3). There are no
IAM identity policies locally: an authenticated caller may invoke (the resource policy still applies).
Failures (403): no `Authorization` header -> Missing Authentication Token; an unknown key ->
UnrecognizedClientException; a wrong signature -> InvalidSignatureException (messages: see errors.py).
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
"""

from __future__ import annotations

import configparser
import datetime
import functools
import hashlib
import hmac
import time
import typing as t
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from serverlite.gateway.errors import (
    IncompleteSignature,
    InvalidSignature,
    MissingAuthenticationToken,
    SignatureRejected,
    UnrecognizedClient,
)
from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.throttling import Clock
from serverlite.template.physical import short_id

__all__ = ["CredentialsError", "LocalCredential", "SigV4Verifier", "load_credentials"]

_ALGORITHM = "AWS4-HMAC-SHA256"
_SERVICE = "execute-api"
_SKEW = datetime.timedelta(minutes=5)
_UNSIGNED = ("UNSIGNED-PAYLOAD",)


class CredentialsError(ValueError):
    """A `--credentials` file that cannot be used."""


@dataclass(frozen=True)
class LocalCredential:
    """One profile of the credentials file."""

    profile: str
    access_key_id: str
    secret_access_key: str
    account_id: str
    session_token: str | None = None
    user_arn: str | None = None

    def identity(self) -> dict[str, str]:
        """The `requestContext.identity` fields of an IAM user caller."""
        user_id = "AIDA" + short_id(f"user:{self.profile}", 17).upper()
        arn = self.user_arn or f"arn:aws:iam::{self.account_id}:user/{self.profile}"
        return {
            "accessKey": self.access_key_id,
            "accountId": self.account_id,
            "caller": user_id,
            "user": user_id,
            "userArn": arn,
        }


def load_credentials(path: Path, account_id: str) -> dict[str, LocalCredential]:
    """Access key id -> credential, from an ini file; raises CredentialsError."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except (OSError, configparser.Error) as error:
        raise CredentialsError(f"{path}: {error}") from None
    found = {}
    for profile in parser.sections():
        section = parser[profile]
        key, secret = section.get("aws_access_key_id"), section.get("aws_secret_access_key")
        if not key or not secret:
            raise CredentialsError(f"{path}: [{profile}] needs aws_access_key_id and aws_secret_access_key")
        found[key] = LocalCredential(
            profile=profile,
            access_key_id=key,
            secret_access_key=secret,
            account_id=section.get("account_id", account_id),
            session_token=section.get("aws_session_token"),
            user_arn=section.get("user_arn"),
        )
    return found


@dataclass(frozen=True)
class _Authorization:
    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


class SigV4Verifier:
    """Checks SigV4 `Authorization` headers."""

    def __init__(
        self,
        credentials: Mapping[str, LocalCredential],
        region: str,
        clock: Clock = time.time,
        *,
        service: str = _SERVICE,
    ) -> None:
        """`service`: what the credential scope must name (`execute-api`; `lambda` for function URLs)."""
        self._credentials = dict(credentials)
        self._region = region
        self._clock = clock
        self._service = service

    def verify(self, request: GatewayRequest) -> LocalCredential:
        """The signer's credential; raises a 403 GatewayError."""
        header = request.header("Authorization")
        if not header:
            raise MissingAuthenticationToken("AWS_IAM method called without Authorization")
        parsed = _parse(header)
        credential = self._credentials.get(parsed.access_key_id)
        if credential is None:
            raise UnrecognizedClient()
        if parsed.service != self._service:
            raise SignatureRejected(f"Credential should be scoped to correct service: '{self._service}'. ")
        if parsed.region != self._region:
            raise SignatureRejected("Credential should be scoped to a valid region. ")
        timestamp = request.header("X-Amz-Date") or ""
        self._check_time(timestamp)
        if credential.session_token and request.header("X-Amz-Security-Token") != credential.session_token:
            raise UnrecognizedClient()
        expected = self._signature(request, credential, parsed, timestamp)
        if not hmac.compare_digest(expected, parsed.signature):
            raise InvalidSignature()
        return credential

    def _check_time(self, timestamp: str) -> None:
        try:
            signed = datetime.datetime.strptime(timestamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
        except ValueError:
            raise IncompleteSignature(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
            ) from None
        now = datetime.datetime.fromtimestamp(self._clock(), datetime.UTC)
        stamp = "%Y%m%dT%H%M%SZ"
        if signed < now - _SKEW:
            raise SignatureRejected(
                f"Signature expired: {timestamp} is now earlier than {(now - _SKEW).strftime(stamp)} "
                f"({now.strftime(stamp)} - 5 min.)"
            )
        if signed > now + _SKEW:
            raise SignatureRejected(
                f"Signature not yet current: {timestamp} is still later than {(now + _SKEW).strftime(stamp)} "
                f"({now.strftime(stamp)} + 5 min.)"
            )

    def _signature(
        self, request: GatewayRequest, credential: LocalCredential, parsed: _Authorization, timestamp: str
    ) -> str:
        content_hash = request.header("X-Amz-Content-SHA256")
        if content_hash and content_hash not in _UNSIGNED:
            if content_hash != hashlib.sha256(request.body).hexdigest():
                raise InvalidSignature()
        # botocore (~0.1 s to import) is loaded by the first signed request, not by every start.
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        signer = _signer_class()(
            Credentials(credential.access_key_id, credential.secret_access_key, credential.session_token),
            parsed.service,
            parsed.region,
            parsed.signed_headers,
        )
        aws_request = AWSRequest(
            method=request.method,
            url=f"{request.scheme}://{request.host or 'localhost'}{request.target}",
            headers=_joined(request.headers),
            data=request.body,
        )
        aws_request.context["timestamp"] = timestamp
        canonical = signer.canonical_request(aws_request)
        return str(signer.signature(signer.string_to_sign(aws_request, canonical), aws_request))


@functools.cache
def _signer_class() -> type[t.Any]:
    """botocore's SigV4 with the header list the client signed (a class made on first use)."""
    from botocore.auth import SigV4Auth
    from botocore.compat import HTTPHeaders

    class Signer(SigV4Auth):  # type: ignore[misc]  # botocore ships no type hints
        def __init__(self, credentials: t.Any, service: str, region: str, signed: tuple[str, ...]) -> None:
            super().__init__(credentials, service, region)
            self._signed = signed

        def headers_to_sign(self, request: t.Any) -> t.Any:
            headers = HTTPHeaders()
            for name in self._signed:
                value = request.headers.get(name)
                if value is not None:
                    headers[name] = value
            return headers

    return Signer


def _joined(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Repeated headers as one comma-joined value, as SigV4 canonicalizes them."""
    joined: dict[str, str] = {}
    names: dict[str, str] = {}
    for name, value in headers:
        first = names.setdefault(name.lower(), name)
        joined[first] = f"{joined[first]},{value}" if first in joined else value
    return joined


def _parse(header: str) -> _Authorization:
    """`AWS4-HMAC-SHA256 Credential=<key>/<scope>, SignedHeaders=<names>, Signature=<hex>`."""
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != _ALGORITHM:
        raise IncompleteSignature(
            f"Authorization header requires 'Credential' parameter. Authorization={header}"
        )
    fields = {}
    for part in rest.split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    missing = [name for name in ("Credential", "Signature", "SignedHeaders") if not fields.get(name)]
    if missing:
        text = " ".join(f"Authorization header requires '{name}' parameter." for name in missing)
        raise IncompleteSignature(f"{text} Authorization={header}")
    scope = fields["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise IncompleteSignature(f"Credential should be scoped to a valid region. Authorization={header}")
    return _Authorization(
        access_key_id=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=tuple(name.lower() for name in fields["SignedHeaders"].split(";")),
        signature=fields["Signature"],
    )
