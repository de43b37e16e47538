"""Execution environment life cycle: idle reaping, hot reload, memory limit, runtime checks, log level."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from pathlib import Path

import pytest

from serverlite.runtime.compatibility import UnsupportedRuntime, runtime_warning
from serverlite.runtime.context import RuntimeSettings
from serverlite.runtime.lambda_service import LambdaService

from ..conftest import make_function


def _service(functions, data_dir, lines, **settings):
    return LambdaService(
        {f.logical_id: f for f in functions},
        RuntimeSettings(data_dir=data_dir, **settings),
        output=lambda fn, stream, line: lines.append(line),
    )


def test_idle_environments_are_reaped(data_dir):
    fn = make_function("handlers.echo", name="Echo")
    lines: list[str] = []

    async def scenario():
        service = _service([fn], data_dir, lines, idle_timeout=0.3, hot_reload=False)
        service.start()
        try:
            await service.invoke("Echo", b"{}")
            warm_before = service.pool("Echo").warm
            await asyncio.sleep(1.2)
            warm_after = service.pool("Echo").warm
            result = await service.invoke("Echo", b"{}")
            return warm_before, warm_after, result
        finally:
            await service.close()

    before, after, result = asyncio.run(scenario())
    assert (before, after) == (1, 0)
    assert result.function_error is None
    assert sum("Init Duration" in line for line in lines) == 2  # the second invocation was a cold start


def _versioned_function(tmp_path: Path, version: str):
    code = tmp_path / "code"
    code.mkdir(exist_ok=True)
    (code / "app.py").write_text(f"def handler(event, context):\n    return {{'version': {version!r}}}\n")
    return dataclasses.replace(make_function("app.handler", name="Versioned"), code_dir=code)


def test_code_change_replaces_idle_and_busy_workers(data_dir, tmp_path):
    fn = _versioned_function(tmp_path, "v1")
    lines: list[str] = []

    async def scenario():
        service = _service([fn], data_dir, lines, hot_reload=False)
        try:
            first = await service.invoke("Versioned", b"{}")
            _versioned_function(tmp_path, "v2")
            recycled = service.code_changed([str(fn.code_dir / "app.py")])
            second = await service.invoke("Versioned", b"{}")
            unrelated = service.code_changed(["/somewhere/else.py"])
            return first, recycled, second, unrelated
        finally:
            await service.close()

    first, recycled, second, unrelated = asyncio.run(scenario())
    assert json.loads(first.payload) == {"version": "v1"}
    assert recycled == ["Versioned"] and unrelated == []
    assert json.loads(second.payload) == {"version": "v2"}


def test_file_watcher_reloads_on_save(data_dir, tmp_path):
    fn = _versioned_function(tmp_path, "v1")
    lines: list[str] = []

    async def scenario():
        service = _service([fn], data_dir, lines, hot_reload=True)
        service.start()
        try:
            assert json.loads((await service.invoke("Versioned", b"{}")).payload) == {"version": "v1"}
            await asyncio.sleep(0.3)  # the watcher is running
            _versioned_function(tmp_path, "v2")
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                payload = json.loads((await service.invoke("Versioned", b"{}")).payload)
                if payload == {"version": "v2"}:
                    break
                await asyncio.sleep(0.05)
            # Once a new version was seen, no invocation runs the old code again.
            return [json.loads((await service.invoke("Versioned", b"{}")).payload) for _ in range(3)]
        finally:
            await service.close()

    assert asyncio.run(scenario()) == [{"version": "v2"}] * 3


def test_memory_size_is_enforced(data_dir):
    fn = make_function("handlers.hog", name="Hog", memory_size=128, timeout=10)
    lines: list[str] = []

    async def scenario():
        service = _service([fn], data_dir, lines, hot_reload=False)
        try:
            return await service.invoke("Hog", b'{"mb": 200}'), await service.invoke("Hog", b'{"mb": 1}')
        finally:
            await service.close()

    killed, fine = asyncio.run(scenario())
    assert killed.error_type == "Runtime.OutOfMemory"
    assert json.loads(killed.payload) == {
        "errorType": "Runtime.OutOfMemory",
        "errorMessage": f"RequestId: {killed.request_id} Error: Runtime exited with error: signal: killed",
    }
    report = next(line for line in lines if line.startswith(f"REPORT RequestId: {killed.request_id}"))
    assert "Memory Size: 128 MB\tMax Memory Used: " in report
    assert int(report.split("Max Memory Used: ")[1].split(" ")[0]) >= 128
    assert fine.function_error is None


def test_application_log_level_filters_logging(data_dir):
    fn = make_function("handlers.log_levels", name="Levels", application_log_level="WARN", log_format="JSON")
    lines: list[str] = []

    async def scenario():
        service = _service([fn], data_dir, lines, hot_reload=False)
        try:
            return await service.invoke("Levels", b"{}")
        finally:
            await service.close()

    assert asyncio.run(scenario()).function_error is None
    text = "\n".join(lines)
    assert "warning line" in text and "info line" not in text and "debug line" not in text
    record = json.loads(next(line for line in lines if "warning line" in line))
    # awslambdaric (the runtime Lambda itself runs) writes Python's level name.
    assert record["level"] == "WARNING" and record["message"] == "warning line"


def test_runtime_checks():
    assert runtime_warning(make_function("a.b"), version=(3, 12)) is None
    warning = runtime_warning(make_function("a.b", name="Fn"), version=(3, 11))
    assert warning is not None and warning.startswith(
        "Warning: function Fn declares Runtime python3.12 but runs on Python 3.11"
    )
    node = dataclasses.replace(make_function("a.b", name="Node"), runtime="nodejs20.x")
    with pytest.raises(UnsupportedRuntime) as raised:
        runtime_warning(node)
    assert (
        str(raised.value)
        == "function 'Node': Runtime nodejs20.x is not supported (serverlite runs Python functions only)"
    )


def test_runtime_warnings_are_grouped_by_runtime():
    from serverlite.runtime.compatibility import runtime_warnings

    functions = [make_function("a.b", name=name) for name in ("B", "A")] + [make_function("a.b", name="C")]
    (warning,) = runtime_warnings(functions, version=(3, 11))
    assert warning.startswith(
        "Warning: functions A, B, C declare Runtime python3.12 but run on Python 3.11 ("
    )
    assert runtime_warnings(functions, version=(3, 12)) == []


def test_reserved_concurrency_limits_environments(data_dir):
    """ReservedConcurrentExecutions caps the environments of a function; extra requests wait their turn."""
    fn = make_function("handlers.nap", name="Capped", reserved_concurrency=2)
    lines: list[str] = []

    async def scenario():
        service = _service([fn], data_dir, lines, hot_reload=False)
        try:
            started = time.monotonic()
            results = await asyncio.gather(*(service.invoke("Capped", b"{}") for _ in range(4)))
            return results, time.monotonic() - started, service.pool("Capped").warm
        finally:
            await service.close()

    results, elapsed, warm = asyncio.run(scenario())
    assert [r.function_error for r in results] == [None] * 4
    assert len({json.loads(r.payload)["body"] for r in results}) == 2  # two worker processes served all four
    assert warm == 2 and elapsed >= 1.0  # two rounds of 0.5 s


def test_global_max_concurrency_applies_too(data_dir):
    fn = make_function("handlers.nap", name="Global")
    lines: list[str] = []

    async def scenario():
        service = _service([fn], data_dir, lines, hot_reload=False, max_concurrency=1)
        try:
            results = await asyncio.gather(*(service.invoke("Global", b"{}") for _ in range(2)))
            return results, service.pool("Global").warm
        finally:
            await service.close()

    results, warm = asyncio.run(scenario())
    assert warm == 1 and len({json.loads(r.payload)["body"] for r in results}) == 1


def test_an_environment_is_replaced_after_max_invocations(data_dir):
    """Long-lived busy workers are recycled (bounded memory), as Lambda recycles environments."""
    fn = make_function("handlers.echo", name="Echo")
    lines: list[str] = []

    async def scenario():
        service = _service([fn], data_dir, lines, hot_reload=False, max_invocations=3)
        try:
            results = [await service.invoke("Echo", b"{}") for _ in range(7)]
            return results, service.pool("Echo").warm
        finally:
            await service.close()

    results, warm = asyncio.run(scenario())
    assert [result.function_error for result in results] == [None] * 7
    # Invocations 1, 4 and 7 were cold starts: three environments, each retired after its third.
    assert [result.init_duration_ms is not None for result in results] == [True, False, False] * 2 + [True]
    assert sum("Init Duration" in line for line in lines) == 3
    assert warm == 1
