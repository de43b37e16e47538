"""An HTTP API's authorizers (JWT and Lambda `REQUEST`) and which of them each route uses.

From the definition: `components.securitySchemes` with `x-amazon-apigateway-authorizer`
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-swagger-extensions-authorizer.html),
`x-amazon-apigateway-authtype: awsSigv4` for IAM; a scheme named `NONE` (what SAM writes for
`Auth: {Authorizer: NONE}`) means no authorization. From resources: `AWS::ApiGatewayV2::Authorizer`
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-authorizer.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from serverlite.template import physical
from serverlite.template.context import BuildContext
from serverlite.template.errors import TemplateError
from serverlite.template.model import HttpAuthorizer
from serverlite.template.properties import flag, integer

__all__ = ["body_authorizers", "resource_authorizers", "route_security"]

_EXT = "x-amazon-apigateway-"
_JWT_SOURCE = ("$request.header.Authorization",)


def _schemes(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return (body.get("components") or {}).get("securitySchemes") or body.get("securityDefinitions") or {}


def _body_authorizer_id(api_id: str, name: str) -> str:
    return physical.short_id(f"authorizer:{api_id}:{name}", 6)


def route_security(
    api_id: str, body: Mapping[str, Any], operation: Mapping[str, Any]
) -> tuple[str, str | None, tuple[str, ...]]:
    """(AuthorizationType, authorizer id, scopes) of an operation's `security` (else the definition's)."""
    schemes = _schemes(body)
    for requirement in operation.get("security", body.get("security")) or []:
        for name, scopes in (requirement or {}).items():
            scheme = schemes.get(name) or {}
            if str(scheme.get(f"{_EXT}authtype", "")).lower() == "awssigv4":
                return "AWS_IAM", None, ()
            extension = scheme.get(f"{_EXT}authorizer")
            if isinstance(extension, Mapping):
                kind = "JWT" if str(extension.get("type", "")).lower() == "jwt" else "CUSTOM"
                return kind, _body_authorizer_id(api_id, name), tuple(str(scope) for scope in scopes or ())
    return "NONE", None, ()


def body_authorizers(
    context: BuildContext, api_id: str, body: Mapping[str, Any]
) -> dict[str, HttpAuthorizer]:
    """Authorizer id -> authorizer for every security scheme holding an `x-amazon-apigateway-authorizer`."""
    found = {}
    for name, scheme in _schemes(body).items():
        extension = (scheme or {}).get(f"{_EXT}authorizer")
        if not isinstance(extension, Mapping):
            continue
        jwt = extension.get("jwtConfiguration") or {}
        authorizer = _authorizer(
            context,
            authorizer_id=_body_authorizer_id(api_id, name),
            name=name,
            kind=str(extension.get("type", "")),
            source=extension.get("identitySource"),
            issuer=jwt.get("issuer"),
            audience=jwt.get("audience"),
            uri=str(extension.get("authorizerUri", "")),
            version=str(extension.get("authorizerPayloadFormatVersion", "2.0")),
            simple=flag(extension.get("enableSimpleResponses")),
            ttl=extension.get("authorizerResultTtlInSeconds"),
        )
        found[authorizer.id] = authorizer
    return found


def resource_authorizers(context: BuildContext, api_id: str) -> dict[str, HttpAuthorizer]:
    """Authorizer id -> authorizer for this API's `AWS::ApiGatewayV2::Authorizer` resources."""
    found = {}
    for resource in context.of_type("AWS::ApiGatewayV2::Authorizer"):
        properties = resource.properties
        if str(properties.get("ApiId")) != api_id:
            continue
        jwt = properties.get("JwtConfiguration") or {}
        try:
            authorizer = _authorizer(
                context,
                authorizer_id=str(context.stack.ref(resource.logical_id)),
                name=str(properties.get("Name") or resource.logical_id),
                kind=str(properties.get("AuthorizerType", "")),
                source=properties.get("IdentitySource"),
                issuer=jwt.get("Issuer"),
                audience=jwt.get("Audience"),
                uri=str(properties.get("AuthorizerUri", "")),
                version=str(properties.get("AuthorizerPayloadFormatVersion", "2.0")),
                simple=flag(properties.get("EnableSimpleResponses")),
                ttl=properties.get("AuthorizerResultTtlInSeconds"),
            )
        except TemplateError as error:
            raise error.in_resource(resource.logical_id) from None
        found[authorizer.id] = authorizer
    return found


def _authorizer(
    context: BuildContext,
    *,
    authorizer_id: str,
    name: str,
    kind: str,
    source: Any,
    issuer: Any,
    audience: Any,
    uri: str,
    version: str,
    simple: bool,
    ttl: Any,
) -> HttpAuthorizer:
    kind = kind.upper()
    if kind not in ("JWT", "REQUEST"):
        raise TemplateError(f"authorizer {name}: type is JWT or REQUEST, not {kind!r}")
    if kind == "JWT" and not issuer:
        raise TemplateError(f"authorizer {name}: a JWT authorizer needs jwtConfiguration.issuer")
    function = context.function_for_target(uri) if kind == "REQUEST" else None
    if kind == "REQUEST" and function is None:
        raise TemplateError(f"authorizer {name}: authorizerUri {uri!r} names no function of this template")
    return HttpAuthorizer(
        id=authorizer_id,
        name=name,
        type=kind,
        identity_source=_sources(source) or (_JWT_SOURCE if kind == "JWT" else ()),
        issuer=str(issuer) if issuer else None,
        audience=tuple(str(item) for item in audience or ()),
        function=function,
        uri=uri,
        payload_format_version=version,
        enable_simple_responses=simple,
        result_ttl_seconds=0 if ttl is None else integer({"ttl": ttl}, "ttl", 0),
    )


def _sources(source: Any) -> tuple[str, ...]:
    """A list, or AWS's comma-separated text (`$request.header.A, $request.querystring.b`)."""
    items = source if isinstance(source, list) else str(source or "").split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())
