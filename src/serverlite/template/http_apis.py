"""`AWS::ApiGatewayV2::Api` (HTTP) with its Routes, Integrations, Stages and Authorizers -> `HttpApi`.

Routes come from the OpenAPI `Body` (what SAM's `AWS::Serverless::HttpApi` expands to), from the quick-create
`Target`/`RouteKey` properties, and from `AWS::ApiGatewayV2::Route` resources; all three may be mixed.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-api.html
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.http_authorizers import body_authorizers, resource_authorizers, route_security
from serverlite.template.http_stages import build_http_stages, quick_create_stage
from serverlite.template.model import CorsConfiguration, HttpApi, HttpIntegration, Route
from serverlite.template.properties import flag, integer
from serverlite.template.source import read_template
from serverlite.template.stack import ResolvedResource

__all__ = ["build_http_api", "cors_configuration"]

_EXT = "x-amazon-apigateway-"
_METHODS = {name: name.upper() for name in ("get", "put", "post", "delete", "patch", "head", "options")}
_METHODS[f"{_EXT}any-method"] = "ANY"
# HTTP APIs allow 50 ms to 30 s (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
_MAX_TIMEOUT_MS = 30000


def build_http_api(context: BuildContext, resource: ResolvedResource) -> HttpApi:
    """The HTTP API with every route and stage.

    Raises:
        TemplateError: a WebSocket API, a route without integration, an S3 body, an unknown route target.
    """
    properties = resource.properties
    protocol = str(properties.get("ProtocolType") or "HTTP").upper()
    if protocol != "HTTP":
        raise TemplateError(f"ProtocolType {protocol} is not supported by serverlite yet (HTTP APIs only)")
    api_id = str(context.stack.ref(resource.logical_id))
    body = properties.get("Body") or _body_file(context, properties.get("BodyS3Location"))
    authorizers = {**body_authorizers(context, api_id, body), **resource_authorizers(context, api_id)}
    routes = {route.route_key: route for route in _body_routes(context, api_id, body)}
    routes.update((route.route_key, route) for route in _resource_routes(context, api_id))
    quick = _quick_create_route(context, properties)
    if quick is not None:
        routes[quick.route_key] = quick
    stages = build_http_stages(context, api_id)
    if quick is not None and "$default" not in stages:
        stages["$default"] = quick_create_stage()
    return HttpApi(
        logical_id=resource.logical_id,
        id=api_id,
        name=str(properties.get("Name") or (body.get("info") or {}).get("title") or resource.logical_id),
        routes=tuple(routes.values()),
        stages=stages,
        cors=_cors(properties, body),
        authorizers=authorizers,
        disable_execute_api_endpoint=_execute_api_disabled(properties, body),
    )


def cors_configuration(value: object, *, lower_keys: bool = False) -> CorsConfiguration | None:
    """`CorsConfiguration` (`AllowOrigins`...) or `x-amazon-apigateway-cors` (`allowOrigins`)."""
    if not isinstance(value, Mapping):
        return None

    def get(key: str) -> Any:
        return value.get(key[0].lower() + key[1:] if lower_keys else key)

    def names(key: str) -> tuple[str, ...]:
        return tuple(str(item) for item in get(key) or ())

    max_age = get("MaxAge")
    return CorsConfiguration(
        allow_origins=names("AllowOrigins"),
        allow_methods=tuple(method.upper() for method in names("AllowMethods")),
        allow_headers=tuple(header.lower() for header in names("AllowHeaders")),
        expose_headers=tuple(header.lower() for header in names("ExposeHeaders")),
        max_age=None if max_age is None else int(str(max_age)),
        allow_credentials=flag(get("AllowCredentials")),
    )


def _body_file(context: BuildContext, location: object) -> Mapping[str, Any]:
    """A local `BodyS3Location` (a file path); like REST APIs, its intrinsics are not resolved."""
    if location is None:
        return {}
    if not isinstance(location, str):
        raise TemplateError(
            "BodyS3Location in an S3 bucket cannot be read locally: give a local file path or inline the Body"
        )
    return read_template(context.base_dir / location).template


def _body_routes(context: BuildContext, api_id: str, body: Mapping[str, Any]) -> list[Route]:
    """One route per operation of the definition's `paths`; the `$default` path is the default route."""
    routes = []
    for path, item in (body.get("paths") or {}).items():
        for key, operation in (item or {}).items():
            method = _METHODS.get(str(key).lower())
            if method is None or not isinstance(operation, dict):
                continue
            default = path == "$default" or flag(operation.get("isDefaultRoute"))
            route_key = "$default" if default else f"{method} {path}"
            routes.append(_operation_route(context, api_id, body, route_key, operation))
    return routes


def _operation_route(
    context: BuildContext, api_id: str, body: Mapping[str, Any], route_key: str, operation: Mapping[str, Any]
) -> Route:
    integration = _referenced(body, operation.get(f"{_EXT}integration"))
    if not isinstance(integration, Mapping):
        raise TemplateError(f"Body: route {route_key} has no {_EXT}integration")
    kind, authorizer_id, scopes = route_security(api_id, body, operation)
    return Route(
        route_key=route_key,
        integration=_openapi_integration(context, integration, route_key),
        authorization_type=kind,
        authorizer_id=authorizer_id,
        authorization_scopes=scopes,
    )


def _referenced(body: Mapping[str, Any], value: Any) -> Any:
    """Follow `$ref: '#/components/x-amazon-apigateway-integrations/<name>'` (reusable integrations)."""
    if isinstance(value, Mapping) and isinstance(value.get("$ref"), str):
        node: Any = body
        for part in value["$ref"].removeprefix("#/").split("/"):
            node = node.get(part) if isinstance(node, Mapping) else None
        return node
    return value


# Keys of an HTTP API's `x-amazon-apigateway-integration` that change what API Gateway sends or answers, and
# which serverlite does not act on yet (https://docs.aws.amazon.com/apigateway/latest/developerguide/
# http-api-develop-integrations.html); a template using them is refused by name, never served differently.
_REFUSED_INTEGRATION_KEYS = {
    "requestParameters": "parameter mapping of HTTP API integrations",
    "responseParameters": "parameter mapping of HTTP API integrations",
    "integrationSubtype": "AWS service integrations of HTTP APIs",
    "tlsConfig": "TLS settings of HTTP integrations",
}


def _openapi_integration(
    context: BuildContext, integration: Mapping[str, Any], route_key: str
) -> HttpIntegration:
    """https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html"""
    for key, reason in _REFUSED_INTEGRATION_KEYS.items():
        if key in integration:
            raise TemplateError(
                f"Body: route {route_key}: x-amazon-apigateway-integration '{key}' is not supported by "
                f"serverlite yet ({reason})"
            )
    if str(integration.get("connectionType", "INTERNET")).upper() != "INTERNET":
        raise TemplateError(f"Body: route {route_key}: VPC links are not supported by serverlite yet")
    return _integration(
        context,
        route_key,
        kind=str(integration.get("type", "")),
        uri=str(integration.get("uri", "")),
        version=str(integration.get("payloadFormatVersion", "2.0")),
        timeout=integration.get("timeoutInMillis"),
    )


def _integration(
    context: BuildContext, route_key: str, *, kind: str, uri: str, version: str, timeout: Any
) -> HttpIntegration:
    kind = kind.upper()
    if kind == "HTTP_PROXY":
        raise TemplateError(
            f"route {route_key}: HTTP_PROXY integrations of HTTP APIs are not supported by serverlite yet"
        )
    if kind != "AWS_PROXY":
        raise TemplateError(f"route {route_key}: {kind or 'no'} integration type (HTTP APIs: AWS_PROXY)")
    if version not in ("1.0", "2.0"):
        raise TemplateError(f"route {route_key}: payloadFormatVersion is 1.0 or 2.0, not {version!r}")
    timeout_ms = _MAX_TIMEOUT_MS
    if timeout is not None:
        timeout_ms = min(integer({"TimeoutInMillis": timeout}, "TimeoutInMillis", 0), _MAX_TIMEOUT_MS)
    function = context.function_for_target(uri)
    if function is None:
        raise TemplateError(
            f"route {route_key}: the integration URI {uri!r} names no function of this template"
        )
    return HttpIntegration(
        type=kind, uri=uri, function=function, payload_format_version=version, timeout_ms=timeout_ms
    )


def _quick_create_route(context: BuildContext, properties: Mapping[str, Any]) -> Route | None:
    """`Target` (+ `RouteKey`, default `$default`): one Lambda or HTTP route and a `$default` stage."""
    target = properties.get("Target")
    if not target:
        return None
    target = str(target)
    route_key = _route_key(str(properties.get("RouteKey") or "$default"))
    kind = "HTTP_PROXY" if target.startswith(("http://", "https://")) else "AWS_PROXY"
    integration = _integration(context, route_key, kind=kind, uri=target, version="2.0", timeout=None)
    return Route(route_key=route_key, integration=integration)


def _resource_routes(context: BuildContext, api_id: str) -> list[Route]:
    """This API's `AWS::ApiGatewayV2::Route`s, each with the `AWS::ApiGatewayV2::Integration` it targets."""
    integrations = {
        str(context.stack.ref(resource.logical_id)): resource
        for resource in context.of_type("AWS::ApiGatewayV2::Integration")
        if str(resource.properties.get("ApiId")) == api_id
    }
    routes = []
    for resource in context.of_type("AWS::ApiGatewayV2::Route"):
        if str(resource.properties.get("ApiId")) != api_id:
            continue
        try:
            routes.append(_resource_route(context, resource.properties, integrations))
        except TemplateError as error:
            raise error.in_resource(resource.logical_id) from None
    return routes


def _resource_route(
    context: BuildContext, properties: Mapping[str, Any], integrations: Mapping[str, ResolvedResource]
) -> Route:
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-route.html"""
    route_key = _route_key(str(properties.get("RouteKey", "")))
    target = str(properties.get("Target") or "")
    integration = integrations.get(target.removeprefix("integrations/"))
    if integration is None:
        raise TemplateError(
            f"Target {target!r} is not 'integrations/<IntegrationId>' of an Integration of this API"
        )
    kind = str(properties.get("AuthorizationType") or "NONE").upper()
    try:
        built = _resource_integration(context, route_key, integration.properties)
    except TemplateError as error:
        raise error.in_resource(integration.logical_id) from None
    return Route(
        route_key=route_key,
        integration=built,
        authorization_type=kind,
        authorizer_id=str(properties["AuthorizerId"]) if properties.get("AuthorizerId") else None,
        authorization_scopes=tuple(str(scope) for scope in properties.get("AuthorizationScopes") or ()),
    )


def _resource_integration(
    context: BuildContext, route_key: str, properties: Mapping[str, Any]
) -> HttpIntegration:
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-integration.html"""
    return _integration(
        context,
        route_key,
        kind=str(properties.get("IntegrationType", "")),
        uri=str(properties.get("IntegrationUri", "")),
        version=str(properties.get("PayloadFormatVersion", "1.0")),
        timeout=properties.get("TimeoutInMillis"),
    )


def _route_key(key: str) -> str:
    """`get /items` -> `GET /items`; `$default` as is.

    Raises:
        TemplateError: not `METHOD /path` nor `$default`.
    """
    if key == "$default":
        return key
    method, _, path = key.partition(" ")
    if not path.startswith("/"):
        raise TemplateError(f"RouteKey {key!r} is neither '$default' nor 'METHOD /path'")
    return f"{method.upper()} {path}"


def _cors(properties: Mapping[str, Any], body: Mapping[str, Any]) -> CorsConfiguration | None:
    """The `CorsConfiguration` property wins over the definition's `x-amazon-apigateway-cors`."""
    if properties.get("CorsConfiguration") is not None:
        return cors_configuration(properties["CorsConfiguration"])
    return cors_configuration(body.get(f"{_EXT}cors"), lower_keys=True)


def _execute_api_disabled(properties: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    if "DisableExecuteApiEndpoint" in properties:
        return flag(properties["DisableExecuteApiEndpoint"])
    for server in body.get("servers") or []:
        configuration = (server or {}).get(f"{_EXT}endpoint-configuration") or {}
        if flag(configuration.get("disableExecuteApiEndpoint")):
            return True
    return False
