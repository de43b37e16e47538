"""JSON in and out of the console's `/api/` handlers; errors are `{"error": {"type", "message"}}`."""

from __future__ import annotations

import json
import typing as t

from aiohttp import web

__all__ = ["bad_request", "error_middleware", "json_response", "read_json"]


def json_response(data: t.Any, status: int = 200) -> web.Response:
    """`data` as compact JSON."""
    return web.Response(
        status=status,
        text=json.dumps(data, separators=(",", ":"), default=str),
        content_type="application/json",
    )


def bad_request(message: str, error_type: str = "BadRequest") -> web.HTTPBadRequest:
    """A 400 whose body says what was wrong, to raise from a handler."""
    body = json.dumps({"error": {"type": error_type, "message": message}})
    return web.HTTPBadRequest(text=body, content_type="application/json")


async def read_json(request: web.Request) -> dict[str, t.Any]:
    """The request body as a JSON object (empty body: `{}`); raises a 400 otherwise."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise bad_request(f"body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise bad_request("body must be a JSON object")
    return data


@web.middleware
async def error_middleware(
    request: web.Request, handler: t.Callable[[web.Request], t.Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """HTTP errors of `/api/` as JSON, so the page can show their message."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if not request.path.startswith("/api/") or error.content_type == "application/json":
            raise
        body = {"error": {"type": error.reason, "message": error.text or error.reason}}
        return json_response(body, status=error.status)
