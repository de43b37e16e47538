"""An API's authorizers: OpenAPI `x-amazon-apigateway-authorizer` security schemes (what SAM's
`Auth.Authorizers` expands to) and `AWS::ApiGateway::Authorizer` resources.

https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-authorizer.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from serverlite.template import physical
from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.model import Authorizer
from serverlite.template.properties import integer

__all__ = ["body_authorizer_id", "body_authorizers", "resource_authorizers", "security_schemes"]

_TYPES = {"token": "TOKEN", "request": "REQUEST", "cognito_user_pools": "COGNITO_USER_POOLS"}


def security_schemes(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """Swagger 2.0 `securityDefinitions` or OpenAPI 3.0 `components.securitySchemes`."""
    return body.get("securityDefinitions") or (body.get("components") or {}).get("securitySchemes") or {}


def body_authorizer_id(api_id: str, name: str) -> str:
    """The id API Gateway gives an authorizer imported from the definition (stable locally)."""
    return physical.short_id(f"authorizer:{api_id}:{name}", 6)


def body_authorizers(context: BuildContext, api_id: str, body: Mapping[str, Any]) -> dict[str, Authorizer]:
    """Authorizer id -> Authorizer for every scheme with an `x-amazon-apigateway-authorizer`."""
    found = {}
    for name, scheme in security_schemes(body).items():
        extension = (scheme or {}).get("x-amazon-apigateway-authorizer")
        if not isinstance(extension, Mapping):
            continue
        authorizer = _from_extension(context, body_authorizer_id(api_id, name), name, scheme, extension)
        found[authorizer.id] = authorizer
    return found


def _from_extension(
    context: BuildContext, authorizer_id: str, name: str, scheme: Mapping[str, Any], ext: Mapping[str, Any]
) -> Authorizer:
    kind = _TYPES.get(str(ext.get("type", "")).lower())
    if kind is None:
        raise TemplateError(f"Body: authorizer {name} has unknown type {ext.get('type')!r}")
    # Without `identitySource`, a TOKEN or Cognito authorizer reads the scheme's header (`in: header`).
    source = ext.get("identitySource")
    if source is None and kind != "REQUEST" and scheme.get("in", "header") == "header":
        source = f"method.request.header.{scheme.get('name') or 'Authorization'}"
    uri = str(ext.get("authorizerUri", ""))
    return Authorizer(
        id=authorizer_id,
        name=name,
        type=kind,
        identity_source=str(source or ""),
        function=context.function_for_uri(uri) if uri else None,
        uri=uri,
        identity_validation_expression=ext.get("identityValidationExpression"),
        result_ttl_seconds=integer(ext, "authorizerResultTtlInSeconds", 300),
        provider_arns=tuple(str(arn) for arn in ext.get("providerARNs") or []),
    )


def resource_authorizers(context: BuildContext, api_id: str) -> dict[str, Authorizer]:
    """Authorizer id -> Authorizer for this API's `AWS::ApiGateway::Authorizer` resources."""
    found = {}
    for resource in context.of_type("AWS::ApiGateway::Authorizer"):
        properties = resource.properties
        if str(properties.get("RestApiId")) != api_id:
            continue
        try:
            authorizer = _from_resource(context, str(context.stack.ref(resource.logical_id)), properties)
        except TemplateError as error:
            raise error.in_resource(resource.logical_id) from None
        found[authorizer.id] = authorizer
    return found


def _from_resource(context: BuildContext, authorizer_id: str, properties: Mapping[str, Any]) -> Authorizer:
    kind = str(properties.get("Type", "")).upper()
    if kind not in _TYPES.values():
        raise TemplateError(f"Type must be TOKEN, REQUEST or COGNITO_USER_POOLS, not {kind!r}")
    uri = str(properties.get("AuthorizerUri", ""))
    default_source = "method.request.header.Authorization" if kind == "COGNITO_USER_POOLS" else ""
    return Authorizer(
        id=authorizer_id,
        name=str(properties.get("Name") or authorizer_id),
        type=kind,
        identity_source=str(properties.get("IdentitySource") or default_source),
        function=context.function_for_uri(uri) if uri else None,
        uri=uri,
        identity_validation_expression=properties.get("IdentityValidationExpression"),
        result_ttl_seconds=integer(properties, "AuthorizerResultTtlInSeconds", 300),
        provider_arns=tuple(str(arn) for arn in properties.get("ProviderARNs") or []),
    )
