"""Export an HTTP API of the template as an OpenAPI 3 document (`serverlite openapi`).

The shape follows what API Gateway's own export writes for HTTP APIs
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-export.html): one operation per route
with its `x-amazon-apigateway-integration` (`payloadFormatVersion`), `ANY` as
`x-amazon-apigateway-any-method`, the `$default` route under the path `$default`, JWT authorizers as
`oauth2`/openIdConnect-style security schemes with `x-amazon-apigateway-authorizer`, and CORS as
`x-amazon-apigateway-cors`. The server is the local gateway with the stage's prefix (none for `$default`).
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence

from serverlite.template.model import HttpApi, HttpAuthorizer, Route

__all__ = ["http_api_document", "select_http_api"]

_EXT = "x-amazon-apigateway-"


def http_api_document(
    api: HttpApi, stage: str, *, server_url: str = "http://127.0.0.1:3000"
) -> dict[str, t.Any]:
    """The OpenAPI 3.0 document of `api` served at `server_url` (plus `/<stage>` for a named stage).

    Raises:
        LookupError: when the API has no such stage.
    """
    if stage not in api.stages:
        raise LookupError(
            f"{api.name} ({api.id}) has no stage {stage!r} (stages: {', '.join(sorted(api.stages))})"
        )
    base = server_url.rstrip("/") + ("" if stage == "$default" else f"/{stage}")
    paths: dict[str, dict[str, t.Any]] = {}
    for route in api.routes:
        key = route.path or "$default"
        verb = f"{_EXT}any-method" if route.method in ("ANY", "$default") else route.method.lower()
        paths.setdefault(key, {})[verb] = _operation(route, api)
    document: dict[str, t.Any] = {
        "openapi": "3.0.1",
        "info": {"title": api.name, "version": stage, "description": f"HTTP API {api.id}, stage {stage}"},
        "servers": [{"url": base}],
        "paths": paths,
    }
    schemes = {authorizer.name: _scheme(authorizer) for authorizer in api.authorizers.values()}
    if any(route.authorization_type == "AWS_IAM" for route in api.routes):
        schemes["sigv4"] = {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            f"{_EXT}authtype": "awsSigv4",
        }
    if schemes:
        document["components"] = {"securitySchemes": schemes}
    if api.cors is not None:
        cors = api.cors
        document[f"{_EXT}cors"] = {
            "allowOrigins": list(cors.allow_origins),
            "allowMethods": list(cors.allow_methods),
            "allowHeaders": list(cors.allow_headers),
            "exposeHeaders": list(cors.expose_headers),
            "allowCredentials": cors.allow_credentials,
            **({"maxAge": cors.max_age} if cors.max_age is not None else {}),
        }
    return document


def _operation(route: Route, api: HttpApi) -> dict[str, t.Any]:
    integration = route.integration
    operation: dict[str, t.Any] = {
        "responses": {"default": {"description": "What the function answers"}},
        f"{_EXT}integration": {
            "type": "aws_proxy",
            "httpMethod": "POST",
            "uri": integration.uri,
            "payloadFormatVersion": integration.payload_format_version,
            "timeoutInMillis": integration.timeout_ms,
        },
    }
    if route.path is None:
        operation["isDefaultRoute"] = True
    authorizer = api.authorizers.get(route.authorizer_id or "")
    if route.authorization_type == "AWS_IAM":
        operation["security"] = [{"sigv4": []}]
    elif authorizer is not None:
        operation["security"] = [{authorizer.name: list(route.authorization_scopes)}]
    parameters = [
        {"name": part.strip("{}+"), "in": "path", "required": True, "schema": {"type": "string"}}
        for part in (route.path or "").split("/")
        if part.startswith("{") and part.endswith("}")
    ]
    if parameters:
        operation["parameters"] = parameters
    return operation


def _scheme(authorizer: HttpAuthorizer) -> dict[str, t.Any]:
    extension: dict[str, t.Any] = {
        "type": authorizer.type.lower(),
        "identitySource": ",".join(authorizer.identity_source),
    }
    if authorizer.type == "JWT":
        extension["jwtConfiguration"] = {"issuer": authorizer.issuer, "audience": list(authorizer.audience)}
        return {"type": "oauth2", "flows": {}, f"{_EXT}authorizer": extension}
    extension |= {
        "authorizerUri": authorizer.uri,
        "authorizerPayloadFormatVersion": authorizer.payload_format_version,
        "enableSimpleResponses": authorizer.enable_simple_responses,
        "authorizerResultTtlInSeconds": authorizer.result_ttl_seconds,
    }
    return {"type": "apiKey", "name": "Unused", "in": "header", f"{_EXT}authorizer": extension}


def select_http_api(apis: Sequence[HttpApi], wanted: str | None) -> HttpApi | None:
    """The HTTP API named or identified by `wanted` (or the only API when nothing is wanted), else None."""
    if wanted is None:
        return apis[0] if len(apis) == 1 else None
    return next((api for api in apis if wanted in (api.id, api.name, api.logical_id)), None)
