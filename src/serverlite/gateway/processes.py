"""Gateway processes: the gateway's work on more cores (`serverlite start --gateway-processes N`).

One process owns the Lambda runtime (pools, environments, concurrency limits), the logs, the console and
the other servers. N gateway processes serve the gateway port (SO_REUSEPORT: the kernel spreads new
connections over their listening sockets), each with REST and HTTP API cores built from the same template;
the owning process serves the port only until they all do. They run no function themselves: an invocation
goes to the owning process over a socket pair (length-prefixed frames, as the runtime hop does) and its
result comes back; execution and access log events go the same way into the one log store.

    frame = kind (1 byte) | header length (4 bytes, big endian) | body length (4 bytes) | header | body

Counters stay correct because they stay in one place: a template with usage plans or throttles (their
buckets and quotas live in a gateway's memory) is served by one process, and a note says so. Lambda
authorizer results are cached by each process on its own, as API Gateway's nodes do.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import pickle
import signal
import socket
import struct
import sys
import typing as t
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from serverlite.gateway.logs import LogSink
from serverlite.runtime.invoker import (
    FunctionNotFound,
    FunctionThrottled,
    InvocationResult,
    Invoker,
    PayloadTooLarge,
)
from serverlite.template.model import ApiKey, HttpApi, RestApi, UsagePlan

__all__ = ["GatewayEnd", "GatewayProcesses", "GatewaySetup", "OwnerEnd", "single_process_reason"]

logger = logging.getLogger(__name__)

_PREFIX = struct.Struct(">BII")
_MAX_FRAME = 64 * 1024 * 1024
# child -> owner: invoke, log events, ready; owner -> child: result, failure
_INVOKE, _LOG, _READY, _RESULT, _FAILURE = (ord(kind) for kind in "ILRSF")
_START_TIMEOUT = 60.0


@dataclass(frozen=True)
class GatewaySetup:
    """Everything a gateway process needs to build the cores the owning process has (sent pickled)."""

    rest_apis: tuple[RestApi, ...]
    http_apis: tuple[HttpApi, ...]
    usage_plans: tuple[UsagePlan, ...]
    api_keys: tuple[ApiKey, ...]
    account_id: str
    region: str
    host: str
    port: int
    vpcs: Mapping[str, Sequence[str]] = field(default_factory=dict)
    jwks_files: Mapping[str, Path] = field(default_factory=dict)
    credentials_file: Path | None = None


def single_process_reason(setup: GatewaySetup) -> str | None:
    """Why the template must be served by one gateway process, or None: usage plans and throttles count
    requests in the memory of the process that serves them."""
    if setup.usage_plans:
        return "usage plans count requests in one process"
    for api in setup.rest_apis:
        for stage in api.stages.values():
            for setting in stage.method_settings:
                if setting.throttling_rate_limit is not None or setting.throttling_burst_limit is not None:
                    return f"stage {stage.name} of {api.logical_id} throttles requests in one process"
    for http_api in setup.http_apis:
        for http_stage in http_api.stages.values():
            if http_stage.default_throttle is not None or http_stage.route_throttles:
                return f"stage {http_stage.name} of {http_api.logical_id} throttles requests in one process"
    return None


# --- frames ------------------------------------------------------------------------------------------


def _frame(kind: int, header: Mapping[str, t.Any], body: bytes = b"") -> bytes:
    encoded = orjson.dumps(header)
    return _PREFIX.pack(kind, len(encoded), len(body)) + encoded + body


class _Frames(asyncio.Protocol):
    """Reads frames off a socket pair and hands each to `on_frame(kind, header, body)`."""

    def __init__(self, on_frame: Callable[[int, dict[str, t.Any], bytes], None], on_lost: Callable[[], None]):
        self._on_frame = on_frame
        self._on_lost = on_lost
        self._buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = t.cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._on_lost()

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= _PREFIX.size:
            kind, header_length, body_length = _PREFIX.unpack_from(buffer)
            if header_length + body_length > _MAX_FRAME:
                assert self.transport is not None
                self.transport.abort()
                return
            end = _PREFIX.size + header_length + body_length
            if len(buffer) < end:
                return
            header = orjson.loads(bytes(buffer[_PREFIX.size : _PREFIX.size + header_length]))
            body = bytes(buffer[_PREFIX.size + header_length : end])
            del buffer[:end]
            self._on_frame(kind, header, body)

    def send(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)


# --- the owning process ------------------------------------------------------------------------------


class GatewayProcesses:
    """Starts, watches and stops the gateway processes; runs their invocations on `invoker`, writes their
    logs to `logs`. A process that dies is started again (after 1 s, then up to 10 s between tries)."""

    def __init__(
        self,
        count: int,
        setup: GatewaySetup,
        invoker: Invoker,
        logs: LogSink,
        *,
        python: str = sys.executable,
    ) -> None:
        self._setup = pickle.dumps(setup)
        self._children = [_Child(invoker, logs, python, self._setup) for _ in range(count)]

    @property
    def pids(self) -> list[int]:
        """The ids of the gateway processes running now."""
        return [child.pid for child in self._children if child.pid is not None]

    async def start(self) -> int:
        """Start the processes; how many serve the port once each has answered or failed (failures are
        logged, and tried again in the background)."""
        started = await asyncio.gather(*(child.start() for child in self._children))
        return sum(started)

    async def close(self) -> None:
        """Stop every process (SIGTERM: each finishes the requests it is answering), then the channels."""
        await asyncio.gather(*(child.close() for child in self._children))


class _Child:
    """One gateway process, seen from the owning process, started again whenever it dies."""

    def __init__(self, invoker: Invoker, logs: LogSink, python: str, setup: bytes) -> None:
        self._invoker, self._logs = invoker, logs
        self._python, self._setup = python, setup
        self._process: asyncio.subprocess.Process | None = None
        self._channel: OwnerEnd | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.returncode is None else None

    async def start(self) -> bool:
        ready = await self._spawn()
        self._watcher = asyncio.get_running_loop().create_task(self._watch())
        return ready

    async def close(self) -> None:
        self._closing = True
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)
        await self._stop()

    async def _spawn(self) -> bool:
        """Start the process and wait until it serves the port (False: it did not, and is stopped)."""
        from serverlite.children import die_with_parent

        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._channel = OwnerEnd(self._invoker, self._logs)
        await self._channel.connect(ours)
        try:
            self._process = await asyncio.create_subprocess_exec(
                self._python,
                "-m",
                "serverlite.gateway.processes",
                str(theirs.fileno()),
                stdin=asyncio.subprocess.PIPE,
                pass_fds=(theirs.fileno(),),
                preexec_fn=die_with_parent,
            )
        finally:
            theirs.close()
        assert self._process.stdin is not None
        self._process.stdin.write(self._setup)
        with contextlib.suppress(ConnectionError):
            await self._process.stdin.drain()
        self._process.stdin.close()
        try:
            async with asyncio.timeout(_START_TIMEOUT):
                ready = await self._channel.ready()
        except TimeoutError:
            ready = False
        if not ready:
            logger.warning("A gateway process did not start (its errors are above)")
            await self._stop()
        return ready

    async def _watch(self) -> None:
        delay = 1.0
        while not self._closing:
            if self._process is not None:
                code = await self._process.wait()
                if self._closing:
                    return
                logger.warning("A gateway process exited (%s); starting another", code)
                await self._stop()
            await asyncio.sleep(delay)
            delay = 1.0 if await self._spawn() else min(delay * 2, 10.0)

    async def _stop(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(5):
                    await process.wait()
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._channel is not None:
            await self._channel.close()


class OwnerEnd:
    """The owning process's end of one gateway process's channel: runs its invocations, writes its logs."""

    def __init__(self, invoker: Invoker, logs: LogSink) -> None:
        self._invoker = invoker
        self._logs = logs
        self._frames: _Frames | None = None
        self._ready: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._tasks: set[asyncio.Task[None]] = set()

    async def connect(self, sock: socket.socket) -> None:
        """Serve the frames arriving on `sock`."""
        loop = asyncio.get_running_loop()
        _, self._frames = await loop.create_unix_connection(
            lambda: _Frames(self._on_frame, self._on_lost), sock=sock
        )

    async def ready(self) -> bool:
        """Whether the gateway process listens (True) or went away before it did (False)."""
        return await asyncio.shield(self._ready)

    async def close(self) -> None:
        """Drop the channel and what runs for it."""
        if self._frames is not None and self._frames.transport is not None:
            self._frames.transport.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _on_lost(self) -> None:
        if not self._ready.done():
            self._ready.set_result(False)

    def _on_frame(self, kind: int, header: dict[str, t.Any], body: bytes) -> None:
        if kind == _INVOKE:
            task = asyncio.get_running_loop().create_task(self._invoke(header, body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif kind == _LOG:
            events = [(int(ms), str(message)) for ms, message in header["events"]]
            try:
                self._logs.append(header["group"], header["stream"], events)
            except OSError as error:  # a full disk loses log lines, never requests
                logger.warning("Cannot write API Gateway logs: %s", error.strerror)
        elif kind == _READY and not self._ready.done():
            self._ready.set_result(True)

    async def _invoke(self, header: dict[str, t.Any], event: bytes) -> None:
        assert self._frames is not None
        number = header["id"]
        try:
            result = await self._invoker.invoke(
                header["function"],
                event,
                trace_id=header.get("trace"),
                client_context=header.get("context"),
                throttle=bool(header.get("throttle")),
            )
        except FunctionNotFound as error:
            self._frames.send(_frame(_FAILURE, {"id": number, "kind": "not found", "message": str(error)}))
        except FunctionThrottled as error:
            self._frames.send(_frame(_FAILURE, {"id": number, "kind": "throttled", "message": str(error)}))
        except PayloadTooLarge as error:
            self._frames.send(_frame(_FAILURE, {"id": number, "kind": "too large", "size": error.size}))
        except Exception as error:  # noqa: BLE001 - the gateway process answers a 500 for it
            logger.exception("An invocation for a gateway process failed")
            self._frames.send(_frame(_FAILURE, {"id": number, "kind": "error", "message": str(error)}))
        else:
            self._frames.send(_frame(_RESULT, _result_header(number, result), result.payload))


def _result_header(number: int, result: InvocationResult) -> dict[str, t.Any]:
    return {
        "id": number,
        "request_id": result.request_id,
        "function_error": result.function_error,
        "error_type": result.error_type,
        "error_message": result.error_message,
        "duration_ms": result.duration_ms,
        "init_duration_ms": result.init_duration_ms,
        "log": result.log,
    }


# --- a gateway process -------------------------------------------------------------------------------


class GatewayEnd:
    """A gateway process's end of the channel: an `Invoker` and a `LogSink` backed by the owning process."""

    def __init__(self, on_lost: Callable[[], None] = lambda: None) -> None:
        self._frames: _Frames | None = None
        self._numbers = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[tuple[dict[str, t.Any], bytes]]] = {}
        self._on_lost = on_lost
        self.closed = asyncio.Event()

    async def connect(self, sock: socket.socket) -> None:
        """Talk over `sock`; `closed` is set when the owning process goes away."""
        loop = asyncio.get_running_loop()
        _, self._frames = await loop.create_unix_connection(
            lambda: _Frames(self._answered, self._lost), sock=sock
        )

    def ready(self) -> None:
        """Tell the owning process this one serves the port."""
        self._send(_frame(_READY, {"pid": os.getpid()}))

    async def invoke(
        self,
        function: str,
        event: bytes,
        *,
        trace_id: str | None = None,
        client_context: str | None = None,
        throttle: bool = False,
    ) -> InvocationResult:
        """Run `function` in the owning process; raises what its runtime raised (see `Invoker.invoke`)."""
        if self.closed.is_set():
            raise ConnectionError("the process running the functions is gone")
        number = next(self._numbers)
        waiter = self._waiting[number] = asyncio.get_running_loop().create_future()
        header: dict[str, t.Any] = {"id": number, "function": function, "trace": trace_id}
        if client_context is not None:
            header["context"] = client_context
        if throttle:
            header["throttle"] = True
        self._send(_frame(_INVOKE, header, event))
        try:
            answer, payload = await waiter
        finally:
            self._waiting.pop(number, None)
        if "kind" in answer:
            raise _failure(answer)
        return InvocationResult(
            request_id=answer["request_id"],
            payload=payload,
            function_error=answer["function_error"],
            error_type=answer["error_type"],
            error_message=answer["error_message"],
            duration_ms=answer["duration_ms"],
            init_duration_ms=answer["init_duration_ms"],
            log=tuple(answer["log"]),
        )

    def append(self, group: str, stream: str, events: Sequence[tuple[int, str]]) -> None:
        """Log events, written by the owning process's log store."""
        self._send(_frame(_LOG, {"group": group, "stream": stream, "events": list(events)}))

    def _send(self, data: bytes) -> None:
        assert self._frames is not None
        self._frames.send(data)

    def _answered(self, kind: int, header: dict[str, t.Any], body: bytes) -> None:
        waiter = self._waiting.get(header.get("id", 0))
        if waiter is not None and not waiter.done():
            waiter.set_result((header, body))

    def _lost(self) -> None:
        self.closed.set()
        for waiter in self._waiting.values():
            if not waiter.done():
                waiter.set_exception(ConnectionError("the process running the functions is gone"))
        self._on_lost()


def _failure(answer: dict[str, t.Any]) -> Exception:
    kind = answer["kind"]
    if kind == "not found":
        return FunctionNotFound(answer.get("message", ""))
    if kind == "throttled":
        return FunctionThrottled(answer.get("message", ""))
    if kind == "too large":
        return PayloadTooLarge(int(answer.get("size", 0)))
    return RuntimeError(answer.get("message", "the invocation failed"))


async def _serve(channel: socket.socket, setup: GatewaySetup) -> None:
    """Build the cores, serve the shared port until SIGTERM or the owner is gone, finish what is answered."""
    from serverlite.gateway.front import GatewayFront
    from serverlite.gateway.gateway import Gateway
    from serverlite.gateway.server import GatewayServer
    from serverlite.gateway.v2.gateway import HttpGateway

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    end = GatewayEnd(on_lost=stop.set)
    await end.connect(channel)
    rest = Gateway(
        setup.rest_apis,
        end,
        account_id=setup.account_id,
        region=setup.region,
        logs=end,
        vpcs=setup.vpcs,
        usage_plans=setup.usage_plans,
        api_keys=setup.api_keys,
        jwks_files=setup.jwks_files,
        credentials_file=setup.credentials_file,
    )
    http = HttpGateway(
        setup.http_apis,
        end,
        account_id=setup.account_id,
        region=setup.region,
        logs=end,
        jwks_files=setup.jwks_files,
        credentials_file=setup.credentials_file,
    )
    server = GatewayServer(GatewayFront(rest, http), setup.host, setup.port, reuse_port=True)
    await server.start()
    end.ready()
    await stop.wait()
    await server.close()
    await rest.close()


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m serverlite.gateway.processes CHANNEL_FD` with the pickled GatewaySetup on stdin."""
    args = list(sys.argv[1:] if argv is None else argv)
    channel = socket.socket(fileno=int(args[0]))
    setup = pickle.loads(sys.stdin.buffer.read())
    logging.basicConfig(format="%(message)s")
    asyncio.run(_serve(channel, setup))


if __name__ == "__main__":
    main()
