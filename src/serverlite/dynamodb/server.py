"""aiohttp adapter for the DynamoDB core, and ``run`` for the standalone server.

Any path answers, as DynamoDB's endpoint does; POST carries the JSON protocol. A GET answers
``healthy: dynamodb.<region>.amazonaws.com`` like the real endpoint. Every response carries
``x-amzn-RequestId`` and ``x-amz-crc32`` (CRC32 of the body, which botocore verifies).
"""

from __future__ import annotations

import asyncio
import pathlib
import signal
import uuid
import zlib

from aiohttp import web

from serverlite.dynamodb.protocol import CONTENT_TYPE, DynamoDBServer
from serverlite.dynamodb.storage.database import DATABASE_FILE, open_database

__all__ = ["DynamoDBServer", "make_handler", "run", "start"]


def make_handler(core: DynamoDBServer) -> web.Server:
    """A low-level aiohttp server that converts HTTP to ``core.handle`` and back."""

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        if request.method != "POST":
            return _response(
                200, f"healthy: dynamodb.{core.environment.region}.amazonaws.com".encode(), "text/plain"
            )
        status, body = await core.handle(request.headers.get("X-Amz-Target"), await request.read())
        return _response(status, body, CONTENT_TYPE)

    return web.Server(handle)


def _response(status: int, body: bytes, content_type: str) -> web.Response:
    headers = {
        "Content-Type": content_type,
        "x-amzn-RequestId": str(uuid.uuid4()),
        "x-amz-crc32": str(zlib.crc32(body)),
    }
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
) -> None:
    """Serve until SIGINT/SIGTERM, printing ``DynamoDB: http://HOST:PORT`` then ``Ready``."""
    database = open_database(data_dir / DATABASE_FILE if data_dir is not None else None, durability)
    try:
        asyncio.run(_serve(DynamoDBServer(database, region=region, account_id=account_id), host, port))
    finally:
        database.close()


async def _serve(core: DynamoDBServer, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    runner, real_port = await start(core, host, port)
    print(f"DynamoDB: http://{host}:{real_port}", flush=True)
    print("Ready", flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
