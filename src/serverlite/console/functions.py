"""Lambda pages: the function list, saved test events, the Test button and recent invocations."""

from __future__ import annotations

import json
import typing as t

from aiohttp import web

from serverlite.console.state import STATE, ConsoleState
from serverlite.console.wire import bad_request, json_response, read_json
from serverlite.runtime.invoker import FunctionNotFound
from serverlite.template.model import Function

__all__ = ["PRESET_EVENTS", "SAVED_EVENTS", "routes"]

routes = web.RouteTableDef()

#: Test events saved from the console, by function name then event name (kept in memory).
SAVED_EVENTS = web.AppKey("saved_events", dict[str, dict[str, t.Any]])

#: The tutorial's saved test events (seed tutorial, "Test the Lambda function"), by function name.
PRESET_EVENTS: dict[str, dict[str, t.Any]] = {
    "DemoCreateTable": {"DemoEventCreateTable": {"headers": {"table": "Music"}}},
    "DemoDeleteTable": {"DemoEventDeleteTable": {"headers": {"table": "Music"}}},
}


@routes.get("/api/functions")
async def list_functions(request: web.Request) -> web.Response:
    """Every function with its configuration and how many environments are warm."""
    state = request.app[STATE]
    functions = sorted(state.application.functions.values(), key=lambda f: f.name)
    return json_response({"functions": [_function(function, state) for function in functions]})


@routes.get("/api/functions/{name}/events")
async def list_events(request: web.Request) -> web.Response:
    """The function's saved test events: the presets, then those saved from the console."""
    function = _function_of(request)
    return json_response({"events": _events(request, function)})


@routes.put("/api/functions/{name}/events/{event}")
async def save_event(request: web.Request) -> web.Response:
    """Save (or replace) a test event under a name."""
    function = _function_of(request)
    name = request.match_info["event"].strip()
    data = await read_json(request)
    if "event" not in data:
        raise bad_request('body must be {"event": <JSON>}')
    saved: dict[str, dict[str, t.Any]] = request.app[SAVED_EVENTS]
    saved.setdefault(function.name, {})[name] = data["event"]
    return json_response({"events": _events(request, function)})


@routes.post("/api/functions/{name}/invoke")
async def invoke(request: web.Request) -> web.Response:
    """The Test button: run the function with the body as its event, return result and log tail."""
    state = request.app[STATE]
    function = _function_of(request)
    event = await request.read()
    try:
        json.loads(event or b"{}")
    except ValueError as error:
        raise bad_request(f"the event is not JSON: {error}") from None
    try:
        result = await state.recent.timed(state.invoke, function.name, event or b"{}")
    except FunctionNotFound:
        raise web.HTTPNotFound(text=f"no function {function.name}") from None
    return json_response(
        {
            "requestId": result.request_id,
            "status": "Failed" if result.failed else "Succeeded",
            "payload": result.payload.decode("utf-8", errors="replace"),
            "functionError": result.function_error,
            "errorType": result.error_type,
            "errorMessage": result.error_message,
            "durationMs": round(result.duration_ms, 2),
            "initDurationMs": result.init_duration_ms,
            "log": list(result.log),
        }
    )


@routes.get("/api/invocations")
async def recent(request: web.Request) -> web.Response:
    """Recent invocations, newest first; `?function=NAME` keeps one function's."""
    state = request.app[STATE]
    names = None
    if "function" in request.query:
        function = state.application.function_by_name(request.query["function"])
        names = {function.name, function.logical_id} if function else {request.query["function"]}
    records = state.recent.of(names)
    by_id = {f.logical_id: f.name for f in state.application.functions.values()}
    return json_response(
        {
            "invocations": [
                record.to_json() | {"function": by_id.get(record.function, record.function)}
                for record in records
            ]
        }
    )


def _function_of(request: web.Request) -> Function:
    state = request.app[STATE]
    function = state.application.function_by_name(request.match_info["name"])
    if function is None:
        raise web.HTTPNotFound(text=f"no function {request.match_info['name']}")
    return function


def _events(request: web.Request, function: Function) -> list[dict[str, t.Any]]:
    saved: dict[str, dict[str, t.Any]] = request.app[SAVED_EVENTS]
    named = PRESET_EVENTS.get(function.name, {}) | saved.get(function.name, {})
    return [{"name": name, "event": event} for name, event in named.items()]


def _function(function: Function, state: ConsoleState) -> dict[str, t.Any]:
    try:
        warm = state.warm_count(function.name)
    except FunctionNotFound:
        warm = 0
    return {
        "name": function.name,
        "logicalId": function.logical_id,
        "arn": function.arn,
        "runtime": function.runtime,
        "handler": function.handler,
        "memorySize": function.memory_size,
        "timeout": function.timeout,
        "warm": warm,
        "codeDir": str(function.code_dir),
        "logGroup": function.log_group_name,
        "environment": dict(function.environment),
        "reservedConcurrency": function.reserved_concurrency,
        "triggers": _triggers(function, state),
    }


def _triggers(function: Function, state: ConsoleState) -> list[dict[str, str]]:
    """The API methods whose integration targets this function."""
    return [
        {"api": api.name, "apiId": api.id, "method": method.http_method, "path": resource.path}
        for api in state.application.rest_apis
        for resource in api.resources
        for method in resource.methods.values()
        if method.integration.function in (function.logical_id, function.name)
    ]
