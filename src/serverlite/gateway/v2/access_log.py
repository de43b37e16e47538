"""Access logs of HTTP APIs: the stage's `AccessLogSettings.Format` with its `$context` variables.

Variables: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html;
a variable without a value renders `-`, as for REST APIs (logs.render_access_log).
"""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass, field

from serverlite.gateway.events import RequestIdentity, request_time
from serverlite.gateway.messages import GatewayRequest, GatewayResponse
from serverlite.runtime.invoker import InvocationResult

__all__ = ["HTTP_API_VARIABLES", "LogRecord", "access_log_values"]

HTTP_API_VARIABLES = frozenset(
    """accountId apiId authorizer.error authorizer.principalId awsEndpointRequestId awsEndpointRequestId2
    customDomain.basePathMatched dataProcessed domainName domainPrefix error.message error.messageString
    error.responseType extendedRequestId httpMethod identity.accountId identity.caller
    identity.cognitoAuthenticationProvider identity.cognitoAuthenticationType identity.cognitoIdentityId
    identity.cognitoIdentityPoolId identity.principalOrgId identity.clientCert.clientCertPem
    identity.clientCert.subjectDN identity.clientCert.issuerDN identity.clientCert.serialNumber
    identity.clientCert.validity.notBefore identity.clientCert.validity.notAfter identity.sourceIp
    identity.user identity.userAgent identity.userArn integration.error integration.integrationStatus
    integration.latency integration.requestId integration.status integrationErrorMessage integrationLatency
    integrationStatus path protocol requestId requestTime requestTimeEpoch responseLatency responseLength
    routeKey stage status""".split()
)


@dataclass
class LogRecord:
    """What happened to one request, for its access log line."""

    started: float
    route_key: str | None = None
    error_message: str | None = None
    error_type: str | None = None
    invocation: InvocationResult | None = None
    integration_ms: float | None = None
    integration_status: int | None = None
    authorizer: dict[str, t.Any] = field(default_factory=dict)

    def set_invocation(self, result: InvocationResult, latency_ms: float) -> None:
        self.invocation, self.integration_ms = result, latency_ms


def access_log_values(
    request: GatewayRequest,
    identity: RequestIdentity,
    response: GatewayResponse,
    record: LogRecord,
    *,
    api_id: str,
    stage: str,
    latency_ms: int,
) -> dict[str, object]:
    """`$context` values of one request; absent ones are left out."""
    domain = request.host.rsplit(":", 1)[0] if request.host else ""
    values: dict[str, object] = {
        "requestId": identity.request_id,
        "extendedRequestId": identity.extended_request_id,
        "accountId": identity.account_id,
        "apiId": api_id,
        "stage": stage,
        "domainName": domain,
        "domainPrefix": domain.split(".", 1)[0],
        "httpMethod": request.method,
        "path": request.raw_path,
        "protocol": "HTTP/1.1",
        "requestTime": request_time(identity.epoch_ms),
        "requestTimeEpoch": identity.epoch_ms,
        "identity.sourceIp": request.source_ip,
        "identity.userAgent": request.header("User-Agent"),
        "routeKey": record.route_key,
        "status": response.status,
        "responseLength": len(response.body),
        "responseLatency": latency_ms,
        "dataProcessed": len(request.body) + len(response.body),
        **record.authorizer,
    }
    if record.invocation is not None:
        latency = round(record.integration_ms or 0)
        values |= {
            "integrationLatency": latency,
            "integration.latency": latency,
            "integrationStatus": 200,
            "integration.integrationStatus": 200,
            "integration.status": record.integration_status,
            "integration.requestId": record.invocation.request_id,
            "awsEndpointRequestId": record.invocation.request_id,
            "integrationErrorMessage": record.invocation.error_message,
            "integration.error": record.invocation.error_message,
        }
    if record.error_message is not None:
        values |= {
            "error.message": record.error_message,
            "error.messageString": json.dumps(record.error_message),
            "error.responseType": record.error_type,
        }
    return values
