"""`LoggingConfig: {LogFormat: JSON, SystemLogLevel: ...}` with real awslambdaric workers.

In JSON mode Lambda writes its system (platform) log lines as JSON objects {"time", "type", "record"}
instead of INIT_START / START / END / REPORT, and SystemLogLevel (DEBUG, INFO, WARN; INFO by default) filters
them. Sources:
- https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html (JSON format for
  system logs),
- https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html (the record of each event
  type, ReportMetrics, Status success | failure | error | timeout),
- https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html (log-level filtering
  and the system log level event mapping; filtering needs the JSON format).
Durations vary: their types and ranges are checked, every other key and value exactly.
"""

from __future__ import annotations

import asyncio
import json
import re

from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.lambda_service import LambdaService

from ..conftest import make_function

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
PLATFORM_TEXT = re.compile(r"^(INIT_START|START RequestId|END RequestId|REPORT RequestId)|Task timed out")


def _run(functions, data_dir, scenario):
    lines: list[str] = []

    async def main():
        service = LambdaService(
            {f.logical_id: f for f in functions},
            RuntimeSettings(data_dir=data_dir),
            output=lambda fn, stream, line: lines.append(line),
        )
        try:
            return await scenario(service)
        finally:
            await service.close()

    return asyncio.run(main()), lines


def _events(lines: list[str]) -> list[dict]:
    """The platform events among the lines (application logs are JSON objects too, without "type")."""
    events = []
    for line in lines:
        if line.startswith('{"time":'):
            event = json.loads(line)
            assert list(event) == ["time", "type", "record"] and TIME.fullmatch(event["time"])
            events.append(event)
    return events


def _assert_report(
    record: dict, request_id: str, *, memory: int, cold: bool, status: str = "success"
) -> None:
    assert list(record) == ["requestId", "metrics", "status"] + (["errorType"] if status == "error" else [])
    assert record["requestId"] == request_id and record["status"] == status
    metrics = record["metrics"]
    keys = ["durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB"]
    assert list(metrics) == keys + (["initDurationMs"] if cold else [])
    assert isinstance(metrics["durationMs"], float) and metrics["durationMs"] > 0
    assert round(metrics["durationMs"], 3) == metrics["durationMs"]
    assert (
        isinstance(metrics["billedDurationMs"], int) and metrics["billedDurationMs"] >= metrics["durationMs"]
    )
    assert metrics["billedDurationMs"] - metrics["durationMs"] < 1
    assert metrics["memorySizeMB"] == memory
    # A runtime that died before its memory was sampled reports 0 MB (the Text REPORT line does too).
    assert isinstance(metrics["maxMemoryUsedMB"], int) and 0 <= metrics["maxMemoryUsedMB"] <= memory
    assert metrics["maxMemoryUsedMB"] > 0  # sampled at the first START even when the runtime then dies
    if cold:
        assert isinstance(metrics["initDurationMs"], float) and metrics["initDurationMs"] > 0


def test_json_mode_writes_platform_events_instead_of_the_text_lines(data_dir):
    fn = make_function(
        "handlers.log_levels", name="Levels", memory_size=256, log_format="JSON", application_log_level="INFO"
    )

    async def scenario(service):
        return [await service.invoke("Levels", b"{}") for _ in range(2)]

    (cold, warm), lines = _run([fn], data_dir, scenario)
    assert cold.function_error is None and warm.function_error is None
    assert not any(PLATFORM_TEXT.search(line) for line in lines)
    events = _events(lines)
    assert [e["type"] for e in events] == [
        "platform.initStart",
        "platform.start",
        "platform.report",
        "platform.start",
        "platform.report",
    ]
    init = events[0]["record"]
    assert list(init) == [
        "initializationType",
        "phase",
        "runtimeVersion",
        "runtimeVersionArn",
        "functionName",
        "functionVersion",
        "instanceId",
        "instanceMaxMemory",
    ]
    assert (init["initializationType"], init["phase"]) == ("on-demand", "init")
    assert init["runtimeVersion"].startswith("python:3.12.")
    assert re.fullmatch(r"arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}", init["runtimeVersionArn"])
    assert (init["functionName"], init["functionVersion"]) == ("Levels", "$LATEST")
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/Levels\[\$LATEST\][0-9a-f]{32}", init["instanceId"])
    assert init["instanceMaxMemory"] == 256 * 1024 * 1024
    for result, start, report, is_cold in [
        (cold, events[1], events[2], True),
        (warm, events[3], events[4], False),
    ]:
        assert start["record"] == {
            "requestId": result.request_id,
            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:Levels",
            "version": "$LATEST",
        }
        assert list(start["record"]) == ["requestId", "functionArn", "version"]
        _assert_report(report["record"], result.request_id, memory=256, cold=is_cold)
        # The invocation's log (Invoke's LogType=Tail, `serverlite invoke`, the console) runs from
        # platform.start to platform.report, the application's JSON log lines between them.
        assert json.loads(result.log[0]) == start and json.loads(result.log[-1]) == report
        app = [json.loads(line) for line in result.log[1:-1]]
        assert [(r["level"], r["message"]) for r in app] == [
            ("INFO", "info line"),
            ("WARNING", "warning line"),
        ]
        # awslambdaric formats the application's logging records itself (AWS_LAMBDA_LOG_FORMAT=JSON).
        assert all(list(r) == ["timestamp", "level", "message", "logger", "requestId"] for r in app)
        assert all(r["requestId"] == result.request_id for r in app)
    assert events[2]["record"]["metrics"]["initDurationMs"] == round(cold.init_duration_ms, 3)


def test_debug_level_adds_the_init_and_runtime_done_events(data_dir):
    fn = make_function("handlers.echo", name="Echo", log_format="JSON", system_log_level="DEBUG")

    async def scenario(service):
        return await service.invoke("Echo", b'{"k": "v"}')

    result, lines = _run([fn], data_dir, scenario)
    events = _events(lines)
    assert [e["type"] for e in events] == [
        "platform.initStart",
        "platform.initRuntimeDone",
        "platform.initReport",
        "platform.start",
        "platform.runtimeDone",
        "platform.report",
    ]
    assert events[1]["record"] == {"initializationType": "on-demand", "phase": "init", "status": "success"}
    init_report = events[2]["record"]
    assert list(init_report) == ["initializationType", "phase", "status", "metrics"]
    assert init_report["metrics"] == {"durationMs": round(result.init_duration_ms, 3)}
    done = events[4]["record"]
    assert list(done) == ["requestId", "status", "metrics"]
    assert (done["requestId"], done["status"]) == (result.request_id, "success")
    assert done["metrics"]["producedBytes"] == len(result.payload)
    assert done["metrics"]["durationMs"] == events[5]["record"]["metrics"]["durationMs"]
    _assert_report(events[5]["record"], result.request_id, memory=128, cold=True)


def test_warn_level_writes_only_timeouts_and_errors(data_dir):
    fine = make_function(
        "handlers.sleep", name="Sleeper", timeout=2, log_format="JSON", system_log_level="WARN"
    )
    crash = make_function("handlers.crash", name="Crash", log_format="JSON", system_log_level="WARN")
    failing = make_function("handlers.fail", name="Fail", log_format="JSON", system_log_level="WARN")

    async def scenario(service):
        return (
            await service.invoke("Sleeper", b'{"seconds": 0}'),
            await service.invoke("Fail", b"{}"),
            await service.invoke("Sleeper", b'{"seconds": 5}'),
            await service.invoke("Crash", b'{"crash": true}'),
        )

    (ok, handler_error, timed_out, crashed), lines = _run([fine, crash, failing], data_dir, scenario)
    assert ok.function_error is None and handler_error.error_type == "ValueError"
    assert timed_out.error_type == "Sandbox.Timedout" and crashed.error_type == "Runtime.ExitError"
    assert not any(PLATFORM_TEXT.search(line) for line in lines)  # no "Task timed out" line either
    # A handler's exception is the runtime answering (status success): no platform line at WARN. The
    # runtime's own error log line is an application log.
    assert any('"errorType": "ValueError"' in line for line in lines)
    events = _events(lines)
    assert [(e["type"], e["record"]["requestId"], e["record"]["status"]) for e in events] == [
        ("platform.runtimeDone", timed_out.request_id, "timeout"),
        ("platform.report", timed_out.request_id, "timeout"),
        ("platform.runtimeDone", crashed.request_id, "error"),
        ("platform.report", crashed.request_id, "error"),
    ]
    assert list(events[0]["record"]) == ["requestId", "status", "metrics"]
    assert events[0]["record"]["metrics"]["producedBytes"] == 0
    _assert_report(events[1]["record"], timed_out.request_id, memory=128, cold=False, status="timeout")
    assert events[1]["record"]["metrics"]["durationMs"] >= 2000
    assert events[2]["record"]["errorType"] == events[3]["record"]["errorType"] == "Runtime.ExitError"
    _assert_report(events[3]["record"], crashed.request_id, memory=128, cold=True, status="error")


def test_a_failed_init_is_reported_as_lambda_reports_it(data_dir):
    fn = make_function("broken_import.handler", name="Broken", log_format="JSON")

    async def scenario(service):
        return await service.invoke("Broken", b"{}")

    result, lines = _run([fn], data_dir, scenario)
    assert result.error_type == "Runtime.ImportModuleError"
    events = _events(lines)
    assert [e["type"] for e in events] == [
        "platform.initStart",
        "platform.initRuntimeDone",
        "platform.initReport",
        "platform.start",
        "platform.runtimeDone",
        "platform.report",
    ]
    failure = {"status": "error", "errorType": "Runtime.ImportModuleError"}
    assert events[1]["record"] == {"initializationType": "on-demand", "phase": "init", **failure}
    assert list(events[2]["record"]) == ["initializationType", "phase", "status", "errorType", "metrics"]
    assert events[3]["record"]["requestId"] == result.request_id
    assert {k: events[5]["record"][k] for k in ("status", "errorType")} == failure


def test_text_mode_ignores_the_system_log_level(data_dir):
    fn = make_function("handlers.echo", name="Echo", log_format="Text", system_log_level="WARN")

    async def scenario(service):
        return await service.invoke("Echo", b"{}")

    result, lines = _run([fn], data_dir, scenario)
    assert _events(lines) == []
    assert lines[0].startswith("INIT_START Runtime Version: python:3.12.")
    assert f"START RequestId: {result.request_id} Version: $LATEST" in lines
    assert f"END RequestId: {result.request_id}" in lines
    assert lines[-1].startswith(f"REPORT RequestId: {result.request_id}\tDuration: ")
