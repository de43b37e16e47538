"""The local Lambda service: one pool per function, reached through the `Invoker` seam."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import time
import typing as t
import uuid
from collections.abc import Mapping
from pathlib import Path

from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.invoker import REQUEST_LIMIT, FunctionNotFound, InvocationResult, PayloadTooLarge
from serverlite.runtime.launch import WorkerImage
from serverlite.runtime.pool import FunctionPool
from serverlite.runtime.worker import ExecutionEnvironment, OutputSink
from serverlite.template.model import Function

__all__ = ["LambdaService", "terminal_output"]


def terminal_output(
    function: Function, log_stream: str, line: str, *, stream: t.TextIO | None = None
) -> None:
    """Show a function's output in the terminal, each line prefixed with the function's name."""
    prefix = f"[{function.name}] "
    # awslambdaric joins the lines of one log event (a traceback) with CR; show them as lines.
    text = prefix + line.replace("\r", "\n" + prefix)
    out = stream or sys.stdout
    out.write(text + "\n")
    out.flush()


# A build failure is a local problem, not one of Lambda's error types.
BUILD_FAILED = "Serverlite.BuildFailed"

Rebuild = t.Callable[[Function], tuple[WorkerImage, str | None]]
"""Prepares a function's worker image again (its requirements changed): (image, build failure or None)."""


class LambdaService:
    """Implements `Invoker` for the functions of one application.

    `images` says what each function's workers run (by logical id; default: serverlite's own interpreter);
    `failures` holds the build failure of functions whose dependencies could not be installed: their
    invocations fail with it. `rebuild` is called when a function's `requirements.txt` changes.
    """

    def __init__(
        self,
        functions: Mapping[str, Function],
        settings: RuntimeSettings,
        output: OutputSink = terminal_output,
        *,
        images: Mapping[str, WorkerImage] | None = None,
        failures: Mapping[str, str] | None = None,
        rebuild: Rebuild | None = None,
    ) -> None:
        self._settings = settings
        self._output = output
        self._images = dict(images or {})
        self._failures = dict(failures or {})
        self._rebuild = rebuild
        self._pools: dict[str, FunctionPool] = {}
        for function in functions.values():
            limit = min(function.reserved_concurrency or settings.max_concurrency, settings.max_concurrency)
            reserved = function.reserved_concurrency is not None and limit == function.reserved_concurrency
            pool = FunctionPool(
                function, self._spawn, limit, reserved=reserved, max_invocations=settings.max_invocations
            )
            self._pools[function.name] = pool
            self._pools.setdefault(function.logical_id, pool)

        self._tasks: list[asyncio.Task[None]] = []
        self._stop_watching = asyncio.Event()

    async def prewarm(self, at_once: int | None = None) -> None:
        """Initialise one environment per function in the background, `at_once` at a time (default: the
        number of CPUs), in template order; functions whose build failed are skipped. Returns once the
        first ones are spawned (their INIT goes on in their own processes)."""
        pools = [
            pool
            for pool in dict.fromkeys(self._pools.values())
            if pool.function.logical_id not in self._failures
        ]
        at_once = at_once or max(1, (os.cpu_count() or 1) - 1)
        first = asyncio.get_running_loop().create_future()
        self._tasks.append(asyncio.ensure_future(self._prewarm(pools, at_once, first)))
        await asyncio.wait({first}, timeout=5.0)

    async def _prewarm(self, pools: list[FunctionPool], at_once: int, first: asyncio.Future[None]) -> None:
        slots = asyncio.Semaphore(at_once)
        waiting = min(at_once, len(pools))

        async def one(pool: FunctionPool) -> None:
            nonlocal waiting
            async with slots:
                try:
                    env = await pool.prewarm()
                finally:
                    waiting -= 1
                    if waiting <= 0 and not first.done():
                        first.set_result(None)
                if env is not None:
                    await env.initialized(self._settings.init_timeout)

        if not pools:
            first.set_result(None)
        await asyncio.gather(*(one(pool) for pool in pools), return_exceptions=True)

    def start(self) -> None:
        """Start the background work: reaping idle environments and, if enabled, hot reload."""
        self._tasks.append(asyncio.ensure_future(self._reap_forever()))
        if self._settings.hot_reload:
            self._tasks.append(asyncio.ensure_future(self._watch_code()))

    async def _reap_forever(self) -> None:
        interval = max(0.05, min(self._settings.idle_timeout / 2, 30.0))
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for pool in set(self._pools.values()):
                pool.reap(self._settings.idle_timeout, now)

    async def _watch_code(self) -> None:
        import watchfiles

        folders = {pool.function.code_dir for pool in self._pools.values() if pool.function.code_dir.is_dir()}
        if not folders:
            return
        ignored = self._settings.data_dir.resolve()

        def interesting(change: watchfiles.Change, path: str) -> bool:
            return watchfiles.DefaultFilter()(change, path) and not path.startswith(str(ignored))

        async for changes in watchfiles.awatch(
            *folders, watch_filter=interesting, stop_event=self._stop_watching, debounce=50, step=10
        ):
            paths = [path for _, path in changes]
            await self._rebuild_changed(paths)
            self.code_changed(paths)

    async def _rebuild_changed(self, paths: t.Sequence[str]) -> None:
        """Build again the dependencies of functions whose `requirements.txt` is among `paths`."""
        if self._rebuild is None:
            return
        for pool in set(self._pools.values()):
            requirements = str((pool.function.code_dir / "requirements.txt").resolve())
            if requirements in paths and Path(requirements).is_file():
                function = pool.function
                image, failure = await asyncio.to_thread(self._rebuild, function)
                self._images[function.logical_id] = image
                self._failures.pop(function.logical_id, None)
                if failure is not None:
                    self._failures[function.logical_id] = failure

    def code_changed(self, paths: t.Sequence[str]) -> list[str]:
        """Recycle the pools whose code folder holds one of `paths`; returns their function names."""
        recycled = []
        for pool in set(self._pools.values()):
            folder = str(pool.function.code_dir.resolve())
            if any(path == folder or path.startswith(folder + "/") for path in paths):
                pool.recycle()
                recycled.append(pool.function.name)
        if recycled:
            print(f"Code changed: reloading {', '.join(sorted(recycled))}", flush=True)
        return recycled

    def _spawn(self, function: Function) -> ExecutionEnvironment:
        image = self._images.get(function.logical_id) or WorkerImage(python=self._settings.python)
        return ExecutionEnvironment(function, self._settings, self._output, image)

    def pool(self, function: str) -> FunctionPool:
        """The pool of a function by name or logical id; raises FunctionNotFound."""
        try:
            return self._pools[function]
        except KeyError:
            raise FunctionNotFound(function) from None

    async def invoke(
        self,
        function: str,
        event: bytes,
        *,
        trace_id: str | None = None,
        client_context: str | None = None,
        throttle: bool = False,
    ) -> InvocationResult:
        """Run `function` with `event` (JSON bytes); see `Invoker.invoke` for `throttle`."""
        pool = self.pool(function)
        if len(event) > REQUEST_LIMIT:
            raise PayloadTooLarge(len(event))
        failure = self._failures.get(pool.function.logical_id)
        if failure is not None:
            return _build_failed(failure)
        return await pool.invoke(
            event, trace_id=trace_id or new_trace_id(), client_context=client_context, throttle=throttle
        )

    async def close(self) -> None:
        """Stop the background work and every worker."""
        self._stop_watching.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        pools: set[FunctionPool] = set(self._pools.values())
        await asyncio.gather(*(pool.close() for pool in pools), return_exceptions=True)


def _build_failed(message: str) -> InvocationResult:
    """The function's dependencies could not be installed: every invocation fails with why."""
    payload = {"errorMessage": message, "errorType": BUILD_FAILED, "requestId": "", "stackTrace": []}
    request_id = str(uuid.uuid4())
    payload["requestId"] = request_id
    return InvocationResult(
        request_id=request_id,
        payload=json.dumps(payload).encode(),
        function_error="Unhandled",
        error_type=BUILD_FAILED,
        error_message=message,
    )


def new_trace_id(now: float | None = None) -> str:
    """An X-Ray trace header: `Root=1-<8 hex epoch seconds>-<24 hex>;Sampled=0`."""
    seconds = int(now if now is not None else time.time())
    return f"Root=1-{seconds:08x}-{secrets.token_hex(12)};Sampled=0"


if t.TYPE_CHECKING:
    from serverlite.runtime.invoker import Invoker

    _check: Invoker = LambdaService({}, RuntimeSettings())
