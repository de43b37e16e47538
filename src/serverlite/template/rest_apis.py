"""`AWS::ApiGateway::RestApi` (+ its Resources, Methods, Deployments and Stages) -> `RestApi`.

Routes come from the OpenAPI `Body` (what SAM generates) and/or from `AWS::ApiGateway::Resource` and
`AWS::ApiGateway::Method` resources (the console tutorial's shape); both build one resource tree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from serverlite.template import physical
from serverlite.template.authorizers import (
    body_authorizer_id,
    body_authorizers,
    resource_authorizers,
    security_schemes,
)
from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.method_requests import (
    body_gateway_responses,
    body_method_request,
    body_models,
    body_validators,
    cfn_method_request,
    resource_gateway_responses,
    resource_models,
    resource_validators,
)
from serverlite.template.model import Integration, Method, Resource, RestApi
from serverlite.template.properties import flag, integer
from serverlite.template.source import read_template
from serverlite.template.stack import ResolvedResource
from serverlite.template.stages import build_stages

__all__ = ["build_rest_api"]

# OpenAPI operation keys -> API Gateway HTTP methods.
# https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html
_OPERATIONS = {
    **{name: name.upper() for name in ("get", "put", "post", "delete", "patch", "head", "options")},
    "x-amazon-apigateway-any-method": "ANY",
}

Routes = dict[str, dict[str, Method]]


def build_rest_api(context: BuildContext, resource: ResolvedResource) -> RestApi:
    """The API with every node of its resource tree and its stages.

    Raises:
        TemplateError: an operation without integration, a method on an unknown resource, S3 bodies.
    """
    properties = resource.properties
    api_id = str(context.stack.ref(resource.logical_id))
    body = properties.get("Body") or _body_file(context, properties.get("BodyS3Location"))
    routes = _body_routes(context, api_id, body)
    routes.update({path: {} for path in _declared_paths(context, api_id) if path not in routes})
    for path, http_method, method in _method_resources(context, api_id):
        routes.setdefault(path, {})[http_method] = method
    return RestApi(
        logical_id=resource.logical_id,
        id=api_id,
        name=str(properties.get("Name") or (body.get("info") or {}).get("title") or resource.logical_id),
        resources=_tree(context, api_id, routes),
        stages=build_stages(context, api_id),
        binary_media_types=_binary_media_types(properties, body),
        policy=_policy(properties, body),
        endpoint_type=_endpoint_type(properties),
        authorizers={**body_authorizers(context, api_id, body), **resource_authorizers(context, api_id)},
        api_key_source=str(
            properties.get("ApiKeySourceType") or body.get("x-amazon-apigateway-api-key-source") or "HEADER"
        ).upper(),
        models={**body_models(body), **resource_models(context, api_id)},
        request_validators={**body_validators(body), **resource_validators(context, api_id)},
        gateway_responses={**body_gateway_responses(body), **resource_gateway_responses(context, api_id)},
    )


def _body_file(context: BuildContext, location: object) -> Mapping[str, Any]:
    """A local `BodyS3Location` (a file path, as `aws cloudformation package` takes it) read as the body.

    As on AWS, a body read from a file is not a template: its intrinsic functions are not resolved, so its
    integration URIs name functions by literal ARN (matched to this template's functions by name).
    """
    if location is None:
        return {}
    if not isinstance(location, str):
        raise TemplateError(
            "BodyS3Location in an S3 bucket cannot be read locally: give a local file path or inline the Body"
        )
    return read_template(context.base_dir / location).template


def _tree(context: BuildContext, api_id: str, routes: Routes) -> tuple[Resource, ...]:
    """Every path and all its ancestors, root included, sorted by path."""
    paths = {"/"}
    for path in routes:
        segments = path.strip("/").split("/") if path.strip("/") else []
        paths.update("/" + "/".join(segments[:end]) for end in range(1, len(segments) + 1))
    return tuple(
        Resource(physical.resource_id(context.stack, api_id, path), path, routes.get(path, {}))
        for path in sorted(paths)
    )


def _body_routes(context: BuildContext, api_id: str, body: Mapping[str, Any]) -> Routes:
    """Methods of the Swagger 2.0 / OpenAPI 3.0 `paths`."""
    routes: Routes = {}
    for path, item in (body.get("paths") or {}).items():
        operations = {key: value for key, value in (item or {}).items() if key.lower() in _OPERATIONS}
        # A resource path never ends with a slash: `/plans/` is the resource `/plans` (requests match it
        # with or without the slash, reference apigateway-lambda.md 1.8).
        resource_path = path.rstrip("/") or "/"
        routes.setdefault(resource_path, {}).update(
            {
                _OPERATIONS[key.lower()]: _operation(context, api_id, body, path, key, operation, item)
                for key, operation in operations.items()
            }
        )
    return routes


def _operation(
    context: BuildContext,
    api_id: str,
    body: Mapping[str, Any],
    path: str,
    key: str,
    operation: Mapping[str, Any],
    path_item: Mapping[str, Any],
) -> Method:
    """One OpenAPI operation with its `x-amazon-apigateway-integration` and its `security`."""
    integration = operation.get("x-amazon-apigateway-integration")
    if not isinstance(integration, dict):
        raise TemplateError(f"Body: {key} {path} has no x-amazon-apigateway-integration")
    security = _security(body, operation)
    return Method(
        http_method=_OPERATIONS[key.lower()],
        integration=_openapi_integration(context, integration),
        authorization_type=_auth_extension(operation) or security.authorization,
        api_key_required=security.api_key,
        operation_name=operation.get("operationId"),
        authorizer_id=body_authorizer_id(api_id, security.authorizer) if security.authorizer else None,
        authorization_scopes=security.scopes,
        **body_method_request(body, operation, path_item),
    )


# `x-amazon-apigateway-authtype` / authorizer type -> the Method's AuthorizationType
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authtype.html).
_AUTH_TYPES = {
    "cognito_user_pools": "COGNITO_USER_POOLS",
    "awssigv4": "AWS_IAM",
    "token": "CUSTOM",
    "request": "CUSTOM",
    "custom": "CUSTOM",
}


@dataclass(frozen=True)
class _Security:
    """What an operation's `security` requirements say."""

    authorization: str = "NONE"
    api_key: bool = False
    authorizer: str | None = None  # the security scheme holding `x-amazon-apigateway-authorizer`
    scopes: tuple[str, ...] = ()


def _security(body: Mapping[str, Any], operation: Mapping[str, Any]) -> _Security:
    """AuthorizationType, ApiKeyRequired, authorizer and scopes from the operation's `security`."""
    requirements = operation.get("security", body.get("security")) or []
    schemes = security_schemes(body)
    found = _Security()
    for requirement in requirements:
        for name, scopes in (requirement or {}).items():
            scheme = schemes.get(name) or {}
            kind = str(scheme.get("x-amazon-apigateway-authtype", "")).lower()
            authorizer = scheme.get("x-amazon-apigateway-authorizer")
            kind = kind or str((authorizer or {}).get("type", "")).lower()
            if kind in _AUTH_TYPES:
                found = replace(
                    found,
                    authorization=_AUTH_TYPES[kind],
                    authorizer=name if isinstance(authorizer, dict) else None,
                    scopes=tuple(str(scope) for scope in scopes or ()),
                )
            elif scheme.get("type") == "apiKey":
                found = replace(found, api_key=True)
    return found


def _auth_extension(operation: Mapping[str, Any]) -> str | None:
    """`x-amazon-apigateway-auth: {type: AWS_IAM}` (or NONE) on the operation, see
    https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-auth.html
    """
    auth = operation.get("x-amazon-apigateway-auth")
    kind = str(auth.get("type", "")).upper() if isinstance(auth, dict) else ""
    return "AWS_IAM" if kind == "AWS_IAM" else None


def _openapi_integration(context: BuildContext, integration: Mapping[str, Any]) -> Integration:
    """The extension's fields; see
    https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
    """
    uri = str(integration.get("uri", ""))
    return Integration(
        type=str(integration.get("type", "")).upper(),
        uri=uri,
        function=context.function_for_uri(uri),
        http_method=str(integration.get("httpMethod", "POST")).upper(),
        timeout_ms=integer(integration, "timeoutInMillis", 29000),
        passthrough_behavior=str(integration.get("passthroughBehavior", "WHEN_NO_MATCH")).upper(),
        request_templates=dict(integration.get("requestTemplates") or {}),
        responses=dict(integration.get("responses") or {}),
        content_handling=integration.get("contentHandling"),
        request_parameters={str(k): str(v) for k, v in (integration.get("requestParameters") or {}).items()},
    )


def _declared_paths(context: BuildContext, api_id: str) -> list[str]:
    """Paths of this API's `AWS::ApiGateway::Resource`s (their ids register their paths)."""
    paths = []
    for resource in context.of_type("AWS::ApiGateway::Resource"):
        if str(resource.properties.get("RestApiId")) == api_id:
            paths.append(context.stack.paths_by_id[str(context.stack.ref(resource.logical_id))][1])
    return paths


def _method_resources(context: BuildContext, api_id: str) -> list[tuple[str, str, Method]]:
    """(path, HTTP method, Method) of this API's `AWS::ApiGateway::Method`s."""
    found = []
    for resource in context.of_type("AWS::ApiGateway::Method"):
        if str(resource.properties.get("RestApiId")) != api_id:
            continue
        try:
            found.append(_method_resource(context, resource.properties))
        except TemplateError as error:
            raise error.in_resource(resource.logical_id) from None
    return found


def _method_resource(context: BuildContext, properties: Mapping[str, Any]) -> tuple[str, str, Method]:
    """One Method resource; see
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-method.html
    """
    node = context.stack.paths_by_id.get(str(properties.get("ResourceId")))
    if node is None:
        raise TemplateError("ResourceId is neither a RootResourceId nor an AWS::ApiGateway::Resource")
    if not isinstance(properties.get("Integration"), dict):
        raise TemplateError("Integration is required")
    http_method = str(properties.get("HttpMethod", "")).upper()
    method = Method(
        http_method=http_method,
        integration=_cfn_integration(context, properties["Integration"]),
        authorization_type=str(properties.get("AuthorizationType", "NONE")).upper(),
        api_key_required=flag(properties.get("ApiKeyRequired", False)),
        operation_name=properties.get("OperationName"),
        authorizer_id=str(properties["AuthorizerId"]) if properties.get("AuthorizerId") else None,
        authorization_scopes=tuple(str(scope) for scope in properties.get("AuthorizationScopes") or ()),
        **cfn_method_request(context, properties),
    )
    return node[1], http_method, method


def _cfn_integration(context: BuildContext, integration: Mapping[str, Any]) -> Integration:
    """`AWS::ApiGateway::Method.Integration`, in the OpenAPI extension's terms."""
    uri = str(integration.get("Uri", ""))
    return Integration(
        type=str(integration.get("Type", "")).upper(),
        uri=uri,
        function=context.function_for_uri(uri),
        http_method=str(integration.get("IntegrationHttpMethod", "POST")).upper(),
        timeout_ms=integer(integration, "TimeoutInMillis", 29000),
        passthrough_behavior=str(integration.get("PassthroughBehavior", "WHEN_NO_MATCH")).upper(),
        request_templates=dict(integration.get("RequestTemplates") or {}),
        responses=_cfn_responses(integration.get("IntegrationResponses") or []),
        content_handling=integration.get("ContentHandling"),
        request_parameters={str(k): str(v) for k, v in (integration.get("RequestParameters") or {}).items()},
    )


def _cfn_responses(responses: list[Mapping[str, Any]]) -> dict[str, dict[str, object]]:
    """IntegrationResponses as the extension's `responses`: selection pattern (or `default`) -> response."""
    keys = {
        "StatusCode": "statusCode",
        "ResponseTemplates": "responseTemplates",
        "ResponseParameters": "responseParameters",
        "ContentHandling": "contentHandling",
    }
    converted: dict[str, dict[str, object]] = {}
    for response in responses:
        body = {keys[key]: value for key, value in response.items() if key in keys}
        if "statusCode" in body:
            body["statusCode"] = str(body["statusCode"])
        converted[str(response.get("SelectionPattern") or "default")] = body
    return converted


def _binary_media_types(properties: Mapping[str, Any], body: Mapping[str, Any]) -> tuple[str, ...]:
    """Body's list then the property's; SAM writes `/` as `~1` (JSON-pointer escaping)."""
    types = list(body.get("x-amazon-apigateway-binary-media-types") or [])
    types += list(properties.get("BinaryMediaTypes") or [])
    return tuple(dict.fromkeys(str(media_type).replace("~1", "/") for media_type in types))


def _policy(properties: Mapping[str, Any], body: Mapping[str, Any]) -> Mapping[str, object] | None:
    """The `Policy` property (object or JSON text), else the Body's `x-amazon-apigateway-policy`."""
    policy = properties.get("Policy", body.get("x-amazon-apigateway-policy"))
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError as error:
            raise TemplateError(f"Policy is not JSON: {error}") from None
    return policy if isinstance(policy, dict) else None


def _endpoint_type(properties: Mapping[str, Any]) -> str:
    types = (properties.get("EndpointConfiguration") or {}).get("Types") or ["EDGE"]
    return str(types[0]).upper()
