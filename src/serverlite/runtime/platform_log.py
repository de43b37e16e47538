"""The platform's (system) log lines of one execution environment, in the function's `LogFormat`.

Text (the default) writes the lines of reference section 7.6: `INIT_START ...`, `START RequestId: ...`,
`END RequestId: ...`, `REPORT RequestId: ...` and `<time> <id> Task timed out after N.NN seconds`.

JSON writes each platform event as one JSON object per line, `{"time", "type", "record"}`, as CloudWatch
receives them (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html,
"JSON format for system logs"), with the records of the Telemetry API event schema
(https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html) in the key order Lambda
writes them today:

    {"time":"2026-10-08T07:30:27.768Z","type":"platform.initStart","record":{"initializationType":"on-demand",
     "phase":"init","runtimeVersion":"...","runtimeVersionArn":"...","functionName":"...",
     "functionVersion":"$LATEST","instanceId":"2026/10/08/<name>[$LATEST]<hex>","instanceMaxMemory":<bytes>}}
    {"time":...,"type":"platform.start","record":{"requestId":"...","functionArn":"...","version":"$LATEST"}}
    {"time":...,"type":"platform.report","record":{"requestId":"...","metrics":{"durationMs":1233.96,
     "billedDurationMs":1234,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},
     "status":"success"}}

There is no JSON counterpart of END. `SystemLogLevel` (DEBUG, INFO or WARN; INFO by default) filters the
JSON events by the levels of the "System log level event mapping"
(https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html): initStart, start
and a successful report are INFO; initRuntimeDone, runtimeDone and an on-demand initReport are DEBUG when
they succeed; every record whose status is not `success` is WARN. Log-level filtering needs the JSON format:
in Text mode `SystemLogLevel` has no effect.

Statuses follow the Lambda runtime interface emulator (aws-lambda-runtime-interface-emulator, rapid): an
invocation whose runtime answered (a response, or a handler error posted to `/invocation/error`) is
`success`; a timeout is `timeout` (no `errorType`); a runtime that died (`Runtime.ExitError`,
`Runtime.OutOfMemory`) is `error` with that `errorType`, as the Text REPORT line's
`Status: error  Error Type: ...` fields on Lambda.
"""

from __future__ import annotations

import json
import math
import time
import typing as t

from serverlite.template.model import Function

__all__ = ["PlatformLog", "iso_now"]

SUCCESS = "success"
TIMEOUT = "timeout"
ERROR = "error"

_DEBUG, _INFO, _WARN = 10, 20, 30
_LEVELS = {"DEBUG": _DEBUG, "INFO": _INFO, "WARN": _WARN}
_VERSION = "$LATEST"
_INIT = {"initializationType": "on-demand", "phase": "init"}


def iso_now() -> str:
    """The current UTC time as Lambda writes it: `2026-10-08T07:30:27.768Z`."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


class PlatformLog:
    """Writes one environment's platform lines through `emit`, as Text lines or JSON events."""

    def __init__(self, function: Function, log_stream: str, emit: t.Callable[[str], None]) -> None:
        self._function = function
        self._log_stream = log_stream
        self._emit = emit
        self.json = function.log_format.strip().upper() == "JSON"
        self._level = _LEVELS.get((function.system_log_level or "INFO").strip().upper(), _INFO)

    # --- INIT ---

    def init_start(self, runtime_version: str, runtime_version_arn: str) -> None:
        if not self.json:
            arn = runtime_version_arn
            self._emit(f"INIT_START Runtime Version: {runtime_version}\tRuntime Version ARN: {arn}")
            return
        self._event(
            _INFO,
            "platform.initStart",
            {
                **_INIT,
                "runtimeVersion": runtime_version,
                "runtimeVersionArn": runtime_version_arn,
                "functionName": self._function.name,
                "functionVersion": _VERSION,
                "instanceId": self._instance_id(),
                "instanceMaxMemory": self._function.memory_size * 1024 * 1024,
            },
        )

    def init_done(self, duration_ms: float, status: str = SUCCESS, error_type: str | None = None) -> None:
        """The end of INIT: the runtime asked for its first event, failed, or ran out of time."""
        if not self.json:
            return  # serverlite's Text log has no INIT_REPORT line
        level = _DEBUG if status == SUCCESS else _WARN
        failure = {"errorType": error_type} if error_type and status != SUCCESS else {}
        self._event(level, "platform.initRuntimeDone", {**_INIT, "status": status, **failure})
        self._event(
            level,
            "platform.initReport",
            {**_INIT, "status": status, **failure, "metrics": {"durationMs": _ms(duration_ms)}},
        )

    # --- INVOKE ---

    def start(self, request_id: str) -> None:
        if not self.json:
            self._emit(f"START RequestId: {request_id} Version: {_VERSION}")
            return
        record = {"requestId": request_id, "functionArn": self._function.arn, "version": _VERSION}
        self._event(_INFO, "platform.start", record)

    def timed_out(self, request_id: str, elapsed: float) -> None:
        if not self.json:  # in JSON the runtimeDone and report records say `"status":"timeout"`
            self._emit(f"{iso_now()} {request_id} Task timed out after {elapsed:.2f} seconds")

    def finish(
        self,
        request_id: str,
        *,
        duration_ms: float,
        max_memory_mb: int,
        init_ms: float | None,
        status: str = SUCCESS,
        error_type: str | None = None,
        produced_bytes: int = 0,
    ) -> None:
        """END and REPORT (Text), or platform.runtimeDone and platform.report (JSON)."""
        if not self.json:
            self._emit(f"END RequestId: {request_id}")
            self._emit(self._report_line(request_id, duration_ms, max_memory_mb, init_ms))
            return
        level = _DEBUG if status == SUCCESS else _WARN
        failure = {"errorType": error_type} if error_type and status == ERROR else {}
        produced = produced_bytes if status == SUCCESS else 0
        done_metrics = {"durationMs": _ms(duration_ms), "producedBytes": produced}
        self._event(
            level,
            "platform.runtimeDone",
            {"requestId": request_id, "status": status, **failure, "metrics": done_metrics},
        )
        metrics: dict[str, t.Any] = {
            "durationMs": _ms(duration_ms),
            "billedDurationMs": math.ceil(duration_ms),
            "memorySizeMB": self._function.memory_size,
            "maxMemoryUsedMB": max_memory_mb,
        }
        if init_ms is not None:
            metrics["initDurationMs"] = _ms(init_ms)
        report_level = _INFO if status == SUCCESS else _WARN
        record = {"requestId": request_id, "metrics": metrics, "status": status, **failure}
        self._event(report_level, "platform.report", record)

    def _report_line(
        self, request_id: str, duration_ms: float, max_memory_mb: int, init_ms: float | None
    ) -> str:
        # Reference apigateway-lambda.md 7.6: TAB-separated fields with a trailing TAB.
        fields = [
            f"REPORT RequestId: {request_id}",
            f"Duration: {duration_ms:.2f} ms",
            f"Billed Duration: {math.ceil(duration_ms)} ms",
            f"Memory Size: {self._function.memory_size} MB",
            f"Max Memory Used: {max_memory_mb} MB",
        ]
        if init_ms is not None:
            fields.append(f"Init Duration: {init_ms:.2f} ms")
        return "\t".join(fields) + "\t"

    # --- writing ---

    def _event(self, level: int, event_type: str, record: dict[str, t.Any]) -> None:
        if level >= self._level:
            line = {"time": iso_now(), "type": event_type, "record": record}
            self._emit(json.dumps(line, separators=(",", ":")))

    def _instance_id(self) -> str:
        """`2026/10/08/<function name>[$LATEST]<hex>`: the log stream name with the function's name in it."""
        day, sep, rest = self._log_stream.rpartition("/")
        return f"{day}{sep}{self._function.name}{rest}"


def _ms(value: float) -> float:
    """Lambda writes durations in milliseconds with up to three decimals (`463.512`)."""
    return round(value, 3)
