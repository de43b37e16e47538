"""The platform (system) log lines in Text and JSON `LogFormat`, byte for byte, and `SystemLogLevel`.

What CloudWatch receives in JSON mode, per AWS:
- https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html ("JSON format for
  system logs"): each system log event is one JSON object with the keys "time", "type" and "record";
- https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html: the records of
  platform.initStart, platform.initRuntimeDone, platform.initReport, platform.start, platform.runtimeDone and
  platform.report, ReportMetrics {durationMs, billedDurationMs, memorySizeMB, maxMemoryUsedMB,
  initDurationMs?}, Status success | failure | error | timeout;
- https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html ("Log-level
  filtering", "System log level event mapping"): start and a successful report are INFO, a successful
  runtimeDone / initRuntimeDone / on-demand initReport DEBUG, any non-success status WARN; filtering needs
  the JSON log format.
Key order as in CloudWatch log events Lambda wrote in 2026, e.g. platform.start
{"requestId","functionArn","version"} and platform.report {"requestId","metrics","status"}.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from serverlite.runtime import platform_log
from serverlite.runtime.platform_log import PlatformLog
from serverlite.template.model import Function

_REAL_ISO_NOW = platform_log.iso_now
TIME = "2026-10-08T07:30:27.768Z"
STREAM = "2026/10/08/[$LATEST]22be53a8cfde4e68b844f8ec293b2543"
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:Notifier"
RID = "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36"
RUNTIME = ("python:3.12.serverlite4", "arn:aws:lambda:eu-west-1::runtime:abc")


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform_log, "iso_now", lambda: TIME)


def _function(**changes: object) -> Function:
    base = Function(
        logical_id="Notifier",
        name="Notifier",
        arn=ARN,
        handler="app.handler",
        runtime="python3.12",
        code_dir=Path("/code"),
        memory_size=256,
        log_format="JSON",
    )
    return dataclasses.replace(base, **changes)


def _lines(**changes: object) -> tuple[PlatformLog, list[str]]:
    lines: list[str] = []
    return PlatformLog(_function(**changes), STREAM, lines.append), lines


def _cold_invocation(log: PlatformLog) -> None:
    log.init_start(*RUNTIME)
    log.init_done(463.5124)
    log.start(RID)
    log.finish(RID, duration_ms=1233.9604, max_memory_mb=123, init_ms=463.5124, produced_bytes=40)


def test_json_events_at_the_default_level() -> None:
    log, lines = _lines()
    _cold_invocation(log)
    assert lines == [
        '{"time":"2026-10-08T07:30:27.768Z","type":"platform.initStart","record":{'
        '"initializationType":"on-demand","phase":"init","runtimeVersion":"python:3.12.serverlite4",'
        '"runtimeVersionArn":"arn:aws:lambda:eu-west-1::runtime:abc","functionName":"Notifier",'
        '"functionVersion":"$LATEST","instanceId":"2026/10/08/Notifier[$LATEST]22be53a8cfde4e68b844f8ec293b2543",'
        '"instanceMaxMemory":268435456}}',
        '{"time":"2026-10-08T07:30:27.768Z","type":"platform.start","record":{'
        f'"requestId":"{RID}","functionArn":"{ARN}","version":"$LATEST"}}}}',
        '{"time":"2026-10-08T07:30:27.768Z","type":"platform.report","record":{'
        f'"requestId":"{RID}","metrics":{{"durationMs":1233.96,"billedDurationMs":1234,"memorySizeMB":256,'
        '"maxMemoryUsedMB":123,"initDurationMs":463.512},"status":"success"}}',
    ]


def test_debug_adds_the_init_and_runtime_done_events() -> None:
    log, lines = _lines(system_log_level="DEBUG")
    _cold_invocation(log)
    types = [json.loads(line)["type"] for line in lines]
    assert types == [
        "platform.initStart",
        "platform.initRuntimeDone",
        "platform.initReport",
        "platform.start",
        "platform.runtimeDone",
        "platform.report",
    ]
    assert lines[1] == (
        '{"time":"2026-10-08T07:30:27.768Z","type":"platform.initRuntimeDone","record":{'
        '"initializationType":"on-demand","phase":"init","status":"success"}}'
    )
    assert lines[2] == (
        '{"time":"2026-10-08T07:30:27.768Z","type":"platform.initReport","record":{'
        '"initializationType":"on-demand","phase":"init","status":"success","metrics":{"durationMs":463.512}}}'
    )
    assert lines[4] == (
        '{"time":"2026-10-08T07:30:27.768Z","type":"platform.runtimeDone","record":{'
        f'"requestId":"{RID}","status":"success","metrics":{{"durationMs":1233.96,"producedBytes":40}}}}}}'
    )


def test_warn_writes_only_what_did_not_succeed() -> None:
    log, lines = _lines(system_log_level="WARN")
    _cold_invocation(log)
    assert lines == []
    log.start("t")
    log.timed_out("t", 3.0012)
    log.finish("t", duration_ms=3001.2, max_memory_mb=60, init_ms=None, status="timeout")
    log.start("e")
    log.finish(
        "e", duration_ms=5, max_memory_mb=60, init_ms=None, status="error", error_type="Runtime.ExitError"
    )
    assert [json.loads(line)["record"] for line in lines] == [
        {"requestId": "t", "status": "timeout", "metrics": {"durationMs": 3001.2, "producedBytes": 0}},
        {
            "requestId": "t",
            "metrics": {
                "durationMs": 3001.2,
                "billedDurationMs": 3002,
                "memorySizeMB": 256,
                "maxMemoryUsedMB": 60,
            },
            "status": "timeout",
        },
        {
            "requestId": "e",
            "status": "error",
            "errorType": "Runtime.ExitError",
            "metrics": {"durationMs": 5, "producedBytes": 0},
        },
        {
            "requestId": "e",
            "metrics": {"durationMs": 5, "billedDurationMs": 5, "memorySizeMB": 256, "maxMemoryUsedMB": 60},
            "status": "error",
            "errorType": "Runtime.ExitError",
        },
    ]


def test_failed_init_is_a_warning() -> None:
    log, lines = _lines(system_log_level="WARN")
    log.init_start(*RUNTIME)
    log.init_done(12.25, "error", "Runtime.ImportModuleError")
    log.init_done(10000.4871, "timeout")
    assert [json.loads(line)["record"] for line in lines] == [
        {
            "initializationType": "on-demand",
            "phase": "init",
            "status": "error",
            "errorType": "Runtime.ImportModuleError",
        },
        {
            "initializationType": "on-demand",
            "phase": "init",
            "status": "error",
            "errorType": "Runtime.ImportModuleError",
            "metrics": {"durationMs": 12.25},
        },
        {"initializationType": "on-demand", "phase": "init", "status": "timeout"},
        {
            "initializationType": "on-demand",
            "phase": "init",
            "status": "timeout",
            "metrics": {"durationMs": 10000.487},
        },
    ]


@pytest.mark.parametrize("level", [None, "DEBUG", "WARN"])
def test_text_lines_are_unchanged_and_ignore_the_system_log_level(level: str | None) -> None:
    """Log-level filtering needs the JSON format: in Text mode every line is written."""
    log, lines = _lines(log_format="Text", system_log_level=level)
    _cold_invocation(log)
    log.timed_out(RID, 3.0012)
    assert lines == [
        "INIT_START Runtime Version: python:3.12.serverlite4\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:abc",
        f"START RequestId: {RID} Version: $LATEST",
        f"END RequestId: {RID}",
        f"REPORT RequestId: {RID}\tDuration: 1233.96 ms\tBilled Duration: 1234 ms\tMemory Size: 256 MB\t"
        "Max Memory Used: 123 MB\tInit Duration: 463.51 ms\t",
        f"{TIME} {RID} Task timed out after 3.00 seconds",
    ]


def test_the_time_is_utc_with_milliseconds() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", _REAL_ISO_NOW())
