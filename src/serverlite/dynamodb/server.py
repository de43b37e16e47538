"""aiohttp adapter for the DynamoDB core, and ``run`` for the standalone server.

HTTP behaviour of the real endpoint, observed by architect/dynalite (test/connection.js):

* any path answers; GET is ``healthy: dynamodb.<region>.amazonaws.com `` (trailing space, 200);
* PUT, DELETE and OPTIONS without ``Origin``, and a POST body whose Content-Type is neither
  ``application/json`` nor ``application/x-amz-json-1.0``, are 404 ``<UnknownOperationException/>``;
* OPTIONS with ``Origin`` is a CORS preflight (200, empty), and every answer to a request with
  ``Origin`` carries ``Access-Control-Allow-Origin: *``;
* a body over 16 MB is 413 (a body of exactly 16 MB is not);
* JSON answers use the request's JSON content type (``application/json`` or the amz one).

Every response carries ``x-amzn-RequestId`` and ``x-amz-crc32`` (CRC32 of the body, which botocore
verifies). Request bodies with ``Content-Encoding: gzip`` are decompressed (by aiohttp) before the
size check. Any exception in the adapter becomes a logged 500 and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import pathlib
import signal
import sys
import traceback
import uuid
import zlib

from aiohttp import web

from serverlite.dynamodb.errors import InternalServerError, SerializationException, render_error
from serverlite.dynamodb.protocol import CONTENT_TYPE, DynamoDBServer
from serverlite.dynamodb.storage.database import DATABASE_FILE, open_database
from serverlite.dynamodb.ttl import TimeToLiveSweeper

__all__ = ["MAX_REQUEST_BYTES", "DynamoDBServer", "make_handler", "run", "start"]

MAX_REQUEST_BYTES = 16 * 1024 * 1024
_JSON_TYPES = ("application/json", CONTENT_TYPE)
_NOT_FOUND = b"<UnknownOperationException/>\n"
_CORS_MAX_AGE = "172800"


def make_handler(core: DynamoDBServer) -> web.Server:
    """A low-level aiohttp server that converts HTTP to ``core.handle`` and back."""

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        try:
            response = await _answer(core, request)
        except Exception:  # noqa: BLE001 - rule 4: anything unexpected becomes a logged 500
            traceback.print_exc(file=sys.stderr)
            status, body = render_error(InternalServerError())
            response = _response(status, body, CONTENT_TYPE)
        if "Origin" in request.headers:
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    return web.Server(handle)


async def _answer(core: DynamoDBServer, request: web.BaseRequest) -> web.Response:
    if request.method == "GET":
        health = f"healthy: dynamodb.{core.environment.region}.amazonaws.com "
        return _response(200, health.encode(), "text/plain")
    if request.method == "OPTIONS" and "Origin" in request.headers:
        return _preflight(request)
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
    if request.method != "POST" or (request.body_exists and content_type not in _JSON_TYPES):
        return _response(404, _NOT_FOUND, None)
    if request.content_length is not None and request.content_length > MAX_REQUEST_BYTES:
        return _response(413, b"", None)
    try:
        body = await _read_body(request)
    except web.RequestPayloadError:  # e.g. Content-Encoding: gzip with a body that is not gzip
        status, error = render_error(SerializationException())
        return _response(status, error, _json_type(content_type))
    if body is None:
        return _response(413, b"", None)
    status, answer = await core.handle(request.headers.get("X-Amz-Target"), body)
    return _response(status, answer, _json_type(content_type))


async def _read_body(request: web.BaseRequest) -> bytes | None:
    """The (decompressed) body, or None once it exceeds MAX_REQUEST_BYTES."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _json_type(content_type: str) -> str:
    return "application/json" if content_type == "application/json" else CONTENT_TYPE


def _preflight(request: web.BaseRequest) -> web.Response:
    response = _response(200, b"", None)
    for asked, allowed in (
        ("Access-Control-Request-Headers", "Access-Control-Allow-Headers"),
        ("Access-Control-Request-Method", "Access-Control-Allow-Methods"),
    ):
        if asked in request.headers:
            response.headers[allowed] = request.headers[asked]
    response.headers["Access-Control-Max-Age"] = _CORS_MAX_AGE
    return response


def _response(status: int, body: bytes, content_type: str | None) -> web.Response:
    headers = {"x-amzn-RequestId": str(uuid.uuid4()), "x-amz-crc32": str(zlib.crc32(body))}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return web.Response(status=status, body=body, headers=headers)


async def start(core: DynamoDBServer, host: str, port: int) -> tuple[web.ServerRunner, int]:
    """Listen on host:port (0 = any free port); return the runner and the real port."""
    runner = web.ServerRunner(make_handler(core), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner, int(runner.addresses[0][1])


def run(
    host: str,
    port: int,
    data_dir: pathlib.Path | None,
    durability: str = "process",
    region: str = "us-east-1",
    account_id: str = "123456789012",
    ttl_interval: float = 30.0,
) -> None:
    """Serve until SIGINT/SIGTERM, printing ``DynamoDB: http://HOST:PORT`` then ``Ready``.

    Expired TTL items are swept every `ttl_interval` seconds.
    """
    database = open_database(data_dir / DATABASE_FILE if data_dir is not None else None, durability)
    try:
        core = DynamoDBServer(database, region=region, account_id=account_id)
        sweeper = TimeToLiveSweeper(database, clock=core.environment.clock, interval=ttl_interval)
        asyncio.run(_serve(core, sweeper, host, port))
    finally:
        database.close()


async def _serve(core: DynamoDBServer, sweeper: TimeToLiveSweeper, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    runner, real_port = await start(core, host, port)
    sweeping = asyncio.create_task(sweeper.run())
    print(f"DynamoDB: http://{host}:{real_port}", flush=True)
    print("Ready", flush=True)
    try:
        await stop.wait()
    finally:
        sweeping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeping
        await runner.cleanup()
