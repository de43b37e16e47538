"""DynamoDB's JSON 1.0 protocol, socket-free: ``handle(target, body) -> (status, body)``.

``X-Amz-Target: DynamoDB_20120810.<Operation>`` picks the operation module from one table, built from
the `OPERATION` name each module of operations/ declares; ``DynamoDBStreams_20120810.<Operation>``
picks one of streams/ (the Streams API shares the port, as DynamoDB Local's does).
Protocol errors as DynamoDB sends them (dynalite index.js, observed): a body that is not JSON is a
``com.amazon.coral.service#SerializationException`` and an unknown target a
``com.amazon.coral.service#UnknownOperationException``, both 400 without a message.

Requests run on the event loop thread and no operation awaits, so a conditional write's check and
write can never interleave with another request. ``handle`` (the async entry) shares COMMITs among
the requests of one loop iteration (storage/group_commit.py) and answers a request only once what
it wrote or read is committed; ``handle_sync`` commits each request on its own.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
import time
import uuid
from collections.abc import Callable
from types import ModuleType
from typing import Any

from serverlite.dynamodb import operations, streams
from serverlite.dynamodb.access import AccessControl, HttpFacts
from serverlite.dynamodb.errors import (
    DynamoDBError,
    InternalServerError,
    SerializationException,
    UnknownOperationException,
    render_error,
)
from serverlite.dynamodb.failures import log_internal_error
from serverlite.dynamodb.operations.environment import Environment
from serverlite.dynamodb.storage.database import Database
from serverlite.dynamodb.storage.group_commit import GroupCommit
from serverlite.dynamodb.values import compact_json

__all__ = ["CONTENT_TYPE", "OPERATIONS", "TARGET_PREFIX", "DynamoDBServer", "commit_failed"]

CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "DynamoDB_20120810."


def _discover_operations() -> dict[str, ModuleType]:
    """The one table from wire name to module: every module of operations/ that declares `OPERATION`."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(operations.__path__):
        module = importlib.import_module(f"{operations.__name__}.{info.name}")
        name = getattr(module, "OPERATION", None)
        if isinstance(name, str):
            found[name] = module
    return found


OPERATIONS: dict[str, ModuleType] = _discover_operations()
# Target prefix -> that API's operation table.
_APIS: dict[str, dict[str, ModuleType]] = {
    TARGET_PREFIX: OPERATIONS,
    streams.TARGET_PREFIX: streams.OPERATIONS,
}
# Every known X-Amz-Target, looked up whole: most requests need no splitting of the target.
_TARGETS: dict[str, ModuleType] = {
    prefix + name: module for prefix, table in _APIS.items() for name, module in table.items()
}
Encoder = Callable[[Any, Database, Environment], bytes]


def _encoder(operation: ModuleType) -> Encoder:
    """The operation's response as JSON bytes: its own `execute_encoded` when it has one (a
    shortcut with the same answer), else `execute`'s dict, encoded."""
    encoded: Encoder | None = getattr(operation, "execute_encoded", None)
    if encoded is not None:
        return encoded
    execute = operation.execute

    def encode(request: Any, storage: Database, environment: Environment) -> bytes:
        return compact_json(execute(request, storage, environment)).encode()

    return encode


_ENCODERS: dict[ModuleType, Encoder] = {module: _encoder(module) for module in _TARGETS.values()}


class DynamoDBServer:
    """The DynamoDB core: decode, dispatch, validate, execute, encode."""

    def __init__(
        self,
        database: Database,
        *,
        region: str,
        account_id: str,
        clock: Callable[[], float] = time.time,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
        access: AccessControl | None = None,
    ) -> None:
        self.database = database
        self.access = access  # None: no IAM checks at all
        self.environment = Environment(region=region, account_id=account_id, clock=clock, new_id=new_id)
        database.streams.clock = clock
        self._group_commit: GroupCommit | None = None

    async def handle(
        self, target: str | None, body: bytes, http: HttpFacts | None = None
    ) -> tuple[int, bytes]:
        """Answer one request once what it wrote or read is committed; never raises."""
        answer, committed = self.handle_grouped(target, body, http)
        if committed is None:
            return answer
        try:
            await asyncio.shield(committed)
        except Exception as error:  # noqa: BLE001 - the shared COMMIT failed: nothing of it is kept
            return commit_failed(error)
        return answer

    def handle_grouped(
        self, target: str | None, body: bytes, http: HttpFacts | None = None
    ) -> tuple[tuple[int, bytes], asyncio.Future[None] | None]:
        """Run one request on the event loop now; the answer may be sent only once the returned
        COMMIT is done (None: at once). When that COMMIT fails, send ``commit_failed()`` instead."""
        group = self._group_commit
        if group is None:
            group = self._group_commit = GroupCommit(self.database)
        answer = self.handle_sync(target, body, http)
        return answer, group.pending()

    def handle_sync(
        self, target: str | None, body: bytes, http: HttpFacts | None = None
    ) -> tuple[int, bytes]:
        """The same as handle, for callers without an event loop. `http`: what the IAM check reads."""
        try:
            return 200, self._dispatch(target, body, http)
        except DynamoDBError as error:
            return render_error(error)
        except Exception as error:  # noqa: BLE001 - rule 4: anything unexpected becomes a logged 500
            log_internal_error(error)
            return render_error(InternalServerError())

    def _dispatch(self, target: str | None, body: bytes, http: HttpFacts | None) -> bytes:
        # The signature before anything is read; the role's policies once the request is valid (access.py).
        access = self.access
        session = access.authenticate(http, body) if access is not None else None
        request = _decode(body)
        operation = _TARGETS.get(target) if target is not None else None
        if operation is None:
            operation = _operation(target)
        if request is None:
            raise SerializationException()
        validated = operation.validate(request)
        if session is not None and access is not None:
            access.authorize(session, operation.OPERATION, request, http.peer if http else "")
        return _ENCODERS[operation](validated, self.database, self.environment)


def commit_failed(error: BaseException) -> tuple[int, bytes]:
    """The answer to every request of a group whose shared COMMIT failed: a logged 500."""
    log_internal_error(error)
    return render_error(InternalServerError())


# json.loads without its per-call checks, for the usual body: UTF-8 text of a JSON object.
_decode_text = json.JSONDecoder().decode


def _decode(body: bytes) -> dict[str, Any] | None:
    if not body:
        return None
    try:
        if body[0] == 0x7B and len(body) > 1 and body[1]:  # "{" and not UTF-16/32: what json.loads
            request = _decode_text(body.decode("utf-8", "surrogatepass"))  # detects as UTF-8
        else:
            request = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: nested deeper than the decoder goes (a 200,000-deep body); refused as
        # unreadable, like any body that is not JSON (scylladb test/alternator/test_manual_requests.py
        # test_deeply_nested_put: any clean error, never a crash).
        raise SerializationException() from None
    if isinstance(request, list):
        raise SerializationException("Start of list found where not expected")
    if not isinstance(request, dict):
        raise SerializationException("Expected null")
    return request


def _operation(target: str | None) -> ModuleType:
    prefix, dot, name = (target or "").rpartition(".")
    operation = _APIS.get(prefix + dot, {}).get(name)
    if operation is None:
        raise UnknownOperationException()
    return operation
