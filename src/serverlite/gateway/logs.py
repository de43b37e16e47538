"""What the gateway writes to CloudWatch Logs: access logs and execution logs of a stage.

Access logs (reference apigateway-lambda.md 5.1/5.2): the stage's `AccessLogSetting.Format` with every
`$context.<variable>` replaced; a variable without a value renders `-`. Execution logs (5.3): the
`MethodSettings` of the stage decide the level (OFF, ERROR, INFO) and whether request and response data
are traced, per resource path and method, the most specific entry winning; events go to the log group
`API-Gateway-Execution-Logs_<apiId>/<stage>`.
"""

from __future__ import annotations

import re
import secrets
import typing as t
from collections.abc import Mapping, Sequence

from serverlite.template.model import MethodSetting, Stage

__all__ = ["LogSink", "execution_log_group", "method_setting", "new_stream_name", "render_access_log"]

_VARIABLE = re.compile(r"\$context\.([A-Za-z0-9_.]+)")

# Reference 5.1: the `$context` variables of access log formats (prefix families end in a dot).
KNOWN_VARIABLES = frozenset(
    """accountId apiId awsEndpointRequestId domainName domainPrefix error.message error.messageString
    error.responseType error.validationErrorString extendedRequestId httpMethod identity.accountId
    identity.apiKey identity.apiKeyId identity.caller identity.cognitoAuthenticationProvider
    identity.cognitoAuthenticationType identity.cognitoIdentityId identity.cognitoIdentityPoolId
    identity.principalOrgId identity.sourceIp identity.clientCert.clientCertPem identity.clientCert.subjectDN
    identity.clientCert.issuerDN identity.clientCert.serialNumber identity.clientCert.validity.notBefore
    identity.clientCert.validity.notAfter identity.user identity.userAgent identity.userArn path protocol
    requestId requestTime requestTimeEpoch resourceId resourcePath stage wafResponseCode webaclArn
    authorize.error authorize.latency authorize.status authorizer.error authorizer.integrationLatency
    authorizer.integrationStatus authorizer.latency authorizer.requestId authorizer.status
    authorizer.principalId authenticate.error authenticate.latency authenticate.status
    customDomain.basePathMatched integration.error integration.integrationStatus integration.latency
    integration.requestId integration.status integrationErrorMessage integrationLatency integrationStatus
    responseLatency responseLength status waf.error waf.latency waf.status xrayTraceId""".split()
)
_FAMILIES = ("authorizer.claims.", "requestOverride.", "responseOverride.")


class LogSink(t.Protocol):
    """Where log events go (the log store): `append(group, stream, [(epoch ms, message)])`."""

    def append(self, group: str, stream: str, events: Sequence[tuple[int, str]]) -> None:
        """Append events to a stream, creating group and stream as needed."""
        ...


def new_stream_name() -> str:
    """API Gateway names its log streams with 32 hex digits."""
    return secrets.token_hex(16)


def execution_log_group(api_id: str, stage: str) -> str:
    """`API-Gateway-Execution-Logs_<apiId>/<stage>`."""
    return f"API-Gateway-Execution-Logs_{api_id}/{stage}"


def render_access_log(
    log_format: str, values: Mapping[str, object], known: frozenset[str] = KNOWN_VARIABLES
) -> str:
    """Substitute `$context.x.y` variables; unknown or empty ones become `-` (reference 5.1). `known`: the
    variable names of the API kind (REST's by default; HTTP APIs pass theirs)."""

    def substitute(match: re.Match[str]) -> str:
        name = _known_prefix(match.group(1), known)
        value = values.get(name)
        tail = match.group(1)[len(name) :]
        return ("-" if value is None or value == "" else str(value)) + tail

    return _VARIABLE.sub(substitute, log_format)


def _known_prefix(text: str, known: frozenset[str]) -> str:
    """`status.` in running text is `status` then a dot: the longest known variable name wins."""
    if text.startswith(_FAMILIES) or (text.startswith("authorizer.") and text.rstrip(".") not in known):
        return text.rstrip(".")
    name = text
    while name not in known and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in known else text.rstrip(".")


def method_setting(stage: Stage, resource_path: str, http_method: str) -> MethodSetting | None:
    """The MethodSettings entry for a method: exact path and method beat `*` ones, which beat `/*`."""
    best: MethodSetting | None = None
    best_rank = -1
    for setting in stage.method_settings:
        path_ok = setting.resource_path in ("/*", resource_path)
        method_ok = setting.http_method in ("*", http_method)
        if not (path_ok and method_ok):
            continue
        rank = (setting.resource_path != "/*") * 2 + (setting.http_method != "*")
        if rank > best_rank:
            best, best_rank = setting, rank
    return best
