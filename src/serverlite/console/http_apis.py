"""API Gateway HTTP API pages: each HTTP API with its stages, routes, authorizers and CORS, the route Test,
and the function URLs."""

from __future__ import annotations

import typing as t

from aiohttp import web

from serverlite.console.apis import _headers as header_lines
from serverlite.console.state import STATE, ConsoleState
from serverlite.console.wire import bad_request, json_response, read_json
from serverlite.gateway.v2.errors import HttpApiError
from serverlite.template.model import CorsConfiguration, HttpApi, HttpStage, Route

__all__ = ["routes"]

routes = web.RouteTableDef()


@routes.get("/api/http-apis")
async def list_http_apis(request: web.Request) -> web.Response:
    """Every HTTP API of the template and every function URL."""
    state = request.app[STATE]
    application = state.application
    urls = [
        {
            "logicalId": url.logical_id,
            "function": application.functions[url.function].name,
            "urlId": url.url_id,
            "url": state.function_urls.get(url.logical_id),
            "authType": url.auth_type,
            "invokeMode": url.invoke_mode,
            "cors": _cors(url.cors),
        }
        for url in application.function_urls
    ]
    return json_response({"apis": [_api(api, state) for api in application.http_apis], "functionUrls": urls})


@routes.post("/api/http-apis/{api_id}/test-invoke")
async def test_invoke(request: web.Request) -> web.Response:
    """A route Test: the same code path as `serverlite test-invoke` (no stage prefix, no authorization)."""
    state = request.app[STATE]
    api_id = request.match_info["api_id"]
    if state.test_invoke_http is None or not any(api.id == api_id for api in state.application.http_apis):
        raise web.HTTPNotFound(text=f"no HTTP API {api_id}")
    data = await read_json(request)
    method, path = str(data.get("method") or "").upper(), str(data.get("path") or "")
    if not method or not path.startswith("/"):
        raise bad_request("method and a path starting with / are required")
    try:
        headers = header_lines(data.get("headers") or "")
    except ValueError as error:
        raise bad_request(str(error)) from None
    query = str(data.get("query") or "").lstrip("?") or None
    body = str(data.get("body") or "").encode()
    try:
        result = await state.test_invoke_http(
            method, path, query=query, headers=headers, body=body, api_id=api_id
        )
    except HttpApiError as error:  # no route matches
        response = error.to_response()
        return json_response(
            {
                "status": response.status,
                "headers": [list(pair) for pair in response.headers],
                "body": response.body.decode("utf-8", errors="replace"),
                "log": [f"No route matches {method} {path}"],
                "latencyMs": 0,
            }
        )
    return json_response(
        {
            "status": result.status,
            "headers": [list(pair) for pair in result.headers],
            "body": result.body.decode("utf-8", errors="replace"),
            "log": list(result.log),
            "latencyMs": result.latency_ms,
        }
    )


def _api(api: HttpApi, state: ConsoleState) -> dict[str, t.Any]:
    return {
        "id": api.id,
        "name": api.name,
        "logicalId": api.logical_id,
        "disableExecuteApiEndpoint": api.disable_execute_api_endpoint,
        "cors": _cors(api.cors),
        "stages": [_stage(stage, state) for stage in api.stages.values()],
        "routes": [_route(route, api, state) for route in sorted(api.routes, key=_route_order)],
        "authorizers": [
            {
                "id": authorizer.id,
                "name": authorizer.name,
                "type": authorizer.type,
                "identitySource": list(authorizer.identity_source),
                "issuer": authorizer.issuer,
                "audience": list(authorizer.audience),
                "function": authorizer.function,
                "payloadFormatVersion": authorizer.payload_format_version,
                "simpleResponses": authorizer.enable_simple_responses,
                "resultTtlSeconds": authorizer.result_ttl_seconds,
            }
            for authorizer in api.authorizers.values()
        ],
    }


def _route_order(route: Route) -> tuple[bool, str, str]:
    return (route.path is None, route.path or "", route.method)


def _stage(stage: HttpStage, state: ConsoleState) -> dict[str, t.Any]:
    prefix = "" if stage.name == "$default" else f"/{stage.name}"
    return {
        "name": stage.name,
        "invokeUrl": f"{state.gateway_url}{prefix}/" if state.gateway_url else None,
        "autoDeploy": stage.auto_deploy,
        "variables": dict(stage.variables),
        "accessLogGroup": stage.access_log.log_group_name if stage.access_log else None,
        "accessLogFormat": stage.access_log.format if stage.access_log else None,
        "defaultThrottle": _throttle(stage.default_throttle),
        "routeThrottles": {key: _throttle(value) for key, value in stage.route_throttles.items()},
    }


def _throttle(throttle: t.Any) -> dict[str, t.Any] | None:
    if throttle is None:
        return None
    return {"rateLimit": throttle.rate_limit, "burstLimit": throttle.burst_limit}


def _route(route: Route, api: HttpApi, state: ConsoleState) -> dict[str, t.Any]:
    function = state.application.functions.get(route.integration.function or "")
    authorizer = api.authorizers.get(route.authorizer_id or "")
    return {
        "routeKey": route.route_key,
        "method": route.method,
        "path": route.path,
        "authorizationType": route.authorization_type,
        "authorizer": authorizer.name if authorizer else None,
        "scopes": list(route.authorization_scopes),
        "integration": {
            "type": route.integration.type,
            "function": function.name if function else route.integration.function,
            "payloadFormatVersion": route.integration.payload_format_version,
            "timeoutMs": route.integration.timeout_ms,
        },
    }


def _cors(cors: CorsConfiguration | None) -> dict[str, t.Any] | None:
    if cors is None:
        return None
    return {
        "allowOrigins": list(cors.allow_origins),
        "allowMethods": list(cors.allow_methods),
        "allowHeaders": list(cors.allow_headers),
        "exposeHeaders": list(cors.expose_headers),
        "maxAge": cors.max_age,
        "allowCredentials": cors.allow_credentials,
    }
