"""The integration request of non-proxy integrations (AWS, HTTP, MOCK): pick the mapping template, or pass the
body through, or refuse with 415.

Template lookup is keyed by the request's `Content-Type` (media type only, `application/json` when absent);
the passthrough behaviours follow the table of
https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html
(reference apigateway-lambda.md 3.1):

| templates | Content-Type has one | WHEN_NO_MATCH | WHEN_NO_TEMPLATES | NEVER     |
|-----------|----------------------|---------------|-------------------|-----------|
| none      | -                    | pass through  | pass through      | 415       |
| some      | yes                  | transform     | transform         | transform |
| some      | no                   | pass through  | 415               | 415       |
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from dataclasses import dataclass, field

from serverlite.gateway.errors import UnsupportedMediaType
from serverlite.gateway.media_types import DEFAULT_CONTENT_TYPE, media_type
from serverlite.gateway.messages import GatewayRequest
from serverlite.gateway.router import RouteMatch
from serverlite.gateway.vtl import TemplateInput, render
from serverlite.template.model import Integration

__all__ = [
    "DEFAULT_CONTENT_TYPE",
    "MappedRequest",
    "media_type",
    "select_request_template",
    "template_input",
    "transform_request",
]


@dataclass(frozen=True)
class MappedRequest:
    """The integration request body and the overrides its template set (`header`, `querystring`, `path`)."""

    body: bytes
    overrides: Mapping[str, Mapping[str, t.Any]] = field(default_factory=dict)
    transformed: bool = False


def select_request_template(integration: Integration, content_type: str | None) -> str | None:
    """The template for the request's content type, or None to pass the body through.

    Raises UnsupportedMediaType when the passthrough behaviour forbids passing it (table above).
    """
    templates = integration.request_templates
    behavior = integration.passthrough_behavior
    if not templates:
        if behavior == "NEVER":
            raise UnsupportedMediaType("Request body passthrough disabled")
        return None
    wanted = media_type(content_type)
    for key, template in templates.items():
        if key.lower() == wanted:
            return template
    if behavior == "WHEN_NO_MATCH":
        return None
    raise UnsupportedMediaType("Request body passthrough disabled")


def template_input(
    request: GatewayRequest, match: RouteMatch, context: Mapping[str, t.Any], body: str | None = None
) -> TemplateInput:
    """What a mapping template sees: the method request's body and parameters, `$context`, stage variables."""
    headers: dict[str, str] = {}
    for name, value in request.headers:
        headers[name] = value
    return TemplateInput(
        body=request.body.decode("utf-8", errors="replace") if body is None else body,
        path_params=match.path_parameters or {},
        query_params=_query(request.raw_query),
        headers=headers,
        context=context,
        stage_variables=match.stage.variables,
    )


def transform_request(
    integration: Integration, request: GatewayRequest, data: TemplateInput
) -> MappedRequest:
    """The integration request body: the rendered template, or the method request's body passed through.

    Raises UnsupportedMediaType, MappingTemplateError (500) or BodyNotJson (400).
    """
    template = select_request_template(integration, request.header("Content-Type"))
    if template is None:
        return MappedRequest(request.body)
    rendered = render(template, data)
    return MappedRequest(rendered.output.encode("utf-8"), rendered.request_overrides, transformed=True)


def _query(raw_query: str | None) -> dict[str, str]:
    from urllib.parse import unquote_plus

    values: dict[str, str] = {}
    for part in (raw_query or "").split("&"):
        if part:
            name, _, value = part.partition("=")
            values[unquote_plus(name)] = unquote_plus(value)
    return values
