"""Resource policies (`execute-api:Invoke`), evaluated as API Gateway does (reference apigateway-lambda.md 6).

No policy: nothing to check. With a policy, an anonymous caller needs an `Allow` statement that matches
(principal `*`, action, resource, conditions); any matching `Deny` wins. Resource ARNs accept IAM wildcards
(`*` any run of characters including `/`, `?` one character) and the abbreviated `execute-api:/...` form,
which API Gateway expands with the region, account and API id. Conditions: the String operators, and
IpAddress/NotIpAddress on `aws:SourceIp`; `aws:SourceVpc`/`aws:SourceVpce` come from `--vpc` declarations
(a VPC is a set of source CIDRs locally). Denials answer 403 with a capital-M `Message` (reference 4.2).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import re
import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from serverlite.gateway.errors import GatewayError
from serverlite.gateway.messages import GatewayResponse

__all__ = ["AccessDenied", "PolicyRequest", "ResourcePolicy", "action_matches", "arn_matches"]


class AccessDenied(GatewayError):
    """The resource policy does not allow the call (ACCESS_DENIED)."""

    status = 403
    error_type = "AccessDeniedException"
    response_type = "ACCESS_DENIED"
    traced = False

    def __init__(self, arn: str, explicit: bool) -> None:
        message = f"User: anonymous is not authorized to perform: execute-api:Invoke on resource: {arn}"
        super().__init__(message + (" with an explicit deny" if explicit else ""))

    def to_response(self) -> GatewayResponse:
        body = json.dumps({"Message": self.detail}, separators=(",", ":")).encode()
        return GatewayResponse(
            status=self.status,
            body=body,
            headers=[("Content-Type", "application/json"), ("x-amzn-ErrorType", self.error_type)],
        )

    def error_message(self) -> str:
        """`$context.error.message`."""
        return self.detail


@dataclass(frozen=True)
class PolicyRequest:
    """What a policy decision looks at."""

    region: str
    account_id: str
    api_id: str
    stage: str
    method: str
    path: str  # request path after the stage, with its leading slash
    source_ip: str
    vpcs: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """`arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`."""
        api = f"arn:aws:execute-api:{self.region}:{self.account_id}:{self.api_id}"
        return f"{api}/{self.stage}/{self.method}/{self.path[1:]}"

    @property
    def masked_arn(self) -> str:
        """The ARN as denial messages print it: the account masked to its last 4 digits."""
        return self.arn.replace(f":{self.account_id}:", f":********{self.account_id[-4:]}:", 1)

    def source_vpc(self) -> str | None:
        """The `--vpc` whose CIDRs hold the source address, if any."""
        address = _address(self.source_ip)
        for vpc, cidrs in self.vpcs.items():
            if address is not None and any(address in _network(cidr) for cidr in cidrs):
                return vpc
        return None


class ResourcePolicy:
    """A parsed `execute-api` resource policy."""

    def __init__(self, document: Mapping[str, object]) -> None:
        statements = document.get("Statement", [])
        self._statements = [
            s
            for s in (statements if isinstance(statements, list) else [statements])
            if isinstance(s, Mapping)
        ]

    def check(self, request: PolicyRequest, *, allow_implicit: bool = False) -> None:
        """Raise AccessDenied unless an Allow matches and no Deny does.

        `allow_implicit`: the method has its own authorization (Lambda authorizer, AWS_IAM), so a policy that
        neither allows nor denies leaves the decision to it (reference 6.2, table A of A8).
        """
        decision = self.decide(request)
        if decision == "Deny":
            raise AccessDenied(request.masked_arn, explicit=True)
        if decision is None and not allow_implicit:
            raise AccessDenied(request.masked_arn, explicit=False)

    def decide(self, request: PolicyRequest) -> str | None:
        """`Deny` if a Deny matches, else `Allow` if an Allow matches, else None."""
        allowed = False
        for statement in self._statements:
            if not _matches(statement, request):
                continue
            if statement.get("Effect") == "Deny":
                return "Deny"
            allowed = allowed or statement.get("Effect") == "Allow"
        return "Allow" if allowed else None


def _matches(statement: Mapping[str, t.Any], request: PolicyRequest) -> bool:
    return (
        _principal_matches(statement)
        and _listed(statement, "Action", "NotAction", "execute-api:Invoke", _action_matches)
        and _listed(statement, "Resource", "NotResource", request, _resource_matches)
        and _conditions_hold(statement.get("Condition") or {}, request)
    )


def _principal_matches(statement: Mapping[str, t.Any]) -> bool:
    """Callers here are anonymous: only `*` (or `{"AWS": "*"}`) matches them (reference 6.2)."""
    if "NotPrincipal" in statement:
        return False
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        value = principal.get("AWS")
        return value == "*" or (isinstance(value, list) and "*" in value)
    return False


def _listed(
    statement: Mapping[str, t.Any], key: str, not_key: str, subject: t.Any, test: t.Callable[..., bool]
) -> bool:
    if key in statement:
        return any(test(pattern, subject) for pattern in _as_list(statement[key]))
    if not_key in statement:
        return not any(test(pattern, subject) for pattern in _as_list(statement[not_key]))
    return False


def _action_matches(pattern: str, action: str) -> bool:
    return _wildcard(pattern.lower()).fullmatch(action.lower()) is not None


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching: case-insensitive, `*` and `?` wildcards."""
    return _action_matches(pattern, action)


def arn_matches(pattern: str, arn: str) -> bool:
    """IAM resource matching: `*` any run of characters (including `/`), `?` one character."""
    return _wildcard(pattern).fullmatch(arn) is not None


def _resource_matches(pattern: str, request: PolicyRequest) -> bool:
    if pattern.startswith("execute-api:/"):
        prefix = f"arn:aws:execute-api:{request.region}:{request.account_id}:{request.api_id}"
        pattern = prefix + pattern[len("execute-api:") :]
    return _wildcard(pattern).fullmatch(request.arn) is not None


def _conditions_hold(conditions: Mapping[str, t.Any], request: PolicyRequest) -> bool:
    for operator, entries in conditions.items():
        if not isinstance(entries, Mapping):
            return False
        for key, expected in entries.items():
            if not _condition(operator, _context_value(key, request), _as_list(expected)):
                return False
    return True


def _context_value(key: str, request: PolicyRequest) -> str | None:
    lowered = key.lower()
    if lowered == "aws:sourceip":
        return request.source_ip
    if lowered in ("aws:sourcevpc", "aws:sourcevpce"):
        vpc = request.source_vpc()
        return vpc if vpc is None or lowered == "aws:sourcevpc" else None
    return None


def _condition(operator: str, value: str | None, expected: Sequence[str]) -> bool:
    base, if_exists = (
        (operator[: -len("IfExists")], True) if operator.endswith("IfExists") else (operator, False)
    )
    if value is None:
        return if_exists or base.startswith("Not") or base in ("StringNotEquals", "StringNotLike")
    tests: dict[str, t.Callable[[], bool]] = {
        "StringEquals": lambda: value in expected,
        "StringNotEquals": lambda: value not in expected,
        "StringEqualsIgnoreCase": lambda: value.lower() in [e.lower() for e in expected],
        "StringNotEqualsIgnoreCase": lambda: value.lower() not in [e.lower() for e in expected],
        "StringLike": lambda: any(fnmatch.fnmatchcase(value, e) for e in expected),
        "StringNotLike": lambda: not any(fnmatch.fnmatchcase(value, e) for e in expected),
        "IpAddress": lambda: _in_networks(value, expected),
        "NotIpAddress": lambda: not _in_networks(value, expected),
    }
    test = tests.get(base)
    return test() if test is not None else False


def _in_networks(value: str, cidrs: Sequence[str]) -> bool:
    address = _address(value)
    return address is not None and any(address in _network(cidr) for cidr in cidrs)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


@lru_cache(maxsize=256)
def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(cidr.strip(), strict=False)


@lru_cache(maxsize=256)
def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.S)


def _as_list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
