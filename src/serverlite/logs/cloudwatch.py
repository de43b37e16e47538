"""CloudWatch Logs' JSON 1.1 protocol, socket-free, plus a thin aiohttp adapter.

Requests are ``POST /`` with ``X-Amz-Target: Logs_20140328.<Operation>`` and
``Content-Type: application/x-amz-json-1.1`` (botocore's ``logs`` model: targetPrefix ``Logs_20140328``,
jsonVersion 1.1). The core's ``handle(target, body) -> (status, body)`` never raises; the adapter runs it
in a worker thread, because the store reads files.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import web

from serverlite.logs.errors import (
    CloudWatchLogsError,
    SerializationException,
    ServiceUnavailableException,
    UnknownOperationException,
    render_error,
)
from serverlite.logs.operations import OPERATIONS, Environment
from serverlite.logs.store import LogStore

__all__ = ["CONTENT_TYPE", "TARGET_PREFIX", "CloudWatchLogsServer", "make_handler", "serve"]

CONTENT_TYPE = "application/x-amz-json-1.1"
TARGET_PREFIX = "Logs_20140328."
_log = logging.getLogger(__name__)


def _counter_tokens() -> Callable[[], str]:
    """Sequence tokens shaped like AWS's (56 digits); clients no longer need them (API reference)."""
    counter = itertools.count(1)
    return lambda: f"{next(counter):056d}"


class CloudWatchLogsServer:
    """The CloudWatch Logs core: decode, dispatch, encode."""

    def __init__(
        self,
        store: LogStore,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        new_sequence_token: Callable[[], str] | None = None,
    ) -> None:
        self.environment = Environment(store, region, account_id, new_sequence_token or _counter_tokens())

    def handle(self, target: str | None, body: bytes) -> tuple[int, bytes]:
        """Answer one request; never raises (anything unexpected is logged and answered 500)."""
        try:
            return 200, self._dispatch(target, body)
        except CloudWatchLogsError as error:
            return render_error(error)
        except Exception:
            _log.exception("CloudWatch Logs request failed: %s", target)
            return render_error(ServiceUnavailableException())

    def _dispatch(self, target: str | None, body: bytes) -> bytes:
        """Find the operation, decode the body, run, encode (an empty body for void operations)."""
        operation = OPERATIONS.get((target or "").removeprefix(TARGET_PREFIX))
        if operation is None or not (target or "").startswith(TARGET_PREFIX):
            raise UnknownOperationException()
        response = operation(self.environment, _decode(body))
        return b"" if response is None else json.dumps(response, separators=(",", ":")).encode()


def _decode(body: bytes) -> dict[str, Any]:
    """The request object; an empty body is an empty request."""
    try:
        request = json.loads(body) if body.strip() else {}
    except ValueError:
        raise SerializationException() from None
    if not isinstance(request, dict):
        raise SerializationException()
    return request


def make_handler(core: CloudWatchLogsServer) -> web.Server:
    """A low-level aiohttp server that converts HTTP to ``core.handle`` and back."""

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        if request.method != "POST":
            region = core.environment.region
            return _response(200, f"healthy: logs.{region}.amazonaws.com".encode(), "text/plain")
        body = await request.read()
        status, payload = await asyncio.to_thread(core.handle, request.headers.get("X-Amz-Target"), body)
        return _response(status, payload, CONTENT_TYPE)

    return web.Server(handle)


def _response(status: int, body: bytes, content_type: str) -> web.Response:
    headers = {"Content-Type": content_type, "x-amzn-RequestId": str(uuid.uuid4())}
    return web.Response(status=status, body=body, headers=headers)


async def serve(
    store: LogStore,
    host: str,
    port: int,
    *,
    region: str = "us-east-1",
    account_id: str = "123456789012",
) -> tuple[web.ServerRunner, int]:
    """Listen on host:port (0 = any free port); return the runner (to clean up) and the real port."""
    core = CloudWatchLogsServer(store, region=region, account_id=account_id)
    runner = web.ServerRunner(make_handler(core), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner, int(runner.addresses[0][1])
