"""Non-proxy integrations: `AWS` (Lambda custom integration) and `MOCK` (reference apigateway-lambda.md 3);
`HTTP` (http_integrations.py) reuses the integration response machinery through `respond`.

Each runs: integration request (template or passthrough, integration_request.py) -> endpoint -> integration
response selection and method response (integration_response.py). Integration responses are compiled once.
"""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Callable, Sequence

from serverlite.gateway.errors import ApiConfigurationError
from serverlite.gateway.events import RequestIdentity
from serverlite.gateway.execution_log import ExecutionLog
from serverlite.gateway.integration import function_error_line, invoke_function
from serverlite.gateway.integration_request import template_input, transform_request
from serverlite.gateway.integration_response import (
    EndpointResponse,
    IntegrationResponse,
    compile_responses,
    method_response,
    select_response,
)
from serverlite.gateway.messages import GatewayRequest, GatewayResponse
from serverlite.gateway.request_log import lambda_endpoint, log_lambda_request, log_method_request
from serverlite.gateway.router import RouteMatch
from serverlite.gateway.vtl import BodyNotJson
from serverlite.runtime.invoker import InvocationResult, Invoker
from serverlite.template.model import Integration, RestApi

__all__ = ["NonProxyIntegrations", "RequestScope"]

OnResult = Callable[[InvocationResult, float], None]


class RequestScope(t.NamedTuple):
    """One request as the integrations see it."""

    request: GatewayRequest
    match: RouteMatch
    identity: RequestIdentity
    context: dict[str, t.Any]  # `$context`: the proxy event's requestContext, authorizer included
    log: ExecutionLog | None
    on_result: OnResult | None = None


class NonProxyIntegrations:
    """`AWS` and `MOCK` integrations of every API, their integration responses compiled at start."""

    def __init__(self, apis: Sequence[RestApi], invoker: Invoker) -> None:
        self._invoker = invoker
        self._responses: dict[int, tuple[IntegrationResponse, ...]] = {}
        for api in apis:
            for resource in api.resources:
                for method in resource.methods.values():
                    if method.integration.type not in ("AWS_PROXY", "HTTP_PROXY"):
                        self._responses[id(method.integration)] = compile_responses(method.integration)

    async def aws(self, scope: RequestScope) -> GatewayResponse:
        """A Lambda custom integration: the mapped body is the event, the result the integration response."""
        request, match, identity, log = scope.request, scope.match, scope.identity, scope.log
        integration = match.method.integration
        data = template_input(request, match, scope.context)
        if log is not None:
            log_method_request(log, request, match, identity)
        mapped = transform_request(integration, request, data)
        # Lambda delivers an empty payload as `{}` (reference 3.1) and refuses one that is not JSON.
        event = mapped.body if mapped.body.strip() else b"{}"
        _require_json(event)
        endpoint_uri = lambda_endpoint(integration.uri)
        if log is not None:
            log_lambda_request(log, match, identity, endpoint_uri)
        assert integration.function is not None
        result = await invoke_function(
            self._invoker,
            integration.function,
            event,
            timeout_ms=integration.timeout_ms,
            trace_id=identity.trace_id,
            log=log,
            endpoint_uri=endpoint_uri,
            on_result=scope.on_result,
        )
        if result.failed and log is not None:
            log.add(function_error_line(result), error=True)
        endpoint = EndpointResponse(200, _lambda_headers(result), result.payload)
        selection = (result.error_message or "") if result.failed else None
        return self.respond(scope, integration, endpoint, selection, data)

    async def mock(self, scope: RequestScope) -> GatewayResponse:
        """A MOCK integration: the mapped request's `statusCode` selects the integration response."""
        request, match, log = scope.request, scope.match, scope.log
        integration = match.method.integration
        data = template_input(request, match, scope.context)
        if log is not None:
            log_method_request(log, request, match, scope.identity)
        mapped = transform_request(integration, request, data)
        if log is not None:
            log.data(f"Endpoint request body after transformations: {mapped.body.decode('utf-8', 'replace')}")
        status = _mock_status(mapped.body)
        endpoint = EndpointResponse(status, (), b"")
        return self.respond(scope, integration, endpoint, str(status), data)

    def respond(
        self,
        scope: RequestScope,
        integration: Integration,
        endpoint: EndpointResponse,
        selection: str | None,
        data: t.Any,
    ) -> GatewayResponse:
        """Select the integration response by `selection` and build the method response (HTTP reuses it)."""
        responses = self._responses.get(id(integration)) or compile_responses(integration)
        selected = select_response(responses, selection, endpoint.status)
        response = method_response(
            scope.match.method,
            selected,
            endpoint,
            data,
            accept=scope.request.header("Accept"),
            log=scope.log,
        )
        if scope.log is not None:
            scope.log.add("Successfully completed execution")
        return response


def _require_json(event: bytes) -> None:
    """Lambda's Invoke refuses a payload that is not JSON; API Gateway answers 400 (BodyNotJson)."""
    try:
        json.loads(event)
    except ValueError as error:
        raise BodyNotJson(f"Could not parse payload into json: {error}") from None


_UNQUOTED_STATUS = re.compile(r"^\s*\{\s*statusCode\s*:\s*(\d{3})\s*\}\s*$")


def _mock_status(body: bytes) -> int:
    """`{"statusCode": 200}` -> 200; anything else is a configuration error (LocalStack's mock.py wording)."""
    try:
        status = json.loads(body).get("statusCode")
    except (ValueError, AttributeError):
        # AWS also reads the unquoted key CDK writes for every CORS preflight, `{ statusCode: 200 }`
        # (aws-cdk-lib aws-apigateway resource.ts, `addCorsPreflight`'s MockIntegration).
        lenient = _UNQUOTED_STATUS.match(body.decode("utf-8", errors="replace"))
        status = int(lenient.group(1)) if lenient else None
    if not isinstance(status, int) or isinstance(status, bool):
        raise ApiConfigurationError(
            "Execution failed due to configuration error: Unable to parse statusCode. "
            "It should be an integer that is defined in the request template."
        )
    return status


def _lambda_headers(result: InvocationResult) -> list[tuple[str, str]]:
    """The Invoke response's headers, as `integration.response.header.*` sees them."""
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(result.payload))),
        ("x-amzn-RequestId", result.request_id),
        ("X-Amz-Executed-Version", "$LATEST"),
    ]
    if result.failed:
        headers.append(("X-Amz-Function-Error", result.function_error or "Unhandled"))
    return headers
