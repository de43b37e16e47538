"""The integration response and method response of non-proxy integrations (AWS, HTTP, MOCK).

1. Select the integration response: Lambda function errors match each `selectionPattern` against the error's
   `errorMessage`, other integrations against the endpoint's status code; a Java regex must match the whole
   value (`Matcher.matches()`, so Python's `re.fullmatch`); no match takes the response without a pattern
   (`default`). https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html
2. Its status must be one of the method's responses, else 500 `Output mapping refers to an invalid method
   response: <status>` (real console logs, code index 27372721637); nothing to select is 500 `No match for
   output mapping and no default output mapping configured. Endpoint Response Status Code: <status>` (real
   logs, code index 10703122078, 67664248).
3. `responseParameters` map headers; the response template (by the request's `Accept`, then
   `application/json`, then the first) renders the body, and may override status and headers
   (`$context.responseOverride`); without a template the endpoint's body passes through. The `Content-Type` is
   the template's content type, `application/json` by default.
"""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from jsonpath_ng.parser import parse as parse_jsonpath

from serverlite.gateway.errors import ApiConfigurationError
from serverlite.gateway.execution_log import ExecutionLog, java_map
from serverlite.gateway.integration_request import DEFAULT_CONTENT_TYPE, media_type
from serverlite.gateway.messages import GatewayResponse
from serverlite.gateway.vtl import TemplateInput, render_response
from serverlite.template.model import Integration, Method

__all__ = [
    "EndpointResponse",
    "IntegrationResponse",
    "compile_responses",
    "method_response",
    "select_response",
]

_CONFIGURATION = "Execution failed due to configuration error: "


@dataclass(frozen=True)
class IntegrationResponse:
    """One integration response, compiled once at start."""

    status_code: str
    selection_pattern: re.Pattern[str] | None
    response_parameters: Mapping[str, str] = field(default_factory=dict)
    response_templates: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EndpointResponse:
    """What the backend answered, before any transformation."""

    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The last value of a header (any casing)."""
        lowered = name.lower()
        found = None
        for key, value in self.headers:
            if key.lower() == lowered:
                found = value
        return found


def compile_responses(integration: Integration) -> tuple[IntegrationResponse, ...]:
    """The integration's responses, patterns compiled; `default` (or an empty pattern) has none.

    Raises re.error for a pattern Python cannot compile.
    """
    compiled = []
    for pattern, spec in integration.responses.items():
        compiled.append(
            IntegrationResponse(
                status_code=str(spec.get("statusCode", "200")),
                selection_pattern=None if pattern in ("default", "") else re.compile(pattern),
                response_parameters={
                    str(k): str(v) for k, v in _mapping(spec.get("responseParameters")).items()
                },
                response_templates={
                    str(k): str(v) for k, v in _mapping(spec.get("responseTemplates")).items()
                },
            )
        )
    return tuple(compiled)


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def select_response(
    responses: Sequence[IntegrationResponse], selection_value: str | None, endpoint_status: int
) -> IntegrationResponse:
    """The first response whose pattern matches the whole value, else the default one.

    `selection_value` None (a Lambda function that did not fail) selects the default response.
    Raises ApiConfigurationError when there is nothing to select.
    """
    if selection_value is not None:
        for response in responses:
            if response.selection_pattern is not None and response.selection_pattern.fullmatch(
                selection_value
            ):
                return response
    for response in responses:
        if response.selection_pattern is None:
            return response
    raise ApiConfigurationError(
        f"{_CONFIGURATION}No match for output mapping and no default output mapping configured. "
        f"Endpoint Response Status Code: {endpoint_status}"
    )


def method_response(
    method: Method,
    selected: IntegrationResponse,
    endpoint: EndpointResponse,
    data: TemplateInput,
    *,
    accept: str | None,
    log: ExecutionLog | None = None,
) -> GatewayResponse:
    """The client's response for the selected integration response; raises ApiConfigurationError."""
    if method.method_responses is not None and selected.status_code not in method.method_responses:
        raise ApiConfigurationError(
            f"{_CONFIGURATION}Output mapping refers to an invalid method response: {selected.status_code}"
        )
    body_text = endpoint.body.decode("utf-8", errors="replace")
    headers = _mapped_headers(selected.response_parameters, endpoint, body_text, data)
    status = int(selected.status_code)
    content_type, template = _response_template(selected.response_templates, accept)
    body = endpoint.body
    if template is not None:
        rendered = render_response(template, data, body_text)
        body = rendered.output.encode("utf-8")
        override_status = rendered.response_overrides.get("status")
        if isinstance(override_status, int) and 100 <= override_status <= 599:
            status = override_status
        for name, value in (rendered.response_overrides.get("header") or {}).items():
            headers[name] = str(value)
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = content_type
    if log is not None:
        log.data(f"Method response body after transformations: {body.decode('utf-8', errors='replace')}")
        log.data(f"Method response headers: {java_map(headers)}")
    return GatewayResponse(status=status, body=body, headers=list(headers.items()))


def _response_template(templates: Mapping[str, str], accept: str | None) -> tuple[str, str | None]:
    """(content type, template): the request's `Accept`, then `application/json`, then the first one."""
    if not templates:
        return DEFAULT_CONTENT_TYPE, None
    by_type = {key.lower(): (key, template) for key, template in templates.items()}
    for wanted in (media_type(accept) if accept else None, DEFAULT_CONTENT_TYPE):
        if wanted in by_type:
            return by_type[wanted]
    return next(iter(templates.items()))


def _mapped_headers(
    parameters: Mapping[str, str], endpoint: EndpointResponse, body: str, data: TemplateInput
) -> dict[str, str]:
    """`method.response.header.X` <- `'literal'`, `integration.response.header.Y`, `...body[.path]`,
    `context.z`, `stageVariables.s`
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html)."""
    headers: dict[str, str] = {}
    for target, source in parameters.items():
        if not target.startswith("method.response.header."):
            continue
        value = _source_value(source, endpoint, body, data)
        if value is not None:
            headers[target.removeprefix("method.response.header.")] = value
    return headers


def _source_value(source: str, endpoint: EndpointResponse, body: str, data: TemplateInput) -> str | None:
    if len(source) >= 2 and source.startswith("'") and source.endswith("'"):
        return source[1:-1]
    if source.startswith("integration.response.header."):
        return endpoint.header(source.removeprefix("integration.response.header."))
    if source.startswith("integration.response.multivalueheader."):
        name = source.removeprefix("integration.response.multivalueheader.").lower()
        values = [value for key, value in endpoint.headers if key.lower() == name]
        return ",".join(values) if values else None
    if source == "integration.response.body":
        return body
    if source.startswith("integration.response.body."):
        return _json_path(body, "$." + source.removeprefix("integration.response.body."))
    if source.startswith("context."):
        return _dotted(data.context, source.removeprefix("context."))
    if source.startswith("stageVariables."):
        return data.stage_variables.get(source.removeprefix("stageVariables."))
    return None


def _json_path(body: str, path: str) -> str | None:
    try:
        document = json.loads(body)
        matches = [match.value for match in parse_jsonpath(path).find(document)]
    except Exception:  # not JSON, or a path jsonpath-ng cannot parse: AWS maps nothing
        return None
    if not matches:
        return None
    value = matches[0]
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _dotted(values: Mapping[str, t.Any], path: str) -> str | None:
    node: t.Any = values
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return None if node is None else str(node)
