"""A caller that is cancelled is cancelled, even when the invocation's result arrives at the same moment.

Root cause of a rare hang at shutdown (closing note of 2026-11-26, issue 14): Python 3.11's
`asyncio.wait_for` returns the inner result and drops a cancellation that arrives in the same loop
iteration as the result. An event source poller cancelled by `EventSources.close()` just as a batch's
invocation finished then carried on polling, and `close()` waited for it forever.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.event_sources import StreamPoller
from serverlite.runtime.invoker import InvocationResult
from serverlite.runtime.worker import ExecutionEnvironment
from serverlite.template.model import EventSourceMapping, Function

FUNCTION = Function(
    logical_id="F",
    name="F",
    arn="arn:aws:lambda:us-east-1:123456789012:function:F",
    handler="app.handler",
    runtime="python3.12",
    code_dir=Path("."),
    timeout=3,
)


def test_environment_invoke_cancelled_as_its_result_arrives(tmp_path: Path) -> None:
    async def scenario() -> None:
        env = ExecutionEnvironment(FUNCTION, RuntimeSettings(data_dir=tmp_path), lambda *line: None)
        env._initialized.set()  # a warm environment: no INIT to wait for
        task = asyncio.ensure_future(env.invoke(b"{}", trace_id="Root=1-0-0"))
        while env._result is None or env._watchdog is None:  # the invocation is waiting for its result
            await asyncio.sleep(0)
        env._result.set_result((b"null", None))
        task.cancel()  # in the same iteration as the result
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())


class _Invoker:
    """Stops the poller during the first invocation and then loses the cancellation, as wait_for did."""

    def __init__(self) -> None:
        self.calls = 0
        self.poller: StreamPoller | None = None
        self.closing: asyncio.Future[bool] | None = None

    async def invoke(self, function: str, event: bytes, **options: object) -> InvocationResult:
        self.calls += 1
        if self.calls == 1 and self.poller is not None:
            self.closing = asyncio.ensure_future(self.poller.close(seconds=5))
            try:
                await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                pass  # swallowed: the result is returned as if no cancellation had come
        return InvocationResult(request_id="r", payload=b"null")


class _Streams:
    """GetRecords: one record first, then nothing, forever."""

    def __init__(self) -> None:
        self.served = False

    async def call(self, operation: str, body: dict[str, object]) -> dict[str, object]:
        if operation != "GetRecords":
            raise AssertionError(operation)
        records = [] if self.served else [{"dynamodb": {"SequenceNumber": "1"}, "eventName": "INSERT"}]
        self.served = True
        return {"Records": records, "NextShardIterator": "next"}


def test_poller_close_ends_even_if_a_cancellation_is_lost(tmp_path: Path) -> None:
    """Belt and braces: `close()` also flags the poller, so it ends even if a library swallowed the
    cancellation, and it does not checkpoint records whose delivery was cut short."""

    async def scenario() -> tuple[bool, int]:
        invoker = _Invoker()
        mapping = EventSourceMapping("Map", "m1", "F", "arn:aws:dynamodb:us-east-1:1:table/T/stream/L")
        poller = StreamPoller(mapping, invoker, _Streams(), tmp_path, log=lambda line: None)  # type: ignore[arg-type]
        poller.stream_arn, poller._iterator = mapping.event_source_arn, "first"
        invoker.poller = poller
        poller._task = asyncio.ensure_future(poller._run())
        while invoker.closing is None:
            await asyncio.sleep(0.001)
        return await invoker.closing, invoker.calls

    stopped, calls = asyncio.run(scenario())
    assert (stopped, calls) == (True, 1)
    assert not (tmp_path / "m1.json").exists()
