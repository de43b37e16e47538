"""The channel between a gateway process and the process that owns the runtime (gateway/processes.py):
both ends over a real socket pair in one event loop, with a stand-in runtime."""

from __future__ import annotations

import asyncio
import socket
import typing as t

import pytest

from serverlite.gateway.processes import GatewayEnd, GatewaySetup, OwnerEnd, single_process_reason
from serverlite.runtime.invoker import FunctionNotFound, FunctionThrottled, InvocationResult, PayloadTooLarge
from serverlite.template.model import (
    HttpApi,
    HttpStage,
    MethodSetting,
    RestApi,
    Stage,
    Throttle,
    UsagePlan,
)


class Runtime:
    """Answers by function name; `slow` answers after `fast` even when asked first."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bytes, str | None, str | None, bool]] = []

    async def invoke(
        self,
        function: str,
        event: bytes,
        *,
        trace_id: str | None = None,
        client_context: str | None = None,
        throttle: bool = False,
    ) -> InvocationResult:
        self.calls.append((function, event, trace_id, client_context, throttle))
        if function == "missing":
            raise FunctionNotFound("missing")
        if function == "busy":
            raise FunctionThrottled("busy")
        if function == "huge":
            raise PayloadTooLarge(7_000_000)
        if function == "broken":
            raise RuntimeError("a bug")
        if function == "slow":
            await asyncio.sleep(0.2)
        return InvocationResult(
            request_id=f"id-{function}",
            payload=b'{"statusCode": 200, "body": "' + function.encode() + b'"}',
            function_error="Unhandled" if function == "failing" else None,
            error_type="ValueError" if function == "failing" else None,
            error_message="bad" if function == "failing" else None,
            duration_ms=1.5,
            init_duration_ms=120.25 if function == "cold" else None,
            log=("START RequestId: x", "END RequestId: x"),
        )


class Logs:
    def __init__(self) -> None:
        self.appended: list[tuple[str, str, list[tuple[int, str]]]] = []

    def append(self, group: str, stream: str, events: t.Sequence[tuple[int, str]]) -> None:
        self.appended.append((group, stream, list(events)))


async def _pair(runtime: Runtime, logs: Logs) -> tuple[OwnerEnd, GatewayEnd]:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    owner, gateway = OwnerEnd(runtime, logs), GatewayEnd()
    await owner.connect(ours)
    await gateway.connect(theirs)
    return owner, gateway


def test_an_invocation_comes_back_with_every_field() -> None:
    async def main() -> None:
        runtime, logs = Runtime(), Logs()
        owner, gateway = await _pair(runtime, logs)
        for name in ("plain", "failing", "cold"):
            direct = await runtime.invoke(name, b"{}")
            remote = await gateway.invoke(
                name, b'{"k":"\xc3\xa9"}', trace_id="Root=1-a-b", client_context="ctx"
            )
            assert remote == direct
        assert runtime.calls[-1] == ("cold", b'{"k":"\xc3\xa9"}', "Root=1-a-b", "ctx", False)
        await gateway.invoke("plain", b"{}", throttle=True)
        assert runtime.calls[-1][4] is True
        await owner.close()

    asyncio.run(main())


@pytest.mark.parametrize(
    "function, error, check",
    [
        ("missing", FunctionNotFound, lambda e: str(e) == "missing"),
        ("busy", FunctionThrottled, lambda e: str(e) == "busy"),
        ("huge", PayloadTooLarge, lambda e: e.size == 7_000_000),
        ("broken", RuntimeError, lambda e: str(e) == "a bug"),
    ],
)
def test_the_runtimes_refusals_are_raised_in_the_gateway_process(function, error, check) -> None:
    async def main() -> None:
        owner, gateway = await _pair(Runtime(), Logs())
        with pytest.raises(error) as raised:
            await gateway.invoke(function, b"{}")
        assert check(raised.value)
        await owner.close()

    asyncio.run(main())


def test_concurrent_invocations_get_their_own_answers() -> None:
    async def main() -> None:
        owner, gateway = await _pair(Runtime(), Logs())
        slow = asyncio.ensure_future(gateway.invoke("slow", b"{}"))
        await asyncio.sleep(0.05)
        fast = await gateway.invoke("fast", b"{}")
        assert not slow.done() and fast.request_id == "id-fast"
        assert (await slow).request_id == "id-slow"
        await owner.close()

    asyncio.run(main())


def test_log_events_reach_the_owners_log_store() -> None:
    async def main() -> None:
        logs = Logs()
        owner, gateway = await _pair(Runtime(), logs)
        gateway.append("API-Gateway-Execution-Logs_abc/dev", "0f" * 16, [(1700000000000, "line é")])
        await gateway.invoke("plain", b"{}")  # answered after the log frame: it arrived
        assert logs.appended == [
            ("API-Gateway-Execution-Logs_abc/dev", "0f" * 16, [(1700000000000, "line é")])
        ]
        await owner.close()

    asyncio.run(main())


def test_pending_invocations_fail_when_the_owner_is_gone() -> None:
    async def main() -> None:
        owner, gateway = await _pair(Runtime(), Logs())
        slow = asyncio.ensure_future(gateway.invoke("slow", b"{}"))
        await asyncio.sleep(0.05)
        await owner.close()
        with pytest.raises(ConnectionError):
            await slow
        await asyncio.wait_for(gateway.closed.wait(), 5)
        with pytest.raises(ConnectionError):
            await gateway.invoke("plain", b"{}")

    asyncio.run(main())


def _setup(**changes: t.Any) -> GatewaySetup:
    fields: dict[str, t.Any] = {
        "rest_apis": (RestApi("Api", "abc", "Api", (), {"dev": Stage("dev", "d1")}),),
        "http_apis": (HttpApi("Http", "def", "Http", (), {"$default": HttpStage("$default")}),),
        "usage_plans": (),
        "api_keys": (),
        "account_id": "123456789012",
        "region": "us-east-1",
        "host": "127.0.0.1",
        "port": 3000,
    }
    return GatewaySetup(**(fields | changes))


def test_templates_without_counters_can_spread() -> None:
    assert single_process_reason(_setup()) is None


def test_usage_plans_and_throttles_keep_one_process() -> None:
    plan = UsagePlan("Plan", "p1", "Plan")
    assert single_process_reason(_setup(usage_plans=(plan,))) == "usage plans count requests in one process"
    throttled = Stage("dev", "d1", method_settings=(MethodSetting(throttling_rate_limit=5.0),))
    rest = RestApi("Api", "abc", "Api", (), {"dev": throttled})
    assert (
        single_process_reason(_setup(rest_apis=(rest,)))
        == "stage dev of Api throttles requests in one process"
    )
    logged = Stage("dev", "d1", method_settings=(MethodSetting(logging_level="INFO"),))
    assert (
        single_process_reason(_setup(rest_apis=(RestApi("Api", "abc", "Api", (), {"dev": logged}),))) is None
    )
    http_stage = HttpStage("$default", default_throttle=Throttle(10.0, 5))
    http = HttpApi("Http", "def", "Http", (), {"$default": http_stage})
    assert (
        single_process_reason(_setup(http_apis=(http,)))
        == "stage $default of Http throttles requests in one process"
    )
