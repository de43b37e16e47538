"""Execution logs over real HTTP at LoggingLevel ERROR and INFO without data trace (reference 5.3)."""

from __future__ import annotations

import asyncio
import http.client
import threading
import time

from serverlite.gateway.gateway import Gateway
from serverlite.gateway.server import GatewayServer
from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.lambda_service import LambdaService
from serverlite.template.model import Integration, Method, MethodSetting, Resource, RestApi, Stage

from ..conftest import make_function


class _Sink:
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def append(self, group, stream, events):  # noqa: ANN001 - the LogSink protocol
        self.events += [(group, message) for _, message in events]


def _api(level: str, data_trace: bool) -> RestApi:
    def method(name: str, function: str) -> Method:
        return Method(name, Integration(type="AWS_PROXY", function=function))

    return RestApi(
        logical_id="Api",
        id="lvl0000api",
        name="Levels",
        resources=(
            Resource(id="echo01", path="/echo", methods={"GET": method("GET", "Echo")}),
            Resource(id="fail01", path="/fail", methods={"GET": method("GET", "Fail")}),
        ),
        stages={
            "dev": Stage(
                name="dev",
                deployment_id="d1",
                method_settings=(MethodSetting(logging_level=level, data_trace_enabled=data_trace),),
            )
        },
    )


def _run(api: RestApi, data_dir, paths: list[str]) -> list[tuple[str, str]]:
    sink = _Sink()
    functions = [make_function("handlers.echo", name="Echo"), make_function("handlers.fail", name="Fail")]
    done = threading.Event()
    box: dict[str, int] = {}
    stop = asyncio.Event()

    async def main() -> None:
        service = LambdaService(
            {f.logical_id: f for f in functions},
            RuntimeSettings(data_dir=data_dir),
            output=lambda *args: None,
        )
        server = GatewayServer(Gateway([api], service, account_id="123456789012", logs=sink), "127.0.0.1", 0)
        await server.start()
        box["port"] = server.port
        done.set()
        await stop.wait()
        await server.close()
        await service.close()

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert done.wait(30)
    for path in paths:
        conn = http.client.HTTPConnection("127.0.0.1", box["port"], timeout=30)
        conn.request("GET", path)
        conn.getresponse().read()
        conn.close()
    time.sleep(0.2)  # logs are written just after each response
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)
    return sink.events


def test_error_level_logs_only_failures(data_dir):
    events = _run(_api("ERROR", True), data_dir, ["/dev/echo", "/dev/fail"])
    messages = [message.split(") ", 1)[1] for _, message in events]
    assert {group for group, _ in events} == {"API-Gateway-Execution-Logs_lvl0000api/dev"}
    assert messages[0].startswith(
        "Lambda execution failed with status 200 due to customer function error: boom"
    )
    assert messages[1:] == ["Method completed with status: 502"]


def test_info_without_data_trace_leaves_out_request_and_response_data(data_dir):
    events = _run(_api("INFO", False), data_dir, ["/dev/echo"])
    messages = [message.split(") ", 1)[1] for _, message in events]
    assert "Successfully completed execution" in messages and "Method completed with status: 200" in messages
    assert not [
        m
        for m in messages
        if m.startswith(
            (
                "Method request headers",
                "Endpoint request body",
                "Endpoint response body",
                "Method response body",
            )
        )
    ]
