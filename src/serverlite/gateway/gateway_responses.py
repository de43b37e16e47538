"""Customised gateway responses (`AWS::ApiGateway::GatewayResponse`, `x-amazon-apigateway-gateway-responses`,
SAM `GatewayResponses`), applied to every error the gateway answers itself.

Rules (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html, reference
apigateway-lambda.md 4.5):
* the response of the error's own type if customised, else DEFAULT_4XX or DEFAULT_5XX by the error's default
  status class, else the built-in response (errors.py);
* `statusCode` replaces the status; without one the error's default status stays;
* `responseParameters`: `gatewayresponse.header.<name>` from `'literal'`, `method.request.{header,querystring,
  path}.<name>`, `context.<var>` or `stageVariables.<name>`; they are added to the built-in headers;
* `responseTemplates`: by content type (the request's `Accept`, then `application/json`, then the first);
  "simple variable substitution" only, not Velocity
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-gateway-responses.responseTemplates.html):
  `$context.<var>` (including `error.message`, `error.messageString`, `error.responseType`) and
  `$stageVariables.<name>`; a variable without a value renders empty. Without templates the body is the
  built-in one, `{"message":$context.error.messageString}`.
"""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Mapping, Sequence

from serverlite.gateway.errors import GatewayError
from serverlite.gateway.media_types import DEFAULT_CONTENT_TYPE, media_type
from serverlite.gateway.messages import GatewayRequest, GatewayResponse
from serverlite.template.model import GatewayResponseSetting, RestApi

__all__ = ["ErrorScope", "GatewayResponses", "error_context"]

_VARIABLE = re.compile(
    r"\$(?:\{(context|stageVariables)\.([A-Za-z0-9_.-]+)\}|(context|stageVariables)\.([A-Za-z0-9_.]*[A-Za-z0-9_]))"
)


class ErrorScope(t.NamedTuple):
    """What a gateway response can read of the request it answers."""

    request: GatewayRequest
    context: Mapping[str, t.Any]  # `$context`, `error` included
    stage_variables: Mapping[str, str]
    path_parameters: Mapping[str, str]


class GatewayResponses:
    """The customised gateway responses of every API, by API id and response type."""

    def __init__(self, apis: Sequence[RestApi]) -> None:
        self._by_api = {api.id: dict(api.gateway_responses) for api in apis if api.gateway_responses}

    def customises(self, api_id: str | None) -> bool:
        """Whether that API customises any gateway response (else the built-in response is answered)."""
        return api_id in self._by_api

    def respond(self, error: GatewayError, api_id: str, scope: ErrorScope) -> GatewayResponse:
        """The client's response for `error` in that API."""
        response = error.to_response()
        settings = self._by_api.get(api_id, {})
        setting = settings.get(error.response_type)
        if setting is None:
            setting = settings.get("DEFAULT_4XX" if error.status < 500 else "DEFAULT_5XX")
        if setting is None:
            return response
        if setting.status_code:
            response.status = int(setting.status_code)
        _set_headers(response, _headers(setting, scope))
        template = _template(setting.response_templates, scope.request.header("Accept"))
        if template is not None:
            content_type, text = template
            response.body = _substitute(text, scope).encode("utf-8")
            _set_headers(response, {"Content-Type": content_type})
        return response


def _headers(setting: GatewayResponseSetting, scope: ErrorScope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for target, source in setting.response_parameters.items():
        if target.startswith("gatewayresponse.header."):
            value = _source(source, scope)
            if value is not None:
                headers[target.removeprefix("gatewayresponse.header.")] = value
    return headers


def _source(source: str, scope: ErrorScope) -> str | None:
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return source[1:-1]
    if source.startswith("method.request.header."):
        return scope.request.header(source.removeprefix("method.request.header."))
    if source.startswith("method.request.querystring."):
        name = source.removeprefix("method.request.querystring.")
        return _query(scope.request.raw_query).get(name)
    if source.startswith("method.request.path."):
        return scope.path_parameters.get(source.removeprefix("method.request.path."))
    if source.startswith("stageVariables."):
        return scope.stage_variables.get(source.removeprefix("stageVariables."))
    if source.startswith("context."):
        return _context_value(scope.context, source.removeprefix("context."))
    return None


def _query(raw_query: str | None) -> dict[str, str]:
    from urllib.parse import unquote_plus

    values: dict[str, str] = {}
    for part in (raw_query or "").split("&"):
        if part:
            name, _, value = part.partition("=")
            values[unquote_plus(name)] = unquote_plus(value)
    return values


def _context_value(context: Mapping[str, t.Any], path: str) -> str | None:
    node: t.Any = context
    for part in path.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return None if node is None else str(node)


def _template(templates: Mapping[str, str], accept: str | None) -> tuple[str, str] | None:
    """(content type, template): the request's `Accept`, then `application/json`, then the first one."""
    if not templates:
        return None
    by_type = {key.lower(): (key, template) for key, template in templates.items()}
    for wanted in (media_type(accept) if accept else None, DEFAULT_CONTENT_TYPE):
        if wanted in by_type:
            return by_type[wanted]
    return next(iter(templates.items()))


def _substitute(template: str, scope: ErrorScope) -> str:
    def value(found: re.Match[str]) -> str:
        kind = found.group(1) or found.group(3)
        name = found.group(2) or found.group(4)
        if kind == "stageVariables":
            return scope.stage_variables.get(name, "")
        return _context_value(scope.context, name) or ""

    return _VARIABLE.sub(value, template)


def _set_headers(response: GatewayResponse, headers: Mapping[str, str]) -> None:
    lowered = {name.lower() for name in headers}
    response.headers = [(k, v) for k, v in response.headers if k.lower() not in lowered] + list(
        headers.items()
    )


def error_context(error: GatewayError) -> dict[str, str]:
    """`$context.error.*` of a gateway error (reference 5.1); `messageString` is the quoted message, `null`
    when the built-in body's message is null (AUTHORIZER_CONFIGURATION_ERROR's `{"message":null}`)."""
    try:
        document = json.loads(error.body)
    except ValueError:
        document = {}
    raw = document.get("message", document.get("Message", "")) if isinstance(document, dict) else ""
    message = error.error_message() if raw is not None else ""
    return {
        "message": message,
        "messageString": "null" if raw is None else json.dumps(message),
        "responseType": error.response_type,
    }
