"""The runtime hop's two transports give the same results (issue 18).

`pipe` (awslambdaric with serverlite's socket client, the default for Python functions) and `http`
(awslambdaric's own HTTP client against a Runtime API listener, kept for runtimes that need one) must be
indistinguishable to a caller: the same payload bytes, error type and message, and the same log lines,
once request ids, times and durations are taken out. Each scenario runs on both, with real workers.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.errors import RESPONSE_LIMIT
from serverlite.runtime.invoker import REQUEST_LIMIT, InvocationResult, PayloadTooLarge
from serverlite.runtime.lambda_service import LambdaService
from serverlite.runtime.worker import ExecutionEnvironment

from ..conftest import make_function

TRANSPORTS = ("pipe", "http")


@dataclass(frozen=True)
class Call:
    event: bytes = b"{}"
    client_context: str | None = None
    cognito_identity: str | None = None
    trace_id: str = "Root=1-5e1b4151-5ac6c58f3b8f6e1b0d6e3b1a;Parent=53995c3f42cd8ad8;Sampled=0"


def _normal(text: str) -> str:
    """Take out what differs between any two runs: ids, times, durations, memory, pids, stream names; and
    what differs by design between the transports: where each one's files are, the Runtime API address
    (the HTTP listener's port, or for the pipe Lambda's own 127.0.0.1:9001)."""
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "<time>", text)
    text = re.sub(r"\[\d{13}\]", "[<epoch ms>]", text)
    text = re.sub(r"(Duration|Init Duration|Billed Duration): [\d.]+ ms", r"\1: <n> ms", text)
    text = re.sub(r"timed out after [\d.]+ seconds", "timed out after <n> seconds", text)
    text = re.sub(r"Max Memory Used: \d+ MB", "Max Memory Used: <n> MB", text)
    text = re.sub(
        r'"(durationMs|initDurationMs|billedDurationMs|maxMemoryUsedMB)": ?[\d.]+', r'"\1":<n>', text
    )
    text = re.sub(r'(remaining_ms|pid)(\\?"): \d+', r"\1\2: <n>", text)
    text = re.sub(r"\[\$LATEST\][0-9a-f]{32}", "[$LATEST]<stream>", text)
    text = re.sub(r"/(pipe|http)/tmp/[0-9a-f]{32}/", "/<transport>/tmp/<env>/", text)
    return re.sub(r"127\.0\.0\.1:\d+", "<runtime api>", text)


def _view(result: InvocationResult) -> dict[str, object]:
    return {
        "payload": _normal(result.payload.decode("utf-8", "replace")),
        "function_error": result.function_error,
        "error_type": result.error_type,
        "error_message": _normal(result.error_message or ""),
        "log": [_normal(line) for line in result.log],
    }


def _on_both(
    function, calls: list[Call], data_dir: Path
) -> dict[str, tuple[list[dict[str, object]], list[str]]]:
    """Each call on one environment per transport (a new one after one dies); views and all output lines."""
    outcomes = {}
    for transport in TRANSPORTS:
        settings = RuntimeSettings(
            data_dir=data_dir / transport, runtime_transport=transport, hot_reload=False
        )
        lines: list[str] = []

        async def scenario(
            settings: RuntimeSettings = settings, lines: list[str] = lines
        ) -> list[dict[str, object]]:
            views, env = [], None
            try:
                for call in calls:
                    if env is None or not env.alive or env.stale:
                        if env is not None:
                            for _ in range(200):  # a runtime that is exiting says why first: wait for it
                                if not env.alive:
                                    break
                                await asyncio.sleep(0.05)
                            await env.kill()
                        env = ExecutionEnvironment(
                            function, settings, lambda fn, stream, text, lines=lines: lines.append(text)
                        )
                        await env.start()
                    result = await env.invoke(
                        call.event,
                        trace_id=call.trace_id,
                        client_context=call.client_context,
                        cognito_identity=call.cognito_identity,
                    )
                    views.append(_view(result))
            finally:
                if env is not None:
                    await env.kill()
            return views

        views = asyncio.run(scenario())
        outcomes[transport] = (views, [_normal(line) for line in lines])
    return outcomes


def _same(outcomes: dict[str, tuple[list[dict[str, object]], list[str]]]) -> list[dict[str, object]]:
    pipe, http = outcomes["pipe"], outcomes["http"]
    assert pipe[0] == http[0]
    return pipe[0]


def test_success_context_and_environment(tmp_path: Path) -> None:
    views = _same(_on_both(make_function("handlers.echo", name="Echo"), [Call(b'{"k": "v"}')], tmp_path))
    assert views[0]["payload"].startswith(
        '{"statusCode": 200, "headers": {"Content-Type": "application/json"}'
    )
    assert '\\"event\\": {\\"k\\": \\"v\\"}, \\"function_name\\": \\"Echo\\"' in views[0]["payload"]
    assert views[0]["log"][0] == "START RequestId: <id> Version: $LATEST"


def test_handler_error(tmp_path: Path) -> None:
    views = _same(_on_both(make_function("handlers.fail", name="Fail"), [Call()], tmp_path))
    assert (views[0]["function_error"], views[0]["error_type"], views[0]["error_message"]) == (
        "Unhandled",
        "ValueError",
        "boom",
    )
    assert json.loads(views[0]["payload"])["stackTrace"][0].endswith('raise ValueError("boom")\n')


def test_timeout(tmp_path: Path) -> None:
    function = make_function("handlers.sleep", name="Slow", timeout=1)
    views = _same(_on_both(function, [Call(b'{"seconds": 5}'), Call(b'{"seconds": 0}')], tmp_path))
    assert views[0]["error_type"] == "Sandbox.Timedout"
    assert views[0]["error_message"] == "RequestId: <id> Error: Task timed out after <n> seconds"
    assert views[1]["function_error"] is None  # a new environment answers the next call


def test_init_error(tmp_path: Path) -> None:
    views = _same(_on_both(make_function("broken_import.handler", name="Broken"), [Call()], tmp_path))
    assert views[0]["error_type"] == "Runtime.ImportModuleError"
    assert views[0]["error_message"] == (
        "Unable to import module 'broken_import': No module named 'module_that_does_not_exist'"
    )


def test_six_megabyte_event_and_response(tmp_path: Path) -> None:
    """Up to the limits: an event of 6 MB and a response of exactly RESPONSE_LIMIT bytes come through."""
    big_event = json.dumps({"pad": "y" * (REQUEST_LIMIT - 20)}).encode()
    assert len(big_event) <= REQUEST_LIMIT
    calls = [Call(big_event), Call(json.dumps({"bytes": RESPONSE_LIMIT}).encode())]
    views = _same(_on_both(make_function("handlers.sized", name="Sized"), calls, tmp_path))
    assert views[0]["payload"] == str(len(big_event))
    assert len(views[1]["payload"]) == RESPONSE_LIMIT and views[1]["function_error"] is None


def _without_frames(lines: list[str]) -> list[str]:
    """A crashed runtime's traceback, less its frames: they name the entry point, which is `python -m
    awslambdaric` for one transport and serverlite's bootstrap for the other."""
    return sorted(line for line in lines if not line.startswith(("  File ", "    ")))


def test_a_response_over_the_limit_fails_and_ends_the_environment(tmp_path: Path) -> None:
    """The result is the same; the runtime then exits (its crash output races with the REPORT line)."""
    calls = [
        Call(json.dumps({"bytes": RESPONSE_LIMIT + 1}).encode()),
        Call(json.dumps({"bytes": 4}).encode()),
    ]
    outcomes = _on_both(make_function("handlers.sized", name="Sized"), calls, tmp_path)
    (pipe, pipe_lines), (http, http_lines) = outcomes["pipe"], outcomes["http"]
    assert [{**view, "log": None} for view in pipe] == [{**view, "log": None} for view in http]
    assert _without_frames(pipe_lines) == _without_frames(http_lines)
    assert json.loads(pipe[0]["payload"]) == {
        "errorType": "Function.ResponseSizeTooLarge",
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
    }
    assert pipe[0]["function_error"] == "Unhandled"
    assert pipe[1]["payload"] == '"xx"' and pipe[1]["log"][-1].endswith("Init Duration: <n> ms\t")
    refused = (
        "[ERROR] [<epoch ms>] LAMBDA_RUNTIME Failed to post handler success response. Http response code: 413. "
        '{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}'
    )
    for lines in (pipe_lines, http_lines):
        assert refused in lines and "RuntimeError: Failed to post invocation response" in lines


def test_an_event_over_the_limit_is_refused_before_any_worker_runs(tmp_path: Path) -> None:
    for transport in TRANSPORTS:
        settings = RuntimeSettings(data_dir=tmp_path, runtime_transport=transport, hot_reload=False)
        service = LambdaService({"Echo": make_function("handlers.echo", name="Echo")}, settings)

        async def scenario(service: LambdaService = service) -> None:
            try:
                await service.invoke("Echo", b'"' + b"z" * REQUEST_LIMIT + b'"')
            finally:
                await service.close()

        with pytest.raises(
            PayloadTooLarge, match=r"^6291458 byte payload is too large for the RequestResponse "
        ):
            asyncio.run(scenario())


def test_client_context_cognito_identity_and_trace_id(tmp_path: Path) -> None:
    context = json.dumps({"custom": {"tenant": "a"}, "client": {}, "env": {}})
    identity = json.dumps({"cognitoIdentityId": "us-east-1:1234", "cognitoIdentityPoolId": "us-east-1:pool"})
    call = Call(client_context=context, cognito_identity=identity)
    views = _same(_on_both(make_function("handlers.context_view", name="Ctx"), [call], tmp_path))
    assert json.loads(views[0]["payload"]) == {
        "custom": {"tenant": "a"},
        "identity": "us-east-1:1234",
        "trace": call.trace_id,
    }


def test_json_logs(tmp_path: Path) -> None:
    function = replace(make_function("handlers.json_logs", name="Logs"), log_format="JSON")
    views = _same(_on_both(function, [Call()], tmp_path))
    log = views[0]["log"]
    assert log[0].startswith('{"time":"<time>","type":"platform.start","record":{"requestId":"<id>"')
    assert log[1] == (
        '{"timestamp": "<time>", "level": "INFO", "message": "structured info", "logger": "root", '
        '"requestId": "<id>", "k": "v"}'
    )
    assert log[2] == "plain print"
    assert log[-1].startswith('{"time":"<time>","type":"platform.report","record":{"requestId":"<id>"')
