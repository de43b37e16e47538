"""API Gateway pages: each REST API with its stages and resource tree, and the method Test."""

from __future__ import annotations

import typing as t

from aiohttp import web

from serverlite.console.state import STATE, ConsoleState
from serverlite.console.wire import bad_request, json_response, read_json
from serverlite.gateway.errors import GatewayError
from serverlite.template.model import Integration, Method, Resource, RestApi, Stage

__all__ = ["routes"]

routes = web.RouteTableDef()


@routes.get("/api/apis")
async def list_apis(request: web.Request) -> web.Response:
    """Every REST API of the template with its stages, resources, methods and integrations."""
    state = request.app[STATE]
    return json_response({"apis": [_api(api, state) for api in state.application.rest_apis]})


@routes.post("/api/apis/{api_id}/test-invoke")
async def test_invoke(request: web.Request) -> web.Response:
    """The method Test: the same code path as `serverlite test-invoke`."""
    state = request.app[STATE]
    api_id = request.match_info["api_id"]
    if not any(api.id == api_id for api in state.application.rest_apis):
        raise web.HTTPNotFound(text=f"no REST API {api_id}")
    data = await read_json(request)
    method, path = str(data.get("method") or ""), str(data.get("path") or "")
    if not method or not path.startswith("/"):
        raise bad_request("method and a path starting with / are required")
    try:
        headers = _headers(data.get("headers") or "")
    except ValueError as error:
        raise bad_request(str(error)) from None
    query = str(data.get("query") or "").lstrip("?") or None
    body = str(data.get("body") or "").encode()
    try:
        result = await state.test_invoke(method, path, query=query, headers=headers, body=body, api_id=api_id)
    except GatewayError as error:  # no method matches: what the console's Test answers then
        response = error.to_response()
        return json_response(
            {
                "status": response.status,
                "headers": [list(pair) for pair in response.headers],
                "body": response.body.decode("utf-8", errors="replace"),
                "log": [str(error)],
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


def _headers(text: str) -> list[tuple[str, str]]:
    """`name:value` lines, as the console's Headers box and `test-invoke -H` take them."""
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise ValueError(f"header line {number} is not name:value")
        pairs.append((name.strip(), value.strip()))
    return pairs


def _api(api: RestApi, state: ConsoleState) -> dict[str, t.Any]:
    return {
        "id": api.id,
        "name": api.name,
        "logicalId": api.logical_id,
        "endpointType": api.endpoint_type,
        "binaryMediaTypes": list(api.binary_media_types),
        "policy": api.policy,
        "stages": [_stage(stage, state) for stage in api.stages.values()],
        "resources": [_resource(resource, state) for resource in sorted(api.resources, key=_path_key)],
    }


def _path_key(resource: Resource) -> tuple[str, ...]:
    return tuple(part for part in resource.path.split("/") if part)


def _stage(stage: Stage, state: ConsoleState) -> dict[str, t.Any]:
    return {
        "name": stage.name,
        "deploymentId": stage.deployment_id,
        "invokeUrl": f"{state.gateway_url}/{stage.name}" if state.gateway_url else None,
        "variables": dict(stage.variables),
        "accessLogGroup": stage.access_log.log_group_name if stage.access_log else None,
        "accessLogFormat": stage.access_log.format if stage.access_log else None,
        "tracingEnabled": stage.tracing_enabled,
        "methodSettings": [
            {
                "resourcePath": setting.resource_path,
                "httpMethod": setting.http_method,
                "loggingLevel": setting.logging_level,
                "dataTraceEnabled": setting.data_trace_enabled,
                "metricsEnabled": setting.metrics_enabled,
            }
            for setting in stage.method_settings
        ],
    }


def _resource(resource: Resource, state: ConsoleState) -> dict[str, t.Any]:
    return {
        "id": resource.id,
        "path": resource.path,
        "methods": [_method(method, state) for _, method in sorted(resource.methods.items())],
    }


def _method(method: Method, state: ConsoleState) -> dict[str, t.Any]:
    return {
        "httpMethod": method.http_method,
        "authorizationType": method.authorization_type,
        "apiKeyRequired": method.api_key_required,
        "operationName": method.operation_name,
        "integration": _integration(method.integration, state),
    }


def _integration(integration: Integration, state: ConsoleState) -> dict[str, t.Any]:
    function = state.application.functions.get(integration.function or "")
    return {
        "type": integration.type,
        "proxy": integration.type in ("AWS_PROXY", "HTTP_PROXY"),
        "uri": integration.uri,
        "function": function.name if function else integration.function,
        "httpMethod": integration.http_method,
        "timeoutMs": integration.timeout_ms,
        "passthroughBehavior": integration.passthrough_behavior,
        "requestTemplates": dict(integration.request_templates),
        "responses": {key: dict(value) for key, value in integration.responses.items()},
        "contentHandling": integration.content_handling,
    }
