"""What the gateway can serve today; anything else in a template is refused at start, by name.

Issue 4: no SAM or OpenAPI feature is silently ignored. Each check names the API, the method and the
feature, so the user knows what to change or what to wait for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from serverlite.template.model import Integration, Method, RestApi

__all__ = ["unsupported_features"]

_SUPPORTED_INTEGRATIONS = {"AWS_PROXY", "AWS", "MOCK", "HTTP", "HTTP_PROXY"}
_LAMBDA_INTEGRATIONS = {"AWS_PROXY", "AWS"}
_HTTP_INTEGRATIONS = {"HTTP", "HTTP_PROXY"}
# https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
_GATEWAY_RESPONSE_TYPES = frozenset(
    {
        "ACCESS_DENIED", "API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE",
        "BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY", "DEFAULT_4XX", "DEFAULT_5XX", "EXPIRED_TOKEN",
        "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "INVALID_API_KEY", "INVALID_SIGNATURE",
        "MISSING_AUTHENTICATION_TOKEN", "QUOTA_EXCEEDED", "REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND",
        "THROTTLED", "UNAUTHORIZED", "UNSUPPORTED_MEDIA_TYPE", "WAF_FILTERED",
    }
)  # fmt: skip
_AUTHORIZATION_TYPES = {"NONE", "", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"}


def unsupported_features(apis: Sequence[RestApi]) -> list[str]:
    """One message per method that uses something serverlite does not serve yet."""
    problems: list[str] = []
    for api in apis:
        for kind in sorted(set(api.gateway_responses) - _GATEWAY_RESPONSE_TYPES):
            problems.append(f"REST API {api.logical_id}: {kind} is not a gateway response type")
        for resource in api.resources:
            for method in resource.methods.values():
                where = f"REST API {api.logical_id}: {method.http_method} {resource.path}"
                integration = method.integration
                if integration.type not in _SUPPORTED_INTEGRATIONS:
                    problems.append(f"{where}: {integration.type} integrations are not supported yet")
                elif integration.type in _LAMBDA_INTEGRATIONS and integration.function is None:
                    problems.append(f"{where}: {_no_function(integration.uri)}")
                elif integration.type in _HTTP_INTEGRATIONS and not _is_http_url(integration.uri):
                    problems.append(
                        f"{where}: {integration.type} integration URI {integration.uri!r} is not an http URL"
                    )
                problems += _mapping_problems(integration, where)
                problems += _authorization_problems(api, method, where)
    return problems


def _no_function(uri: str) -> str:
    """Why a Lambda-type integration has no function: another AWS service, or a function not in the template.

    `arn:aws:apigateway:{region}:{service}:action/{Action}` or `...:{service}:path/{path}` integrates with
    another service directly (DynamoDB, SQS, Step Functions ...).
    """
    parts = uri.split(":", 5)
    if len(parts) == 6 and parts[2] == "apigateway" and parts[4] not in ("", "lambda"):
        return f"AWS service integrations ({parts[4]}) are not supported yet: Lambda functions only"
    return "the integration URI names no function of this template"


def _is_http_url(uri: str) -> bool:
    return uri.startswith(("http://", "https://")) and len(uri.split("://", 1)[1]) > 0


def _authorization_problems(api: RestApi, method: Method, where: str) -> list[str]:
    """Authorization types serverlite cannot evaluate, and authorizers it cannot find or run."""
    if method.authorization_type not in _AUTHORIZATION_TYPES:
        return [f"{where}: authorization {method.authorization_type} is not supported yet"]
    if method.authorization_type not in ("CUSTOM", "COGNITO_USER_POOLS"):
        return []
    authorizer = api.authorizers.get(method.authorizer_id or "")
    if authorizer is None:
        return [f"{where}: authorizer {method.authorizer_id!r} is not defined for this API"]
    if authorizer.type in ("TOKEN", "REQUEST") and authorizer.function is None:
        return [f"{where}: authorizer {authorizer.name} names no function of this template"]
    return []


def _mapping_problems(integration: Integration, where: str) -> list[str]:
    """Binary conversions and selection patterns Python's `re` cannot compile."""
    problems = []
    handlings = [integration.content_handling] + [
        response.get("contentHandling") for response in integration.responses.values()
    ]
    if integration.type != "AWS_PROXY" and any(handlings):
        problems.append(f"{where}: contentHandling (CONVERT_TO_TEXT/CONVERT_TO_BINARY) is not supported yet")
    for pattern in integration.responses:
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(f"{where}: selectionPattern {pattern!r} is not a regular expression: {error}")
    return problems
