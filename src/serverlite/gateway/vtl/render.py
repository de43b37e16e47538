"""Rendering a mapping template for one request or one integration response, overrides captured.

Overrides: "#set($context.requestOverride.header.<name> = ...)", `.querystring.<name>`, `.path.<name>`,
`$context.responseOverride.status` and `.header.<name>` (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html).
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from dataclasses import dataclass, field

import airspeed  # type: ignore[import-untyped]  # airspeed ships no type hints

from serverlite.gateway.errors import GatewayError
from serverlite.gateway.vtl.engine import HYPHEN, MAX_TEMPLATE_BYTES, merge
from serverlite.gateway.vtl.errors import MappingTemplateError
from serverlite.gateway.vtl.input import Input
from serverlite.gateway.vtl.java import JavaString, to_vtl
from serverlite.gateway.vtl.util import Util

__all__ = ["Rendered", "TemplateInput", "render", "render_response"]

_UTIL = Util()


@dataclass(frozen=True)
class TemplateInput:
    """What a template sees of the request."""

    body: str
    path_params: Mapping[str, str]
    query_params: Mapping[str, str]
    headers: Mapping[str, str]
    context: Mapping[str, t.Any]
    stage_variables: Mapping[str, str]


@dataclass
class Rendered:
    """A template's output and the overrides it set."""

    output: str
    request_overrides: dict[str, dict[str, t.Any]] = field(default_factory=dict)
    response_overrides: dict[str, t.Any] = field(default_factory=dict)


def render(template: str, data: TemplateInput) -> Rendered:
    """Renders an integration request template; `$input` is the method request.

    Raises:
        MappingTemplateError: the template is too large, does not parse or fails.
        BodyNotJson: the template reads the body as JSON and it is not JSON (400).
    """
    return _render(template, data, data.body, response=False)


def render_response(template: str, data: TemplateInput, integration_body: str) -> Rendered:
    """Renders an integration response template; `$input.body`/`json`/`path` read the integration's body.

    Raises:
        MappingTemplateError: the template is too large, does not parse or fails.
    """
    return _render(template, data, integration_body, response=True)


def _render(template: str, data: TemplateInput, body: str, *, response: bool) -> Rendered:
    if len(template.encode()) > MAX_TEMPLATE_BYTES:
        raise MappingTemplateError(f"template exceeds {MAX_TEMPLATE_BYTES} bytes", response=response)
    context = _context(data.context)
    params = {"path": data.path_params, "querystring": data.query_params, "header": data.headers}
    namespace = {
        "input": Input(body, params, strict=not response),
        "util": _UTIL,
        "context": context,
        "stageVariables": {JavaString(k): JavaString(v) for k, v in data.stage_variables.items()},
    }
    try:
        output = merge(template, namespace)
    except airspeed.TemplateError as error:
        raise _failure(error, response=response) from error
    return Rendered(output, _request_overrides(context), _response_overrides(context))


def _failure(error: Exception, *, response: bool) -> GatewayError:
    """The gateway error behind a template failure: a raised GatewayError, else a MappingTemplateError."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, GatewayError):
            return cause
        cause = cause.__cause__
    detail = (
        str(error.__cause__ or error).splitlines()[0]
        if str(error.__cause__ or error)
        else type(error).__name__
    )
    return MappingTemplateError(detail, response=response)


def _context(given: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """A mutable `$context` tree with empty override maps for `#set` to fill."""
    context: dict[str, t.Any] = to_vtl(given)
    request = context.setdefault("requestOverride", {})
    for kind in ("header", "querystring", "path"):
        request.setdefault(kind, {})
    response_override = context.setdefault("responseOverride", {})
    response_override.setdefault("header", {})
    response_override.setdefault("status", None)
    return context


def _decoded(values: Mapping[str, t.Any]) -> dict[str, t.Any]:
    return {str(name).replace(HYPHEN, "-"): value for name, value in values.items()}


def _request_overrides(context: Mapping[str, t.Any]) -> dict[str, dict[str, t.Any]]:
    request = context["requestOverride"]
    return {kind: _decoded(request.get(kind) or {}) for kind in ("header", "querystring", "path")}


def _response_overrides(context: Mapping[str, t.Any]) -> dict[str, t.Any]:
    response = context["responseOverride"]
    return {"status": _status(response.get("status")), "header": _decoded(response.get("header") or {})}


def _status(value: object) -> int | None:
    """An overridden status as a number; unset, empty or not a number means no override."""
    try:
        return None if value is None or value == "" else int(str(value))
    except ValueError:
        return None
