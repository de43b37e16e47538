"""Execution environments of one function: reuse the warm ones, create more up to the concurrency limit."""

from __future__ import annotations

import asyncio
import typing as t

from serverlite.runtime.invoker import FunctionThrottled, InvocationResult
from serverlite.runtime.worker import ExecutionEnvironment
from serverlite.template.model import Function

__all__ = ["FunctionPool"]


class FunctionPool:
    """Runs invocations of one function, each on an environment of its own."""

    def __init__(
        self,
        function: Function,
        spawn: t.Callable[[Function], ExecutionEnvironment],
        limit: int,
        *,
        reserved: bool = False,
        max_invocations: int = 20_000,
    ) -> None:
        self.function = function
        self._spawn = spawn
        self._limit = max(1, limit)
        self._reserved = reserved  # the limit is the function's ReservedConcurrentExecutions
        self._idle: list[ExecutionEnvironment] = []
        self._all: set[ExecutionEnvironment] = set()
        self._waiters: list[asyncio.Future[ExecutionEnvironment | None]] = []
        self._background: set[asyncio.Future[None]] = set()
        self._closed = False
        self._max_invocations = max(1, max_invocations)
        self._invocations: dict[ExecutionEnvironment, int] = {}

    @property
    def warm(self) -> int:
        """How many environments are alive."""
        return sum(1 for env in self._all if env.alive)

    async def invoke(
        self, event: bytes, *, trace_id: str, client_context: str | None = None, throttle: bool = False
    ) -> InvocationResult:
        """Run one invocation on an idle environment, a new one, or the next one to free up.

        With `throttle`, a function at its reserved concurrency refuses instead (FunctionThrottled).
        """
        if throttle and self._reserved and not self._idle and len(self._all) >= self._limit:
            raise FunctionThrottled(self.function.name)
        env = await self._acquire()
        try:
            return await env.invoke(event, trace_id=trace_id, client_context=client_context)
        finally:
            self._release(env)

    async def _acquire(self) -> ExecutionEnvironment:
        while True:
            while self._idle:
                env = self._idle.pop()  # most recently used first: the warmest
                if env.alive:
                    return env
                self._all.discard(env)
                self._invocations.pop(env, None)
            if len(self._all) < self._limit:
                return await self._create()
            waiter: asyncio.Future[ExecutionEnvironment | None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                env = await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            if env is not None:
                return env

    async def _create(self) -> ExecutionEnvironment:
        env = self._spawn(self.function)
        self._all.add(env)
        try:
            await env.start()
        except BaseException:
            self._all.discard(env)
            await env.kill()
            raise
        return env

    async def prewarm(self) -> ExecutionEnvironment | None:
        """Start one environment ahead of any invocation (Lambda's proactive initialisation), if the pool
        has none yet; it waits idle for the first invocation, which then finds INIT done (no Init
        Duration in its REPORT) or, if INIT is still running, waits for it (and reports it)."""
        if self._all or self._closed or self._limit < 1:
            return None
        env = await self._create()
        if self._closed:
            await env.kill()
            return None
        self._idle.append(env)
        return env

    def _release(self, env: ExecutionEnvironment) -> None:
        count = self._invocations[env] = self._invocations.get(env, 0) + 1
        if count >= self._max_invocations:
            env.stale = True  # served long enough: a fresh environment takes over, as Lambda recycles them
        if env.stale and env.alive:
            self._retire(env)
        if not env.alive or self._closed:
            self._all.discard(env)
            self._invocations.pop(env, None)
            env = None  # type: ignore[assignment]  # a slot freed: a waiter may create a new environment
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(env)
                return
        if env is not None:
            self._idle.append(env)

    def _retire(self, env: ExecutionEnvironment) -> None:
        env.alive = False
        self._all.discard(env)
        self._invocations.pop(env, None)
        self._background.add(task := asyncio.ensure_future(env.kill()))
        task.add_done_callback(self._background.discard)

    def recycle(self) -> None:
        """The code changed: idle environments go now, busy ones after their invocation."""
        for env in list(self._all):
            env.stale = True
        for env in self._idle:
            self._retire(env)
        self._idle.clear()

    def reap(self, idle_seconds: float, now: float) -> int:
        """Retire environments idle for longer than `idle_seconds`; returns how many."""
        expired = [env for env in self._idle if now - env.last_used > idle_seconds]
        for env in expired:
            self._idle.remove(env)
            self._retire(env)
        return len(expired)

    async def close(self) -> None:
        """Kill every environment."""
        self._closed = True
        envs = list(self._all)
        self._all.clear()
        self._idle.clear()
        await asyncio.gather(*(env.kill() for env in envs), *self._background, return_exceptions=True)
