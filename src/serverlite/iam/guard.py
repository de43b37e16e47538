"""Service-neutral IAM checks for servers other than DynamoDB: who signed, and may that role do this.

A server asks `authenticate` (before looking at the request) and then `authorize` once per action the
request needs; each answers None to go on or a `Denial` (an AWS error code and message) that the server
renders in its own protocol's error form. Rules as the DynamoDB hook applies them (issue 10): only
callers signing with an access key of the credentials map are checked, every other caller is the local
admin principal; the map's `mode` decides (`off`: nothing is rejected, `warn`: a would-be denial is logged
with the statement to add, `enforce`: it is answered); with `record`, each authorized action is appended
to `<data dir>/iam/access.jsonl` for `serverlite validate`.

Messages, as AWS words them:

* denial: `User: <assumed-role ARN> is not authorized to perform: <action> on resource: <ARN> because no
  identity-based policy allows the <action> action`, or `... with an explicit deny in an identity-based
  policy` (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html; observed for
  Lambda in awslabs/aws-deployment-framework#460, for CloudWatch Logs in elastic/apm-aws-lambda#526).
* bad session token: `The security token included in the request is invalid.` (CloudWatch Logs:
  fluent-plugins-nursery/fluent-plugin-cloudwatch-logs#117; Lambda: iann0036/iamlive#58, 403).
* bad signature: `The request signature we calculated does not match the signature you provided. Check
  your AWS Secret Access Key and signing method. Consult the service documentation for details.`
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from serverlite.iam.recording import ACCESS_FILE, AccessRecord, AccessRecorder
from serverlite.iam.registry import RegistryFile
from serverlite.iam.sessions import RoleSession
from serverlite.iam.sigv4 import IncompleteSignature, SigningError, TokenInvalid, verify

__all__ = [
    "ACCESS_DENIED",
    "INCOMPLETE_SIGNATURE",
    "INVALID_SIGNATURE",
    "UNRECOGNIZED_CLIENT",
    "AccessGuard",
    "Denial",
    "denial_message",
]

ACCESS_DENIED = "AccessDeniedException"
UNRECOGNIZED_CLIENT = "UnrecognizedClientException"
INVALID_SIGNATURE = "InvalidSignatureException"
INCOMPLETE_SIGNATURE = "IncompleteSignatureException"

_TOKEN_INVALID = "The security token included in the request is invalid."
_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details."
)


@dataclass(frozen=True)
class Denial:
    """An AWS error code and its message; the server renders them in its protocol's error form."""

    code: str
    message: str


def denial_message(caller: str, action: str, resource: str, explicit: bool) -> str:
    """AWS's AccessDenied text for an identity-policy denial."""
    reason = (
        "with an explicit deny in an identity-based policy"
        if explicit
        else f"because no identity-based policy allows the {action} action"
    )
    return f"User: {caller} is not authorized to perform: {action} on resource: {resource} {reason}"


class AccessGuard:
    """Signature and identity-policy checks against a credentials map re-read when it changes."""

    def __init__(
        self,
        registry: RegistryFile,
        log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ) -> None:
        self._registry = registry
        self._log = log
        self._recorder = AccessRecorder(registry.path.parent / ACCESS_FILE.name, warn=log)

    def authenticate(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> RoleSession | Denial | None:
        """The role session that signed the request, None for an unchecked caller, or the signing error
        to answer (enforce only). `target` is the path as received, query included; `headers` must answer
        lower-case names (aiohttp's are case-insensitive)."""
        registry = self._registry.current()
        if not registry.sessions or (registry.mode == "off" and not registry.record):
            return None
        try:
            return verify(method, target, headers, body, registry.sessions.get)
        except SigningError as error:
            if registry.mode == "enforce":
                return _signing_denial(error)
            if registry.mode == "warn":
                self._log(f"[iam] would reject: {type(error).__name__}")
            return None

    def authorize(self, session: RoleSession, action: str, resource: str) -> Denial | None:
        """None when the role allows `action` on `resource` (or the mode lets it through), else the denial."""
        registry = self._registry.current()
        decision = registry.decide(session.role_arn, action, resource, _context(session))
        if registry.record:
            self._recorder.record(AccessRecord(session.session_name, action, resource, decision.allowed))
        if decision.allowed or registry.mode == "off":
            return None
        message = denial_message(session.arn, action, resource, decision.effect == "Deny")
        if registry.mode == "enforce":
            return Denial(ACCESS_DENIED, message)
        statement = {"Effect": "Allow", "Action": action, "Resource": resource}
        missing = json.dumps(statement, separators=(",", ":"))
        self._log(f"[iam] would deny: {message}; missing statement: {missing}")
        return None


def _context(session: RoleSession) -> Callable[[str], list[str] | None]:
    def lookup(key: str) -> list[str] | None:
        return [session.role_arn] if key == "aws:principalarn" else None

    return lookup


def _signing_denial(error: SigningError) -> Denial:
    if isinstance(error, TokenInvalid):
        return Denial(UNRECOGNIZED_CLIENT, _TOKEN_INVALID)
    if isinstance(error, IncompleteSignature):
        message = f"Authorization header requires 'Credential' parameter. Authorization={error}"
        return Denial(INCOMPLETE_SIGNATURE, message)
    return Denial(INVALID_SIGNATURE, _SIGNATURE_MISMATCH)
