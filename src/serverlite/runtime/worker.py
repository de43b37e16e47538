"""One execution environment: an `awslambdaric` worker process and its Runtime API.

Life cycle (as on Lambda): INIT (spawn, import the handler; ends at the first `next`), then INVOKE
repeatedly, one invocation at a time. A timeout or a crash ends the environment; the pool replaces it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import shutil
import signal
import sys
import time
import typing as t
import uuid

from serverlite.children import die_with_parent
from serverlite.runtime.context import RuntimeSettings, new_log_stream_name
from serverlite.runtime.errors import (
    RESPONSE_LIMIT,
    RUNTIME_API_TOO_LARGE,
    exit_error,
    out_of_memory_error,
    response_too_large_error,
    timeout_error,
)
from serverlite.runtime.invoker import InvocationResult
from serverlite.runtime.launch import WorkerImage, worker_process
from serverlite.runtime.output import OutputPipe
from serverlite.runtime.pipe_api import PipeRuntimeApi
from serverlite.runtime.platform_log import ERROR, SUCCESS, TIMEOUT, PlatformLog
from serverlite.runtime.runtime_api import Delivery, ResponseTooLarge, RuntimeApiServer
from serverlite.template.model import Function

__all__ = ["ExecutionEnvironment", "OutputSink"]

OutputSink = t.Callable[[Function, str, str], None]
"""Receives (function, log stream name, one line of output)."""

# Fast invocations never pay for the memory watchdog: it first looks after 50 ms, then every 50 ms.
_MEMORY_CHECK_DELAY = 0.05
_MEMORY_CHECK_INTERVAL = 0.05


class ExecutionEnvironment:
    """A warm worker for one function, reused across invocations."""

    def __init__(
        self,
        function: Function,
        settings: RuntimeSettings,
        output: OutputSink,
        image: WorkerImage | None = None,
    ) -> None:
        self.function = function
        self._settings = settings
        self._image = image or WorkerImage(python=settings.python)
        self._output = output
        self.log_stream = new_log_stream_name()
        self._platform = PlatformLog(function, self.log_stream, self._emit)
        self._api: RuntimeApiServer | PipeRuntimeApi = (
            PipeRuntimeApi(self) if settings.runtime_transport == "pipe" else RuntimeApiServer(self)
        )
        self._process: asyncio.subprocess.Process | None = None
        self._tmp_dir = settings.data_dir / "tmp" / uuid.uuid4().hex
        # The hand-off of an event to the runtime: the one waiting, or the runtime's wish for the next one.
        self._pending: Delivery | None = None
        self._taker: t.Callable[[Delivery], None] | None = None
        self._current: Delivery | None = None
        self._request_id: str | None = None  # of the invocation in progress
        self._result: asyncio.Future[tuple[bytes, str | None]] | None = None
        self._init_error: tuple[bytes, str | None] | None = None
        self._started_at = 0.0
        self._init_duration_ms: float | None = None
        self._init_timed_out = False
        self._exited: str | None = None  # the error type of a runtime that died during an invocation
        self._initialized = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._output_pipe: OutputPipe | None = None
        self._polling: asyncio.Task[t.Any] | None = None
        self._peak_mb = 0
        self._statm: int | None = None
        self._log: list[str] | None = None
        self._out_of_memory = False
        self._watchdog: asyncio.TimerHandle | None = None
        self.last_used = time.monotonic()
        self.stale = False  # the code changed: retire after the current invocation
        self.alive = False

    async def start(self) -> None:
        """Open the Runtime API and spawn the worker; returns before the handler is imported."""
        await self._api.start()
        self._tmp_dir.mkdir(parents=True, exist_ok=True)
        spec = worker_process(
            self.function,
            self._settings,
            self._image,
            runtime_api=self._api.address,
            log_stream=self.log_stream,
            tmp_dir=self._tmp_dir,
            runtime_fd=self._api.child_fd if isinstance(self._api, PipeRuntimeApi) else None,
        )
        self._started_at = time.monotonic()
        self._platform.init_start(*_runtime_version(self.function.runtime, self._settings.region))
        self._output_pipe = OutputPipe(self._emit)
        try:
            self._process = await asyncio.create_subprocess_exec(
                *spec.argv,
                cwd=str(spec.cwd),
                env=dict(spec.env),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=self._output_pipe.write_fd,
                stderr=asyncio.subprocess.STDOUT,
                preexec_fn=die_with_parent,
                pass_fds=spec.pass_fds,
            )
        finally:
            await self._output_pipe.start()
            if isinstance(self._api, PipeRuntimeApi):
                self._api.spawned()
        self.alive = True
        self._tasks = [asyncio.create_task(self._watch_exit())]

    async def invoke(
        self,
        event: bytes,
        *,
        trace_id: str,
        client_context: str | None = None,
        cognito_identity: str | None = None,
    ) -> InvocationResult:
        """Run one invocation to completion, timeout or crash; `client_context` and `cognito_identity`
        are the JSON the runtime passes on as `context.client_context` and `context.identity`."""
        request_id = self._request_id = str(uuid.uuid4())
        loop = asyncio.get_running_loop()
        self._result = loop.create_future()
        cold = not self._initialized.is_set()
        # The event goes out only once INIT is over and START is written, so that what INIT printed comes
        # before START and what the handler prints comes after it, in the invocation's log.
        if cold:
            if not await self._wait_initialized():
                await self._drain_output()
                return self._init_failed(request_id)
            await self._drain_output()
        started = time.monotonic()
        self._log = []
        self._platform.start(request_id)
        deadline = time.time() + self.function.timeout
        delivery = Delivery(
            request_id=request_id,
            event=event,
            deadline_ms=int(deadline * 1000),
            function_arn=self.function.arn,
            trace_id=trace_id,
            client_context=client_context,
            cognito_identity=cognito_identity,
        )
        self._hand_over(delivery)
        self._watchdog = loop.call_later(_MEMORY_CHECK_DELAY, self._check_memory)
        status = SUCCESS
        try:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for returns the result and loses a
            # cancellation that arrives as the result does, so a caller being stopped (an event source
            # poller at shutdown) would run on (tests/unit/runtime/test_cancellation.py).
            async with asyncio.timeout(self.function.timeout):
                payload, error_type = await asyncio.shield(self._result)
        except TimeoutError:
            elapsed = time.monotonic() - started
            self._platform.timed_out(request_id, elapsed)
            await self.kill()
            payload, error_type, status = timeout_error(request_id, elapsed), "Sandbox.Timedout", TIMEOUT
        else:
            if self._exited is not None:  # the runtime died: a platform error, not the handler's
                status = ERROR
        await self._drain_output()  # the lines printed before the result come before its REPORT
        return self._finish(request_id, payload, error_type, started=started, cold=cold, status=status)

    def _init_failed(self, request_id: str) -> InvocationResult:
        """INIT failed or timed out: the invocation fails with the init error (Lambda's suppressed init)."""
        payload, error_type = self._init_failure(request_id)
        started = time.monotonic()
        if self._platform.json:
            init_ms = (started - self._started_at) * 1000
            if self._init_timed_out:
                self._platform.init_done(init_ms, TIMEOUT)
            else:
                self._platform.init_done(init_ms, ERROR, error_type)
            self._platform.start(request_id)
        return self._finish(request_id, payload, error_type, started=started, status=ERROR)

    async def initialized(self, timeout: float) -> bool:
        """Wait (at most `timeout` seconds) until INIT is over; False if it is not, or the worker died."""
        waiting = asyncio.ensure_future(self._initialized.wait())
        try:  # the worker's exit watcher ends when it dies; waiting on it does not cancel it
            await asyncio.wait({waiting, *self._tasks}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiting.cancel()
        return self._initialized.is_set() and self.alive

    async def _wait_initialized(self) -> bool:
        assert self._result is not None
        init = asyncio.ensure_future(self._initialized.wait())
        try:
            await asyncio.wait(
                {init, self._result}, timeout=self._settings.init_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            init.cancel()
        if self._initialized.is_set():
            return True
        if not self._result.done():
            self._init_timed_out = True
            await self.kill()
        return False

    def _init_failure(self, request_id: str) -> tuple[bytes, str | None]:
        if self._init_error is not None:
            return self._init_error
        if self._result is not None and self._result.done() and not self._result.cancelled():
            return self._result.result()
        return exit_error(request_id, "init timed out"), "Runtime.ExitError"

    def _finish(
        self,
        request_id: str,
        payload: bytes,
        error_type: str | None,
        *,
        started: float,
        cold: bool = False,
        status: str = SUCCESS,
    ) -> InvocationResult:
        duration_ms = (time.monotonic() - started) * 1000
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        self.last_used = time.monotonic()
        self._current = None
        self._request_id = None
        self._result = None
        message = _error_message(payload) if error_type else None
        init_ms = self._init_duration_ms if cold else None
        self._platform.finish(
            request_id,
            duration_ms=duration_ms,
            max_memory_mb=self._max_memory_mb(),
            init_ms=init_ms,
            status=status,
            error_type=error_type,
            produced_bytes=len(payload),
        )
        log, self._log = tuple(self._log or ()), None
        return InvocationResult(
            request_id=request_id,
            payload=payload,
            function_error="Unhandled" if error_type else None,
            error_type=error_type,
            error_message=message,
            duration_ms=duration_ms,
            init_duration_ms=init_ms,
            log=log,
        )

    def _check_memory(self) -> None:
        """MemorySize is a hard limit on Lambda: past it the sandbox is killed (Runtime.OutOfMemory)."""
        if self._process is None or self._process.returncode is not None:
            return
        if self._resident_mb() > self.function.memory_size:
            self._peak_mb = max(self._max_memory_mb(), self.function.memory_size)
            self._out_of_memory = True
            self._process.kill()
            return
        self._watchdog = asyncio.get_running_loop().call_later(_MEMORY_CHECK_INTERVAL, self._check_memory)

    def _max_memory_mb(self) -> int:
        """The worker's peak resident memory as sampled at each invocation's end and by the watchdog.

        Reading VmHWM from /proc/<pid>/status costs ~0.1 ms (the kernel formats the whole file); statm
        through a kept descriptor costs a few microseconds, and this runs on every invocation.
        """
        if self._process is not None and self._process.returncode is None:
            self._peak_mb = max(self._peak_mb, math.ceil(self._resident_mb()))
        return self._peak_mb

    def _resident_mb(self) -> float:
        if self._statm is None and self._process is not None:
            try:
                self._statm = os.open(f"/proc/{self._process.pid}/statm", os.O_RDONLY)
            except OSError:
                return 0.0
        if self._statm is None:
            return 0.0
        try:
            pages = int(os.pread(self._statm, 128, 0).split()[1])
        except (OSError, ValueError, IndexError):
            return 0.0
        return pages * _PAGE_SIZE / (1024 * 1024)

    # --- the Runtime API session (called by RuntimeApiServer) ---

    def take_next(self, taker: t.Callable[[Delivery], None]) -> None:
        """The runtime asks for its next event: `taker` gets it now if one waits, else when it comes. The
        first call ends INIT."""
        if not self._initialized.is_set():
            self._init_duration_ms = (time.monotonic() - self._started_at) * 1000
            self._initialized.set()
            self._platform.init_done(self._init_duration_ms)
            # A first memory sample while the runtime waits for its first event: one that dies at once,
            # before the watchdog's first look, then still reports what INIT used, not 0 MB.
            self._max_memory_mb()
        if self._pending is not None:
            delivery, self._pending = self._pending, None
            self._current = delivery
            taker(delivery)
        else:
            self._taker = taker

    def _hand_over(self, delivery: Delivery) -> None:
        if self._taker is not None:
            taker, self._taker = self._taker, None
            self._current = delivery
            taker(delivery)
        else:
            self._pending = delivery

    async def next_invocation(self) -> Delivery:
        """The worker's long poll (the HTTP Runtime API's `next`); the first call ends INIT."""
        waiter: asyncio.Future[Delivery] = asyncio.get_running_loop().create_future()
        self._polling = asyncio.current_task()
        try:
            self.take_next(lambda delivery: waiter.done() or waiter.set_result(delivery))
            return await waiter
        finally:
            self._polling = None
            if not waiter.done():
                self._taker = None  # the poll was dropped: the next event waits for the next poll

    def post_response(self, request_id: str, payload: bytes) -> bool:
        """The handler returned (raises ResponseTooLarge past Lambda's limit: the invocation fails)."""
        if len(payload) > RESPONSE_LIMIT:
            self.stale = True  # the runtime exits after a refused response: never reuse this environment
            self._settle(request_id, response_too_large_error(), "Function.ResponseSizeTooLarge")
            raise ResponseTooLarge(RUNTIME_API_TOO_LARGE)
        return self._settle(request_id, payload, None)

    def post_error(self, request_id: str, payload: bytes, error_type: str | None) -> bool:
        """The handler raised."""
        return self._settle(request_id, payload, error_type or _error_type(payload) or "Unhandled")

    def post_init_error(self, payload: bytes, error_type: str | None) -> None:
        """Importing the handler failed; the worker exits next."""
        self._init_error = (payload, error_type or _error_type(payload) or "Runtime.Unknown")

    def _settle(self, request_id: str, payload: bytes, error_type: str | None) -> bool:
        if self._current is None or self._current.request_id != request_id:
            return False
        if self._result is not None and not self._result.done():
            self._result.set_result((payload, error_type))
        return True

    # --- process supervision ---

    async def _watch_exit(self) -> None:
        assert self._process is not None
        code = await self._process.wait()
        self.alive = False
        if self._statm is not None:
            os.close(self._statm)
            self._statm = None
        await self._close_api()
        if self._output_pipe is not None:
            await self._output_pipe.close()
        if self._result is not None and not self._result.done():
            request_id = self._request_id or "unknown"  # the worker may die before it took the event
            failure = self._init_error or (exit_error(request_id, _exit_reason(code)), "Runtime.ExitError")
            if self._out_of_memory:
                failure = (out_of_memory_error(request_id, _exit_reason(code)), "Runtime.OutOfMemory")
            self._exited = failure[1]
            self._result.set_result(failure)
        shutil.rmtree(self._tmp_dir, ignore_errors=True)

    async def _drain_output(self) -> None:
        if self._output_pipe is not None:
            await self._output_pipe.drain()

    def _emit(self, line: str) -> None:
        if self._log is not None:
            self._log.append(line)
        self._output(self.function, self.log_stream, line)

    async def kill(self) -> None:
        """End the worker now (SIGKILL) and wait for it."""
        self.alive = False
        if self._process is not None and self._process.returncode is None:
            self._max_memory_mb()  # read before the process is gone, for the REPORT line
            try:
                self._process.kill()
            except ProcessLookupError:
                pass
            await self._process.wait()
        for task in self._tasks:
            if task is not asyncio.current_task():
                await asyncio.gather(task, return_exceptions=True)
        await self._close_api()

    async def _close_api(self) -> None:
        self._taker = None
        if self._polling is not None:  # the long poll of a worker that is gone
            self._polling.cancel()
        await self._api.close()


_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _runtime_version(runtime: str, region: str) -> tuple[str, str]:
    """The runtime version and its ARN named by INIT_START (reference 7.6): this interpreter's version."""
    version = f"{runtime.replace('python', 'python:')}.serverlite{sys.version_info.micro}"
    digest = hashlib.sha256(f"{version}{sys.version}".encode()).hexdigest()
    return version, f"arn:aws:lambda:{region}::runtime:{digest}"


def _error_type(payload: bytes) -> str | None:
    try:
        value = json.loads(payload)
    except ValueError:
        return None
    return value.get("errorType") if isinstance(value, dict) else None


def _error_message(payload: bytes) -> str | None:
    try:
        value = json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", errors="replace")
    return str(value.get("errorMessage")) if isinstance(value, dict) else None


# Lambda words a runtime's exit as Go's os.ProcessState does: "signal: killed", "exit status 1".
_SIGNAL_WORDS = {
    signal.SIGKILL: "killed",
    signal.SIGTERM: "terminated",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGABRT: "aborted",
    signal.SIGINT: "interrupt",
}


def _exit_reason(code: int) -> str:
    if code < 0:
        number = -code
        return f"signal: {_SIGNAL_WORDS.get(signal.Signals(number), signal.Signals(number).name.lower())}"
    return f"exit status {code}"
