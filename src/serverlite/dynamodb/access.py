"""IAM for the DynamoDB server: who signed the request, and whether that role may do what it asks.

Only callers signing with an access key of the credentials map (a function's role session) are checked;
everyone else is the local admin principal (issue 10). Order: the signature before the body is read
(AWS answers an unsigned or badly signed request before looking at it), the policies after the request
validated and before it executes (a denied call never learns whether the table exists).

Wire forms, observed from AWS:

* AccessDeniedException: HTTP 400, `com.amazon.coral.service#AccessDeniedException` with a capital
  `Message` (sebdah/dynamic-dynamodb#321, a raw DynamoDB error body); text
  `User: <assumed-role ARN> is not authorized to perform: dynamodb:PutItem on resource: <table ARN>
  because no identity-based policy allows the dynamodb:PutItem action`
  (aws-samples/aws-serverless-workshop-innovator-island#97, anomalyco/sst#4469); an explicit deny ends
  `... with an explicit deny in an identity-based policy`
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
* UnrecognizedClientException: `{"__type":"com.amazon.coral.service#UnrecognizedClientException",
  "message":"The security token included in the request is invalid"}` (baopham/laravel-dynamodb#228).
* InvalidSignatureException: `The request signature we calculated does not match the signature you
  provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for
  details.` (DynamoDB Applied Design Patterns, ch. 6 "Error handling").

In `warn` mode a would-be denial is logged with the statement to add, and the call goes through. When the
map's `record` flag is set (`serverlite start --record-access`), each action a function's call needed is
appended to `<data dir>/iam/access.jsonl` for `serverlite validate`, in every mode (with `off`, signatures
are still verified to know the function, and nothing is rejected).
"""

from __future__ import annotations

import base64
import json
import sys
import typing as t
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from serverlite.dynamodb.errors import DynamoDBError
from serverlite.dynamodb.permissions import Need, needs
from serverlite.dynamodb.storage.database import Database
from serverlite.iam.arns import index_arn, table_arn
from serverlite.iam.recording import ACCESS_FILE, AccessRecord, AccessRecorder
from serverlite.iam.registry import RegistryFile
from serverlite.iam.sessions import RoleSession
from serverlite.iam.sigv4 import IncompleteSignature, SigningError, TokenInvalid, verify

__all__ = [
    "AccessControl",
    "AccessDeniedException",
    "HttpFacts",
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "UnrecognizedClientException",
]

_CORAL = "com.amazon.coral.service#"


class AccessDeniedException(DynamoDBError):
    """The caller's role does not allow the action on the resource."""

    aws_type = _CORAL + "AccessDeniedException"
    message_key = "Message"

    def __init__(self, caller: str, action: str, resource: str, explicit: bool) -> None:
        reason = (
            "with an explicit deny in an identity-based policy"
            if explicit
            else f"because no identity-based policy allows the {action} action"
        )
        super().__init__(
            f"User: {caller} is not authorized to perform: {action} on resource: {resource} {reason}"
        )


class UnrecognizedClientException(DynamoDBError):
    """The session token does not belong to the access key."""

    aws_type = _CORAL + "UnrecognizedClientException"
    default_message = "The security token included in the request is invalid"


class InvalidSignatureException(DynamoDBError):
    """The signature does not match the one computed with the session's secret."""

    aws_type = _CORAL + "InvalidSignatureException"
    default_message = (
        "The request signature we calculated does not match the signature you provided. Check your AWS "
        "Secret Access Key and signing method. Consult the service documentation for details."
    )


class IncompleteSignatureException(DynamoDBError):
    """An `Authorization` header that is not a complete SigV4 one."""

    aws_type = _CORAL + "IncompleteSignatureException"


@dataclass(frozen=True)
class HttpFacts:
    """What the signature check needs of the HTTP request."""

    method: str
    path: str
    headers: Mapping[str, str]
    peer: str = ""


class AccessControl:
    """The authorization hook of `DynamoDBServer`: `authenticate`, then `authorize`."""

    def __init__(
        self,
        registry: RegistryFile,
        database: Database,
        region: str,
        account_id: str,
        log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ) -> None:
        self._registry = registry
        self._database = database
        self._region = region
        self._account_id = account_id
        self._log = log
        self._recorder = AccessRecorder(registry.path.parent / ACCESS_FILE.name, warn=log)

    def authenticate(self, http: HttpFacts | None, body: bytes) -> RoleSession | None:
        """The role session that signed the request, or None for an unchecked caller."""
        registry = self._registry.current()
        if http is None or not registry.sessions or (registry.mode == "off" and not registry.record):
            return None
        try:
            return verify(http.method, http.path, http.headers, body, registry.sessions.get)
        except SigningError as error:
            if registry.mode == "enforce":
                raise _signing_error(error) from None
            if registry.mode == "warn":
                self._log(f"[iam] would reject: {type(error).__name__}")
            return None

    def authorize(
        self, session: RoleSession, operation: str, request: Mapping[str, t.Any], peer: str = ""
    ) -> None:
        """Raise AccessDeniedException (enforce) unless the role allows every action the request needs."""
        registry = self._registry.current()
        for need in needs(operation, request):
            resource = self._resource(need)
            context = _Context(self, session, need, peer)
            decision = registry.decide(session.role_arn, need.action, resource, context)
            if registry.record:
                record = AccessRecord(session.session_name, need.action, resource, decision.allowed)
                self._recorder.record(record)
            if decision.allowed or registry.mode == "off":
                continue
            denied = AccessDeniedException(session.arn, need.action, resource, decision.effect == "Deny")
            if registry.mode == "enforce":
                raise denied
            self._log(f"[iam] would deny: {denied.message}; missing statement: {_statement(need, resource)}")

    def _resource(self, need: Need) -> str:
        if need.resource is not None:
            return need.resource
        if need.table is None:
            return "*"
        if need.index:
            return index_arn(self._region, self._account_id, need.table, need.index)
        return table_arn(self._region, self._account_id, need.table)

    def partition_key(self, table: str, index: str | None) -> str | None:
        """The partition key attribute of a table (or of one of its indexes), None when unknown."""
        description = self._database.tables.get(table)
        if description is None:
            return None
        schema = description.get("KeySchema") or []
        if index:
            for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
                for entry in description.get(kind) or []:
                    if entry.get("IndexName") == index:
                        schema = entry.get("KeySchema") or []
        return next((str(k["AttributeName"]) for k in schema if k.get("KeyType") == "HASH"), None)


class _Context:
    """The request context of one authorization; leading keys are looked up only when a condition asks."""

    def __init__(self, control: AccessControl, session: RoleSession, need: Need, peer: str) -> None:
        self._control, self._session, self._need, self._peer = control, session, need, peer

    def __call__(self, key: str) -> t.Sequence[str] | None:
        need = self._need
        if key == "dynamodb:leadingkeys":
            return self._leading_keys()
        if key == "dynamodb:attributes":
            return sorted(need.attributes) if need.attributes else None
        if key == "aws:principalarn":
            return [self._session.role_arn]
        if key == "aws:sourceip":
            return [self._peer] if self._peer else None
        value = need.values.get(key)
        return [value] if value is not None else None

    def _leading_keys(self) -> list[str] | None:
        need = self._need
        if need.table is None:
            return None
        name = self._control.partition_key(need.table, need.index)
        values = [_scalar(key.get(name)) for key in need.keys] if name else []
        found = [value for value in values if value is not None]
        return found or None


def _scalar(value: t.Any) -> str | None:
    """An attribute value as a condition compares it: S and N as written, B as base64."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    kind, raw = next(iter(value.items()))
    if kind in ("S", "N"):
        return str(raw)
    if kind == "B":
        return raw if isinstance(raw, str) else base64.b64encode(raw).decode()
    return None


def _signing_error(error: SigningError) -> DynamoDBError:
    if isinstance(error, TokenInvalid):
        return UnrecognizedClientException()
    if isinstance(error, IncompleteSignature):
        return IncompleteSignatureException(
            f"Authorization header requires 'Credential' parameter. Authorization={error}"
        )
    return InvalidSignatureException()


def _statement(need: Need, resource: str) -> str:
    return json.dumps({"Effect": "Allow", "Action": need.action, "Resource": resource}, separators=(",", ":"))
