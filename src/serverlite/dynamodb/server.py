"""HTTP adapter for the DynamoDB core, and ``run`` for the standalone server.

HTTP behaviour of the real endpoint, observed by architect/dynalite (test/connection.js):

* any path answers; GET is ``healthy: dynamodb.<region>.amazonaws.com `` (trailing space, 200);
* PUT, DELETE and OPTIONS without ``Origin``, and a POST body whose Content-Type is neither
  ``application/json`` nor ``application/x-amz-json-1.0``, are 404 ``<UnknownOperationException/>``;
* OPTIONS with ``Origin`` is a CORS preflight (200, empty), and every answer to a request with
  ``Origin`` carries ``Access-Control-Allow-Origin: *``. Here only for the origins the endpoint policy
  allows, which also refuses foreign ``Host`` and ``Origin`` headers before anything else (403,
  ``AccessDeniedException``: ``serverlite.endpoint_policy``), since this endpoint checks no credentials
  of callers outside the functions;
* a body over 16 MB is 413 (a body of exactly 16 MB is not);
* JSON answers use the request's JSON content type (``application/json`` or the amz one).

Every response carries ``x-amzn-RequestId`` and ``x-amz-crc32`` (CRC32 of the body, which botocore
verifies). Request bodies with ``Content-Encoding: gzip`` are decompressed before the size check.
Any exception in the adapter becomes a logged 500 and the server keeps serving. HTTP framing is
connection.py's; a write is answered once its group COMMIT is done (protocol.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import os
import pathlib
import sys
import uuid
import zlib
from dataclasses import dataclass

from serverlite.dynamodb.access import AccessControl, HttpFacts
from serverlite.dynamodb.connection import Answer, Deferred, HttpConnection, Request, Responder
from serverlite.dynamodb.errors import InternalServerError, SerializationException, render_error
from serverlite.dynamodb.failures import log_internal_error
from serverlite.dynamodb.protocol import CONTENT_TYPE, DynamoDBServer, commit_failed
from serverlite.dynamodb.storage.database import DATABASE_FILE, open_database
from serverlite.dynamodb.streams.retention import StreamTrimmer
from serverlite.dynamodb.ttl import TimeToLiveSweeper
from serverlite.endpoint_policy import DYNAMODB_EXPOSURE, EndpointPolicy, Refusal, exposure_warning
from serverlite.iam.registry import CREDENTIALS_FILE, RegistryFile
from serverlite.lifecycle import run_until_stopped

__all__ = ["MAX_REQUEST_BYTES", "DynamoDBServer", "Listener", "make_responder", "run", "start"]

MAX_REQUEST_BYTES = 16 * 1024 * 1024
_JSON_TYPES = ("application/json", CONTENT_TYPE)
_NOT_FOUND = b"<UnknownOperationException/>\n"
_REFUSAL_TYPE_PREFIX = "com.amazon.coral.service#"
Cors = list[tuple[str, str]]  # the CORS header fields of an answer (none without Origin)
# A request id only has to be unique: a random UUID-4 prefix per process and a 48-bit counter give
# the usual 36 characters for a fraction of uuid4's cost per request.
_ID_PREFIX = str(uuid.uuid4())[:23]
_REQUEST_IDS = itertools.count(int.from_bytes(os.urandom(6), "big"))


def make_responder(core: DynamoDBServer, policy: EndpointPolicy | None = None) -> Responder:
    """Turn a parsed HTTP request into an answer, or a Deferred one when it waits for a COMMIT.

    `policy` (default: loopback Hosts and IP addresses, no Origin) refuses requests before anything else.
    """
    policy = policy or EndpointPolicy()

    def respond(request: Request) -> Answer | Deferred:
        origin = request.headers.get("origin")
        cors: Cors = []
        try:
            refusal = policy.refusal(request.headers.get("host"), origin)
            if refusal is not None:
                return _refused(refusal, request.headers)
            cors = policy.cors_headers(origin)
            if request.method == "OPTIONS" and origin is not None:
                return _response(200, b"", None, policy.preflight_headers(origin, request.headers))
            return _answer(core, request, cors)
        except Exception as error:  # noqa: BLE001 - rule 4: anything unexpected becomes a logged 500
            log_internal_error(error)
            status, body = render_error(InternalServerError())
            return _response(status, body, CONTENT_TYPE, cors)

    return respond


def _answer(core: DynamoDBServer, request: Request, cors: Cors) -> Answer | Deferred:
    method, headers = request.method, request.headers
    if method == "GET":
        health = f"healthy: dynamodb.{core.environment.region}.amazonaws.com "
        return _response(200, health.encode(), "text/plain", cors)
    content_type = headers.get("content-type", "").split(";")[0].strip()
    if method != "POST" or (_body_exists(headers) and content_type not in _JSON_TYPES):
        return _response(404, _NOT_FOUND, None, cors)
    if request.body is None:
        return _response(413, b"", None, cors)
    json_type = "application/json" if content_type == "application/json" else CONTENT_TYPE
    if request.body_error:  # e.g. Content-Encoding: gzip with a body that is not gzip
        status, error = render_error(SerializationException())
        return _response(status, error, json_type, cors)
    http = None if core.access is None else HttpFacts(method, request.target, headers, request.peer)
    (status, body), committed = core.handle_grouped(headers.get("x-amz-target"), request.body, http)
    answer = _response(status, body, json_type, cors)
    if committed is None:
        return answer
    return Deferred(committed, functools.partial(_after_commit, answer, json_type, cors))


def _after_commit(answer: Answer, json_type: str, cors: Cors, committed: asyncio.Future[None]) -> Answer:
    """The answer, once its COMMIT is done; a 500 when that COMMIT failed."""
    error = None if committed.cancelled() else committed.exception()
    if error is None:
        return answer
    return _response(*commit_failed(error), json_type, cors)


def _body_exists(headers: dict[str, str]) -> bool:
    return "transfer-encoding" in headers or headers.get("content-length", "0") not in ("", "0")


def _refused(refusal: Refusal, headers: dict[str, str]) -> Answer:
    """403 with an AWS JSON error, in the request's JSON content type (else `application/json`, which a
    browser shows rather than downloads)."""
    content_type = headers.get("content-type", "").split(";")[0].strip()
    json_type = content_type if content_type in _JSON_TYPES else "application/json"
    return _response(refusal.status, refusal.aws_json(_REFUSAL_TYPE_PREFIX), json_type, [])


def _response(status: int, body: bytes, content_type: str | None, cors: Cors) -> Answer:
    request_id = f"{_ID_PREFIX}-{next(_REQUEST_IDS) & 0xFFFFFFFFFFFF:012x}"
    fields = [("x-amzn-RequestId", request_id), ("x-amz-crc32", str(zlib.crc32(body)))]
    if content_type is not None:
        fields.append(("Content-Type", content_type))
    fields += cors
    return status, fields, body


@dataclass(frozen=True)
class Listener:
    """A listening DynamoDB endpoint and its open connections."""

    server: asyncio.Server
    connections: set[HttpConnection]
    port: int

    async def close(self) -> None:
        """Stop listening and close every connection."""
        self.server.close()
        for connection in list(self.connections):
            connection.close()
        await self.server.wait_closed()


async def start(core: DynamoDBServer, host: str, port: int, policy: EndpointPolicy | None = None) -> Listener:
    """Listen on host:port (0 = any free port); asyncio sets TCP_NODELAY on each connection.

    `policy`: the Hosts and Origins served (default: `EndpointPolicy.create(host)`)."""
    respond = make_responder(core, policy or EndpointPolicy.create(host))
    connections: set[HttpConnection] = set()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: HttpConnection(respond, MAX_REQUEST_BYTES, connections), host, port, reuse_address=True
    )
    return Listener(server, connections, int(server.sockets[0].getsockname()[1]))


def run(
    host: str,
    port: int,
    data_dir: pathlib.Path | None,
    durability: str = "process",
    region: str = "us-east-1",
    account_id: str = "123456789012",
    ttl_interval: float = 30.0,
    iam_credentials: pathlib.Path | None = None,
    iam_mode: str | None = None,
    policy: EndpointPolicy | None = None,
    warn_exposure: bool = True,
) -> None:
    """Serve until SIGINT/SIGTERM, printing ``DynamoDB: http://HOST:PORT`` then ``Ready``.

    Expired TTL items are swept every `ttl_interval` seconds. Calls signed with a key of the IAM
    credentials map (`iam_credentials`, by default `<data dir>/iam/credentials.json`, re-read when it
    changes) are checked against their role's policies; `iam_mode` overrides the map's mode. `policy`:
    the Hosts and Origins served; with `warn_exposure`, a non-loopback `host` is warned about.
    """
    database = open_database(data_dir / DATABASE_FILE if data_dir is not None else None, durability)
    try:
        credentials = iam_credentials or (data_dir / CREDENTIALS_FILE if data_dir is not None else None)
        access = None
        if credentials is not None and iam_mode != "off":
            registry = RegistryFile(credentials, mode=iam_mode, warn=_warn)
            access = AccessControl(registry, database, region, account_id)
        core = DynamoDBServer(database, region=region, account_id=account_id, access=access)
        sweeper = TimeToLiveSweeper(database, clock=core.environment.clock, interval=ttl_interval)
        policy = policy or EndpointPolicy.create(host)
        serving = functools.partial(_serve, core, sweeper, StreamTrimmer(database), host, port)
        run_until_stopped(lambda stop: serving(stop, policy, warn_exposure))
    finally:
        database.close()


def _warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def _serve(
    core: DynamoDBServer,
    sweeper: TimeToLiveSweeper,
    trimmer: StreamTrimmer,
    host: str,
    port: int,
    stop: asyncio.Event,
    policy: EndpointPolicy,
    warn_exposure: bool,
) -> None:
    listener = await start(core, host, port, policy)
    real_port = listener.port
    sweeping = asyncio.create_task(sweeper.run())
    trimming = asyncio.create_task(trimmer.run())
    url = f"http://{host}:{real_port}"
    print(f"DynamoDB: {url}", flush=True)
    for line in exposure_warning(host, [(url, DYNAMODB_EXPOSURE)]) if warn_exposure else []:
        print(line, flush=True)
    print("Ready", flush=True)
    try:
        await stop.wait()
    finally:
        for task in (sweeping, trimming):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await listener.close()
