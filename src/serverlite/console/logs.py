"""Logs pages: log groups and streams, events with a filter pattern, and a live tail (server-sent events)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

from aiohttp import web

from serverlite.console.state import STATE
from serverlite.console.wire import json_response
from serverlite.logs.errors import InvalidParameterException, ResourceNotFoundException
from serverlite.logs.patterns import compile_pattern
from serverlite.logs.store import LogStore

__all__ = ["routes"]

routes = web.RouteTableDef()

#: Events shown per page of the log view (the CloudWatch console shows pages of similar size).
PAGE_SIZE = 500


@routes.get("/api/logs/groups")
async def groups(request: web.Request) -> web.Response:
    """Log groups by name."""
    store = _store(request)
    found = await asyncio.to_thread(store.groups)
    return json_response(
        {
            "groups": [
                {"name": g.name, "creationTime": g.creation_time, "storedBytes": g.stored_bytes}
                for g in found
            ]
        }
    )


@routes.get("/api/logs/streams")
async def streams(request: web.Request) -> web.Response:
    """Streams of `?group=`, most recent event first."""
    store = _store(request)
    group = _required(request, "group")
    try:
        found = await asyncio.to_thread(store.streams, group, None, "LastEventTime", True)
    except ResourceNotFoundException as error:
        raise web.HTTPNotFound(text=str(error)) from None
    return json_response(
        {
            "streams": [
                {
                    "name": s.name,
                    "creationTime": s.creation_time,
                    "lastEventTimestamp": s.last_event_timestamp,
                    "storedBytes": s.stored_bytes,
                }
                for s in found
            ]
        }
    )


@routes.get("/api/logs/events")
async def events(request: web.Request) -> web.Response:
    """FilterLogEvents over `?group=` (`stream`, `filter` pattern, `since` ms, `next` token optional)."""
    store = _store(request)
    group = _required(request, "group")
    query = request.query
    stream = query.get("stream") or None
    since = int(query["since"]) if query.get("since", "").isdigit() else None
    try:
        page = await asyncio.to_thread(
            store.filter_events,
            group,
            [stream] if stream else None,
            since,
            None,
            query.get("filter") or None,
            PAGE_SIZE,
            query.get("next") or None,
        )
    except ResourceNotFoundException as error:
        raise web.HTTPNotFound(text=str(error)) from None
    except InvalidParameterException as error:
        raise web.HTTPBadRequest(text=str(error)) from None
    return json_response({"events": [e.filtered() for e in page.events], "nextToken": page.next_token})


@routes.get("/api/logs/tail")
async def tail(request: web.Request) -> web.StreamResponse:
    """New events of `?group=` (matching `filter`) as server-sent events, until the page goes away."""
    store = _store(request)
    group = _required(request, "group")
    pattern = request.query.get("filter") or None
    try:
        compile_pattern(pattern)
    except InvalidParameterException as error:
        raise web.HTTPBadRequest(text=str(error)) from None
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    await response.write(b": tailing\n\n")
    since = int(time.time() * 1000)
    with contextlib.suppress(ConnectionResetError, asyncio.CancelledError):
        async for event in store.follow(group, None, since, pattern, interval=0.25):
            await response.write(f"data: {json.dumps(event.filtered())}\n\n".encode())
    return response


def _required(request: web.Request, name: str) -> str:
    value = request.query.get(name)
    if not value:
        raise web.HTTPBadRequest(text=f"?{name}= is required")
    return value


def _store(request: web.Request) -> LogStore:
    return request.app[STATE].logs
