"""The local Lambda service: one pool per function, reached through the `Invoker` seam."""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
import typing as t
from collections.abc import Mapping

from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.invoker import FunctionNotFound, InvocationResult
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


class LambdaService:
    """Implements `Invoker` for the functions of one application."""

    def __init__(
        self,
        functions: Mapping[str, Function],
        settings: RuntimeSettings,
        output: OutputSink = terminal_output,
    ) -> None:
        self._settings = settings
        self._output = output
        self._pools: dict[str, FunctionPool] = {}
        for function in functions.values():
            limit = min(function.reserved_concurrency or settings.max_concurrency, settings.max_concurrency)
            pool = FunctionPool(function, self._spawn, limit)
            self._pools[function.name] = pool
            self._pools.setdefault(function.logical_id, pool)

    def _spawn(self, function: Function) -> ExecutionEnvironment:
        return ExecutionEnvironment(function, self._settings, self._output)

    def pool(self, function: str) -> FunctionPool:
        """The pool of a function by name or logical id; raises FunctionNotFound."""
        try:
            return self._pools[function]
        except KeyError:
            raise FunctionNotFound(function) from None

    async def invoke(
        self, function: str, event: bytes, *, trace_id: str | None = None, client_context: str | None = None
    ) -> InvocationResult:
        """Run `function` with `event` (JSON bytes)."""
        pool = self.pool(function)
        return await pool.invoke(event, trace_id=trace_id or new_trace_id(), client_context=client_context)

    async def close(self) -> None:
        """Stop every worker."""
        pools: set[FunctionPool] = set(self._pools.values())
        await asyncio.gather(*(pool.close() for pool in pools), return_exceptions=True)


def new_trace_id(now: float | None = None) -> str:
    """An X-Ray trace header: `Root=1-<8 hex epoch seconds>-<24 hex>;Sampled=0`."""
    seconds = int(now if now is not None else time.time())
    return f"Root=1-{seconds:08x}-{secrets.token_hex(12)};Sampled=0"


if t.TYPE_CHECKING:
    from serverlite.runtime.invoker import Invoker

    _check: Invoker = LambdaService({}, RuntimeSettings())
