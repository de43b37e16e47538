"""Recent invocations, kept in memory: what the Lambda console's Monitor tab lists, without CloudWatch."""

from __future__ import annotations

import collections
import dataclasses
import time
import typing as t

from serverlite.runtime.invoker import InvocationResult, Invoker

__all__ = ["InvocationRecord", "RecentInvocations", "RecordingInvoker"]


@dataclasses.dataclass(frozen=True)
class InvocationRecord:
    """One finished invocation; `status` is `Succeeded` or `Failed`."""

    function: str
    request_id: str
    started_ms: int
    duration_ms: float
    status: str
    error_type: str | None
    source: str

    def to_json(self) -> dict[str, t.Any]:
        """The shape `/api/invocations` returns."""
        return {
            "function": self.function,
            "requestId": self.request_id,
            "startedMs": self.started_ms,
            "durationMs": round(self.duration_ms, 2),
            "status": self.status,
            "errorType": self.error_type,
            "source": self.source,
        }


class RecentInvocations:
    """The last `limit` invocations of every function, newest first."""

    def __init__(self, limit: int = 200, *, clock: t.Callable[[], float] = time.time) -> None:
        self._records: collections.deque[InvocationRecord] = collections.deque(maxlen=limit)
        self.clock = clock

    def record(self, function: str, result: InvocationResult, started: float, source: str) -> None:
        """Remember one result; `started` is the wall-clock time (s) the invocation began."""
        self._records.appendleft(
            InvocationRecord(
                function=function,
                request_id=result.request_id,
                started_ms=int(started * 1000),
                duration_ms=result.duration_ms,
                status="Failed" if result.failed else "Succeeded",
                error_type=result.error_type,
                source=source,
            )
        )

    def of(self, names: t.Collection[str] | None = None) -> list[InvocationRecord]:
        """Newest first; only those whose function is one of `names` when given."""
        return [r for r in self._records if names is None or r.function in names]

    async def timed(
        self, invoke: t.Callable[[str, bytes], t.Awaitable[InvocationResult]], function: str, event: bytes
    ) -> InvocationResult:
        """Run `invoke(function, event)` and record it as a console Test."""
        started = self.clock()
        result = await invoke(function, event)
        self.record(function, result, started, "console")
        return result

    def wrap(self, invoker: Invoker) -> RecordingInvoker:
        """An Invoker that records every invocation made through it (give it to the Gateway)."""
        return RecordingInvoker(invoker, self)


class RecordingInvoker:
    """Implements `Invoker` by delegating, recording each result in a `RecentInvocations`."""

    def __init__(self, invoker: Invoker, recent: RecentInvocations) -> None:
        self._invoker = invoker
        self._recent = recent

    async def invoke(
        self,
        function: str,
        event: bytes,
        *,
        trace_id: str | None = None,
        client_context: str | None = None,
        throttle: bool = False,
    ) -> InvocationResult:
        """Run `function` with `event` and record the result as an API invocation."""
        started = self._recent.clock()
        result = await self._invoker.invoke(
            function, event, trace_id=trace_id, client_context=client_context, throttle=throttle
        )
        self._recent.record(function, result, started, "api")
        return result
